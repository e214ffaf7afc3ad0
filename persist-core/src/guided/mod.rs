//! A serde `Deserializer` driven by the schema stored in the file.
//!
//! postcard's own deserializer trusts the type it decodes into: it reads what the
//! type asks for, so it can only read a payload written by that very type, and it
//! cannot answer `deserialize_any` (a type such as `rust_decimal::Decimal` that asks
//! the format what comes next fails to load). The file knows better: it carries the
//! writer's schema. This reader walks the postcard bytes under that schema and
//! hands each value to the type's `Deserialize` as it goes, with no tree in
//! between, so that:
//!
//! - `deserialize_any` (and `deserialize_ignored_any`) is answered from the schema;
//! - structs are handed over as maps keyed by the stored field names, so serde's
//!   derived impls match fields by name, apply defaults and skip unknown fields
//!   (a field added, removed or reordered reads without a `Value` tree);
//! - enums are handed over by variant name (a variant added or reordered);
//! - numbers convert only where the value survives exactly (`u32` into `u64`,
//!   `f32` into `f64`, an `i64` that fits into an `i32`): never by a lossy cast;
//! - a newtype added around a value, or removed from it, reads through.
//!
//! The reader works over any postcard flavor: a slice in memory, or the streamed
//! window of a file (`stream::input`). It bounds its work by the payload's size
//! (as `value::decode` does) and its nesting of named types, and never sizes an
//! allocation by a count the bytes do not back.

mod access;
mod de;
mod error;

use std::collections::HashMap;
use std::marker::PhantomData;

use postcard::de_flavors::{Flavor, Slice};
use serde::de::{DeserializeOwned, DeserializeSeed};

pub(crate) use error::GuidedError;

use crate::exact::Number;
use crate::schema::{Body, Definition, Description, Fields, Node};

/// How many named types may nest inside each other in a load: the backstop against
/// a schema that recurses as deep as the payload lets it (loads refuse deeper
/// payloads before, see `depth.rs`, at 256 levels unless raised).
pub(crate) const MAX_DEPTH: u32 = 1024;

/// Values the reader may visit per payload byte, plus [`BUDGET_SLACK`]: a count of
/// zero-byte items (`Vec<()>`) cannot make it loop for ages.
const BUDGET_PER_BYTE: u64 = 8;

/// Values allowed whatever the payload's size.
const BUDGET_SLACK: u64 = 1024;

/// Whether a payload of `stored` must be read by this reader even when the type
/// matches: postcard reads a `char` stored as several characters as its first one,
/// where this reader refuses it, so that every path reads such a file alike.
pub(crate) fn needed_for(stored: &Description) -> bool {
    fn holds_char(node: &Node) -> bool {
        match node {
            Node::Char => true,
            Node::Option(inner) | Node::Seq(inner) | Node::Array(_, inner) => holds_char(inner),
            Node::Map(key, value) => holds_char(key) || holds_char(value),
            Node::Tuple(nodes) => nodes.iter().any(holds_char),
            _ => false,
        }
    }
    fn fields_hold_char(fields: &Fields) -> bool {
        match fields {
            Fields::Unit => false,
            Fields::Newtype(node) => holds_char(node),
            Fields::Tuple(nodes) => nodes.iter().any(holds_char),
            Fields::Named(named) => named.iter().any(|field| holds_char(&field.node)),
        }
    }
    holds_char(stored.root())
        || stored
            .definitions()
            .iter()
            .any(|definition| match &definition.body {
                Body::Struct(fields) => fields_hold_char(fields),
                Body::Enum(variants) => variants.iter().any(|v| fields_hold_char(&v.fields)),
            })
}

/// Reads a `T` from the postcard bytes `payload`, written by the type that
/// `stored` describes. Every byte must belong to the value.
pub(crate) fn from_slice<T: DeserializeOwned>(
    stored: &Description,
    payload: &[u8],
) -> Result<T, GuidedError> {
    let mut reader = Guided::new(stored, Slice::new(payload), payload.len() as u64, MAX_DEPTH);
    let value = reader.read_root(PhantomData::<T>)?;
    reader.finish()?;
    Ok(value)
}

/// Reads a `T` from the flavor `input`, which holds `len` payload bytes written by
/// the type that `stored` describes, nesting named types at most `max_depth`
/// deep; returns it with the count of bytes left after it (which the caller
/// decides about, since a stream may still owe them).
pub(crate) fn from_flavor<'de, T, F>(
    stored: &Description,
    input: F,
    len: u64,
    max_depth: u32,
) -> Result<(T, u64), GuidedError>
where
    T: DeserializeOwned,
    F: Flavor<'de>,
{
    let mut reader = Guided::new(stored, input, len, max_depth);
    let value = reader.read_root(PhantomData::<T>)?;
    Ok((value, len - reader.position))
}

