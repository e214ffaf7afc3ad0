//! Payload bytes + stored schema → [`Value`]: reading a file without the Rust type
//! that wrote it.
//!
//! The walk follows the schema node by node and reads the postcard 1.x wire format
//! the way postcard's own deserializer does (see [`decode`] for the rules), so a
//! payload that the typed load accepts decodes here too, with three deliberate
//! exceptions where this reader is stricter: a `char` must be exactly one character
//! (postcard keeps the first of several), nothing may follow the root value
//! (postcard's `from_bytes` ignores a tail), and the payload may not hold more
//! values than its size accounts for (see [`BUDGET_PER_BYTE`]).
//!
//! The payload is untrusted: its checksum proves only that it is the payload that
//! was written, not that postcard wrote it. So the reader never panics, never lets
//! a count size an allocation beyond the bytes left, and bounds both its total work
//! and its recursion.

use std::collections::HashMap;
use std::fmt::{self, Display, Formatter};

use super::{Fields, Value};
use crate::schema::{self, Body, Definition, Description, Node};

/// How many named types (structs, enums) may nest inside each other.
///
/// Only named types can be recursive, so this bounds the decoder's recursion for
/// any schema. The caller normally refuses payloads nested deeper than 256 before
/// decoding (see `depth.rs`); this is the backstop for a caller that did not.
const MAX_DEPTH: u32 = 1024;

/// How many values the decoder may produce for each payload byte, on top of
/// [`BUDGET_SLACK`].
///
/// A value of zero bytes (a unit, a unit struct, an empty tuple) can be repeated
/// by a count of any size at no cost in bytes: a `Vec<()>` claiming 10^18 items
/// fits in 10 bytes. Tying the number of values to the payload's size makes such a
/// payload fail fast instead of looping for ages or exhausting memory.
const BUDGET_PER_BYTE: u64 = 8;

/// Values allowed whatever the payload's size, so that small payloads of
/// zero-sized items (a few units) still decode.
const BUDGET_SLACK: u64 = 1024;

/// Decodes the postcard bytes `raw` of a value whose type `description` describes.
///
/// Wire format, as postcard 1.x writes it:
///
/// - `bool`: one byte, 0 or 1; `u8`, `i8`: one byte;
/// - `u16`, `u32`, `u64`, `usize`, `u128`: LEB128 varints of at most 3, 5, 10, 10
///   and 19 bytes, whose last byte must not overflow the type; the signed
///   integers: the same after zigzag; `usize` and `isize` become `U64` and `I64`;
/// - `f32`, `f64`: little-endian IEEE bytes;
/// - `char`, strings, bytes: a varint length, then that many bytes (UTF-8 for the
///   first two; exactly one character for `char`);
/// - options: a tag byte, 0 (none) or 1 (some, then the value);
/// - sequences and maps: a varint count, then the items or the key-value pairs;
///   arrays and tuples: their items, with no count;
/// - structs: their fields in order; enums: a varint `u32` variant index, then the
///   variant's fields.
///
/// Every byte of `raw` must belong to the value.
///
/// # Errors
///
/// A message saying what is wrong and at which byte, when the bytes do not follow
/// the description, a name in it has no definition, or the payload nests named
/// types more than 1024 deep or holds more than `8 × raw.len() + 1024` values.
///
/// # Example
///
/// ```
/// use persist_core::schema::Description;
/// use persist_core::value::{decode, Value};
///
/// let bytes = postcard::to_stdvec(&(7u8, Some("hé".to_string()))).unwrap();
/// let value = decode(&Description::of::<(u8, Option<String>)>(), &bytes)?;
/// assert_eq!(
///     value,
///     Value::Tuple(vec![
///         Value::U8(7),
///         Value::Option(Some(Box::new(Value::String("hé".into())))),
///     ])
/// );
/// assert!(decode(&Description::of::<u8>(), &[1, 2]).is_err());
/// # Ok::<(), String>(())
/// ```
pub fn decode(description: &Description, raw: &[u8]) -> Result<Value, String> {
    let mut reader = Reader::new(description, raw);
    let value = reader.node(description.root(), 0)?;
    reader.finish()?;
    Ok(value)
}

/// The width of a varint-encoded integer.
#[derive(Clone, Copy)]
struct Width {
    /// The unsigned type postcard reads, for messages.
    name: &'static str,
    /// Its size in bits.
    bits: u32,
}

impl Width {
    const U16: Width = Width::new("u16", 16);
    const U32: Width = Width::new("u32", 32);
    const U64: Width = Width::new("u64", 64);
    const U128: Width = Width::new("u128", 128);

    const fn new(name: &'static str, bits: u32) -> Width {
        Width { name, bits }
    }

    /// The most bytes postcard reads for this width: 7 bits per byte, rounded up.
    const fn max_len(self) -> u32 {
        self.bits.div_ceil(7)
    }

    /// The largest value the last of `max_len` bytes may hold: the bits left over
    /// once the other bytes carried 7 each. More would overflow the type.
    const fn max_last_byte(self) -> u8 {
        (1u8 << (self.bits % 7)) - 1
    }
}

/// What is being read, for messages. Built for every read but only formatted on
/// an error, so the happy path allocates nothing for it.
#[derive(Clone, Copy)]
enum What<'s> {
    /// A value of a kind: "a u32", "a string".
    Item(&'static str),
    /// The length prefix of a kind of value: "the length of a string".
    LengthOf(&'static str),
    /// The variant index of the enum of this name.
    VariantOf(&'s str),
}

impl Display for What<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            What::Item(item) => f.write_str(item),
            What::LengthOf(item) => write!(f, "the length of {item}"),
            What::VariantOf(name) => write!(f, "the variant index of enum `{name}`"),
        }
    }
}

