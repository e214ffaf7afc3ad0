//! The canonical byte encoding of a [`Description`], as stored in a file.
//!
//! Written by hand rather than derived so that it can never drift with a refactor of
//! the in-memory types: these bytes are hashed into fingerprints that files keep for
//! years. `docs/FORMAT.md` specifies them. Decoding treats the bytes as hostile: every
//! count is checked against the bytes left before anything is allocated, and nesting
//! is capped so that a crafted schema cannot exhaust the stack.

use std::collections::{HashMap, HashSet};

use super::{Body, Definition, Description, Field, Fields, Node, RecordId, Variant};
use crate::varint;

/// Deepest nesting of nodes a stored description may have.
pub(crate) const MAX_DEPTH: usize = 128;

mod tag {
    pub const BOOL: u8 = 0;
    pub const U8: u8 = 1;
    pub const U16: u8 = 2;
    pub const U32: u8 = 3;
    pub const U64: u8 = 4;
    pub const U128: u8 = 5;
    pub const USIZE: u8 = 6;
    pub const I8: u8 = 7;
    pub const I16: u8 = 8;
    pub const I32: u8 = 9;
    pub const I64: u8 = 10;
    pub const I128: u8 = 11;
    pub const ISIZE: u8 = 12;
    pub const F32: u8 = 13;
    pub const F64: u8 = 14;
    pub const CHAR: u8 = 15;
    pub const STRING: u8 = 16;
    pub const BYTES: u8 = 17;
    pub const UNIT: u8 = 18;
    pub const OPTION: u8 = 19;
    pub const SEQ: u8 = 20;
    pub const ARRAY: u8 = 21;
    pub const TUPLE: u8 = 22;
    pub const MAP: u8 = 23;
    pub const NAMED: u8 = 24;

    pub const FIELDS_UNIT: u8 = 0;
    pub const FIELDS_NEWTYPE: u8 = 1;
    pub const FIELDS_TUPLE: u8 = 2;
    pub const FIELDS_NAMED: u8 = 3;

    pub const BODY_STRUCT: u8 = 0;
    pub const BODY_ENUM: u8 = 1;
}

/// Encodes `description` canonically.
pub(crate) fn encode(description: &Description) -> Vec<u8> {
    let index: HashMap<&str, usize> = description
        .definitions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.as_str(), i))
        .collect();
    let mut out = Vec::with_capacity(64);
    let mut encoder = Encoder {
        out: &mut out,
        index: &index,
    };
    // Names (and record ids) come first so that a reader can resolve every reference
    // the moment it reads it, forward references included.
    varint::write_u64(encoder.out, description.definitions.len() as u64);
    for definition in &description.definitions {
        encoder.head(definition);
    }
    for definition in &description.definitions {
        encoder.body(&definition.body);
    }
    encoder.node(&description.root);
    out
}

struct Encoder<'a> {
    out: &'a mut Vec<u8>,
    index: &'a HashMap<&'a str, usize>,
}

impl Encoder<'_> {
    fn str(&mut self, s: &str) {
        varint::write_u64(self.out, s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }

    fn head(&mut self, definition: &Definition) {
        self.str(&definition.name);
        match &definition.record {
            None => self.out.push(0),
            Some(record) => {
                self.out.push(1);
                self.str(&record.rec_id);
                varint::write_u64(self.out, u64::from(record.version));
            }
        }
    }

    fn body(&mut self, body: &Body) {
        match body {
            Body::Struct(fields) => {
                self.out.push(tag::BODY_STRUCT);
                self.fields(fields);
            }
            Body::Enum(variants) => {
                self.out.push(tag::BODY_ENUM);
                varint::write_u64(self.out, variants.len() as u64);
                for variant in variants {
                    self.str(&variant.name);
                    self.fields(&variant.fields);
                }
            }
        }
    }

    fn fields(&mut self, fields: &Fields) {
        match fields {
            Fields::Unit => self.out.push(tag::FIELDS_UNIT),
            Fields::Newtype(node) => {
                self.out.push(tag::FIELDS_NEWTYPE);
                self.node(node);
            }
            Fields::Tuple(nodes) => {
                self.out.push(tag::FIELDS_TUPLE);
                self.nodes(nodes);
            }
            Fields::Named(fields) => {
                self.out.push(tag::FIELDS_NAMED);
                varint::write_u64(self.out, fields.len() as u64);
                for field in fields {
                    self.str(&field.name);
                    self.node(&field.node);
                }
            }
        }
    }

    fn nodes(&mut self, nodes: &[Node]) {
        varint::write_u64(self.out, nodes.len() as u64);
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        let simple = match node {
            Node::Bool => tag::BOOL,
            Node::U8 => tag::U8,
            Node::U16 => tag::U16,
            Node::U32 => tag::U32,
            Node::U64 => tag::U64,
            Node::U128 => tag::U128,
            Node::Usize => tag::USIZE,
            Node::I8 => tag::I8,
            Node::I16 => tag::I16,
            Node::I32 => tag::I32,
            Node::I64 => tag::I64,
            Node::I128 => tag::I128,
            Node::Isize => tag::ISIZE,
            Node::F32 => tag::F32,
            Node::F64 => tag::F64,
            Node::Char => tag::CHAR,
            Node::String => tag::STRING,
            Node::Bytes => tag::BYTES,
            Node::Unit => tag::UNIT,
            Node::Option(inner) => {
                self.out.push(tag::OPTION);
                return self.node(inner);
            }
            Node::Seq(item) => {
                self.out.push(tag::SEQ);
                return self.node(item);
            }
            Node::Array(len, item) => {
                self.out.push(tag::ARRAY);
                varint::write_u64(self.out, *len);
                return self.node(item);
            }
            Node::Tuple(items) => {
                self.out.push(tag::TUPLE);
                return self.nodes(items);
            }
            Node::Map(key, value) => {
                self.out.push(tag::MAP);
                self.node(key);
                return self.node(value);
            }
            Node::Named(name) => {
                self.out.push(tag::NAMED);
                // Builder::finish guarantees every name has a definition; an unknown
                // name can only come from a hand-assembled Description, which has no
                // public constructor.
                let index = self.index.get(name.as_str()).copied().unwrap_or(usize::MAX);
                varint::write_u64(self.out, index as u64);
                return;
            }
        };
        self.out.push(simple);
    }
}

