//! Shape comparison: are two descriptions the same up to the names of named types?
//!
//! A file's fingerprint differs from the loaded type's whenever any name in the
//! description changes, including a mere rename of a struct (`MyClass1` to
//! `MyClass2`, or a nested `Position` to `Holding`). Such a file still decodes
//! correctly: the bytes and the field and variant names are unchanged. This module
//! tells that case apart from a real layout change.
//!
//! The comparison walks both descriptions in step and pairs every named type of one
//! with the named type at the same place in the other. The pairing must be one to
//! one (a type of the file cannot be two types of the program), and a pair met again
//! is assumed equal (co-inductively), so recursive types terminate. Pairs are
//! checked from a worklist rather than by recursing into definitions: descriptions
//! come from untrusted files, and a long chain of definitions must not exhaust the
//! stack. Plain recursion only follows a node tree, which the decoder caps at
//! 128 levels.

use std::collections::HashMap;

use super::{Body, Definition, Description, Fields, Node};

/// Whether `a` and `b` describe the same bytes with the same field and variant
/// names, allowing named types to have different names.
///
/// The record markers of the root pair are ignored, since the caller checks the
/// root's identity itself (a rename changes the REC_ID); every other pair of
/// definitions must carry equal markers, since a nested record whose version
/// changed may give the same bytes a different meaning.
pub(super) fn same_shape(a: &Description, b: &Description) -> bool {
    let mut comparison = Comparison::new(&a.definitions, &b.definitions, &a.root, &b.root);
    comparison.nodes_match(&a.root, &b.root) && comparison.pending_pairs_match()
}

/// The state of one comparison: both sides' definitions and the pairing so far.
struct Comparison<'a> {
    /// The first side's definitions by name, for lookups in constant time.
    defs_a: HashMap<&'a str, &'a Definition>,
    /// The second side's definitions by name.
    defs_b: HashMap<&'a str, &'a Definition>,
    /// The pair of root types, whose record markers are not compared.
    root: Option<(&'a str, &'a str)>,
    /// Which name of the second side each name of the first side is paired with.
    a_to_b: HashMap<&'a str, &'a str>,
    /// The reverse pairing, so a second side's type is not paired twice either.
    b_to_a: HashMap<&'a str, &'a str>,
    /// Pairs assumed equal whose definitions have not been compared yet.
    pending: Vec<(&'a str, &'a str)>,
}

impl<'a> Comparison<'a> {
    /// A comparison with nothing paired yet.
    fn new(
        defs_a: &'a [Definition],
        defs_b: &'a [Definition],
        root_a: &'a Node,
        root_b: &'a Node,
    ) -> Self {
        let root = match (root_a, root_b) {
            (Node::Named(a), Node::Named(b)) => Some((a.as_str(), b.as_str())),
            _ => None,
        };
        Comparison {
            defs_a: index(defs_a),
            defs_b: index(defs_b),
            root,
            a_to_b: HashMap::new(),
            b_to_a: HashMap::new(),
            pending: Vec::new(),
        }
    }

    /// Compares the definitions of every pair met so far, and of the pairs they
    /// lead to, until none is left or one differs.
    fn pending_pairs_match(&mut self) -> bool {
        while let Some((a, b)) = self.pending.pop() {
            if !self.definitions_match(a, b) {
                return false;
            }
        }
        true
    }

    /// Whether the named types `a` and `b` may be the same type under another name:
    /// both exist, carry the same record marker (unless they are the root pair)
    /// and have bodies of the same shape.
    fn definitions_match(&mut self, a: &'a str, b: &'a str) -> bool {
        let (Some(def_a), Some(def_b)) = (self.defs_a.get(a).copied(), self.defs_b.get(b).copied())
        else {
            // A dangling name can only come from a damaged or crafted description.
            return false;
        };
        let markers_match = self.root == Some((a, b)) || def_a.record == def_b.record;
        // Only the base name may change: `Money<Usd>` and `Money<Eur>`, or `Fixed<2>`
        // and `Fixed<3>`, write the same bytes with different meanings.
        markers_match
            && generic_arguments(a) == generic_arguments(b)
            && self.bodies_match(&def_a.body, &def_b.body)
    }

    /// Whether two bodies are the same kind with the same shape inside.
    fn bodies_match(&mut self, a: &'a Body, b: &'a Body) -> bool {
        match (a, b) {
            (Body::Struct(a), Body::Struct(b)) => self.fields_match(a, b),
            (Body::Enum(a), Body::Enum(b)) => {
                // Variants are encoded by index, so their order matters as much as
                // their names.
                a.len() == b.len()
                    && a.iter().zip(b).all(|(va, vb)| {
                        va.name == vb.name && self.fields_match(&va.fields, &vb.fields)
                    })
            }
            _ => false,
        }
    }

