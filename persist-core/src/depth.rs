//! The checks a payload needs before serde decodes it, for the few schemas where
//! postcard's decoding is not bounded by the payload's size.
//!
//! - Nesting: postcard decodes recursively with no depth limit, so a crafted
//!   payload for a recursive type (`struct Tree(Vec<Tree>)`: a million nested trees
//!   in a million bytes) would exhaust the stack and abort the process.
//! - Empty items: an item that encodes in zero bytes (`()`, a unit struct) can be
//!   repeated by a count of any size at no cost in bytes, so a 10-byte payload of a
//!   `BTreeSet<()>` can claim 2^60 items and keep the decoder looping for years.
//!
//! Before such a payload is decoded, it is walked here with the schema, counting
//! depth and empty items, and refused past the limits. Every other schema is bounded
//! by the payload itself (each item takes at least one byte, nesting stops at the
//! type's own definition), so its loads skip the walk and pay nothing.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Origin};
use crate::schema::{Body, Description, Fields, Node};

/// How many items of zero bytes a payload may hold for each of its bytes, on top
/// of [`EMPTY_ITEMS_SLACK`]: the same allowance the dynamic decoder gives
/// (`value::decode`), so a payload reads the same way as a type and as a `Value`.
const EMPTY_ITEMS_PER_BYTE: u64 = 8;

/// Items of zero bytes allowed whatever the payload's size.
const EMPTY_ITEMS_SLACK: u64 = 1024;

/// Whether payloads of `description` must pass [`guard`] before serde decodes them:
/// those of recursive types and of types with repeated empty items. Every other
/// payload bounds its own decoding, and may be decoded as it is read.
pub(crate) fn needs_guard(description: &Description) -> bool {
    is_recursive(description) || has_empty_repeats(description)
}

/// Refuses `payload` before serde decodes it, when its schema lets a small payload
/// nest deeper than `max_depth` or claim more empty items than its size can
/// account for; every other schema returns at once.
pub(crate) fn guard(
    description: &Description,
    payload: &[u8],
    max_depth: u32,
    origin: &Origin,
) -> Result<(), Error> {
    if !needs_guard(description) {
        return Ok(());
    }
    match check(description, payload, max_depth) {
        // A payload that does not follow its schema is the decoder's to report.
        Ok(()) | Err(Stop::Malformed) => Ok(()),
        Err(Stop::TooDeep) => Err(Error::TooDeep {
            origin: origin.clone(),
            limit: max_depth,
        }),
        Err(Stop::TooManyEmpty(count)) => Err(Error::Corrupt {
            origin: origin.clone(),
            detail: format!(
                "the payload claims {count} items of zero bytes, more than its {} bytes \
                 can account for",
                payload.len()
            ),
        }),
    }
}

/// Whether a sequence, map or array in `description` repeats an item that can
/// encode in zero bytes.
fn has_empty_repeats(description: &Description) -> bool {
    let bodies: HashMap<&str, &Body> = description
        .definitions()
        .iter()
        .map(|d| (d.name.as_str(), &d.body))
        .collect();
    let repeats_empty = |node: &Node| match node {
        Node::Seq(item) | Node::Array(_, item) => can_be_empty(item, &bodies, &mut HashSet::new()),
        Node::Map(key, value) => {
            can_be_empty(key, &bodies, &mut HashSet::new())
                && can_be_empty(value, &bodies, &mut HashSet::new())
        }
        _ => false,
    };
    let mut nodes = vec![description.root()];
    for definition in description.definitions() {
        match &definition.body {
            Body::Struct(fields) => push_fields(fields, &mut nodes),
            Body::Enum(variants) => variants
                .iter()
                .for_each(|v| push_fields(&v.fields, &mut nodes)),
        }
    }
    // Every node of the schema, parents before children, without recursion.
    while let Some(node) = nodes.pop() {
        if repeats_empty(node) {
            return true;
        }
        match node {
            Node::Option(inner) | Node::Seq(inner) | Node::Array(_, inner) => nodes.push(inner),
            Node::Tuple(items) => nodes.extend(items),
            Node::Map(key, value) => nodes.extend([&**key, &**value]),
            _ => {}
        }
    }
    false
}

