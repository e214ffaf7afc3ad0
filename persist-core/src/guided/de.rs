//! `At`: the serde `Deserializer` for one stored value, the node the schema gives
//! it and the reader it comes from.
//!
//! Every method answers from the stored node, as a self-describing format would;
//! the type's hint only picks between answers that the stored value supports
//! (a number converted exactly to the width asked for, an `Option` or a newtype
//! that the program added around the stored value, or that it removed).

use postcard::de_flavors::Flavor;
use serde::de::{self, Visitor};

use super::access::{Entries, FieldsOf, Items, NamedFields, Variants};
use super::{is_number, Guided, GuidedError};
use crate::exact::{Number, Refused, Want};
use crate::schema::{Body, Fields, Node};

/// One stored value, about to be read: the reader, and the value's stored node.
pub(crate) struct At<'r, 's, 'de, F: Flavor<'de>> {
    pub(super) reader: &'r mut Guided<'s, 'de, F>,
    pub(super) node: &'s Node,
}

impl<'r, 's, 'de, F: Flavor<'de>> At<'r, 's, 'de, F> {
    pub(super) fn new(reader: &'r mut Guided<'s, 'de, F>, node: &'s Node) -> Self {
        At { reader, node }
    }

    /// The inner node, when the stored value is a newtype struct: what a program
    /// that removed the newtype reads instead.
    fn newtype_inner(&self) -> Option<&'s Node> {
        let Node::Named(name) = self.node else {
            return None;
        };
        match &self.reader.definition(name).ok()?.body {
            Body::Struct(Fields::Newtype(inner)) => Some(inner),
            _ => None,
        }
    }

    /// The stored body, when the stored value is of a named type.
    fn body(&self) -> Option<&'s Body> {
        let Node::Named(name) = self.node else {
            return None;
        };
        Some(&self.reader.definition(name).ok()?.body)
    }

    /// The value as the stored node says, whatever the type asked for.
    ///
    /// Each kind of node is read out of line, so that this function, which every
    /// level of a nested value passes through, keeps a small stack frame (in a
    /// debug build each temporary takes its own slot).
    fn any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        let At { reader, node } = self;
        reader.charge()?;
        match node {
            Node::Option(inner) => option(reader, inner, visitor),
            Node::Seq(item) => seq(reader, item, visitor),
            Node::Array(len, item) => array(reader, *len, item, visitor),
            Node::Tuple(nodes) => visitor.visit_seq(FieldsOf::new(reader, nodes)),
            Node::Map(key, value) => map(reader, key, value, visitor),
            Node::Named(name) => named(reader, name, visitor),
            scalar => scalar_any(reader, scalar, visitor),
        }
    }

    /// A number asked for as `want`: converted from the stored number only where
    /// the value survives exactly.
    fn number<V: Visitor<'de>>(self, want: Want, visitor: V) -> Result<V::Value, GuidedError> {
        if !is_number(self.node) {
            return self.unwrapped_or_any(visitor, |at, v| at.number(want, v));
        }
        self.reader.charge()?;
        let at = self.reader.position;
        let number = self.reader.number(self.node)?;
        want.visit(number, visitor).map_err(|e| match e {
            Refused::Inexact(message) => GuidedError::new(format_args!("at byte {at}: {message}")),
            Refused::Visitor(e) => e,
        })
    }

    /// Reads through a stored newtype the program no longer has (with `read`),
    /// or else answers from the stored node.
    fn unwrapped_or_any<V: Visitor<'de>>(
        self,
        visitor: V,
        read: impl FnOnce(At<'_, 's, 'de, F>, V) -> Result<V::Value, GuidedError>,
    ) -> Result<V::Value, GuidedError> {
        match self.newtype_inner() {
            Some(inner) => {
                self.reader.enter()?;
                let result = read(At::new(self.reader, inner), visitor);
                self.reader.leave();
                result
            }
            None => self.any(visitor),
        }
    }
}