    /// Whether two field lists have the same kind, names, order and shapes.
    fn fields_match(&mut self, a: &'a Fields, b: &'a Fields) -> bool {
        match (a, b) {
            (Fields::Unit, Fields::Unit) => true,
            (Fields::Newtype(a), Fields::Newtype(b)) => self.nodes_match(a, b),
            (Fields::Tuple(a), Fields::Tuple(b)) => self.node_lists_match(a, b),
            (Fields::Named(a), Fields::Named(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(fa, fb)| fa.name == fb.name && self.nodes_match(&fa.node, &fb.node))
            }
            _ => false,
        }
    }

    /// Whether two node lists have the same length and pairwise shapes.
    fn node_lists_match(&mut self, a: &'a [Node], b: &'a [Node]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| self.nodes_match(a, b))
    }

    /// Whether two nodes have the same shape; named types are paired and their
    /// definitions left to [`pending_pairs_match`](Self::pending_pairs_match).
    fn nodes_match(&mut self, a: &'a Node, b: &'a Node) -> bool {
        match (a, b) {
            (Node::Option(a), Node::Option(b)) | (Node::Seq(a), Node::Seq(b)) => {
                self.nodes_match(a, b)
            }
            (Node::Array(len_a, a), Node::Array(len_b, b)) => {
                len_a == len_b && self.nodes_match(a, b)
            }
            (Node::Tuple(a), Node::Tuple(b)) => self.node_lists_match(a, b),
            (Node::Map(key_a, value_a), Node::Map(key_b, value_b)) => {
                self.nodes_match(key_a, key_b) && self.nodes_match(value_a, value_b)
            }
            (Node::Named(a), Node::Named(b)) => self.pair(a, b),
            // Every variant with children is handled above, so what is left are
            // primitives (equal when they are the same one) and mismatched kinds.
            _ => a == b,
        }
    }

    /// Pairs the named types `a` and `b`, or checks that they already are paired.
    ///
    /// A new pair is assumed equal and queued for its definitions to be compared;
    /// a name already paired with another one means the pairing is not one to one.
    fn pair(&mut self, a: &'a str, b: &'a str) -> bool {
        match (self.a_to_b.get(a), self.b_to_a.get(b)) {
            // The two maps are filled together, so `a -> b` implies `b -> a`.
            (Some(&paired), _) => paired == b,
            (None, Some(_)) => false,
            (None, None) => {
                self.a_to_b.insert(a, b);
                self.b_to_a.insert(b, a);
                self.pending.push((a, b));
                true
            }
        }
    }
}

/// The generic arguments in a definition's name (`<u8, 4>` of `Ring<u8, 4>#2`), or
/// `""`: the name without its base and without the `#N` that tells apart two types
/// of the same name.
pub(super) fn generic_arguments(name: &str) -> &str {
    let name = match name.rsplit_once('#') {
        Some((head, counter)) if counter.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => name,
    };
    name.find('<').map_or("", |start| &name[start..])
}

/// Definitions by name; the first wins if a name repeats, as in
/// [`Description::definition`].
fn index(definitions: &[Definition]) -> HashMap<&str, &Definition> {
    let mut by_name = HashMap::with_capacity(definitions.len());
    for definition in definitions {
        by_name
            .entry(definition.name.as_str())
            .or_insert(definition);
    }
    by_name
}

#[cfg(test)]
mod tests {
    use super::super::{Builder, Field, RecordId, Schema, Variant};
    use super::*;

    /// Declares a unit struct `$ty` whose hand-written [`Schema`] defines the named
    /// type `$name` as built by `$build` (a closure over the [`Builder`]).
    macro_rules! named_type {
        ($ty:ident, $name:literal, $build:expr) => {
            struct $ty;
            impl Schema for $ty {
                fn describe(builder: &mut Builder) -> Node {
                    builder.define::<Self>($name.into(), $build)
                }
            }
        };
    }

    /// A struct definition with named fields.
    fn strukt(name: &str, fields: Vec<Field>) -> Definition {
        Definition::new(name, Body::Struct(Fields::Named(fields)))
    }

    /// Shorthand for the comparison of two described types.
    fn same<A: Schema, B: Schema>() -> bool {
        Description::of::<A>().same_shape(&Description::of::<B>())
    }

    named_type!(Point, "Point", |_| strukt(
        "",
        vec![Field::new("x", Node::F64), Field::new("y", Node::F64)]
    ));
    named_type!(Spot, "Spot", |_| strukt(
        "",
        vec![Field::new("x", Node::F64), Field::new("y", Node::F64)]
    ));
    named_type!(RenamedField, "Point", |_| strukt(
        "",
        vec![Field::new("x", Node::F64), Field::new("z", Node::F64)]
    ));
    named_type!(Swapped, "Point", |_| strukt(
        "",
        vec![Field::new("y", Node::F64), Field::new("x", Node::F64)]
    ));

