//! [`Value`] → any `Deserialize` type.
//!
//! A `Value` is its own serde `Deserializer`. Structs are handed to the type's
//! `Deserialize` as maps keyed by field name, so serde's derive settles how a saved
//! layout meets today's type: `#[serde(default)]` fills missing fields, unknown
//! fields are ignored (unless the type denies them) and field order does not matter.
//! Errors carry the path to the place that failed (`positions[2].qty`).

use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Expected, IntoDeserializer, Unexpected, Visitor,
};
use serde::forward_to_deserialize_any;

use crate::exact::{Number, Refused, Want};

use super::{Fields, Value, ValueError};

/// Deserializes a `T` from `value`.
///
/// Structs are read by field name, so a value saved by an older version of a type
/// reads into today's type when serde's rules allow it: added fields need
/// `#[serde(default)]`, removed fields are ignored, reordered fields are fine, and
/// integers widen. Nothing narrows silently: an integer out of the target's range or
/// an `f64` read as `f32` is an error, which says where in the value it happened.
///
/// # Example
///
/// ```
/// use persist_core::value::{from_value, to_value};
///
/// #[derive(serde::Serialize)]
/// struct PositionV1 { symbol: String, qty: u32 }
///
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct PositionV2 { qty: u64, symbol: String, #[serde(default)] note: String }
///
/// let old = to_value(&PositionV1 { symbol: "AAPL".into(), qty: 10 })?;
/// let new: PositionV2 = from_value(old)?;
/// assert_eq!(new, PositionV2 { qty: 10, symbol: "AAPL".into(), note: String::new() });
///
/// let err = from_value::<Vec<u8>>(to_value(&vec![1u32, 300])?).unwrap_err();
/// assert_eq!(err.path, "[1]");
/// # Ok::<(), persist_core::value::ValueError>(())
/// ```
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ValueError> {
    T::deserialize(value)
}

/// The path step naming a map entry by its key: `{AAPL}`, `{42}`, or `{..}` for a
/// key with no short printable form.
///
/// Shared with the serializer, whose errors name map entries the same way.
pub(super) fn map_step(key: &Value) -> String {
    // Long keys would drown the rest of the path; the start is enough to find it.
    const MAX_CHARS: usize = 32;
    let text = match key {
        Value::String(s) if s.chars().count() > MAX_CHARS => {
            let start: String = s.chars().take(MAX_CHARS).collect();
            format!("{start}…")
        }
        Value::String(s) => s.clone(),
        Value::Char(c) => c.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::U8(n) => n.to_string(),
        Value::U16(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::U128(n) => n.to_string(),
        Value::I8(n) => n.to_string(),
        Value::I16(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::I128(n) => n.to_string(),
        // Keys are often newtypes around a string or an id (`Symbol(String)`).
        Value::Struct {
            fields: Fields::Newtype(inner),
            ..
        } => return map_step(inner),
        _ => return "{..}".to_string(),
    };
    format!("{{{text}}}")
}

/// A deserializer of a borrowed name (a field's or a variant's), without copying it
/// into a `Value::String`.
fn str_deserializer(name: &str) -> StrDeserializer<'_, ValueError> {
    name.into_deserializer()
}

/// A serde "invalid type" error for `value`, in the words of [`Value::kind`] (which
/// names structs and variants, unlike serde's `Unexpected`).
fn invalid_type(value: &Value, expected: &dyn Expected) -> ValueError {
    de::Error::invalid_type(Unexpected::Other(&value.kind()), expected)
}

/// Hands `items` to `visitor` as a sequence, and fails if it leaves some unread (a
/// tuple or an array shorter than the saved one): dropping data silently would hide
/// a layout mismatch.
fn visit_seq<'de, V: Visitor<'de>>(items: Vec<Value>, visitor: V) -> Result<V::Value, ValueError> {
    let len = items.len();
    let mut access = SeqAccess {
        items: items.into_iter(),
        index: 0,
    };
    let out = visitor.visit_seq(&mut access)?;
    if access.items.len() == 0 {
        Ok(out)
    } else {
        Err(ValueError::new(format!(
            "{len} elements, but the type reads only {}",
            access.index
        )))
    }
}

/// Hands a map's `entries` to `visitor`; like [`visit_seq`], unread entries fail.
fn visit_map<'de, V: Visitor<'de>>(
    entries: Vec<(Value, Value)>,
    visitor: V,
) -> Result<V::Value, ValueError> {
    let len = entries.len();
    let mut access = MapAccess {
        entries: entries.into_iter(),
        pending: None,
        read: 0,
    };
    let out = visitor.visit_map(&mut access)?;
    if access.entries.len() == 0 {
        Ok(out)
    } else {
        Err(ValueError::new(format!(
            "{len} entries, but the type reads only {}",
            access.read
        )))
    }
}

/// Hands named `fields` to `visitor` as a map keyed by field name: serde's derived
/// structs then apply `#[serde(default)]`, skip unknown fields and accept any order.
fn visit_fields<'de, V: Visitor<'de>>(
    fields: Vec<(String, Value)>,
    visitor: V,
) -> Result<V::Value, ValueError> {
    let len = fields.len();
    let mut access = FieldsAccess {
        fields: fields.into_iter(),
        pending: None,
        read: 0,
    };
    let out = visitor.visit_map(&mut access)?;
    if access.fields.len() == 0 {
        Ok(out)
    } else {
        Err(ValueError::new(format!(
            "{len} fields, but the type reads only {}",
            access.read
        )))
    }
}

macro_rules! numbers {
    ($($method:ident => $want:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
            self.number(Want::$want, visitor)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self {
            Value::Bool(v) => visitor.visit_bool(v),
            Value::U8(v) => visitor.visit_u8(v),
            Value::U16(v) => visitor.visit_u16(v),
            Value::U32(v) => visitor.visit_u32(v),
            Value::U64(v) => visitor.visit_u64(v),
            Value::U128(v) => visitor.visit_u128(v),
            Value::I8(v) => visitor.visit_i8(v),
            Value::I16(v) => visitor.visit_i16(v),
            Value::I32(v) => visitor.visit_i32(v),
            Value::I64(v) => visitor.visit_i64(v),
            Value::I128(v) => visitor.visit_i128(v),
            Value::F32(v) => visitor.visit_f32(v),
            Value::F64(v) => visitor.visit_f64(v),
            Value::Char(v) => visitor.visit_char(v),
            Value::String(v) => visitor.visit_string(v),
            Value::Bytes(v) => visitor.visit_byte_buf(v),
            Value::Unit => visitor.visit_unit(),
            Value::Option(None) => visitor.visit_none(),
            Value::Option(Some(v)) => visitor.visit_some(*v),
            Value::Seq(items) | Value::Tuple(items) => visit_seq(items, visitor),
            Value::Map(entries) => visit_map(entries, visitor),
            Value::Struct { fields, .. } => match fields {
                Fields::Unit => visitor.visit_unit(),
                Fields::Newtype(inner) => visitor.visit_newtype_struct(*inner),
                Fields::Tuple(items) => visit_seq(items, visitor),
                Fields::Named(fields) => visit_fields(fields, visitor),
            },
            Value::Variant {
                name,
                variant,
                fields,
                ..
            } => visitor.visit_enum(EnumAccess {
                label: format!("{name}::{variant}"),
                variant,
                fields,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self {
            Value::Option(None) => visitor.visit_none(),
            Value::Option(Some(v)) => visitor.visit_some(*v),
            // Values are typed: a plain value where an option is expected means the
            // layouts differ, which a migration should settle rather than a guess.
            other => Err(ValueError::new(format!(
                "expected an option, found {}",
                other.kind()
            ))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self {
            Value::Struct {
                fields: Fields::Newtype(inner),
                ..
            } => visitor.visit_newtype_struct(*inner),
            // A value saved as the inner type still reads into a newtype around it.
            other => visitor.visit_newtype_struct(other),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self {
            Value::Variant {
                name,
                variant,
                fields,
                ..
            } => visitor.visit_enum(EnumAccess {
                label: format!("{name}::{variant}"),
                variant,
                fields,
            }),
            // A unit variant by name, as a migration may write it.
            Value::String(variant) => visitor.visit_enum(EnumAccess {
                label: variant.clone(),
                variant,
                fields: Fields::Unit,
            }),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self {
            Value::Unit
            | Value::Struct {
                fields: Fields::Unit,
                ..
            } => visitor.visit_unit(),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    numbers! {
        deserialize_u8 => U8, deserialize_u16 => U16, deserialize_u32 => U32,
        deserialize_u64 => U64, deserialize_u128 => U128,
        deserialize_i8 => I8, deserialize_i16 => I16, deserialize_i32 => I32,
        deserialize_i64 => I64, deserialize_i128 => I128,
        deserialize_f32 => F32, deserialize_f64 => F64,
    }

    /// A struct by its field names: a value without them (a tuple struct, a
    /// tuple, a sequence) is refused rather than read by position, which would pair
    /// values with fields that never held them.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self {
            Value::Seq(_)
            | Value::Tuple(_)
            | Value::Struct {
                fields: Fields::Tuple(_),
                ..
            } => Err(ValueError::new(format!(
                "{} has no field names, and is not read into struct `{name}` by position",
                self.kind()
            ))),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        // Nothing to look at: skip walking the ignored value.
        drop(self);
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        // Values come from postcard, a binary format: types such as `IpAddr` must be
        // read in the compact form they were written in.
        false
    }

    forward_to_deserialize_any! {
        bool char str string bytes byte_buf unit seq tuple tuple_struct map identifier
    }
}

/// The number a value holds, if it is one.
fn number_of(value: &Value) -> Option<Number> {
    Some(match *value {
        Value::U8(v) => Number::U(v.into()),
        Value::U16(v) => Number::U(v.into()),
        Value::U32(v) => Number::U(v.into()),
        Value::U64(v) => Number::U(v.into()),
        Value::U128(v) => Number::U(v),
        Value::I8(v) => Number::I(v.into()),
        Value::I16(v) => Number::I(v.into()),
        Value::I32(v) => Number::I(v.into()),
        Value::I64(v) => Number::I(v.into()),
        Value::I128(v) => Number::I(v),
        Value::F32(v) => Number::F32(v),
        Value::F64(v) => Number::F64(v),
        _ => return None,
    })
}

impl Value {
    /// The value as the number `want`, converted only where it survives exactly
    /// (see `exact`); any other value as it is.
    fn number<'de, V: Visitor<'de>>(self, want: Want, visitor: V) -> Result<V::Value, ValueError> {
        match number_of(&self) {
            Some(number) => want
                .visit(number, visitor)
                .map_err(|refused| match refused {
                    Refused::Inexact(message) => ValueError::new(message),
                    Refused::Visitor(e) => e,
                }),
            None => de::Deserializer::deserialize_any(self, visitor),
        }
    }
}

/// The elements of a sequence, a tuple or a tuple struct, each error naming its
/// index.
struct SeqAccess {
    items: std::vec::IntoIter<Value>,
    /// The index of the next element.
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqAccess {
    type Error = ValueError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ValueError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(item)
            .map(Some)
            .map_err(|e| e.inside(&format!("[{index}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a map, each error naming its entry by key.
struct MapAccess {
    entries: std::vec::IntoIter<(Value, Value)>,
    /// The value of the entry whose key was just read, with the entry's path step.
    pending: Option<(String, Value)>,
    /// How many entries were read.
    read: usize,
}

impl<'de> de::MapAccess<'de> for MapAccess {
    type Error = ValueError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ValueError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.read += 1;
        // Named before the key is consumed, for errors in either half of the entry.
        let step = map_step(&key);
        let key = seed.deserialize(key).map_err(|e| e.inside(&step))?;
        self.pending = Some((step, value));
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ValueError> {
        let (step, value) = self
            .pending
            .take()
            .ok_or_else(|| ValueError::new("a map value was asked for before its key"))?;
        seed.deserialize(value).map_err(|e| e.inside(&step))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The named fields of a struct or a struct variant, as a map keyed by field name,
/// each error naming its field.
struct FieldsAccess {
    fields: std::vec::IntoIter<(String, Value)>,
    /// The value of the field whose name was just read, with that name.
    pending: Option<(String, Value)>,
    /// How many fields were read.
    read: usize,
}

impl<'de> de::MapAccess<'de> for FieldsAccess {
    type Error = ValueError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ValueError> {
        let Some((name, value)) = self.fields.next() else {
            return Ok(None);
        };
        self.read += 1;
        let key = seed
            .deserialize(str_deserializer(&name))
            .map_err(|e| e.inside(&name))?;
        self.pending = Some((name, value));
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ValueError> {
        let (name, value) = self
            .pending
            .take()
            .ok_or_else(|| ValueError::new("a field value was asked for before its name"))?;
        seed.deserialize(value).map_err(|e| e.inside(&name))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// An enum value: the variant by name, then its fields.
struct EnumAccess {
    /// `Enum::Variant` (or the bare variant name), for messages.
    label: String,
    variant: String,
    fields: Fields,
}

impl<'de> de::EnumAccess<'de> for EnumAccess {
    type Error = ValueError;
    type Variant = VariantAccess;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantAccess), ValueError> {
        // By name, not index: variants may have been added or reordered since the
        // value was saved. An unknown name fails in serde's derive, which names it.
        let variant = seed.deserialize(str_deserializer(&self.variant))?;
        Ok((
            variant,
            VariantAccess {
                label: self.label,
                fields: self.fields,
            },
        ))
    }
}

/// The fields of the variant an [`EnumAccess`] chose.
struct VariantAccess {
    /// `Enum::Variant`, for messages.
    label: String,
    fields: Fields,
}

impl VariantAccess {
    /// "invalid type: struct variant `Shape::Circle`, expected tuple variant".
    fn mismatch(&self, expected: &str) -> ValueError {
        let shape = match self.fields {
            Fields::Unit => "unit variant",
            Fields::Newtype(_) => "newtype variant",
            Fields::Tuple(_) => "tuple variant",
            Fields::Named(_) => "struct variant",
        };
        let found = format!("{shape} `{}`", self.label);
        de::Error::invalid_type(Unexpected::Other(&found), &expected)
    }
}

impl<'de> de::VariantAccess<'de> for VariantAccess {
    type Error = ValueError;

    fn unit_variant(self) -> Result<(), ValueError> {
        match self.fields {
            Fields::Unit => Ok(()),
            _ => Err(self.mismatch("unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, ValueError> {
        match self.fields {
            Fields::Newtype(inner) => seed.deserialize(*inner),
            _ => Err(self.mismatch("newtype variant")),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self.fields {
            Fields::Tuple(items) => visit_seq(items, visitor),
            // `V()` has no fields either way; the visitor checks the length it needs.
            Fields::Unit => visit_seq(Vec::new(), visitor),
            _ => Err(self.mismatch("tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self.fields {
            Fields::Named(fields) => visit_fields(fields, visitor),
            // serde's derive reads struct variants from a sequence too, in order.
            Fields::Tuple(items) => visit_seq(items, visitor),
            // A unit variant that has since gained fields: serde's derive fills them
            // from `#[serde(default)]` or names the missing one.
            Fields::Unit => visit_fields(Vec::new(), visitor),
            Fields::Newtype(_) => Err(self.mismatch("struct variant")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};
    use std::fmt::Debug;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};

    use super::from_value;
    use crate::value::{to_value, Fields, Value, ValueError};

    /// `t` → `Value` → `T` gives `t` back.
    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(t: T) {
        let value = to_value(&t).expect("to_value");
        let back: T = from_value(value.clone()).unwrap_or_else(|e| panic!("{e} in {value:?}"));
        assert_eq!(back, t);
    }

    /// Reads a `To` from the value of `from`.
    fn convert<From: Serialize, To: DeserializeOwned>(from: &From) -> Result<To, ValueError> {
        from_value(to_value(from).expect("to_value"))
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Named {
        a: u8,
        b: String,
        c: Option<i64>,
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct TupleStruct(u16, String, bool);

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct UnitStruct;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Newtype(u32);

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    enum Shape {
        Empty,
        Circle(f64),
        Rect(u32, u32),
        Poly {
            corners: Vec<(i32, i32)>,
            closed: bool,
        },
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Drawing {
        title: String,
        shapes: Vec<Shape>,
    }

    /// Bytes the way `serde_bytes` writes and reads them.
    #[derive(PartialEq, Debug)]
    struct Blob(Vec<u8>);

    impl Serialize for Blob {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }

    impl<'de> Deserialize<'de> for Blob {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct BlobVisitor;
            impl serde::de::Visitor<'_> for BlobVisitor {
                type Value = Blob;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Blob, E> {
                    Ok(Blob(v.to_vec()))
                }
                fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Blob, E> {
                    Ok(Blob(v))
                }
            }
            d.deserialize_byte_buf(BlobVisitor)
        }
    }

    #[test]
    fn primitives_and_extremes_round_trip() {
        round_trip(true);
        round_trip(u8::MAX);
        round_trip(u16::MAX);
        round_trip(u32::MAX);
        round_trip(u64::MAX);
        round_trip(u128::MAX);
        round_trip(usize::MAX);
        round_trip(i8::MIN);
        round_trip(i16::MIN);
        round_trip(i32::MIN);
        round_trip(i64::MIN);
        round_trip(i128::MIN);
        round_trip(i128::MAX);
        round_trip(isize::MIN);
        round_trip(f32::MIN_POSITIVE);
        round_trip(f64::MAX);
        round_trip(-0.0f64);
        round_trip(f64::INFINITY);
        round_trip(());
        let nan: f64 = from_value(to_value(&f64::NAN).unwrap()).unwrap();
        assert!(nan.is_nan());
    }

    #[test]
    fn strings_and_chars_round_trip() {
        round_trip(String::new());
        round_trip("naïve café — 日本語 🦀".to_string());
        round_trip('x');
        round_trip('🦀');
    }

    #[test]
    fn collections_round_trip() {
        round_trip(Vec::<u8>::new());
        round_trip(vec![1u32, 2, 3]);
        round_trip(vec![vec!["a".to_string()], vec![]]);
        round_trip(Some(Some(3u8)));
        round_trip(Some(None::<u8>));
        round_trip(None::<Option<u8>>);
        round_trip(BTreeMap::from([
            ("x".to_string(), vec![1u8, 2]),
            ("ÿ".to_string(), vec![]),
        ]));
        round_trip(HashMap::from([
            (1u32, "one".to_string()),
            (2, "two".into()),
        ]));
        round_trip((1u8, "two".to_string(), 3.5f32, ('c', -4i64)));
        round_trip([9u8, 8, 7, 6]);
        round_trip(Box::new(Named {
            a: 1,
            b: "b".into(),
            c: None,
        }));
    }

    #[test]
    fn structs_and_enums_round_trip() {
        round_trip(Named {
            a: 7,
            b: "é".into(),
            c: Some(-1),
        });
        round_trip(TupleStruct(5, "t".into(), false));
        round_trip(UnitStruct);
        round_trip(Newtype(42));
        round_trip(Shape::Empty);
        round_trip(Shape::Circle(1.5));
        round_trip(Shape::Rect(3, 4));
        round_trip(Shape::Poly {
            corners: vec![(0, 0), (1, -1)],
            closed: true,
        });
        round_trip(Drawing {
            title: "d".into(),
            shapes: vec![Shape::Empty, Shape::Rect(1, 2), Shape::Circle(0.0)],
        });
    }

    #[test]
    fn bytes_round_trip_as_bytes() {
        let blob = Blob(vec![0, 255, 7]);
        assert_eq!(to_value(&blob).unwrap(), Value::Bytes(vec![0, 255, 7]));
        round_trip(blob);
        round_trip(Blob(Vec::new()));
    }

    #[test]
    fn ip_addresses_take_the_binary_form() {
        let v4 = IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1));
        // Not human-readable: a variant around four bytes, not the string "192.168.0.1".
        assert!(matches!(
            to_value(&v4).unwrap(),
            Value::Variant { ref variant, fields: Fields::Newtype(_), .. } if variant == "V4"
        ));
        round_trip(v4);
        round_trip(IpAddr::V6(Ipv6Addr::LOCALHOST));
        round_trip(Ipv4Addr::BROADCAST);
    }

    #[test]
    fn human_readable_is_false() {
        use serde::Deserializer;
        assert!(!Value::Unit.is_human_readable());
    }

    #[derive(Serialize)]
    struct PositionV1 {
        symbol: String,
        qty: u32,
        price: f64,
    }

    fn v1() -> PositionV1 {
        PositionV1 {
            symbol: "AAPL".into(),
            qty: 10,
            price: 189.5,
        }
    }

    #[test]
    fn an_extra_field_is_ignored() {
        #[derive(Deserialize, PartialEq, Debug)]
        struct NoPrice {
            symbol: String,
            qty: u32,
        }
        let got: NoPrice = convert(&v1()).unwrap();
        assert_eq!(
            got,
            NoPrice {
                symbol: "AAPL".into(),
                qty: 10
            }
        );
    }

    #[test]
    fn an_extra_field_fails_when_the_type_denies_unknown_fields() {
        #[derive(Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            symbol: String,
            qty: u32,
        }
        let err = convert::<_, Strict>(&v1()).unwrap_err();
        assert!(err.to_string().contains("unknown field `price`"), "{err}");
    }

    #[test]
    fn a_missing_field_with_default_gets_the_default() {
        #[derive(Deserialize, PartialEq, Debug)]
        struct WithNote {
            symbol: String,
            qty: u32,
            price: f64,
            #[serde(default)]
            note: String,
            #[serde(default = "one")]
            lots: u8,
        }
        fn one() -> u8 {
            1
        }
        let got: WithNote = convert(&v1()).unwrap();
        assert_eq!(got.note, "");
        assert_eq!(got.lots, 1);
        assert_eq!(got.qty, 10);
    }

    #[test]
    fn a_missing_field_without_default_is_named() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct WithCurrency {
            symbol: String,
            currency: String,
        }
        let err = convert::<_, WithCurrency>(&v1()).unwrap_err();
        assert_eq!(err.to_string(), "missing field `currency`");
    }

    #[test]
    fn fields_in_another_order_are_fine() {
        #[derive(Deserialize, PartialEq, Debug)]
        struct Reordered {
            price: f64,
            qty: u32,
            symbol: String,
        }
        let got: Reordered = convert(&v1()).unwrap();
        assert_eq!(
            got,
            Reordered {
                price: 189.5,
                qty: 10,
                symbol: "AAPL".into()
            }
        );
    }

    #[test]
    fn integers_widen() {
        #[derive(Deserialize, PartialEq, Debug)]
        struct Wide {
            qty: u64,
        }
        let got: Wide = convert(&v1()).unwrap();
        assert_eq!(got.qty, 10);
        assert_eq!(convert::<_, i128>(&u64::MAX).unwrap(), i128::from(u64::MAX));
        assert_eq!(convert::<_, u128>(&5u8).unwrap(), 5);
        assert_eq!(convert::<_, i64>(&-5i8).unwrap(), -5);
        // Value by value: a 128-bit integer that fits reads into a u64, one that
        // does not is refused.
        assert_eq!(convert::<_, u64>(&200u128).unwrap(), 200);
        assert!(convert::<_, u64>(&u128::MAX).is_err());
    }

    #[test]
    fn numbers_convert_only_where_the_value_survives() {
        // 2^24 + 1 has no f32; serde's visitor would round it.
        let err = convert::<_, f32>(&16_777_217u32).unwrap_err();
        assert_eq!(err.to_string(), "the stored 16777217 has no exact f32");
        assert_eq!(convert::<_, f32>(&16_777_216u32).unwrap(), 16_777_216.0);
        assert!(
            convert::<_, i64>(&2.0f64).is_err(),
            "a float is never truncated"
        );
        assert!(convert::<_, f64>(&(u64::MAX - 1)).is_err());
    }

    #[test]
    fn a_struct_is_not_read_by_position() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Named {
            hi: u32,
            lo: u32,
        }
        let err = convert::<_, Named>(&(1u32, 2u32)).unwrap_err();
        assert!(
            err.to_string()
                .contains("not read into struct `Named` by position"),
            "{err}"
        );
    }

    #[test]
    fn an_integer_out_of_range_fails_with_its_path() {
        #[derive(Serialize)]
        struct Big {
            qty: u64,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Small {
            qty: u8,
        }
        let err = convert::<_, Small>(&Big { qty: 300 }).unwrap_err();
        assert_eq!(err.path, "qty");
        assert_eq!(
            err.to_string(),
            "at `qty`: the stored 300 does not fit in a u8"
        );
        assert!(convert::<_, u32>(&-1i32).is_err());
    }

    #[test]
    fn an_f64_does_not_narrow_to_f32() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Narrow {
            price: f32,
        }
        // 189.5 is an f32 exactly; 0.1 is not.
        assert!(convert::<_, Narrow>(&v1()).is_ok());
        let err = convert::<_, f32>(&0.1f64).unwrap_err();
        assert_eq!(err.to_string(), "the stored f64 0.1 has no exact f32");
        // The other way is exact.
        assert_eq!(convert::<_, f64>(&1.25f32).unwrap(), 1.25);
    }

    #[test]
    fn an_unknown_variant_is_named() {
        #[derive(Serialize)]
        enum Old {
            #[allow(dead_code)]
            Kept,
            Gone(u8),
        }
        #[derive(Deserialize, Debug)]
        enum New {
            Kept,
        }
        let err = convert::<_, New>(&Old::Gone(1)).unwrap_err();
        assert!(err.to_string().contains("unknown variant `Gone`"), "{err}");
    }

    #[test]
    fn variants_are_read_by_name_not_index() {
        #[derive(Serialize)]
        enum Old {
            A,
            B(u8),
        }
        #[derive(Deserialize, PartialEq, Debug)]
        enum New {
            Added,
            B(u8),
            A,
        }
        assert_eq!(convert::<_, New>(&Old::B(3)).unwrap(), New::B(3));
        assert_eq!(convert::<_, New>(&Old::A).unwrap(), New::A);
        // A migration may write a unit variant as its bare name.
        assert_eq!(
            from_value::<New>(Value::String("Added".into())).unwrap(),
            New::Added
        );
    }

    #[test]
    fn a_unit_variant_may_gain_defaulted_fields() {
        #[derive(Serialize)]
        enum Old {
            Market,
        }
        #[derive(Deserialize, PartialEq, Debug)]
        enum New {
            Market {
                #[serde(default)]
                slippage: u32,
            },
        }
        assert_eq!(
            convert::<_, New>(&Old::Market).unwrap(),
            New::Market { slippage: 0 }
        );
    }

    #[test]
    fn a_variant_of_another_shape_fails_clearly() {
        #[derive(Serialize)]
        enum Old {
            Rect { w: u32, h: u32 },
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        enum New {
            Rect(u32, u32),
        }
        let err = convert::<_, New>(&Old::Rect { w: 1, h: 2 }).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: struct variant `Old::Rect`, expected tuple variant"
        );
    }

    #[test]
    fn a_nested_failure_reports_its_path() {
        #[derive(Serialize)]
        struct LineV1 {
            qty: u64,
        }
        #[derive(Serialize)]
        struct OuterV1 {
            items: Vec<LineV1>,
        }
        #[derive(Serialize)]
        struct RootV1 {
            outer: OuterV1,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Line {
            qty: u8,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            items: Vec<Line>,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Root {
            outer: Outer,
        }
        let old = RootV1 {
            outer: OuterV1 {
                items: vec![LineV1 { qty: 1 }, LineV1 { qty: 300 }],
            },
        };
        let err = convert::<_, Root>(&old).unwrap_err();
        assert_eq!(err.path, "outer.items[1].qty");
        assert!(
            err.to_string()
                .starts_with("at `outer.items[1].qty`: the stored 300 does not fit"),
            "{err}"
        );
    }

    #[test]
    fn map_entries_and_variant_fields_are_named_in_paths() {
        let prices = BTreeMap::from([("AAPL".to_string(), 1.1f64)]);
        let err = convert::<_, BTreeMap<String, f32>>(&prices).unwrap_err();
        assert_eq!(err.path, "{AAPL}");

        let by_id = BTreeMap::from([(7u32, vec![1u16, 256])]);
        let err = convert::<_, BTreeMap<u32, Vec<u8>>>(&by_id).unwrap_err();
        assert_eq!(err.path, "{7}[1]");

        let err = convert::<_, BTreeMap<u8, u8>>(&BTreeMap::from([(300u16, 1u8)])).unwrap_err();
        assert_eq!(err.path, "{300}");

        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        enum Narrow {
            Poly {
                corners: Vec<(i8, i8)>,
                closed: bool,
            },
        }
        let poly = Shape::Poly {
            corners: vec![(0, 0), (1, 1000)],
            closed: true,
        };
        let err = convert::<_, Narrow>(&poly).unwrap_err();
        assert_eq!(err.path, "corners[1][1]");
    }

    #[test]
    fn type_mismatches_name_what_was_found() {
        let err = from_value::<u8>(Value::String("x".into())).unwrap_err();
        assert_eq!(err.to_string(), r#"invalid type: string "x", expected u8"#);

        let err = from_value::<Option<u8>>(Value::U8(1)).unwrap_err();
        assert_eq!(err.to_string(), "expected an option, found a u8");

        let err = from_value::<Shape>(Value::U8(1)).unwrap_err();
        assert_eq!(err.to_string(), "invalid type: a u8, expected enum Shape");

        let err = from_value::<UnitStruct>(to_value(&Newtype(1)).unwrap()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: a struct `Newtype`, expected unit struct UnitStruct"
        );
    }

    #[test]
    fn newtypes_read_their_inner_value() {
        // A field whose type became a newtype around its old type still reads.
        assert_eq!(convert::<_, Newtype>(&42u32).unwrap(), Newtype(42));
        assert_eq!(from_value::<UnitStruct>(Value::Unit).unwrap(), UnitStruct);
    }

    #[test]
    fn leftover_elements_fail() {
        let err = convert::<_, [u8; 2]>(&[1u8, 2, 3]).unwrap_err();
        assert_eq!(err.to_string(), "3 elements, but the type reads only 2");
        let err = convert::<_, (u8, u8)>(&(1u8, 2u8, 3u8)).unwrap_err();
        assert!(err.to_string().contains("3 elements"), "{err}");
    }

    #[test]
    fn ignored_values_are_skipped_whole() {
        #[derive(Serialize)]
        struct Wide {
            keep: u8,
            drop: Drawing,
        }
        #[derive(Deserialize, PartialEq, Debug)]
        struct Slim {
            keep: u8,
        }
        let wide = Wide {
            keep: 1,
            drop: Drawing {
                title: "x".into(),
                shapes: vec![Shape::Empty],
            },
        };
        assert_eq!(convert::<_, Slim>(&wide).unwrap(), Slim { keep: 1 });
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_values_round_trip(
            a in proptest::prelude::any::<u8>(),
            b in ".*",
            c in proptest::prelude::any::<Option<i64>>(),
            list in proptest::collection::vec(proptest::prelude::any::<(i32, i32)>(), 0..8),
        ) {
            round_trip(Named { a, b, c });
            round_trip(Shape::Poly { corners: list, closed: a % 2 == 0 });
        }
    }
}