/// How many items to reserve room for up front: a count read from the file is only
/// known to be at most the bytes left, and each item takes far more memory than its
/// one byte, so larger vectors grow as items are actually read.
fn capacity_for(count: usize) -> usize {
    count.min(64)
}

/// Why stored description bytes could not be decoded.
pub(crate) type DecodeError = String;

/// Decodes canonical description bytes, treating them as untrusted.
pub(crate) fn decode(bytes: &[u8]) -> Result<Description, DecodeError> {
    let mut decoder = Decoder {
        bytes,
        pos: 0,
        names: Vec::new(),
    };
    let count = decoder.count("definition count")?;
    let mut heads = Vec::with_capacity(capacity_for(count));
    let mut seen = HashSet::with_capacity(capacity_for(count));
    for _ in 0..count {
        let name = decoder.str("type name")?;
        if !seen.insert(name.clone()) {
            return Err(format!("type `{name}` is defined twice"));
        }
        decoder.names.push(name.clone());
        heads.push((name, decoder.record()?));
    }
    let mut definitions = Vec::with_capacity(capacity_for(count));
    for (name, record) in heads {
        let body = decoder.body(&name)?;
        definitions.push(Definition { name, record, body });
    }
    let root = decoder.node(0)?;
    if decoder.pos != bytes.len() {
        return Err(format!(
            "{} unexpected bytes after the schema",
            bytes.len() - decoder.pos
        ));
    }
    Ok(Description { root, definitions })
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    names: Vec<String>,
}