    #[test]
    fn identical_descriptions_have_the_same_shape() {
        assert!(same::<Point, Point>());
        assert!(same::<Vec<(u8, String)>, Vec<(u8, String)>>());
    }

    #[test]
    fn a_renamed_root_struct_has_the_same_shape() {
        assert!(same::<Point, Spot>());
        assert!(same::<Spot, Point>());
    }

    named_type!(Position, "Position", |b| strukt(
        "",
        vec![Field::new("qty", i64::describe(b))]
    ));
    named_type!(Holding, "Holding", |b| strukt(
        "",
        vec![Field::new("qty", i64::describe(b))]
    ));
    named_type!(PortfolioOld, "Portfolio", |b| strukt(
        "",
        vec![Field::new("items", Vec::<Position>::describe(b))]
    ));
    named_type!(PortfolioNew, "Portfolio", |b| strukt(
        "",
        vec![Field::new("items", Vec::<Holding>::describe(b))]
    ));

    #[test]
    fn a_renamed_nested_struct_has_the_same_shape() {
        assert!(same::<PortfolioOld, PortfolioNew>());
    }

    named_type!(MoneyUsd, "Money<Usd>", |_| strukt(
        "",
        vec![Field::new("cents", Node::I64)]
    ));
    named_type!(MoneyEur, "Money<Eur>", |_| strukt(
        "",
        vec![Field::new("cents", Node::I64)]
    ));
    named_type!(CashUsd, "Cash<Usd>", |_| strukt(
        "",
        vec![Field::new("cents", Node::I64)]
    ));
    named_type!(Fixed2, "Fixed<2>#2", |_| strukt(
        "",
        vec![Field::new("raw", Node::I64)]
    ));
    named_type!(Fixed3, "Fixed<3>", |_| strukt(
        "",
        vec![Field::new("raw", Node::I64)]
    ));
    named_type!(Scaled2, "Scaled<2>", |_| strukt(
        "",
        vec![Field::new("raw", Node::I64)]
    ));

    #[test]
    fn other_generic_arguments_change_the_shape_even_with_the_same_bytes() {
        // A phantom or const argument changes what the same bytes mean.
        assert!(!same::<MoneyUsd, MoneyEur>());
        assert!(!same::<Fixed2, Fixed3>());
        assert!(!same::<Vec<MoneyUsd>, Vec<MoneyEur>>());
        // The base name alone may change; a `#N` counter is not an argument.
        assert!(same::<MoneyUsd, CashUsd>());
        assert!(same::<Fixed2, Scaled2>());
        assert_eq!(generic_arguments("Ring<u8, 4>#2"), "<u8, 4>");
        assert_eq!(generic_arguments("Config#2"), "");
        assert_eq!(generic_arguments("Plain"), "");
    }

    #[test]
    fn a_renamed_field_changes_the_shape() {
        assert!(!same::<Point, RenamedField>());
    }

    #[test]
    fn swapped_fields_change_the_shape() {
        assert!(!same::<Point, Swapped>());
    }

    named_type!(Side, "Side", |_| Definition::new(
        "",
        Body::Enum(vec![
            Variant::new("Buy", Fields::Unit),
            Variant::new("Sell", Fields::Unit)
        ])
    ));
    named_type!(Direction, "Direction", |_| Definition::new(
        "",
        Body::Enum(vec![
            Variant::new("Buy", Fields::Unit),
            Variant::new("Sold", Fields::Unit)
        ])
    ));
    named_type!(SideStruct, "Side", |_| Definition::new(
        "",
        Body::Struct(Fields::Unit)
    ));

    #[test]
    fn a_renamed_variant_changes_the_shape() {
        assert!(!same::<Side, Direction>());
    }

    #[test]
    fn a_struct_and_an_enum_differ() {
        assert!(!same::<Side, SideStruct>());
    }

    named_type!(Small, "Count", |b| Definition::new(
        "",
        Body::Struct(Fields::Newtype(u32::describe(b)))
    ));
    named_type!(Wide, "Count", |b| Definition::new(
        "",
        Body::Struct(Fields::Newtype(u64::describe(b)))
    ));

    #[test]
    fn a_wider_integer_changes_the_shape() {
        assert!(!same::<u32, u64>());
        assert!(!same::<Small, Wide>());
    }

    #[test]
    fn a_different_array_length_changes_the_shape() {
        assert!(!same::<[u8; 4], [u8; 5]>());
        assert!(same::<[u8; 4], [u8; 4]>());
    }

