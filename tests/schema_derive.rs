//! `#[derive(Schema)]` through the facade: each type's description, and the proof
//! that it is right: the postcard payload serde writes for a value can be walked,
//! byte for byte, by following the description alone, and the value loads back.

use std::fmt::Debug;
use std::marker::PhantomData;

use persist::schema::{Body, Description, Field, Fields, Node, Variant};
use persist::Schema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The description of `T`, as text.
fn describe<T: Schema + ?Sized>() -> String {
    Description::of::<T>().to_string()
}

/// Saves `value`, checks that the payload follows the description exactly, and
/// loads it back.
#[track_caller]
fn round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + Schema + PartialEq + Debug,
{
    let bytes = persist::to_bytes(value).expect("save");
    let info = persist::inspect_bytes(&bytes).expect("inspect");
    assert_eq!(info.schema, Description::of::<T>());
    assert_eq!(info.compression, persist::Compression::None);
    let start = usize::try_from(info.header_len).expect("header length");
    let len = usize::try_from(info.payload_len).expect("payload length");
    follow(&info.schema, &bytes[start..start + len]);
    let back: T = persist::from_bytes(&bytes).expect("load");
    assert_eq!(&back, value);
}

/// Walks a postcard payload guided only by `description`, and insists that it
/// ends exactly where the payload does: a description that disagrees with what
/// serde wrote (a field too many or too few, a wrong variant shape) fails here.
#[track_caller]
fn follow(description: &Description, payload: &[u8]) {
    let mut reader = Reader {
        description,
        bytes: payload,
    };
    reader.node(description.root());
    assert!(
        reader.bytes.is_empty(),
        "{} payload bytes left over after following\n{description}",
        reader.bytes.len()
    );
}

struct Reader<'a> {
    description: &'a Description,
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        assert!(n <= self.bytes.len(), "payload ends early");
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        head
    }

    fn varint(&mut self) -> u128 {
        let mut value = 0u128;
        for shift in (0..19).map(|i| i * 7) {
            let byte = self.take(1)[0];
            value |= u128::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return value;
            }
        }
        panic!("varint too long");
    }

    fn len(&mut self) -> usize {
        usize::try_from(self.varint()).expect("length")
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Bool => assert!(self.take(1)[0] <= 1, "not a bool"),
            Node::U8 | Node::I8 => {
                self.take(1);
            }
            Node::U16
            | Node::U32
            | Node::U64
            | Node::U128
            | Node::Usize
            | Node::I16
            | Node::I32
            | Node::I64
            | Node::I128
            | Node::Isize => {
                self.varint();
            }
            Node::F32 => {
                self.take(4);
            }
            Node::F64 => {
                self.take(8);
            }
            // postcard writes a char as its UTF-8 string.
            Node::Char | Node::String => {
                let len = self.len();
                std::str::from_utf8(self.take(len)).expect("UTF-8");
            }
            Node::Bytes => {
                let len = self.len();
                self.take(len);
            }
            Node::Unit => {}
            Node::Option(inner) => match self.take(1)[0] {
                0 => {}
                1 => self.node(inner),
                tag => panic!("bad Option tag {tag}"),
            },
            Node::Seq(item) => {
                for _ in 0..self.len() {
                    self.node(item);
                }
            }
            Node::Array(len, item) => {
                for _ in 0..*len {
                    self.node(item);
                }
            }
            Node::Tuple(items) => items.iter().for_each(|item| self.node(item)),
            Node::Map(key, value) => {
                for _ in 0..self.len() {
                    self.node(key);
                    self.node(value);
                }
            }
            Node::Named(name) => {
                let description = self.description;
                let definition = description
                    .definition(name)
                    .unwrap_or_else(|| panic!("no definition of {name}"));
                match &definition.body {
                    Body::Struct(fields) => self.fields(fields),
                    Body::Enum(variants) => {
                        let index = usize::try_from(self.varint()).expect("variant index");
                        let variant = variants
                            .get(index)
                            .unwrap_or_else(|| panic!("{name} has no variant {index}"));
                        self.fields(&variant.fields);
                    }
                }
            }
            other => panic!("unknown node {other:?}"),
        }
    }

    fn fields(&mut self, fields: &Fields) {
        match fields {
            Fields::Unit => {}
            Fields::Newtype(node) => self.node(node),
            Fields::Tuple(nodes) => nodes.iter().for_each(|node| self.node(node)),
            Fields::Named(fields) => fields.iter().for_each(|field| self.node(&field.node)),
        }
    }
}