/// The reader's state: the input, the definitions by name, and the bounds.
pub(crate) struct Guided<'s, 'de, F: Flavor<'de>> {
    input: F,
    /// The stored root node.
    root: &'s Node,
    /// The stored definitions by name (the first of a name wins, as in
    /// [`Description::definition`]).
    definitions: HashMap<&'s str, &'s Definition>,
    /// Bytes read so far, for messages and for what is left.
    position: u64,
    /// The payload's length.
    len: u64,
    /// Values that may still be visited.
    budget: u64,
    /// Named types around the value being read.
    depth: u32,
    /// How deep they may nest.
    max_depth: u32,
    _de: PhantomData<&'de ()>,
}

impl<'s, 'de, F: Flavor<'de>> Guided<'s, 'de, F> {
    fn new(stored: &'s Description, input: F, len: u64, max_depth: u32) -> Self {
        let mut definitions = HashMap::with_capacity(stored.definitions().len());
        for definition in stored.definitions() {
            definitions
                .entry(definition.name.as_str())
                .or_insert(definition);
        }
        Guided {
            input,
            root: stored.root(),
            definitions,
            position: 0,
            len,
            budget: len
                .saturating_mul(BUDGET_PER_BYTE)
                .saturating_add(BUDGET_SLACK),
            depth: 0,
            max_depth,
            _de: PhantomData,
        }
    }

    fn read_root<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, GuidedError> {
        let root = self.root;
        seed.deserialize(de::At::new(self, root))
    }

    /// Fails unless every payload byte was read.
    fn finish(&self) -> Result<(), GuidedError> {
        match self.len - self.position {
            0 => Ok(()),
            left => Err(GuidedError::wire(format_args!(
                "{left} bytes are left over after the value"
            ))),
        }
    }

    /// The payload bytes not read yet.
    fn left(&self) -> u64 {
        self.len - self.position
    }

    /// The definition of the named type `name`.
    fn definition(&self, name: &str) -> Result<&'s Definition, GuidedError> {
        self.definitions.get(name).copied().ok_or_else(|| {
            GuidedError::wire(format_args!(
                "the schema has no definition of the type `{name}`"
            ))
        })
    }

    /// Accounts for one more value.
    fn charge(&mut self) -> Result<(), GuidedError> {
        match self.budget.checked_sub(1) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(self.error(
                "the payload holds more values than its size can account for \
                 (a count of zero-sized items too large to be real)",
            )),
        }
    }

    /// Enters a named type: one level deeper.
    fn enter(&mut self) -> Result<(), GuidedError> {
        if self.depth >= self.max_depth {
            return Err(GuidedError::too_deep(format_args!(
                "at byte {}: named types nested more than {} deep",
                self.position, self.max_depth
            )));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The bytes at the current position do not follow the stored schema.
    #[cold]
    fn error(&self, message: impl std::fmt::Display) -> GuidedError {
        GuidedError::wire(format_args!("at byte {}: {message}", self.position))
    }

    /// The value at the current position is refused by the type reading it.
    #[cold]
    fn refuse(&self, message: impl std::fmt::Display) -> GuidedError {
        GuidedError::new(format_args!("at byte {}: {message}", self.position))
    }

    /// The input failed under `what`: it ended, or (for a stream) its source did.
    #[cold]
    fn ended(&self, what: &str, needed: u64) -> GuidedError {
        if needed > self.left() {
            self.error(format_args!(
                "the payload ends inside {what}, which needs {needed} bytes but {} are left",
                self.left()
            ))
        } else {
            self.error(format_args!("the payload could not be read inside {what}"))
        }
    }

    fn byte(&mut self, what: &str) -> Result<u8, GuidedError> {
        match self.input.pop() {
            Ok(byte) => {
                self.position += 1;
                Ok(byte)
            }
            Err(_) => Err(self.ended(what, 1)),
        }
    }

    /// `n` bytes, lent until the next read.
    fn take(&mut self, n: u64, what: &str) -> Result<&[u8], GuidedError> {
        if n > self.left() {
            return Err(self.ended(what, n));
        }
        // `n` <= the bytes left, which fit in memory as a slice or a stream's length.
        let count = usize::try_from(n).map_err(|_| self.ended(what, n))?;
        let position = self.position;
        match self.input.try_take_n_temp(count) {
            Ok(bytes) => {
                self.position = position + n;
                Ok(bytes)
            }
            Err(_) => Err(GuidedError::wire(format_args!(
                "at byte {position}: the payload could not be read inside {what}"
            ))),
        }
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], GuidedError> {
        let at = self.position;
        self.take(N as u64, what)?
            .try_into()
            .map_err(|_| GuidedError::wire(format_args!("at byte {at}: could not read {what}")))
    }

    /// An unsigned LEB128 varint of `bits` bits, read as postcard reads it: at most
    /// `ceil(bits / 7)` bytes, the last of which may not carry bits past the type.
    fn varint(&mut self, bits: u32, what: &str) -> Result<u128, GuidedError> {
        let start = self.position;
        let max_len = bits.div_ceil(7);
        let max_last = (1u8 << (bits % 7)) - 1;
        let mut value = 0u128;
        for i in 0..max_len {
            let byte = self.byte(what)?;
            if i + 1 == max_len && byte > max_last {
                return Err(GuidedError::wire(format_args!(
                    "at byte {start}: {what} does not fit in {bits} bits"
                )));
            }
            value |= u128::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(GuidedError::wire(format_args!(
            "at byte {start}: {what} does not end"
        )))
    }

    /// A zigzag varint of `bits` bits.
    fn signed(&mut self, bits: u32, what: &str) -> Result<i128, GuidedError> {
        let zigzag = self.varint(bits, what)?;
        Ok(((zigzag >> 1) as i128) ^ -((zigzag & 1) as i128))
    }

    /// A length or count (a `usize` varint, 64 bits).
    fn length(&mut self, what: &str) -> Result<u64, GuidedError> {
        // A 64-bit varint fits in a u64.
        Ok(self.varint(64, what)? as u64)
    }

    /// A count of items that must each take at least `min_item` bytes: refused at
    /// once when the bytes left cannot hold them.
    fn count(&mut self, what: &str, min_item: u64) -> Result<u64, GuidedError> {
        let at = self.position;
        let count = self.length(what)?;
        if count.saturating_mul(min_item) > self.left() {
            return Err(GuidedError::wire(format_args!(
                "at byte {at}: {what} claims {count} items, more than the {} bytes left can hold",
                self.left()
            )));
        }
        Ok(count)
    }

    /// A string's bytes, checked to be UTF-8.
    fn str(&mut self, what: &str) -> Result<&str, GuidedError> {
        let len = self.length(what)?;
        let start = self.position;
        let bytes = self.take(len, what)?;
        std::str::from_utf8(bytes).map_err(|e| {
            GuidedError::wire(format_args!(
                "at byte {}: invalid UTF-8 in {what}",
                start + e.valid_up_to() as u64
            ))
        })
    }

    /// A char: the string of exactly one character (postcard keeps the first of
    /// several; a file that holds more is refused here).
    fn char(&mut self) -> Result<char, GuidedError> {
        let at = self.position;
        let text = self.str("a char")?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(GuidedError::wire(format_args!(
                "at byte {at}: {text:?} is not exactly one char"
            ))),
        }
    }

    /// A number of the numeric node `node`.
    fn number(&mut self, node: &Node) -> Result<Number, GuidedError> {
        Ok(match node {
            Node::U8 => Number::U(u128::from(self.byte("a u8")?)),
            Node::U16 => Number::U(self.varint(16, "a u16")?),
            Node::U32 => Number::U(self.varint(32, "a u32")?),
            Node::U64 | Node::Usize => Number::U(self.varint(64, "a u64")?),
            Node::U128 => Number::U(self.varint(128, "a u128")?),
            Node::I8 => Number::I(i128::from(self.byte("an i8")? as i8)),
            Node::I16 => Number::I(self.signed(16, "an i16")?),
            Node::I32 => Number::I(self.signed(32, "an i32")?),
            Node::I64 | Node::Isize => Number::I(self.signed(64, "an i64")?),
            Node::I128 => Number::I(self.signed(128, "an i128")?),
            Node::F32 => Number::F32(f32::from_le_bytes(self.array("an f32")?)),
            Node::F64 => Number::F64(f64::from_le_bytes(self.array("an f64")?)),
            other => {
                return Err(self.error(format_args!("{other} is not a number")));
            }
        })
    }
}

/// Whether `node` is one of the numeric primitives.
pub(crate) fn is_number(node: &Node) -> bool {
    matches!(
        node,
        Node::U8
            | Node::U16
            | Node::U32
            | Node::U64
            | Node::U128
            | Node::Usize
            | Node::I8
            | Node::I16
            | Node::I32
            | Node::I64
            | Node::I128
            | Node::Isize
            | Node::F32
            | Node::F64
    )
}

#[cfg(test)]
mod tests;