/// A value that holds no other: a bool, a number, text, bytes, a unit.
#[inline(never)]
fn scalar_any<'s, 'de, F: Flavor<'de>, V: Visitor<'de>>(
    reader: &mut Guided<'s, 'de, F>,
    node: &'s Node,
    visitor: V,
) -> Result<V::Value, GuidedError> {
    match node {
        Node::Bool => match reader.byte("a bool")? {
            0 => visitor.visit_bool(false),
            1 => visitor.visit_bool(true),
            other => Err(reader.error(format_args!("{other} is not a bool (0 or 1)"))),
        },
        Node::U8 => visitor.visit_u8(reader.byte("a u8")?),
        Node::I8 => visitor.visit_i8(reader.byte("an i8")? as i8),
        // The casts narrow what `number` read within the node's width.
        number if is_number(number) => match reader.number(number)? {
            Number::U(v) => match number {
                Node::U16 => visitor.visit_u16(v as u16),
                Node::U32 => visitor.visit_u32(v as u32),
                Node::U128 => visitor.visit_u128(v),
                _ => visitor.visit_u64(v as u64),
            },
            Number::I(v) => match number {
                Node::I16 => visitor.visit_i16(v as i16),
                Node::I32 => visitor.visit_i32(v as i32),
                Node::I128 => visitor.visit_i128(v),
                _ => visitor.visit_i64(v as i64),
            },
            Number::F32(v) => visitor.visit_f32(v),
            Number::F64(v) => visitor.visit_f64(v),
        },
        Node::Char => visitor.visit_char(reader.char()?),
        Node::String => visitor.visit_str(reader.str("a string")?),
        Node::Bytes => {
            let len = reader.length("the length of a byte string")?;
            visitor.visit_bytes(reader.take(len, "a byte string")?)
        }
        Node::Unit => visitor.visit_unit(),
        other => Err(reader.error(format_args!("cannot read the schema node {other}"))),
    }
}

/// An option: its tag, then the value when there is one.
#[inline(never)]
fn option<'s, 'de, F: Flavor<'de>, V: Visitor<'de>>(
    reader: &mut Guided<'s, 'de, F>,
    inner: &'s Node,
    visitor: V,
) -> Result<V::Value, GuidedError> {
    match reader.byte("an option's tag")? {
        0 => visitor.visit_none(),
        1 => visitor.visit_some(At::new(reader, inner)),
        other => Err(reader.error(format_args!("{other} is not an option tag (0 or 1)"))),
    }
}

/// A sequence: its count, checked against the bytes left, then its items.
#[inline(never)]
fn seq<'s, 'de, F: Flavor<'de>, V: Visitor<'de>>(
    reader: &mut Guided<'s, 'de, F>,
    item: &'s Node,
    visitor: V,
) -> Result<V::Value, GuidedError> {
    let count = reader.count("a sequence's count", min_size(item))?;
    visitor.visit_seq(Items::new(reader, item, count))
}

/// A fixed-length array: its items, with no count.
#[inline(never)]
fn array<'s, 'de, F: Flavor<'de>, V: Visitor<'de>>(
    reader: &mut Guided<'s, 'de, F>,
    len: u64,
    item: &'s Node,
    visitor: V,
) -> Result<V::Value, GuidedError> {
    if len.saturating_mul(min_size(item)) > reader.left() {
        return Err(reader.error(format_args!(
            "an array of {len} items does not fit in the {} bytes left",
            reader.left()
        )));
    }
    visitor.visit_seq(Items::new(reader, item, len))
}

/// A map: its count, checked against the bytes left, then its entries.
#[inline(never)]
fn map<'s, 'de, F: Flavor<'de>, V: Visitor<'de>>(
    reader: &mut Guided<'s, 'de, F>,
    key: &'s Node,
    value: &'s Node,
    visitor: V,
) -> Result<V::Value, GuidedError> {
    let count = reader.count("a map's count", min_size(key) + min_size(value))?;
    visitor.visit_map(Entries::new(reader, key, value, count))
}