/// Adds the nodes of `fields` to `out`.
fn push_fields<'a>(fields: &'a Fields, out: &mut Vec<&'a Node>) {
    match fields {
        Fields::Unit => {}
        Fields::Newtype(node) => out.push(node),
        Fields::Tuple(nodes) => out.extend(nodes),
        Fields::Named(fields) => out.extend(fields.iter().map(|f| &f.node)),
    }
}

/// Whether a value of `node` can encode in zero bytes: a unit, a unit struct, and
/// tuples, arrays and structs of nothing else. An enum never can (its variant index
/// takes a byte), nor can an option (its tag does). `visiting` breaks cycles: a
/// struct that contains itself has no finite empty value.
fn can_be_empty<'a>(
    node: &'a Node,
    bodies: &HashMap<&str, &'a Body>,
    visiting: &mut HashSet<&'a str>,
) -> bool {
    match node {
        Node::Unit => true,
        Node::Array(0, _) => true,
        Node::Array(_, item) => can_be_empty(item, bodies, visiting),
        Node::Tuple(items) => items.iter().all(|n| can_be_empty(n, bodies, visiting)),
        Node::Named(name) => {
            let Some(Body::Struct(fields)) = bodies.get(name.as_str()).copied() else {
                return false;
            };
            if !visiting.insert(name) {
                return false;
            }
            let empty = match fields {
                Fields::Unit => true,
                Fields::Newtype(node) => can_be_empty(node, bodies, visiting),
                Fields::Tuple(nodes) => nodes.iter().all(|n| can_be_empty(n, bodies, visiting)),
                Fields::Named(fields) => fields
                    .iter()
                    .all(|f| can_be_empty(&f.node, bodies, visiting)),
            };
            visiting.remove(name.as_str());
            empty
        }
        _ => false,
    }
}

/// Whether any named type in `description` can contain itself.
fn is_recursive(description: &Description) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn refs<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
        match node {
            Node::Named(name) => out.push(name),
            Node::Option(inner) | Node::Seq(inner) | Node::Array(_, inner) => refs(inner, out),
            Node::Tuple(items) => items.iter().for_each(|n| refs(n, out)),
            Node::Map(key, value) => {
                refs(key, out);
                refs(value, out);
            }
            _ => {}
        }
    }
    fn field_refs<'a>(fields: &'a Fields, out: &mut Vec<&'a str>) {
        match fields {
            Fields::Unit => {}
            Fields::Newtype(node) => refs(node, out),
            Fields::Tuple(nodes) => nodes.iter().for_each(|n| refs(n, out)),
            Fields::Named(fields) => fields.iter().for_each(|f| refs(&f.node, out)),
        }
    }
    let edges: HashMap<&str, Vec<&str>> = description
        .definitions()
        .iter()
        .map(|d| {
            let mut out = Vec::new();
            match &d.body {
                Body::Struct(fields) => field_refs(fields, &mut out),
                Body::Enum(variants) => variants
                    .iter()
                    .for_each(|v| field_refs(&v.fields, &mut out)),
            }
            (d.name.as_str(), out)
        })
        .collect();
    // Iterative depth-first search for a back edge, so a crafted schema with a long
    // chain of definitions cannot exhaust the stack here either.
    let mut marks: HashMap<&str, Mark> = HashMap::new();
    for start in edges.keys() {
        if marks.contains_key(start) {
            continue;
        }
        let mut stack = vec![(*start, 0usize)];
        marks.insert(start, Mark::Visiting);
        while let Some((name, next)) = stack.pop() {
            let targets = edges.get(name).map(Vec::as_slice).unwrap_or_default();
            if let Some(&target) = targets.get(next) {
                stack.push((name, next + 1));
                match marks.get(target) {
                    Some(Mark::Visiting) => return true,
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(target, Mark::Visiting);
                        stack.push((target, 0));
                    }
                }
            } else {
                marks.insert(name, Mark::Done);
            }
        }
    }
    false
}