// ---------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Point {
    x: f64,
    y: f64,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Triple(u8, String, bool);

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Meters(f64);

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Marker;

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Empty {}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
enum Shape {
    Nothing,
    Circle(f64),
    Rect(f64, f64),
    Poly { points: Vec<Point>, closed: bool },
}

#[test]
fn struct_shapes() {
    assert_eq!(
        describe::<Point>(),
        "type Point\nstruct Point { x: f64, y: f64 }"
    );
    assert_eq!(
        describe::<Triple>(),
        "type Triple\nstruct Triple(u8, String, bool);"
    );
    assert_eq!(describe::<Meters>(), "type Meters\nstruct Meters(f64);");
    assert_eq!(describe::<Marker>(), "type Marker\nstruct Marker;");

    let d = Description::of::<Empty>();
    assert_eq!(d.definitions()[0].body, Body::Struct(Fields::Named(vec![])));
    let d = Description::of::<Point>();
    assert_eq!(d.root(), &Node::Named("Point".into()));
    assert_eq!(
        d.definition("Point").map(|def| &def.body),
        Some(&Body::Struct(Fields::Named(vec![
            Field::new("x", Node::F64),
            Field::new("y", Node::F64),
        ])))
    );

    round_trip(&Point { x: 1.5, y: -2.0 });
    round_trip(&Triple(7, "seven".into(), true));
    round_trip(&Meters(42.195));
    round_trip(&Marker);
    round_trip(&Empty {});
}

#[test]
fn enum_with_every_variant_kind() {
    assert_eq!(
        describe::<Shape>(),
        "type Shape\n\
         enum Shape { Nothing, Circle(f64), Rect(f64, f64), \
         Poly { points: Vec<Point>, closed: bool } }\n\
         struct Point { x: f64, y: f64 }"
    );
    let d = Description::of::<Shape>();
    assert_eq!(
        d.definitions()[0].body,
        Body::Enum(vec![
            Variant::new("Nothing", Fields::Unit),
            Variant::new("Circle", Fields::Newtype(Node::F64)),
            Variant::new("Rect", Fields::Tuple(vec![Node::F64, Node::F64])),
            Variant::new(
                "Poly",
                Fields::Named(vec![
                    Field::new("points", Node::Seq(Box::new(Node::Named("Point".into())))),
                    Field::new("closed", Node::Bool),
                ])
            ),
        ])
    );
    for shape in [
        Shape::Nothing,
        Shape::Circle(1.0),
        Shape::Rect(2.0, 3.0),
        Shape::Poly {
            points: vec![Point { x: 0.0, y: 0.0 }, Point { x: 1.0, y: 1.0 }],
            closed: true,
        },
    ] {
        round_trip(&shape);
    }
    round_trip(&vec![Shape::Circle(0.5), Shape::Nothing]);
}