    named_type!(Tree, "Tree", |b| strukt(
        "",
        vec![Field::new("children", Vec::<Tree>::describe(b))]
    ));
    named_type!(Node2, "Node2", |b| strukt(
        "",
        vec![Field::new("children", Vec::<Node2>::describe(b))]
    ));
    named_type!(Leafy, "Leafy", |b| strukt(
        "",
        vec![
            Field::new("children", Vec::<Leafy>::describe(b)),
            Field::new("leaf", bool::describe(b))
        ]
    ));

    #[test]
    fn renamed_recursive_types_have_the_same_shape() {
        assert!(same::<Tree, Node2>());
        assert!(same::<Option<Tree>, Option<Node2>>());
        assert!(!same::<Tree, Leafy>());
    }

    named_type!(RecA, "RecA", |_| strukt(
        "",
        vec![Field::new("x", Node::U8)]
    )
    .with_record(RecordId::new("A", 1)));
    named_type!(RecB, "RecB", |_| strukt(
        "",
        vec![Field::new("x", Node::U8)]
    )
    .with_record(RecordId::new("B", 1)));

    #[test]
    fn root_record_markers_are_ignored() {
        assert!(same::<RecA, RecB>());
    }

    #[test]
    fn record_markers_below_a_structural_root_are_compared() {
        // Only a named root has its identity checked by the caller.
        assert!(!same::<Vec<RecA>, Vec<RecB>>());
    }

    named_type!(InnerV1, "Inner", |_| strukt(
        "",
        vec![Field::new("x", Node::U8)]
    )
    .with_record(RecordId::new("Inner", 1)));
    named_type!(InnerV2, "Inner", |_| strukt(
        "",
        vec![Field::new("x", Node::U8)]
    )
    .with_record(RecordId::new("Inner", 2)));
    named_type!(OuterV1, "Outer", |b| strukt(
        "",
        vec![Field::new("inner", InnerV1::describe(b))]
    ));
    named_type!(OuterV2, "Outer", |b| strukt(
        "",
        vec![Field::new("inner", InnerV2::describe(b))]
    ));
    named_type!(OuterRenamedV1, "Wrapper", |b| strukt(
        "",
        vec![Field::new("inner", InnerV1::describe(b))]
    ));

    #[test]
    fn a_nested_record_version_change_changes_the_shape() {
        assert!(!same::<OuterV1, OuterV2>());
        assert!(same::<OuterV1, OuterRenamedV1>());
    }

    named_type!(PairA, "A", |_| strukt("", vec![Field::new("x", Node::U8)]));
    named_type!(PairB, "B", |_| strukt("", vec![Field::new("x", Node::U8)]));
    named_type!(PairC, "C", |_| strukt("", vec![Field::new("x", Node::U8)]));

    #[test]
    fn two_file_types_cannot_become_one_program_type() {
        assert!(!same::<(PairA, PairB), (PairC, PairC)>());
        assert!(!same::<(PairC, PairC), (PairA, PairB)>());
        // A type met twice is the same pair both times.
        assert!(same::<(PairA, PairA), (PairC, PairC)>());
        assert!(same::<(PairA, PairB), (PairB, PairA)>());
    }

    /// Refers to a named type it never defines, as a damaged file could.
    struct Dangling;
    impl Schema for Dangling {
        fn describe(_: &mut Builder) -> Node {
            Node::Named("Ghost".into())
        }
    }
    named_type!(Ghost, "Ghost", |_| Definition::new(
        "",
        Body::Struct(Fields::Unit)
    ));

    #[test]
    fn a_missing_definition_is_not_the_same_shape() {
        assert!(!same::<Dangling, Dangling>());
        assert!(!same::<Dangling, Ghost>());
        assert!(!same::<Ghost, Dangling>());
        assert!(!same::<Vec<Dangling>, Vec<Ghost>>());
    }

    /// `T0 { next: T1 }`, ..., `T{n-1} { next: T0 }`, each name suffixed by `tag`.
    fn chain(n: usize, tag: &str) -> Description {
        let name = |i: usize| format!("T{i}{tag}");
        let definitions = (0..n)
            .map(|i| {
                let next = Node::Named(name((i + 1) % n));
                strukt(&name(i), vec![Field::new("next", next)])
            })
            .collect();
        Description {
            root: Node::Named(name(0)),
            definitions,
        }
    }

    #[test]
    fn a_long_chain_of_definitions_does_not_exhaust_the_stack() {
        assert!(chain(50_000, "a").same_shape(&chain(50_000, "b")));
        assert!(!chain(50_000, "a").same_shape(&chain(49_999, "b")));
    }
}
