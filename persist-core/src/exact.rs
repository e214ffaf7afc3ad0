//! Numbers meeting the type that asks for them: handed over only where the value
//! survives exactly (`u32` into `u64`, `f32` into `f64`, an `i64` that fits into an
//! `i32`, an integer a float holds exactly), never by a lossy cast. serde's own
//! visitors accept an integer into a float by `as` and would round it; both the
//! schema-guided reader and the `Value` deserializer convert here first.

use serde::de::{self, Visitor};

/// A number read from a payload or a value, before it meets the type that asked
/// for it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Number {
    U(u128),
    I(i128),
    F32(f32),
    F64(f64),
}

/// The numeric type a `Deserialize` asked for.
#[derive(Clone, Copy)]
pub(crate) enum Want {
    U8,
    U16,
    U32,
    U64,
    U128,
    I8,
    I16,
    I32,
    I64,
    I128,
    F32,
    F64,
}

/// Why a number was not handed over.
pub(crate) enum Refused<E> {
    /// The stored value has no exact counterpart in the wanted type.
    Inexact(String),
    /// The visitor refused it.
    Visitor(E),
}

impl<E> From<E> for Refused<E> {
    fn from(e: E) -> Self {
        Refused::Visitor(e)
    }
}

/// An integer of the wanted type, or why the stored number is not one.
fn integer<T: TryFrom<u128> + TryFrom<i128>, E>(
    number: Number,
    name: &str,
) -> Result<T, Refused<E>> {
    let converted = match number {
        Number::U(v) => T::try_from(v).ok(),
        Number::I(v) => T::try_from(v).ok(),
        Number::F32(v) => {
            return Err(Refused::Inexact(format!(
                "the stored f32 {v} would be truncated into a {name}"
            )))
        }
        Number::F64(v) => {
            return Err(Refused::Inexact(format!(
                "the stored f64 {v} would be truncated into a {name}"
            )))
        }
    };
    converted.ok_or_else(|| {
        let shown = match number {
            Number::U(v) => v.to_string(),
            Number::I(v) => v.to_string(),
            _ => String::new(),
        };
        Refused::Inexact(format!("the stored {shown} does not fit in a {name}"))
    })
}

/// An `f64` that holds the stored number exactly.
fn exact_f64<E>(number: Number) -> Result<f64, Refused<E>> {
    let (value, exact) = match number {
        Number::F32(v) => (f64::from(v), true),
        Number::F64(v) => (v, true),
        // A float beyond 2^53 is an integer; comparing back through u128/i128
        // (saturating casts) tells whether it is this one.
        Number::U(v) => (v as f64, (v as f64) as u128 == v && v < 1u128 << 120),
        Number::I(v) => (
            v as f64,
            (v as f64) as i128 == v && v.unsigned_abs() < 1u128 << 120,
        ),
    };
    if exact {
        Ok(value)
    } else {
        Err(Refused::Inexact(format!(
            "the stored integer {} has no exact f64",
            shown(number)
        )))
    }
}

/// An `f32` that holds the stored number exactly (NaN stays NaN).
fn exact_f32<E>(number: Number) -> Result<f32, Refused<E>> {
    let value = match number {
        Number::F32(v) => return Ok(v),
        Number::F64(v) if v.is_nan() => return Ok(v as f32),
        other => exact_f64(other)?,
    };
    let narrowed = value as f32;
    if f64::from(narrowed) == value {
        Ok(narrowed)
    } else {
        Err(Refused::Inexact(format!(
            "the stored {} has no exact f32",
            shown(number)
        )))
    }
}

fn shown(number: Number) -> String {
    match number {
        Number::U(v) => v.to_string(),
        Number::I(v) => v.to_string(),
        Number::F32(v) => format!("f32 {v}"),
        Number::F64(v) => format!("f64 {v}"),
    }
}

impl Want {
    /// Hands `number` to `visitor` as the wanted type, if it is one exactly.
    pub(crate) fn visit<'de, V: Visitor<'de>, E: de::Error>(
        self,
        number: Number,
        visitor: V,
    ) -> Result<V::Value, Refused<E>> {
        Ok(match self {
            Want::U8 => visitor.visit_u8::<E>(integer(number, "u8")?)?,
            Want::U16 => visitor.visit_u16::<E>(integer(number, "u16")?)?,
            Want::U32 => visitor.visit_u32::<E>(integer(number, "u32")?)?,
            Want::U64 => visitor.visit_u64::<E>(integer(number, "u64")?)?,
            Want::U128 => visitor.visit_u128::<E>(integer(number, "u128")?)?,
            Want::I8 => visitor.visit_i8::<E>(integer(number, "i8")?)?,
            Want::I16 => visitor.visit_i16::<E>(integer(number, "i16")?)?,
            Want::I32 => visitor.visit_i32::<E>(integer(number, "i32")?)?,
            Want::I64 => visitor.visit_i64::<E>(integer(number, "i64")?)?,
            Want::I128 => visitor.visit_i128::<E>(integer(number, "i128")?)?,
            Want::F32 => visitor.visit_f32::<E>(exact_f32(number)?)?,
            Want::F64 => visitor.visit_f64::<E>(exact_f64(number)?)?,
        })
    }
}