/// How the walk ended early.
enum Stop {
    /// Nesting went past the limit.
    TooDeep,
    /// The bytes do not follow the schema; the decoder will say how.
    Malformed,
    /// A count of items of zero bytes larger than the payload can account for.
    TooManyEmpty(u64),
}

/// Walks `payload` (postcard bytes of `description`'s root), refusing nesting deeper
/// than `max_depth`.
fn check(description: &Description, payload: &[u8], max_depth: u32) -> Result<(), Stop> {
    let definitions: HashMap<&str, &Body> = description
        .definitions()
        .iter()
        .map(|d| (d.name.as_str(), &d.body))
        .collect();
    let mut walker = Walker {
        definitions,
        bytes: payload,
        max_depth,
        empty_left: EMPTY_ITEMS_SLACK
            .saturating_add(EMPTY_ITEMS_PER_BYTE.saturating_mul(payload.len() as u64)),
    };
    walker.node(description.root(), 0)
}

struct Walker<'a> {
    definitions: HashMap<&'a str, &'a Body>,
    bytes: &'a [u8],
    max_depth: u32,
    /// How many more zero-byte items the payload may claim, all its sequences,
    /// maps and arrays together: one budget for the whole walk, as in the dynamic
    /// decoder, so that many small counts cannot add up to years of work.
    empty_left: u64,
}