// ---------------------------------------------------------------------------
// Generics
// ---------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Pair<A, B> {
    first: A,
    second: B,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Both {
    small: Pair<u8, u8>,
    big: Pair<u32, String>,
    again: Pair<u8, u8>,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Ring<T, const CAP: usize> {
    items: Vec<T>,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Rings {
    small: Ring<u16, 4>,
    large: Ring<u16, 64>,
}

/// Borrowed data is saved like owned data: `&str` as a string.
#[derive(Serialize, Schema, Debug, PartialEq)]
struct View<'a> {
    name: &'a str,
    tags: Vec<&'a str>,
}

/// An owned twin serde calls by the same name: the same description, so a saved
/// `View` loads as it.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(rename = "View")]
struct OwnedView {
    name: String,
    tags: Vec<String>,
}

#[test]
fn generic_types_get_a_definition_per_instantiation() {
    assert_eq!(
        describe::<Both>(),
        "type Both\n\
         struct Both { small: Pair<u8, u8>, big: Pair<u32, String>, again: Pair<u8, u8> }\n\
         struct Pair<u8, u8> { first: u8, second: u8 }\n\
         struct Pair<u32, String> { first: u32, second: String }"
    );
    // An argument that is itself named is defined before the type using it.
    assert_eq!(
        describe::<Pair<Point, Meters>>(),
        "type Pair<Point, Meters>\n\
         struct Point { x: f64, y: f64 }\n\
         struct Meters(f64);\n\
         struct Pair<Point, Meters> { first: Point, second: Meters }"
    );
    round_trip(&Both {
        small: Pair {
            first: 1,
            second: 2,
        },
        big: Pair {
            first: 3,
            second: "four".into(),
        },
        again: Pair {
            first: 5,
            second: 6,
        },
    });
}

#[test]
fn const_generics_are_part_of_the_name() {
    assert_eq!(
        describe::<Rings>(),
        "type Rings\n\
         struct Rings { small: Ring<u16, 4>, large: Ring<u16, 64> }\n\
         struct Ring<u16, 4> { items: Vec<u16> }\n\
         struct Ring<u16, 64> { items: Vec<u16> }"
    );
    round_trip(&Rings {
        small: Ring { items: vec![1, 2] },
        large: Ring { items: vec![300] },
    });
}

#[test]
fn lifetimes_are_not_part_of_the_name() {
    assert_eq!(
        describe::<View<'static>>(),
        "type View\nstruct View { name: String, tags: Vec<String> }"
    );
    assert_eq!(Description::of::<View>(), Description::of::<OwnedView>());
    let text = String::from("borrowed");
    let view = View {
        name: &text,
        tags: vec!["a", "b"],
    };
    let bytes = persist::to_bytes(&view).expect("save");
    let back: OwnedView = persist::from_bytes(&bytes).expect("load");
    assert_eq!(back.name, "borrowed");
    assert_eq!(back.tags, ["a", "b"]);
    round_trip(&back);
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(rename = "Account")]
struct AccountV2 {
    #[serde(rename = "ID")]
    id: u32,
    #[serde(rename(serialize = "owner_name", deserialize = "owner"))]
    owner: String,
    r#type: u8,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(rename(serialize = "Wire"))]
struct SerializeSideName(u8);

/// Every rule serde has, on fields (which serde writes in snake_case).
macro_rules! field_rules {
    ($($name:ident: $rule:literal),* $(,)?) => {$(
        #[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
        #[serde(rename_all = $rule)]
        struct $name {
            trade_id: u64,
            very_long_name: bool,
            x: u8,
            z42: u8,
            #[serde(rename = "kept")]
            renamed_anyway: u8,
        }
    )*};
}

field_rules! {
    FieldsLower: "lowercase",
    FieldsUpper: "UPPERCASE",
    FieldsPascal: "PascalCase",
    FieldsCamel: "camelCase",
    FieldsSnake: "snake_case",
    FieldsScreamingSnake: "SCREAMING_SNAKE_CASE",
    FieldsKebab: "kebab-case",
    FieldsScreamingKebab: "SCREAMING-KEBAB-CASE",
}

/// Every rule serde has, on variants (which serde writes in PascalCase).
macro_rules! variant_rules {
    ($($name:ident: $rule:literal),* $(,)?) => {$(
        #[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
        #[serde(rename_all = $rule)]
        enum $name {
            InProgress,
            Done(u8),
            A,
            Z42,
            #[serde(rename = "kept")]
            RenamedAnyway,
        }
    )*};
}

variant_rules! {
    VariantsLower: "lowercase",
    VariantsUpper: "UPPERCASE",
    VariantsPascal: "PascalCase",
    VariantsCamel: "camelCase",
    VariantsSnake: "snake_case",
    VariantsScreamingSnake: "SCREAMING_SNAKE_CASE",
    VariantsKebab: "kebab-case",
    VariantsScreamingKebab: "SCREAMING-KEBAB-CASE",
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(rename_all = "kebab-case", rename_all_fields = "camelCase")]
enum Event {
    UserCreated {
        user_id: u64,
        display_name: String,
    },
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    OrderPlaced {
        order_id: u64,
        #[serde(rename = "qty")]
        quantity: u32,
    },
    #[serde(rename = "gone")]
    Deleted(u64),
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(rename_all(serialize = "UPPERCASE", deserialize = "camelCase"))]
struct SerializeSideRule {
    max_size: u32,
}

/// The names of a definition's named fields, or of its variants.
fn names<T: Schema>() -> Vec<String> {
    let d = Description::of::<T>();
    match &d.definitions()[0].body {
        Body::Struct(Fields::Named(fields)) => fields.iter().map(|f| f.name.clone()).collect(),
        Body::Enum(variants) => variants.iter().map(|v| v.name.clone()).collect(),
        other => panic!("unexpected body {other:?}"),
    }
}

#[test]
fn rename_follows_serde() {
    assert_eq!(
        describe::<AccountV2>(),
        "type Account\nstruct Account { ID: u32, owner_name: String, type: u8 }"
    );
    assert_eq!(
        describe::<SerializeSideName>(),
        "type Wire\nstruct Wire(u8);"
    );
    round_trip(&AccountV2 {
        id: 1,
        owner: "ann".into(),
        r#type: 2,
    });
    round_trip(&SerializeSideName(9));
}

#[test]
fn rename_all_on_fields_follows_serde_rules() {
    // The expected names follow serde's documented rules: fields are taken to be
    // snake_case, so `lowercase` and `snake_case` leave them as they are.
    let unchanged = ["trade_id", "very_long_name", "x", "z42", "kept"];
    assert_eq!(names::<FieldsLower>(), unchanged);
    assert_eq!(names::<FieldsSnake>(), unchanged);
    let upper = ["TRADE_ID", "VERY_LONG_NAME", "X", "Z42", "kept"];
    assert_eq!(names::<FieldsUpper>(), upper);
    assert_eq!(names::<FieldsScreamingSnake>(), upper);
    assert_eq!(
        names::<FieldsPascal>(),
        ["TradeId", "VeryLongName", "X", "Z42", "kept"]
    );
    assert_eq!(
        names::<FieldsCamel>(),
        ["tradeId", "veryLongName", "x", "z42", "kept"]
    );
    assert_eq!(
        names::<FieldsKebab>(),
        ["trade-id", "very-long-name", "x", "z42", "kept"]
    );
    assert_eq!(
        names::<FieldsScreamingKebab>(),
        ["TRADE-ID", "VERY-LONG-NAME", "X", "Z42", "kept"]
    );
    round_trip(&FieldsCamel {
        trade_id: 1,
        very_long_name: true,
        x: 2,
        z42: 3,
        renamed_anyway: 4,
    });
}

#[test]
fn rename_all_on_variants_follows_serde_rules() {
    // Variants are taken to be PascalCase, so `PascalCase` leaves them as they are.
    assert_eq!(
        names::<VariantsPascal>(),
        ["InProgress", "Done", "A", "Z42", "kept"]
    );
    assert_eq!(
        names::<VariantsLower>(),
        ["inprogress", "done", "a", "z42", "kept"]
    );
    assert_eq!(
        names::<VariantsUpper>(),
        ["INPROGRESS", "DONE", "A", "Z42", "kept"]
    );
    assert_eq!(
        names::<VariantsCamel>(),
        ["inProgress", "done", "a", "z42", "kept"]
    );
    assert_eq!(
        names::<VariantsSnake>(),
        ["in_progress", "done", "a", "z42", "kept"]
    );
    assert_eq!(
        names::<VariantsScreamingSnake>(),
        ["IN_PROGRESS", "DONE", "A", "Z42", "kept"]
    );
    assert_eq!(
        names::<VariantsKebab>(),
        ["in-progress", "done", "a", "z42", "kept"]
    );
    assert_eq!(
        names::<VariantsScreamingKebab>(),
        ["IN-PROGRESS", "DONE", "A", "Z42", "kept"]
    );
    round_trip(&VariantsKebab::Done(3));
    round_trip(&VariantsKebab::RenamedAnyway);
}

#[test]
fn rename_all_fields_and_variant_rename_all() {
    assert_eq!(
        describe::<Event>(),
        "type Event\n\
         enum Event { user-created { userId: u64, displayName: String }, \
         order-placed { ORDER_ID: u64, qty: u32 }, gone(u64) }"
    );
    assert_eq!(names::<SerializeSideRule>(), ["MAX_SIZE"]);
    round_trip(&Event::UserCreated {
        user_id: 1,
        display_name: "bo".into(),
    });
    round_trip(&Event::OrderPlaced {
        order_id: 2,
        quantity: 3,
    });
    round_trip(&Event::Deleted(4));
    round_trip(&SerializeSideRule { max_size: 5 });
}

// ---------------------------------------------------------------------------
// skip, transparent, #[schema(as)]
// ---------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Cached {
    key: String,
    #[serde(skip)]
    cache: Vec<u8>,
    #[serde(skip_serializing, skip_deserializing)]
    scratch: Option<u64>,
    value: i32,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct TupleWithSkip(u8, #[serde(skip)] NoSchema, u16);

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
enum WithSkippedFields {
    Full {
        a: u8,
        #[serde(skip)]
        b: u8,
    },
    /// serde writes a newtype variant whose field is skipped as a unit variant.
    Hollow(#[serde(skip)] NoSchema),
    Pair(#[serde(skip)] u8, i64),
}

/// Not `Schema`: skipped fields are never described.
#[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
struct NoSchema;

#[test]
fn skipped_fields_are_left_out() {
    assert_eq!(
        describe::<Cached>(),
        "type Cached\nstruct Cached { key: String, value: i32 }"
    );
    assert_eq!(
        describe::<TupleWithSkip>(),
        "type TupleWithSkip\nstruct TupleWithSkip(u8, u16);"
    );
    assert_eq!(
        describe::<WithSkippedFields>(),
        "type WithSkippedFields\n\
         enum WithSkippedFields { Full { a: u8 }, Hollow, Pair(i64) }"
    );
    round_trip(&Cached {
        key: "k".into(),
        cache: vec![],
        scratch: None,
        value: -1,
    });
    round_trip(&TupleWithSkip(1, NoSchema, 2));
    round_trip(&WithSkippedFields::Full { a: 1, b: 0 });
    round_trip(&WithSkippedFields::Hollow(NoSchema));
    round_trip(&WithSkippedFields::Pair(0, -7));
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(transparent)]
struct UserId(u64);

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(transparent)]
struct Typed<T> {
    #[serde(skip)]
    marker: PhantomData<T>,
    raw: Vec<Point>,
}

#[test]
fn transparent_structs_are_their_field() {
    assert_eq!(describe::<UserId>(), "type u64");
    assert!(Description::of::<UserId>().definitions().is_empty());
    assert_eq!(
        describe::<Typed<Marker>>(),
        "type Vec<Point>\nstruct Point { x: f64, y: f64 }"
    );
    assert_eq!(
        Description::of::<Vec<UserId>>(),
        Description::of::<Vec<u64>>()
    );
    round_trip(&UserId(77));
    round_trip(&Typed::<Marker> {
        marker: PhantomData,
        raw: vec![Point { x: 1.0, y: 2.0 }],
    });
}

/// A foreign type without `Schema`, serialized as an `f32`.
#[derive(Debug, PartialEq, Clone, Copy)]
struct Celsius(f32);

impl Serialize for Celsius {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f32(self.0)
    }
}

impl<'de> Deserialize<'de> for Celsius {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        f32::deserialize(deserializer).map(Celsius)
    }
}

/// Writes a `u64` as its decimal string.
mod as_decimal {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Reading {
    #[serde(with = "as_decimal")]
    #[schema(as = String)]
    serial: u64,
    #[schema(as = f32)]
    temperature: Celsius,
    #[serde(serialize_with = "as_decimal::serialize")]
    #[serde(deserialize_with = "as_decimal::deserialize")]
    #[schema(as = String)]
    count: u64,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
enum Sensor {
    Thermo(#[schema(as = f32)] Celsius),
}

#[test]
fn schema_as_describes_a_field_by_another_type() {
    assert_eq!(
        describe::<Reading>(),
        "type Reading\nstruct Reading { serial: String, temperature: f32, count: String }"
    );
    assert_eq!(
        describe::<Sensor>(),
        "type Sensor\nenum Sensor { Thermo(f32) }"
    );
    round_trip(&Reading {
        serial: 123_456_789,
        temperature: Celsius(21.5),
        count: 3,
    });
    round_trip(&Sensor::Thermo(Celsius(-4.0)));
}

// ---------------------------------------------------------------------------
// Recursion
// ---------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Tree {
    label: String,
    children: Vec<Tree>,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
enum List<T> {
    Nil,
    Cons(T, Box<Self>),
}

#[test]
fn recursive_types_refer_to_themselves() {
    assert_eq!(
        describe::<Tree>(),
        "type Tree\nstruct Tree { label: String, children: Vec<Tree> }"
    );
    assert_eq!(
        describe::<List<u8>>(),
        "type List<u8>\nenum List<u8> { Nil, Cons(u8, List<u8>) }"
    );
    round_trip(&Tree {
        label: "root".into(),
        children: vec![
            Tree {
                label: "leaf".into(),
                children: vec![],
            },
            Tree {
                label: "branch".into(),
                children: vec![Tree {
                    label: "deep".into(),
                    children: vec![],
                }],
            },
        ],
    });
    round_trip(&List::Cons(
        1u8,
        Box::new(List::Cons(2, Box::new(List::Nil))),
    ));
}

#[test]
fn a_description_mismatch_is_caught_by_the_walker() {
    // The walker is what makes the round trips above meaningful: a wrong
    // description (here: `Point` described with a field too few) must fail it.
    let bytes = persist::to_bytes(&Point { x: 1.0, y: 2.0 }).expect("save");
    let info = persist::inspect_bytes(&bytes).expect("inspect");
    let start = usize::try_from(info.header_len).expect("header length");
    let len = usize::try_from(info.payload_len).expect("payload length");
    let payload = &bytes[start..start + len];
    follow(&info.schema, payload);
    let wrong = Description::of::<Meters>();
    let result = std::panic::catch_unwind(|| follow(&wrong, payload));
    assert!(result.is_err());
}

// ---------------------------------------------------------------------------
// Bounds
// ---------------------------------------------------------------------------

/// A type with neither `Schema` nor `Serialize`: only ever a phantom argument.
#[derive(Debug, PartialEq)]
struct Opaque;

/// Another, to tell instantiations apart.
#[derive(Debug, PartialEq)]
struct AlsoOpaque;

/// serde needs no bound on `T` (it is only in `PhantomData`), and `bound = ""`
/// tells the Schema derive that it needs none either.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(bound = "")]
struct Tagged<T> {
    id: u64,
    marker: PhantomData<T>,
}

/// The same through our own attribute, with serde left to infer its bounds.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[schema(bound = "")]
struct Labelled<T> {
    label: String,
    #[serde(skip)]
    marker: PhantomData<T>,
}

#[test]
fn a_bound_lets_a_phantom_parameter_go_without_schema() {
    // `T` is bounded by nothing, so the name leaves it out.
    assert_eq!(
        describe::<Tagged<Opaque>>(),
        "type Tagged\nstruct Tagged { id: u64, marker: () }"
    );
    assert_eq!(
        describe::<Labelled<Opaque>>(),
        "type Labelled\nstruct Labelled { label: String }"
    );
    round_trip(&Tagged::<Opaque> {
        id: 7,
        marker: PhantomData,
    });
    round_trip(&Labelled::<Opaque> {
        label: "x".into(),
        marker: PhantomData,
    });
    // The price, which the derive's docs state: the argument is not part of the
    // saved identity, so another instantiation reads the same file.
    let bytes = persist::to_bytes(&Tagged::<Opaque> {
        id: 7,
        marker: PhantomData,
    })
    .unwrap();
    let other: Tagged<AlsoOpaque> = persist::from_bytes(&bytes).unwrap();
    assert_eq!(other.id, 7);
}

/// Without a bound, a phantom argument is part of the name (and needs `Schema`):
/// the same bytes, a different meaning.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Quantity<T> {
    amount: i64,
    #[serde(skip)]
    marker: PhantomData<T>,
}

#[test]
fn without_a_bound_every_type_argument_is_in_the_name() {
    assert_eq!(
        describe::<Quantity<Marker>>(),
        "type Quantity<Marker>\nstruct Marker;\nstruct Quantity<Marker> { amount: i64 }"
    );
    let bytes = persist::to_bytes(&Quantity::<Marker> {
        amount: 3,
        marker: PhantomData,
    })
    .unwrap();
    // A plain type is identified by its name: this file holds another type.
    let err = persist::from_bytes::<Quantity<u8>>(&bytes).unwrap_err();
    assert!(matches!(err, persist::Error::WrongType { .. }), "{err:?}");
}

/// serde's two sides differ; the Schema impl takes the serialize side (the
/// deserialize side names `'de`, which only serde's `Deserialize` impl has, so this
/// would not compile if it were taken).
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
#[serde(bound(
    serialize = "T: Serialize + Schema",
    deserialize = "T: Deserialize<'de>"
))]
struct Batch<T> {
    items: Vec<T>,
}

#[test]
fn serdes_serialize_bound_is_the_schema_bound() {
    // `Schema` is in the bound, so the argument is in the name.
    assert_eq!(
        describe::<Batch<u16>>(),
        "type Batch<u16>\nstruct Batch<u16> { items: Vec<u16> }"
    );
    round_trip(&Batch {
        items: vec![1u16, 2],
    });
}

/// A source of readings, whose item type is an associated type.
trait Source {
    /// What one reading is.
    type Item;
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Thermometer;

impl Source for Thermometer {
    type Item = f32;
}

/// A field whose whole type is `S::Item`: serde's rule bounds `S::Item` itself,
/// which `S: Schema` would not give.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Latest<S: Source> {
    value: S::Item,
}

/// `Vec<S::Item>` is beyond the inference (serde's too): the field says what it
/// needs, and without `#[schema(bound)]` this would not compile.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Readings<S: Source> {
    #[schema(bound = "S::Item: Schema")]
    #[serde(bound(
        serialize = "S::Item: Serialize",
        deserialize = "S::Item: Deserialize<'de>"
    ))]
    values: Vec<S::Item>,
}

/// serde's field bound serves the Schema impl too when it names `Schema`.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Peaks<S: Source> {
    #[serde(bound(
        serialize = "S::Item: Serialize + Schema",
        deserialize = "S::Item: Deserialize<'de>"
    ))]
    peaks: Vec<S::Item>,
}

#[test]
fn associated_types_are_bounded_by_inference_or_by_the_field() {
    assert_eq!(
        describe::<Latest<Thermometer>>(),
        "type Latest<Thermometer>\nstruct Thermometer;\nstruct Latest<Thermometer> { value: f32 }"
    );
    assert_eq!(
        describe::<Readings<Thermometer>>(),
        "type Readings<Thermometer>\nstruct Thermometer;\n\
         struct Readings<Thermometer> { values: Vec<f32> }"
    );
    assert_eq!(
        describe::<Peaks<Thermometer>>(),
        "type Peaks<Thermometer>\nstruct Thermometer;\n\
         struct Peaks<Thermometer> { peaks: Vec<f32> }"
    );
    round_trip(&Latest::<Thermometer> { value: 21.5 });
    round_trip(&Readings::<Thermometer> {
        values: vec![1.0, -2.5],
    });
    round_trip(&Peaks::<Thermometer> { peaks: vec![9.0] });
}