/// A value of a named type: a struct's fields or an enum's variant, one level
/// deeper.
#[inline(never)]
fn named<'s, 'de, F: Flavor<'de>, V: Visitor<'de>>(
    reader: &mut Guided<'s, 'de, F>,
    name: &str,
    visitor: V,
) -> Result<V::Value, GuidedError> {
    let definition = reader.definition(name)?;
    reader.enter()?;
    let result = match &definition.body {
        Body::Struct(fields) => fields_any(reader, fields, visitor),
        Body::Enum(variants) => {
            visitor.visit_enum(Variants::new(reader, &definition.name, variants))
        }
    };
    reader.leave();
    result
}

/// The fields of a struct (or of an enum variant, for `deserialize_any`), as serde's
/// data model presents them: unit, newtype, a sequence, or a map by field name.
pub(super) fn fields_any<'s, 'de, F: Flavor<'de>, V: Visitor<'de>>(
    reader: &mut Guided<'s, 'de, F>,
    fields: &'s Fields,
    visitor: V,
) -> Result<V::Value, GuidedError> {
    match fields {
        Fields::Unit => visitor.visit_unit(),
        Fields::Newtype(inner) => visitor.visit_newtype_struct(At::new(reader, inner)),
        Fields::Tuple(nodes) => visitor.visit_seq(FieldsOf::new(reader, nodes)),
        Fields::Named(named) => visitor.visit_map(NamedFields::new(reader, named)),
    }
}

/// The fewest bytes a value of `node` can take: items of zero bytes (units, empty
/// structs) need no byte, so a count of them is bounded by the value budget alone.
pub(super) fn min_size(node: &Node) -> u64 {
    match node {
        Node::Unit | Node::Tuple(_) | Node::Array(..) | Node::Named(_) => 0,
        _ => 1,
    }
}

macro_rules! numbers {
    ($($method:ident => $want:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
            self.number(Want::$want, visitor)
        })*
    };
}

impl<'de, F: Flavor<'de>> de::Deserializer<'de> for At<'_, '_, 'de, F> {
    type Error = GuidedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.any(visitor)
    }

    numbers! {
        deserialize_u8 => U8, deserialize_u16 => U16, deserialize_u32 => U32,
        deserialize_u64 => U64, deserialize_u128 => U128,
        deserialize_i8 => I8, deserialize_i16 => I16, deserialize_i32 => I32,
        deserialize_i64 => I64, deserialize_i128 => I128,
        deserialize_f32 => F32, deserialize_f64 => F64,
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    /// A stored `Option` as it is; any other stored value is the `Some` of an
    /// `Option` the program added around it.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        match self.node {
            Node::Option(_) => self.any(visitor),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, GuidedError> {
        self.any(visitor)
    }

    /// A stored newtype as it is; any other stored value is the field of a newtype
    /// the program added around it.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, GuidedError> {
        match self.newtype_inner() {
            Some(_) => self.any(visitor),
            None => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, GuidedError> {
        self.any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.unwrapped_or_any(visitor, |at, v| at.any(v))
    }

    /// A stored struct with named fields, by name. A stored sequence or tuple is
    /// refused rather than read into the struct by position, which would pair
    /// values with fields that never held them.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GuidedError> {
        let by_position = match self.body() {
            Some(Body::Struct(Fields::Tuple(_))) => true,
            Some(_) => false,
            None => matches!(self.node, Node::Seq(_) | Node::Array(..) | Node::Tuple(_)),
        };
        if by_position {
            return Err(self.reader.refuse(format_args!(
                "the file holds {} (fields without names), which is not read into \
                 struct `{name}` by position",
                self.node
            )));
        }
        self.any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GuidedError> {
        match self.body() {
            Some(Body::Enum(_)) => self.any(visitor),
            _ => self.unwrapped_or_any(visitor, |at, v| at.any(v)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.any(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GuidedError> {
        self.any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}
