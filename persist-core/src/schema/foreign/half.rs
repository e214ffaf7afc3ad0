//! [`Schema`] for the `half` crate (2.x), feature `half`.
//!
//! Follows `half` 2.7.1, `src/binary16.rs` and `src/bfloat.rs`:
//! [`f16`](struct@f16) and [`bf16`] are `struct f16(u16)` and `struct bf16(u16)`
//! with serde's derived `Serialize`, which writes
//! `serialize_newtype_struct("f16", &bits)` (`"bf16"`): the raw `u16` bits, never
//! an `f32`, in every format. Their `Deserialize` reads the newtype (and also
//! accepts an `f32`, `f64` or string), so every `u16` is a value: NaN payloads and
//! negative zero come back bit for bit.
//!
//! No cargo feature of `half` changes this layout: `f16::serialize_as_f32` and
//! `serialize_as_string` are for `#[serde(serialize_with = ..)]`, which the derive
//! refuses unless the field says `#[schema(as = f32)]` or `#[schema(as = String)]`.

use half::{bf16, f16};

use crate::schema::{Body, Builder, Definition, Fields, Node, Schema};

/// The newtype `name` around the `u16` bits.
fn bits_newtype<T>(builder: &mut Builder, name: &str) -> Node {
    builder.define::<T>(name.to_string(), |_| {
        Definition::new(name, Body::Struct(Fields::Newtype(Node::U16)))
    })
}

impl Schema for f16 {
    /// serde (derived): `serialize_newtype_struct("f16", &u16_bits)`.
    fn describe(builder: &mut Builder) -> Node {
        bits_newtype::<Self>(builder, "f16")
    }
}

impl Schema for bf16 {
    /// serde (derived): `serialize_newtype_struct("bf16", &u16_bits)`.
    fn describe(builder: &mut Builder) -> Node {
        bits_newtype::<Self>(builder, "bf16")
    }
}