impl Decoder<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn byte(&mut self, what: &str) -> Result<u8, DecodeError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| format!("schema ends inside {what}"))?;
        self.pos += 1;
        Ok(b)
    }

    fn u64(&mut self, what: &str) -> Result<u64, DecodeError> {
        let (value, used) = varint::read_u64(&self.bytes[self.pos..])
            .ok_or_else(|| format!("bad or truncated integer in {what}"))?;
        self.pos += used;
        Ok(value)
    }

    /// A count of items that each take at least one byte: never more than the bytes left.
    fn count(&mut self, what: &str) -> Result<usize, DecodeError> {
        let n = self.u64(what)?;
        if n > self.remaining() as u64 {
            return Err(format!(
                "{what} {n} exceeds the {} bytes left",
                self.remaining()
            ));
        }
        Ok(n as usize)
    }

    fn str(&mut self, what: &str) -> Result<String, DecodeError> {
        let len = self.count(what)?;
        let raw = &self.bytes[self.pos..self.pos + len];
        self.pos += len;
        String::from_utf8(raw.to_vec()).map_err(|_| format!("{what} is not valid UTF-8"))
    }

    fn record(&mut self) -> Result<Option<RecordId>, DecodeError> {
        Ok(match self.byte("record flag")? {
            0 => None,
            1 => {
                let rec_id = self.str("record id")?;
                let version = u32::try_from(self.u64("record version")?)
                    .map_err(|_| format!("version of `{rec_id}` does not fit in 32 bits"))?;
                Some(RecordId { rec_id, version })
            }
            other => return Err(format!("bad record flag {other}")),
        })
    }

    fn body(&mut self, name: &str) -> Result<Body, DecodeError> {
        Ok(match self.byte("type body")? {
            tag::BODY_STRUCT => Body::Struct(self.fields(1)?),
            tag::BODY_ENUM => {
                let n = self.count("variant count")?;
                let mut variants = Vec::with_capacity(capacity_for(n));
                for _ in 0..n {
                    let name = self.str("variant name")?;
                    variants.push(Variant::new(name, self.fields(1)?));
                }
                Body::Enum(variants)
            }
            other => return Err(format!("bad body tag {other} in `{name}`")),
        })
    }

    fn fields(&mut self, depth: usize) -> Result<Fields, DecodeError> {
        Ok(match self.byte("fields")? {
            tag::FIELDS_UNIT => Fields::Unit,
            tag::FIELDS_NEWTYPE => Fields::Newtype(self.node(depth)?),
            tag::FIELDS_TUPLE => Fields::Tuple(self.nodes(depth)?),
            tag::FIELDS_NAMED => {
                let n = self.count("field count")?;
                let mut fields = Vec::with_capacity(capacity_for(n));
                for _ in 0..n {
                    let name = self.str("field name")?;
                    fields.push(Field::new(name, self.node(depth)?));
                }
                Fields::Named(fields)
            }
            other => return Err(format!("bad fields tag {other}")),
        })
    }

    fn nodes(&mut self, depth: usize) -> Result<Vec<Node>, DecodeError> {
        let n = self.count("tuple length")?;
        let mut nodes = Vec::with_capacity(capacity_for(n));
        for _ in 0..n {
            nodes.push(self.node(depth)?);
        }
        Ok(nodes)
    }

    fn node(&mut self, depth: usize) -> Result<Node, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(format!("types nested deeper than {MAX_DEPTH} levels"));
        }
        let next = depth + 1;
        Ok(match self.byte("type")? {
            tag::BOOL => Node::Bool,
            tag::U8 => Node::U8,
            tag::U16 => Node::U16,
            tag::U32 => Node::U32,
            tag::U64 => Node::U64,
            tag::U128 => Node::U128,
            tag::USIZE => Node::Usize,
            tag::I8 => Node::I8,
            tag::I16 => Node::I16,
            tag::I32 => Node::I32,
            tag::I64 => Node::I64,
            tag::I128 => Node::I128,
            tag::ISIZE => Node::Isize,
            tag::F32 => Node::F32,
            tag::F64 => Node::F64,
            tag::CHAR => Node::Char,
            tag::STRING => Node::String,
            tag::BYTES => Node::Bytes,
            tag::UNIT => Node::Unit,
            tag::OPTION => Node::Option(Box::new(self.node(next)?)),
            tag::SEQ => Node::Seq(Box::new(self.node(next)?)),
            tag::ARRAY => {
                let len = self.u64("array length")?;
                Node::Array(len, Box::new(self.node(next)?))
            }
            tag::TUPLE => Node::Tuple(self.nodes(next)?),
            tag::MAP => {
                let key = self.node(next)?;
                Node::Map(Box::new(key), Box::new(self.node(next)?))
            }
            tag::NAMED => {
                let index = self.u64("type reference")?;
                let name = usize::try_from(index)
                    .ok()
                    .and_then(|i| self.names.get(i))
                    .ok_or_else(|| format!("reference to type #{index}, which is not defined"))?;
                Node::Named(name.clone())
            }
            other => return Err(format!("unknown type tag {other}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Schema;
    use super::*;
    use std::collections::BTreeMap;

    /// A recursive type, described by hand as the derive would.
    struct Tree(#[allow(dead_code)] Vec<Tree>);
    impl Schema for Tree {
        fn describe(b: &mut super::super::Builder) -> Node {
            b.define::<Self>("Tree".into(), |b| {
                Definition::new(
                    "Tree",
                    Body::Struct(Fields::Newtype(Vec::<Tree>::describe(b))),
                )
            })
        }
    }

    #[test]
    fn round_trips_every_node_kind() {
        let descriptions = [
            Description::of::<(
                bool,
                u8,
                u16,
                u32,
                u64,
                u128,
                usize,
                i8,
                i16,
                i32,
                i64,
                i128,
            )>(),
            Description::of::<(isize, f32, f64, char, String, (), Option<[u8; 3]>)>(),
            Description::of::<BTreeMap<String, Vec<(u8,)>>>(),
            Description::of::<Tree>(),
        ];
        for d in descriptions {
            let bytes = encode(&d);
            assert_eq!(decode(&bytes).unwrap(), d, "{d}");
        }
    }

    #[test]
    fn recursive_types_refer_to_themselves() {
        let d = Description::of::<Tree>();
        assert_eq!(d.to_string(), "type Tree\nstruct Tree(Vec<Tree>);");
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = encode(&Description::of::<(Tree, Option<String>, [u8; 4])>());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut bytes = vec![0u8]; // no definitions
        bytes.extend(std::iter::repeat_n(tag::OPTION, 100_000));
        bytes.push(tag::U8);
        let err = decode(&bytes).unwrap_err();
        assert!(err.contains("nested deeper"), "{err}");
    }

    #[test]
    fn huge_counts_are_refused_before_allocating() {
        let mut bytes = Vec::new();
        varint::write_u64(&mut bytes, u64::MAX / 2);
        let err = decode(&bytes).unwrap_err();
        assert!(err.contains("exceeds"), "{err}");
    }

    #[test]
    fn dangling_references_are_refused() {
        let bytes = [0u8, tag::NAMED, 5];
        let err = decode(&bytes).unwrap_err();
        assert!(err.contains("not defined"), "{err}");
    }
}