/// `n` bytes, in words: "1 byte", "5 bytes".
fn bytes_word(n: usize) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

/// An error message located at byte `at` of the payload. Out of line and cold, so
/// that message building stays out of the recursive functions' stack frames.
#[cold]
#[inline(never)]
fn error_at(at: usize, message: impl Display) -> String {
    format!("at byte {at}: {message}")
}

/// A cursor over the payload, with what the walk needs besides the bytes: the
/// budget of values left and the definitions by name.
struct Reader<'a> {
    /// The payload bytes not read yet.
    bytes: &'a [u8],
    /// How many bytes were read before `bytes`, for messages.
    position: usize,
    /// How many more values may be produced; see [`BUDGET_PER_BYTE`].
    budget: u64,
    /// The description's definitions by name. The first of a name wins, as in
    /// [`Description::definition`]; a map keeps lookups cheap when a payload holds
    /// many values of named types.
    definitions: HashMap<&'a str, &'a Definition>,
}

impl<'a> Reader<'a> {
    fn new(description: &'a Description, raw: &'a [u8]) -> Self {
        let mut definitions = HashMap::new();
        for definition in description.definitions() {
            definitions
                .entry(definition.name.as_str())
                .or_insert(definition);
        }
        let size = u64::try_from(raw.len()).unwrap_or(u64::MAX);
        Reader {
            bytes: raw,
            position: 0,
            budget: size
                .saturating_mul(BUDGET_PER_BYTE)
                .saturating_add(BUDGET_SLACK),
            definitions,
        }
    }

    /// Fails unless the whole payload was read.
    fn finish(&self) -> Result<(), String> {
        match self.bytes.len() {
            0 => Ok(()),
            left => Err(error_at(
                self.position,
                format_args!("{} left over after the value", bytes_word(left)),
            )),
        }
    }