impl Walker<'_> {
    fn take(&mut self, n: u64) -> Result<(), Stop> {
        let n = usize::try_from(n).map_err(|_| Stop::Malformed)?;
        self.bytes = self.bytes.get(n..).ok_or(Stop::Malformed)?;
        Ok(())
    }

    /// An unsigned varint of `bits` bits, read exactly as postcard reads it: at most
    /// `ceil(bits / 7)` bytes, a longer-than-needed form accepted within that
    /// length, the last byte holding no bits beyond the type. Reading differently
    /// from postcard would let a payload that postcard decodes slip past the walk.
    fn varint(&mut self, bits: u32) -> Result<u128, Stop> {
        let max_len = bits.div_ceil(7);
        let max_last = (1u8 << (bits % 7)) - 1;
        let mut value = 0u128;
        for i in 0..max_len {
            let (&byte, rest) = self.bytes.split_first().ok_or(Stop::Malformed)?;
            self.bytes = rest;
            if i + 1 == max_len && byte > max_last {
                return Err(Stop::Malformed);
            }
            value |= u128::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Stop::Malformed)
    }

    /// A length or count: postcard writes it as a `usize` varint (64 bits here).
    fn count(&mut self) -> Result<u64, Stop> {
        u64::try_from(self.varint(64)?).map_err(|_| Stop::Malformed)
    }

    /// Walks `count` items of `node`. An item that takes no bytes (a unit) takes none
    /// every time, so one walk stands for all and the count is checked against the
    /// allowance instead: a crafted count can spin neither this loop nor serde's.
    fn repeat(&mut self, node: &Node, count: u64, depth: u32) -> Result<(), Stop> {
        for _ in 0..count {
            let before = self.bytes.len();
            self.node(node, depth)?;
            if self.bytes.len() == before {
                return self.empty_items(count);
            }
        }
        Ok(())
    }

    /// Allows `count` items of zero bytes, or refuses them past the allowance.
    fn empty_items(&mut self, count: u64) -> Result<(), Stop> {
        match self.empty_left.checked_sub(count) {
            Some(left) => {
                self.empty_left = left;
                Ok(())
            }
            None => Err(Stop::TooManyEmpty(count)),
        }
    }

    /// `depth` counts the named types (structs, enums) the walk is inside: recursion
    /// can only pass through them, and the nodes between two of them are bounded by
    /// the schema itself.
    fn node(&mut self, node: &Node, depth: u32) -> Result<(), Stop> {
        match node {
            Node::Unit => Ok(()),
            Node::Bool | Node::U8 | Node::I8 => self.take(1),
            Node::F32 => self.take(4),
            Node::F64 => self.take(8),
            Node::U16 | Node::I16 => self.varint(16).map(drop),
            Node::U32 | Node::I32 => self.varint(32).map(drop),
            Node::U64 | Node::I64 | Node::Usize | Node::Isize => self.varint(64).map(drop),
            Node::U128 | Node::I128 => self.varint(128).map(drop),
            Node::Char | Node::String | Node::Bytes => {
                let len = self.count()?;
                self.take(len)
            }
            Node::Option(inner) => match self.bytes.first() {
                Some(0) => self.take(1),
                Some(1) => {
                    self.take(1)?;
                    self.node(inner, depth)
                }
                _ => Err(Stop::Malformed),
            },
            Node::Seq(item) => {
                let len = self.count()?;
                self.repeat(item, len, depth)
            }
            Node::Array(len, item) => self.repeat(item, *len, depth),
            Node::Tuple(items) => items.iter().try_for_each(|n| self.node(n, depth)),
            Node::Map(key, value) => {
                let len = self.count()?;
                for _ in 0..len {
                    let before = self.bytes.len();
                    self.node(key, depth)?;
                    self.node(value, depth)?;
                    if self.bytes.len() == before {
                        return self.empty_items(len); // entries of no bytes: see `repeat`
                    }
                }
                Ok(())
            }
            Node::Named(name) => {
                let deeper = depth + 1;
                if deeper > self.max_depth {
                    return Err(Stop::TooDeep);
                }
                let body = *self.definitions.get(name.as_str()).ok_or(Stop::Malformed)?;
                match body {
                    Body::Struct(fields) => self.fields(fields, deeper),
                    Body::Enum(variants) => {
                        let index = self.varint(32)?; // postcard: a u32 varint
                        let variant = usize::try_from(index)
                            .ok()
                            .and_then(|i| variants.get(i))
                            .ok_or(Stop::Malformed)?;
                        self.fields(&variant.fields, deeper)
                    }
                }
            }
        }
    }

    fn fields(&mut self, fields: &Fields, depth: u32) -> Result<(), Stop> {
        match fields {
            Fields::Unit => Ok(()),
            Fields::Newtype(node) => self.node(node, depth),
            Fields::Tuple(nodes) => nodes.iter().try_for_each(|n| self.node(n, depth)),
            Fields::Named(fields) => fields.iter().try_for_each(|f| self.node(&f.node, depth)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Builder, Definition, Schema};
    use crate::varint;
    use std::collections::BTreeMap;

    /// `enum List { Nil, Cons(u8, Box<List>) }`, described by hand.
    struct List;
    impl Schema for List {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("List".into(), |b| {
                let tail = List::describe(b);
                Definition::new(
                    "List",
                    Body::Enum(vec![
                        crate::schema::Variant::new("Nil", Fields::Unit),
                        crate::schema::Variant::new("Cons", Fields::Tuple(vec![Node::U8, tail])),
                    ]),
                )
            })
        }
    }

    #[test]
    fn only_types_that_contain_themselves_are_recursive() {
        assert!(is_recursive(&Description::of::<List>()));
        assert!(is_recursive(&Description::of::<Vec<List>>()));
        assert!(!is_recursive(&Description::of::<
            BTreeMap<String, Vec<(u8, f64)>>,
        >()));
        assert!(!is_recursive(&Description::of::<std::time::Duration>()));
    }

    #[test]
    fn the_walk_counts_nesting() {
        let d = Description::of::<List>();
        // Cons(1, Cons(2, Nil)): variant 1, u8, variant 1, u8, variant 0.
        let two = [1, 1, 1, 2, 0];
        assert!(check(&d, &two, 3).is_ok());
        assert!(matches!(check(&d, &two, 2), Err(Stop::TooDeep)));
        assert!(matches!(check(&d, &[1, 1], 8), Err(Stop::Malformed)));
    }

    #[test]
    fn a_huge_count_of_empty_items_is_refused_without_spinning() {
        let d = Description::of::<Vec<()>>();
        let mut payload = Vec::new();
        varint::write_u64(&mut payload, u64::MAX);
        assert!(matches!(
            check(&d, &payload, 8),
            Err(Stop::TooManyEmpty(u64::MAX))
        ));
        // Within the allowance (1024 + 8 per payload byte), empty items pass.
        let mut payload = Vec::new();
        varint::write_u64(&mut payload, 1024 + 8 * 2);
        assert!(check(&d, &payload, 8).is_ok());
        let mut payload = Vec::new();
        varint::write_u64(&mut payload, 1024 + 8 * 2 + 1);
        assert!(matches!(check(&d, &payload, 8), Err(Stop::TooManyEmpty(_))));
    }

    #[test]
    fn long_form_varints_are_read_as_postcard_reads_them() {
        // postcard accepts a varint padded with 0x80 bytes within its maximal
        // length: the walk must read the same value, or such a payload would pass
        // the walk unchecked and reach serde.
        assert_eq!(postcard::from_bytes::<u32>(&[0x81, 0x00]), Ok(1));
        let d = Description::of::<List>();
        // Cons(5, Nil), both variant indexes in long form.
        let long = [0x81, 0x80, 0x00, 5, 0x80, 0x80, 0x00];
        assert!(check(&d, &long, 2).is_ok());
        assert!(matches!(check(&d, &long, 1), Err(Stop::TooDeep)));
        // A u32 varint runs to 5 bytes at most, its last holding 4 bits.
        assert!(matches!(
            check(&d, &[0x81, 0x80, 0x80, 0x80, 0x10], 8),
            Err(Stop::Malformed)
        ));

        // 2^56 - 1 units, the count padded to the full 9 bytes it needs.
        let units = Description::of::<Vec<()>>();
        let count = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        assert!(matches!(
            check(&units, &count, 8),
            Err(Stop::TooManyEmpty(0x00ff_ffff_ffff_ffff))
        ));
        let padded = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
        assert!(matches!(
            check(&units, &padded, 8),
            Err(Stop::TooManyEmpty(0x00ff_ffff_ffff_ffff))
        ));
    }

    #[test]
    fn one_budget_of_empty_items_serves_the_whole_payload() {
        // Three sets of 700 units: each alone is within the allowance of a
        // 7-byte payload (1024 + 8 * 7 = 1080), all three together are not.
        let d = Description::of::<Vec<Vec<()>>>();
        let mut payload = vec![3];
        for _ in 0..3 {
            varint::write_u64(&mut payload, 700);
        }
        assert_eq!(payload.len(), 7);
        assert!(matches!(
            check(&d, &payload, 8),
            Err(Stop::TooManyEmpty(700))
        ));
        let one = [1, 0xbc, 0x05];
        assert!(check(&d, &one, 8).is_ok());
    }

    struct Marker;
    impl Schema for Marker {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Marker".into(), |_| {
                Definition::new("Marker", Body::Struct(Fields::Unit))
            })
        }
    }

    #[test]
    fn only_repeats_of_items_that_can_take_no_bytes_need_the_walk() {
        assert!(has_empty_repeats(&Description::of::<Vec<()>>()));
        assert!(has_empty_repeats(&Description::of::<
            std::collections::BTreeSet<((), [u8; 0])>,
        >()));
        assert!(has_empty_repeats(&Description::of::<BTreeMap<(), Marker>>()));
        assert!(has_empty_repeats(&Description::of::<Option<Vec<Marker>>>()));
        assert!(!has_empty_repeats(&Description::of::<Vec<u8>>()));
        assert!(!has_empty_repeats(&Description::of::<Vec<Option<()>>>()));
        assert!(!has_empty_repeats(&Description::of::<BTreeMap<(), u8>>()));
        assert!(!has_empty_repeats(&Description::of::<List>()));
        assert!(!has_empty_repeats(&Description::of::<Marker>()));
    }
}