    /// Accounts for one more value, failing once the payload's budget is spent.
    fn charge(&mut self) -> Result<(), String> {
        match self.budget.checked_sub(1) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(error_at(
                self.position,
                "the payload holds more values than its size can account for \
                 (a count of zero-sized items too large to be real)",
            )),
        }
    }

    /// The next `n` bytes, which make up `what`.
    fn take(&mut self, n: usize, what: What) -> Result<&'a [u8], String> {
        if n > self.bytes.len() {
            let left = match self.bytes.len() {
                0 => "none is".to_string(),
                1 => "only 1 is".to_string(),
                left => format!("only {left} are"),
            };
            return Err(error_at(
                self.position,
                format_args!(
                    "the payload ends inside {what}, which needs {} but {left} left",
                    bytes_word(n)
                ),
            ));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        self.position += n;
        Ok(head)
    }

    /// The next `N` bytes as an array, for the fixed-size encodings.
    fn take_array<const N: usize>(&mut self, what: What) -> Result<[u8; N], String> {
        let at = self.position;
        // `take` returned exactly N bytes, so the conversion cannot fail.
        self.take(N, what)?
            .try_into()
            .map_err(|_| error_at(at, format_args!("could not read {what}")))
    }

    /// The next byte, which is (or starts) `what`.
    fn byte(&mut self, what: What) -> Result<u8, String> {
        let [byte] = self.take_array::<1>(what)?;
        Ok(byte)
    }

    /// An unsigned LEB128 varint of `width`, which is `what`, read as postcard
    /// reads it: at most `max_len` bytes, the last of which may not carry bits
    /// beyond the type. (Like postcard's reader, it accepts a longer-than-needed
    /// encoding within that length, although postcard never writes one.)
    fn varint(&mut self, width: Width, what: What) -> Result<u128, String> {
        let start = self.position;
        let max_len = width.max_len();
        let mut value = 0u128;
        for i in 0..max_len {
            let byte = self.byte(what)?;
            if i + 1 == max_len && byte > width.max_last_byte() {
                return Err(Self::bad_varint(start, width, what, byte));
            }
            // `i` < 19, so the shift stays below 128; the check above keeps the
            // last byte's bits inside the type.
            value |= u128::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        // Unreachable: the last byte either ended the varint or failed the check.
        Err(error_at(start, format_args!("{what} does not end")))
    }

    /// Why the last byte `last` of a varint was refused.
    #[cold]
    fn bad_varint(start: usize, width: Width, what: What, last: u8) -> String {
        if last & 0x80 != 0 {
            error_at(
                start,
                format_args!(
                    "{what} runs past the {} bytes a {} varint can take",
                    width.max_len(),
                    width.name
                ),
            )
        } else {
            error_at(
                start,
                format_args!("{what} does not fit in {} bits", width.bits),
            )
        }
    }

    /// A signed integer of `width`: zigzag over the unsigned varint, so small
    /// magnitudes of either sign stay short. The result fits the signed type.
    fn signed(&mut self, width: Width, what: What) -> Result<i128, String> {
        let zigzag = self.varint(width, what)?;
        // `zigzag >> 1` < 2^127 fits an i128; `-(zigzag & 1)` is 0 or -1.
        Ok(((zigzag >> 1) as i128) ^ -((zigzag & 1) as i128))
    }

    /// A length or count: postcard writes it as a `usize` varint, 64 bits on the
    /// platforms it is read on here.
    fn length(&mut self, what: What) -> Result<usize, String> {
        let at = self.position;
        let count = self.varint(Width::U64, what)?;
        usize::try_from(count).map_err(|_| {
            error_at(
                at,
                format_args!("{what} ({count}) does not fit this platform"),
            )
        })
    }

    /// A length-prefixed run of bytes making up `item`: a string or a byte string.
    fn prefixed(&mut self, item: &'static str) -> Result<&'a [u8], String> {
        let len = self.length(What::LengthOf(item))?;
        self.take(len, What::Item(item))
    }

    /// A primitive: anything that holds no other value. Kept out of [`Self::node`]
    /// so the recursive path's stack frames stay small.
    #[inline(never)]
    fn scalar(&mut self, node: &Node) -> Result<Value, String> {
        use What::Item;
        // The casts narrow integers that `varint` already proved to fit.
        Ok(match node {
            Node::Bool => self.bool()?,
            Node::U8 => Value::U8(self.byte(Item("a u8"))?),
            Node::I8 => Value::I8(i8::from_le_bytes([self.byte(Item("an i8"))?])),
            Node::U16 => Value::U16(self.varint(Width::U16, Item("a u16"))? as u16),
            Node::U32 => Value::U32(self.varint(Width::U32, Item("a u32"))? as u32),
            Node::U64 => Value::U64(self.varint(Width::U64, Item("a u64"))? as u64),
            Node::Usize => Value::U64(self.varint(Width::U64, Item("a usize"))? as u64),
            Node::U128 => Value::U128(self.varint(Width::U128, Item("a u128"))?),
            Node::I16 => Value::I16(self.signed(Width::U16, Item("an i16"))? as i16),
            Node::I32 => Value::I32(self.signed(Width::U32, Item("an i32"))? as i32),
            Node::I64 => Value::I64(self.signed(Width::U64, Item("an i64"))? as i64),
            Node::Isize => Value::I64(self.signed(Width::U64, Item("an isize"))? as i64),
            Node::I128 => Value::I128(self.signed(Width::U128, Item("an i128"))?),
            Node::F32 => Value::F32(f32::from_le_bytes(self.take_array(Item("an f32"))?)),
            Node::F64 => Value::F64(f64::from_le_bytes(self.take_array(Item("an f64"))?)),
            Node::Char => self.char()?,
            Node::String => self.string()?,
            Node::Bytes => Value::Bytes(self.prefixed("a byte string")?.to_vec()),
            Node::Unit => Value::Unit,
            other => {
                return Err(error_at(
                    self.position,
                    format_args!("cannot decode the schema node {other:?}"),
                ))
            }
        })
    }

    /// A bool: one byte, and only 0 or 1 (serde's `bool` has no other values).
    fn bool(&mut self) -> Result<Value, String> {
        let at = self.position;
        match self.byte(What::Item("a bool"))? {
            0 => Ok(Value::Bool(false)),
            1 => Ok(Value::Bool(true)),
            other => Err(error_at(at, format_args!("{other} is not a bool (0 or 1)"))),
        }
    }

    /// A string: its bytes must be UTF-8; the message points at the first bad byte.
    fn string(&mut self) -> Result<Value, String> {
        let bytes = self.prefixed("a string")?;
        let start = self.position - bytes.len();
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Value::String(text.to_owned())),
            Err(e) => Err(error_at(
                start + e.valid_up_to(),
                "invalid UTF-8 in a string",
            )),
        }
    }

    /// A char: postcard writes it as the string of its one character.
    fn char(&mut self) -> Result<Value, String> {
        let at = self.position;
        let len = self.length(What::LengthOf("a char"))?;
        if !(1..=4).contains(&len) {
            return Err(error_at(
                at,
                format_args!("a char takes 1 to 4 bytes of UTF-8, not {len}"),
            ));
        }
        let bytes = self.take(len, What::Item("a char"))?;
        let text =
            std::str::from_utf8(bytes).map_err(|_| error_at(at, "invalid UTF-8 in a char"))?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(Value::Char(c)),
            _ => Err(error_at(
                at,
                format_args!("{text:?} is not exactly one char"),
            )),
        }
    }

    /// One value of `node`. Every value is charged to the budget before it is read.
    /// `depth` counts the named types around it.
    ///
    /// This and the functions it recurses through hand results straight back
    /// (`map`, no `?` rewrapping) to keep their frames small: in a debug build each
    /// temporary `Result<Value, _>` takes its own stack slot, and a recursive type
    /// passes through these frames once per level.
    fn node(&mut self, node: &Node, depth: u32) -> Result<Value, String> {
        self.charge()?;
        match node {
            Node::Option(inner) => self.option(inner, depth),
            Node::Seq(item) => self.seq(item, depth),
            Node::Array(len, item) => self.items(item, *len, depth).map(Value::Seq),
            Node::Tuple(nodes) => self.tuple(nodes, depth).map(Value::Tuple),
            Node::Map(key, value) => self.map(key, value, depth),
            Node::Named(name) => self.named(name, depth),
            scalar => self.scalar(scalar),
        }
    }

    /// A sequence: a count, then that many items.
    #[inline(never)]
    fn seq(&mut self, item: &Node, depth: u32) -> Result<Value, String> {
        let count = self.length(What::LengthOf("a sequence"))?;
        self.items(item, count as u64, depth).map(Value::Seq)
    }

    /// An option: a tag byte, then the value when the tag says there is one.
    #[inline(never)]
    fn option(&mut self, inner: &Node, depth: u32) -> Result<Value, String> {
        let at = self.position;
        match self.byte(What::Item("an option's tag"))? {
            0 => Ok(Value::Option(None)),
            1 => self
                .node(inner, depth)
                .map(|value| Value::Option(Some(Box::new(value)))),
            other => Err(error_at(
                at,
                format_args!("{other} is not an option tag (0 or 1)"),
            )),
        }
    }

    /// A vector with room for `count` items, or for as many as the bytes left if
    /// fewer: an untrusted count never sizes an allocation by itself.
    fn with_capacity<T>(&self, count: u64) -> Vec<T> {
        let left = u64::try_from(self.bytes.len()).unwrap_or(u64::MAX);
        Vec::with_capacity(usize::try_from(count.min(left)).unwrap_or(0))
    }

    /// `count` items of `item`, as a sequence or an array stores them.
    fn items(&mut self, item: &Node, count: u64, depth: u32) -> Result<Vec<Value>, String> {
        let mut items = self.with_capacity(count);
        for _ in 0..count {
            items.push(self.node(item, depth)?);
        }
        Ok(items)
    }

    /// The items of a tuple (or tuple struct), in order.
    fn tuple(&mut self, nodes: &[Node], depth: u32) -> Result<Vec<Value>, String> {
        let mut items = Vec::with_capacity(nodes.len());
        for node in nodes {
            items.push(self.node(node, depth)?);
        }
        Ok(items)
    }

    /// A map: a count, then that many keys each followed by its value.
    #[inline(never)]
    fn map(&mut self, key: &Node, value: &Node, depth: u32) -> Result<Value, String> {
        let count = self.length(What::LengthOf("a map"))?;
        let mut entries = self.with_capacity(count as u64);
        for _ in 0..count {
            entries.push(self.entry(key, value, depth)?);
        }
        Ok(Value::Map(entries))
    }

    /// One key and its value.
    fn entry(&mut self, key: &Node, value: &Node, depth: u32) -> Result<(Value, Value), String> {
        let key = self.node(key, depth)?;
        self.node(value, depth).map(|value| (key, value))
    }

    /// A value of the named type `name`: a struct's fields, or an enum's variant.
    /// Only named types can recurse, so this is where depth is counted.
    #[inline(never)]
    fn named(&mut self, name: &str, depth: u32) -> Result<Value, String> {
        let depth = depth + 1;
        if depth > MAX_DEPTH {
            return Err(error_at(
                self.position,
                format_args!("named types nested more than {MAX_DEPTH} deep"),
            ));
        }
        let Some(&definition) = self.definitions.get(name) else {
            return Err(error_at(
                self.position,
                format_args!("the schema has no definition of the type `{name}`"),
            ));
        };
        match &definition.body {
            Body::Struct(fields) => self.fields(fields, depth).map(|fields| Value::Struct {
                name: definition.name.clone(),
                fields,
            }),
            Body::Enum(variants) => self.variant(&definition.name, variants, depth),
        }
    }

    /// A value of the enum `name`: the variant index, then the variant's fields.
    #[inline(never)]
    fn variant(
        &mut self,
        name: &str,
        variants: &[schema::Variant],
        depth: u32,
    ) -> Result<Value, String> {
        let at = self.position;
        let index = self.varint(Width::U32, What::VariantOf(name))?;
        let Some(variant) = usize::try_from(index).ok().and_then(|i| variants.get(i)) else {
            return Err(error_at(
                at,
                format_args!(
                    "variant index {index} out of range for enum `{name}` ({} variants)",
                    variants.len()
                ),
            ));
        };
        self.fields(&variant.fields, depth)
            .map(|fields| Value::Variant {
                name: name.to_owned(),
                variant: variant.name.clone(),
                // Fits: it was read as a u32 varint.
                index: index as u32,
                fields,
            })
    }

    /// The fields of a struct or variant, in the shape the schema gives them.
    #[inline(never)]
    fn fields(&mut self, fields: &schema::Fields, depth: u32) -> Result<Fields, String> {
        match fields {
            schema::Fields::Unit => Ok(Fields::Unit),
            schema::Fields::Newtype(node) => self
                .node(node, depth)
                .map(|value| Fields::Newtype(Box::new(value))),
            schema::Fields::Tuple(nodes) => self.tuple(nodes, depth).map(Fields::Tuple),
            schema::Fields::Named(named) => self.named_fields(named, depth).map(Fields::Named),
        }
    }

    /// Named fields, each with its name, in the schema's order.
    fn named_fields(
        &mut self,
        named: &[schema::Field],
        depth: u32,
    ) -> Result<Vec<(String, Value)>, String> {
        let mut values = Vec::with_capacity(named.len());
        for field in named {
            values.push((field.name.clone(), self.node(&field.node, depth)?));
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::schema::{Builder, Field, Schema, Variant};

    // ---- helpers -----------------------------------------------------------

    /// Encodes `value` with postcard and decodes it with `T`'s description.
    #[track_caller]
    fn round<T: Serialize + Schema>(value: &T) -> Value {
        let bytes = postcard::to_stdvec(value).expect("postcard encodes");
        decode(&Description::of::<T>(), &bytes).expect("decodes")
    }

    /// Decodes `bytes` as `T`, expecting an error.
    #[track_caller]
    fn fails<T: Schema + ?Sized>(bytes: &[u8]) -> String {
        match decode(&Description::of::<T>(), bytes) {
            Ok(value) => panic!("decoded {value:?} from {bytes:?}"),
            Err(message) => message,
        }
    }

    fn some(value: Value) -> Value {
        Value::Option(Some(Box::new(value)))
    }

    fn string(text: &str) -> Value {
        Value::String(text.into())
    }

    fn named(fields: &[(&str, Value)]) -> Fields {
        Fields::Named(
            fields
                .iter()
                .map(|(n, v)| ((*n).to_string(), v.clone()))
                .collect(),
        )
    }

    // ---- test types, with hand-written schemas -------------------------------

    #[derive(Serialize, Deserialize)]
    struct Point {
        x: i32,
        y: f64,
    }
    impl Schema for Point {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Point".into(), |b| {
                Definition::new(
                    "Point",
                    Body::Struct(schema::Fields::Named(vec![
                        Field::new("x", i32::describe(b)),
                        Field::new("y", f64::describe(b)),
                    ])),
                )
            })
        }
    }

    #[derive(Serialize, Deserialize)]
    struct Pair(u8, String);
    impl Schema for Pair {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Pair".into(), |b| {
                Definition::new(
                    "Pair",
                    Body::Struct(schema::Fields::Tuple(vec![
                        u8::describe(b),
                        String::describe(b),
                    ])),
                )
            })
        }
    }

    #[derive(Serialize, Deserialize)]
    struct Marker;
    impl Schema for Marker {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Marker".into(), |_| {
                Definition::new("Marker", Body::Struct(schema::Fields::Unit))
            })
        }
    }

    #[derive(Serialize, Deserialize)]
    struct Meters(f64);
    impl Schema for Meters {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Meters".into(), |b| {
                Definition::new(
                    "Meters",
                    Body::Struct(schema::Fields::Newtype(f64::describe(b))),
                )
            })
        }
    }

    #[derive(Serialize, Deserialize)]
    enum Shape {
        Empty,
        Circle(f64),
        Rect(u16, u16),
        Label { text: String, size: u8 },
    }
    impl Schema for Shape {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Shape".into(), |b| {
                Definition::new(
                    "Shape",
                    Body::Enum(vec![
                        Variant::new("Empty", schema::Fields::Unit),
                        Variant::new("Circle", schema::Fields::Newtype(f64::describe(b))),
                        Variant::new(
                            "Rect",
                            schema::Fields::Tuple(vec![u16::describe(b), u16::describe(b)]),
                        ),
                        Variant::new(
                            "Label",
                            schema::Fields::Named(vec![
                                Field::new("text", String::describe(b)),
                                Field::new("size", u8::describe(b)),
                            ]),
                        ),
                    ]),
                )
            })
        }
    }

    #[derive(Serialize, Deserialize)]
    enum Side {
        Buy,
        Sell,
    }
    impl Schema for Side {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Side".into(), |_| {
                Definition::new(
                    "Side",
                    Body::Enum(vec![
                        Variant::new("Buy", schema::Fields::Unit),
                        Variant::new("Sell", schema::Fields::Unit),
                    ]),
                )
            })
        }
    }

    /// A recursive type: the schema refers to itself through `Vec<Tree>`.
    #[derive(Serialize, Deserialize)]
    struct Tree {
        value: u32,
        children: Vec<Tree>,
    }
    impl Schema for Tree {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Tree".into(), |b| {
                Definition::new(
                    "Tree",
                    Body::Struct(schema::Fields::Named(vec![
                        Field::new("value", u32::describe(b)),
                        Field::new("children", Vec::<Tree>::describe(b)),
                    ])),
                )
            })
        }
    }

    /// A byte string: serialized with `serialize_bytes`, described as `Node::Bytes`.
    struct Blob(Vec<u8>);
    impl Serialize for Blob {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(&self.0)
        }
    }
    impl Schema for Blob {
        fn describe(_: &mut Builder) -> Node {
            Node::Bytes
        }
    }

    /// `Nest(Option<Box<Nest>>)`: one named type per level, for the depth limit.
    #[derive(Serialize, Deserialize)]
    struct Nest(Option<Box<Nest>>);
    impl Schema for Nest {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Nest".into(), |b| {
                Definition::new(
                    "Nest",
                    Body::Struct(schema::Fields::Newtype(Option::<Box<Nest>>::describe(b))),
                )
            })
        }
    }

    /// An array of units far too long to be real, described by hand.
    struct HugeUnitArray;
    impl Schema for HugeUnitArray {
        fn describe(_: &mut Builder) -> Node {
            Node::Array(u64::MAX, Box::new(Node::Unit))
        }
    }

    /// A type whose schema names a type it does not define.
    struct Dangling;
    impl Schema for Dangling {
        fn describe(_: &mut Builder) -> Node {
            Node::Named("Ghost".into())
        }
    }

    // ---- primitives ----------------------------------------------------------

    #[test]
    fn unsigned_integers_at_their_extremes() {
        assert_eq!(round(&true), Value::Bool(true));
        assert_eq!(round(&false), Value::Bool(false));
        assert_eq!(round(&0u8), Value::U8(0));
        assert_eq!(round(&u8::MAX), Value::U8(u8::MAX));
        assert_eq!(round(&u16::MAX), Value::U16(u16::MAX));
        assert_eq!(round(&300u16), Value::U16(300));
        assert_eq!(round(&0u32), Value::U32(0));
        assert_eq!(round(&u32::MAX), Value::U32(u32::MAX));
        assert_eq!(round(&u64::MAX), Value::U64(u64::MAX));
        assert_eq!(round(&127u64), Value::U64(127));
        assert_eq!(round(&128u64), Value::U64(128));
        assert_eq!(round(&usize::MAX), Value::U64(usize::MAX as u64));
        assert_eq!(round(&u128::MAX), Value::U128(u128::MAX));
        assert_eq!(round(&(1u128 << 64)), Value::U128(1 << 64));
    }

    #[test]
    fn signed_integers_at_their_extremes() {
        for v in [i8::MIN, -1, 0, 1, i8::MAX] {
            assert_eq!(round(&v), Value::I8(v));
        }
        for v in [i16::MIN, -1, 0, 1, i16::MAX] {
            assert_eq!(round(&v), Value::I16(v));
        }
        for v in [i32::MIN, -64, 63, i32::MAX] {
            assert_eq!(round(&v), Value::I32(v));
        }
        for v in [i64::MIN, -1, 0, i64::MAX] {
            assert_eq!(round(&v), Value::I64(v));
        }
        assert_eq!(round(&isize::MIN), Value::I64(isize::MIN as i64));
        assert_eq!(round(&isize::MAX), Value::I64(isize::MAX as i64));
        for v in [i128::MIN, -1, 0, i128::MAX] {
            assert_eq!(round(&v), Value::I128(v));
        }
    }

    #[test]
    fn floats_chars_and_unit() {
        assert_eq!(round(&1.5f32), Value::F32(1.5));
        assert_eq!(round(&f32::MIN), Value::F32(f32::MIN));
        assert_eq!(round(&f32::INFINITY), Value::F32(f32::INFINITY));
        assert_eq!(round(&-0.0f64), Value::F64(-0.0));
        assert_eq!(round(&f64::MAX), Value::F64(f64::MAX));
        assert_eq!(round(&f64::MIN_POSITIVE), Value::F64(f64::MIN_POSITIVE));
        assert_eq!(round(&'a'), Value::Char('a'));
        assert_eq!(round(&'é'), Value::Char('é'));
        assert_eq!(round(&'€'), Value::Char('€'));
        assert_eq!(round(&'🦀'), Value::Char('🦀'));
        assert_eq!(round(&()), Value::Unit);
    }

    #[test]
    fn strings_and_bytes() {
        assert_eq!(round(&String::new()), string(""));
        assert_eq!(round(&"hé€🦀".to_string()), string("hé€🦀"));
        let long = "x".repeat(300);
        assert_eq!(round(&long), string(&long));
        assert_eq!(round(&Blob(vec![])), Value::Bytes(vec![]));
        assert_eq!(
            round(&Blob(vec![0, 255, 128, 7])),
            Value::Bytes(vec![0, 255, 128, 7])
        );
    }

    // ---- containers ----------------------------------------------------------

    #[test]
    fn options() {
        assert_eq!(round(&None::<String>), Value::Option(None));
        assert_eq!(round(&Some("hi".to_string())), some(string("hi")));
        assert_eq!(round(&Some(Some(0u8))), some(some(Value::U8(0))));
        assert_eq!(round(&Some(None::<u8>)), some(Value::Option(None)));
    }

    #[test]
    fn sequences_maps_tuples_and_arrays() {
        assert_eq!(round(&Vec::<u32>::new()), Value::Seq(vec![]));
        assert_eq!(
            round(&vec![1u32, 300, u32::MAX]),
            Value::Seq(vec![Value::U32(1), Value::U32(300), Value::U32(u32::MAX)])
        );
        assert_eq!(
            round(&(7u8, -7i64)),
            Value::Tuple(vec![Value::U8(7), Value::I64(-7)])
        );
        assert_eq!(
            round(&[1u16, 2, 65535]),
            Value::Seq(vec![Value::U16(1), Value::U16(2), Value::U16(65535)])
        );
        let map = BTreeMap::from([("a".to_string(), 1.5f64), ("b".to_string(), -2.0)]);
        assert_eq!(
            round(&map),
            Value::Map(vec![
                (string("a"), Value::F64(1.5)),
                (string("b"), Value::F64(-2.0)),
            ])
        );
        type Nested = Vec<(BTreeMap<u8, Vec<[i8; 2]>>, Option<()>)>;
        let nested: Nested = vec![
            (BTreeMap::from([(1, vec![[-1, 1]]), (2, vec![])]), Some(())),
            (BTreeMap::new(), None),
        ];
        assert_eq!(
            round(&nested),
            Value::Seq(vec![
                Value::Tuple(vec![
                    Value::Map(vec![
                        (
                            Value::U8(1),
                            Value::Seq(vec![Value::Seq(vec![Value::I8(-1), Value::I8(1)])])
                        ),
                        (Value::U8(2), Value::Seq(vec![])),
                    ]),
                    some(Value::Unit),
                ]),
                Value::Tuple(vec![Value::Map(vec![]), Value::Option(None)]),
            ])
        );
    }

    // ---- named types ---------------------------------------------------------

    #[test]
    fn struct_shapes() {
        assert_eq!(
            round(&Point { x: -3, y: 0.25 }),
            Value::Struct {
                name: "Point".into(),
                fields: named(&[("x", Value::I32(-3)), ("y", Value::F64(0.25))]),
            }
        );
        assert_eq!(
            round(&Pair(9, "ü".into())),
            Value::Struct {
                name: "Pair".into(),
                fields: Fields::Tuple(vec![Value::U8(9), string("ü")]),
            }
        );
        assert_eq!(
            round(&Marker),
            Value::Struct {
                name: "Marker".into(),
                fields: Fields::Unit,
            }
        );
        assert_eq!(
            round(&Meters(12.5)),
            Value::Struct {
                name: "Meters".into(),
                fields: Fields::Newtype(Box::new(Value::F64(12.5))),
            }
        );
    }

    #[test]
    fn enum_variants_of_every_shape() {
        let variant = |variant: &str, index: u32, fields: Fields| Value::Variant {
            name: "Shape".into(),
            variant: variant.into(),
            index,
            fields,
        };
        assert_eq!(
            round(&vec![
                Shape::Empty,
                Shape::Circle(2.0),
                Shape::Rect(3, 400),
                Shape::Label {
                    text: "ok".into(),
                    size: 12,
                },
            ]),
            Value::Seq(vec![
                variant("Empty", 0, Fields::Unit),
                variant("Circle", 1, Fields::Newtype(Box::new(Value::F64(2.0)))),
                variant(
                    "Rect",
                    2,
                    Fields::Tuple(vec![Value::U16(3), Value::U16(400)])
                ),
                variant(
                    "Label",
                    3,
                    named(&[("text", string("ok")), ("size", Value::U8(12))])
                ),
            ])
        );
    }

    #[test]
    fn recursive_tree() {
        let tree = Tree {
            value: 1,
            children: vec![
                Tree {
                    value: 2,
                    children: vec![],
                },
                Tree {
                    value: 3,
                    children: vec![Tree {
                        value: 4,
                        children: vec![],
                    }],
                },
            ],
        };
        let node = |value: u32, children: Vec<Value>| Value::Struct {
            name: "Tree".into(),
            fields: named(&[
                ("value", Value::U32(value)),
                ("children", Value::Seq(children)),
            ]),
        };
        assert_eq!(
            round(&tree),
            node(1, vec![node(2, vec![]), node(3, vec![node(4, vec![])])])
        );
    }

    #[test]
    fn nesting_up_to_the_limit_decodes_and_beyond_it_fails() {
        // Nest(Some(Nest(Some(... Nest(None))))): `levels` named types, one byte each.
        let payload = |levels: usize| {
            let mut bytes = vec![1u8; levels - 1];
            bytes.push(0);
            bytes
        };
        // 1024 levels of `Nest` take under 2 MiB of stack in a debug build and
        // under 1 MiB in release; 4 MiB leaves room and catches frames that grow.
        let result = std::thread::Builder::new()
            .stack_size(4 << 20)
            .spawn(move || {
                let d = Description::of::<Nest>();
                let deep = decode(&d, &payload(MAX_DEPTH as usize)).map(|_| ());
                let deeper = decode(&d, &payload(MAX_DEPTH as usize + 1)).map(|_| ());
                (deep, deeper)
            })
            .expect("spawn")
            .join()
            .expect("no panic");
        assert_eq!(result.0, Ok(()));
        assert_eq!(
            result.1,
            Err("at byte 1024: named types nested more than 1024 deep".into())
        );
    }

    // ---- errors --------------------------------------------------------------

    #[test]
    fn truncated_input_fails_at_every_cut() {
        let value = vec![
            Shape::Label {
                text: "héllo".into(),
                size: 200,
            },
            Shape::Rect(1000, u16::MAX),
            Shape::Circle(1.0),
        ];
        let bytes = postcard::to_stdvec(&value).expect("encodes");
        let d = Description::of::<Vec<Shape>>();
        assert!(decode(&d, &bytes).is_ok());
        for cut in 0..bytes.len() {
            assert!(decode(&d, &bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(
            fails::<u64>(&[]),
            "at byte 0: the payload ends inside a u64, which needs 1 byte but none is left"
        );
        assert_eq!(
            fails::<(u8, f64)>(&[1, 0, 0]),
            "at byte 1: the payload ends inside an f64, which needs 8 bytes but only 2 are left"
        );
        assert_eq!(
            fails::<String>(&[5, b'a', b'b']),
            "at byte 1: the payload ends inside a string, which needs 5 bytes but only 2 are left"
        );
        assert_eq!(
            fails::<u32>(&[0x80, 0x80]),
            "at byte 2: the payload ends inside a u32, which needs 1 byte but none is left"
        );
    }

    #[test]
    fn bad_bool_and_option_tags() {
        assert_eq!(fails::<bool>(&[2]), "at byte 0: 2 is not a bool (0 or 1)");
        assert_eq!(
            fails::<(u8, Option<u8>)>(&[0, 7, 1]),
            "at byte 1: 7 is not an option tag (0 or 1)"
        );
    }

    #[test]
    fn variant_index_out_of_range() {
        assert_eq!(
            fails::<(u8, u8, u8, Side)>(&[1, 2, 3, 9]),
            "at byte 3: variant index 9 out of range for enum `Side` (2 variants)"
        );
        // An index beyond u32 is a bad varint before it is a bad index.
        assert!(fails::<Side>(&[0xff, 0xff, 0xff, 0xff, 0x10]).contains("does not fit in 32 bits"));
    }

    #[test]
    fn invalid_utf8_and_bad_chars() {
        // The first bad byte is the 0xff at offset 3: length, 'a', 'b', then 0xff.
        assert_eq!(
            fails::<String>(&[3, b'a', b'b', 0xff]),
            "at byte 3: invalid UTF-8 in a string"
        );
        assert_eq!(
            fails::<char>(&[1, 0xc3]),
            "at byte 0: invalid UTF-8 in a char"
        );
        assert_eq!(
            fails::<char>(&[2, b'a', b'b']),
            "at byte 0: \"ab\" is not exactly one char"
        );
        assert!(fails::<char>(&[0]).contains("1 to 4 bytes"));
        assert!(fails::<char>(&[5, 1, 2, 3, 4, 5]).contains("1 to 4 bytes"));
    }

    #[test]
    fn overlong_and_overflowing_varints() {
        // Longer than postcard's maximum for the type.
        assert_eq!(
            fails::<u16>(&[0x80, 0x80, 0x80, 0x00]),
            "at byte 0: a u16 runs past the 3 bytes a u16 varint can take"
        );
        assert!(
            fails::<u32>(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).contains("runs past the 5 bytes")
        );
        assert!(fails::<u64>(&[0x80; 11]).contains("runs past the 10 bytes"));
        assert!(fails::<Vec<u8>>(&[0xff; 11]).contains("runs past the 10 bytes"));
        // Of the maximal length, with bits beyond the type in the last byte.
        assert_eq!(
            fails::<u16>(&[0xff, 0xff, 0x04]),
            "at byte 0: a u16 does not fit in 16 bits"
        );
        assert!(fails::<u32>(&[0xff, 0xff, 0xff, 0xff, 0x10]).contains("does not fit"));
        assert!(
            fails::<u64>(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])
                .contains("does not fit")
        );
        let mut u128_overflow = vec![0xff; 18];
        u128_overflow.push(0x04);
        assert!(fails::<u128>(&u128_overflow).contains("a u128 does not fit in 128 bits"));
        assert!(fails::<i128>(&u128_overflow).contains("an i128 does not fit in 128 bits"));
        // Like postcard, padding within the maximal length is read, not refused.
        assert_eq!(
            decode(&Description::of::<u32>(), &[0x80, 0x00]),
            Ok(Value::U32(0))
        );
        assert_eq!(postcard::from_bytes::<u32>(&[0x80, 0x00]), Ok(0));
    }

    #[test]
    fn trailing_bytes() {
        assert_eq!(
            fails::<u8>(&[1, 2, 3]),
            "at byte 1: 2 bytes left over after the value"
        );
        assert_eq!(
            fails::<()>(&[0]),
            "at byte 0: 1 byte left over after the value"
        );
    }

    #[test]
    fn missing_definition() {
        assert_eq!(
            fails::<Dangling>(&[]),
            "at byte 0: the schema has no definition of the type `Ghost`"
        );
    }

    #[test]
    fn huge_counts_with_few_bytes_fail_without_allocating() {
        // Counts of u64::MAX - 1: with_capacity(count) would abort the process.
        let mut huge = vec![0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        huge.extend([1, 2]);
        assert!(fails::<Vec<u64>>(&huge).contains("the payload ends inside a u64,"));
        assert!(fails::<Vec<String>>(&huge).contains("ends inside the length of a string"));
        assert!(fails::<BTreeMap<u8, u8>>(&huge).contains("ends inside a u8"));
        assert!(
            fails::<String>(&huge).contains("needs 18446744073709551614 bytes but only 2 are left")
        );
        assert!(fails::<Blob>(&huge).contains("ends inside a byte string"));
    }

    #[test]
    fn zero_sized_items_are_bounded_by_the_budget() {
        let start = std::time::Instant::now();
        // Vec<()> claiming u64::MAX items in 10 bytes: 10 * 8 + 1024 values allowed.
        let mut huge = vec![0xff; 9];
        huge.push(0x01);
        let message = fails::<Vec<()>>(&huge);
        assert!(message.contains("more values than its size"), "{message}");
        assert!(fails::<Vec<Marker>>(&huge).contains("more values than its size"));
        assert!(fails::<HugeUnitArray>(&[]).contains("more values than its size"));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        // Within the budget, zero-sized items decode: 1 (the Vec) + 1000 units.
        assert_eq!(round(&vec![(); 1000]), Value::Seq(vec![Value::Unit; 1000]));
        // 2 bytes allow 2 * 8 + 1024 = 1040 values: the Vec and 1039 units.
        let units = |n: usize| postcard::to_stdvec(&vec![(); n]).expect("encodes");
        assert!(decode(&Description::of::<Vec<()>>(), &units(1039)).is_ok());
        assert!(decode(&Description::of::<Vec<()>>(), &units(1040)).is_err());
    }

    /// Whether postcard's typed decoder reads all of `bytes` as a `T`.
    fn postcard_reads<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> bool {
        matches!(postcard::take_from_bytes::<T>(bytes), Ok((_, rest)) if rest.is_empty())
    }

    proptest::proptest! {
        /// On any bytes, the decoder answers without panicking, and accepts exactly
        /// what postcard's typed decoder accepts (these types hold no `char`, where
        /// this reader is stricter, and the inputs are too small for the budget).
        #[test]
        fn agrees_with_postcard_on_arbitrary_bytes(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            proptest::prop_assert_eq!(
                decode(&Description::of::<Vec<Shape>>(), &bytes).is_ok(),
                postcard_reads::<Vec<Shape>>(&bytes)
            );
            proptest::prop_assert_eq!(
                decode(&Description::of::<Tree>(), &bytes).is_ok(),
                postcard_reads::<Tree>(&bytes)
            );
            type Mixed = (Option<i128>, BTreeMap<String, (u16, bool)>, [i32; 2]);
            proptest::prop_assert_eq!(
                decode(&Description::of::<Mixed>(), &bytes).is_ok(),
                postcard_reads::<Mixed>(&bytes)
            );
        }

        /// Whatever a valid payload is cut or corrupted to, the decoder answers.
        #[test]
        fn corrupted_payloads_never_panic(
            flips in proptest::collection::vec((0usize..64, proptest::prelude::any::<u8>()), 0..4),
            cut in 0usize..80,
        ) {
            let value = vec![
                Shape::Label { text: "é€".into(), size: 3 },
                Shape::Rect(9, 1 << 15),
                Shape::Empty,
                Shape::Circle(-1.5),
            ];
            let mut bytes = postcard::to_stdvec(&value).expect("encodes");
            for (at, byte) in flips {
                if let Some(slot) = bytes.get_mut(at) {
                    *slot = byte;
                }
            }
            bytes.truncate(cut);
            let decoded = decode(&Description::of::<Vec<Shape>>(), &bytes);
            proptest::prop_assert_eq!(decoded.is_ok(), postcard_reads::<Vec<Shape>>(&bytes));
        }
    }
}
