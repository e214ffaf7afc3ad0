//! The schema-guided reader against the rules of its module documentation.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::{from_slice, GuidedError};
use crate::codec::Compression;
use crate::schema::{Body, Builder, Definition, Description, Field, Fields, Node, Schema, Variant};

/// Encodes `value` with postcard and reads it back as `T` under `value`'s schema.
fn read<W: Serialize + Schema, T: serde::de::DeserializeOwned>(value: &W) -> Result<T, String> {
    let bytes = postcard::to_stdvec(value).expect("encodes");
    from_slice::<T>(&Description::of::<W>(), &bytes).map_err(|e| e.to_string())
}

/// A struct with the given named fields, described by hand under `name`.
fn named_struct(b: &mut Builder, name: &str, fields: Vec<Field>) -> Node {
    let def = Definition::new(name, Body::Struct(Fields::Named(fields)));
    // Each test type calls this once, so the Rust type parameter does not matter.
    b.define::<()>(name.into(), |_| def)
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct PointV1 {
    x: u32,
    y: f32,
}
impl Schema for PointV1 {
    fn describe(b: &mut Builder) -> Node {
        named_struct(
            b,
            "Point",
            vec![Field::new("x", Node::U32), Field::new("y", Node::F32)],
        )
    }
}

/// Point, later: fields reordered and widened, one added with a default.
#[derive(Deserialize, Debug, PartialEq)]
struct PointV2 {
    y: f64,
    #[serde(default)]
    label: String,
    x: u64,
}

#[test]
fn structs_are_read_by_field_name_with_defaults_and_exact_widening() {
    let back: PointV2 = read(&PointV1 { x: 7, y: 0.5 }).unwrap();
    assert_eq!(
        back,
        PointV2 {
            y: 0.5,
            label: String::new(),
            x: 7
        }
    );
}

#[derive(Deserialize, Debug)]
struct PointNarrow {
    #[allow(dead_code)]
    x: u8,
}

#[test]
fn narrowing_keeps_values_that_fit_and_refuses_the_others_naming_the_field() {
    let fits: Result<PointNarrow, _> = read(&PointV1 { x: 200, y: 0.0 });
    assert!(fits.is_ok());
    let e = read::<_, PointNarrow>(&PointV1 { x: 300, y: 0.0 }).unwrap_err();
    assert_eq!(e, "at `x`: at byte 0: the stored 300 does not fit in a u8");
}

#[test]
fn numbers_convert_only_exactly() {
    assert_eq!(read::<u32, f32>(&16_777_216).unwrap(), 16_777_216.0);
    assert!(read::<u32, f32>(&16_777_217)
        .unwrap_err()
        .contains("has no exact f32"));
    assert!(read::<f64, i64>(&2.0).unwrap_err().contains("truncated"));
    assert_eq!(read::<f64, f32>(&0.5).unwrap(), 0.5);
    assert!(read::<f64, f32>(&0.1).unwrap_err().contains("no exact f32"));
    assert_eq!(read::<i8, i64>(&-5).unwrap(), -5);
    assert!(read::<i32, u32>(&-1).unwrap_err().contains("does not fit"));
    assert_eq!(
        read::<f32, f64>(&f32::NAN).map(f64::is_nan),
        Ok(true),
        "NaN widens"
    );
}

/// A type that asks the format what comes next, as `rust_decimal::Decimal` does.
#[derive(Debug, PartialEq)]
struct Asks(String);
impl<'de> Deserialize<'de> for Asks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Asks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Asks, E> {
                Ok(Asks(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Asks, E> {
                Ok(Asks(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[test]
fn deserialize_any_is_answered_from_the_schema() {
    assert_eq!(
        read::<_, Vec<Asks>>(&vec!["1.5".to_string(), "2".into()]).unwrap(),
        vec![Asks("1.5".into()), Asks("2".into())]
    );
    assert_eq!(read::<u64, Asks>(&42).unwrap(), Asks("42".into()));
    assert!(postcard::from_bytes::<Asks>(&postcard::to_stdvec("x").unwrap()).is_err());
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum SideV1 {
    Buy,
    Sell(u32),
}
impl Schema for SideV1 {
    fn describe(b: &mut Builder) -> Node {
        b.define::<Self>("Side".into(), |_| {
            Definition::new(
                "Side",
                Body::Enum(vec![
                    Variant::new("Buy", Fields::Unit),
                    Variant::new("Sell", Fields::Newtype(Node::U32)),
                ]),
            )
        })
    }
}

/// Side, later: a variant added in front, so every index moved.
#[derive(Deserialize, Debug, PartialEq)]
enum SideV2 {
    Hold,
    Sell(u64),
    Buy,
}

#[test]
fn enums_are_read_by_variant_name() {
    assert_eq!(read::<_, SideV2>(&SideV1::Buy).unwrap(), SideV2::Buy);
    assert_eq!(
        read::<_, SideV2>(&SideV1::Sell(3)).unwrap(),
        SideV2::Sell(3)
    );
}

#[derive(Deserialize, Debug, PartialEq)]
struct Meters(f64);

#[test]
fn options_and_newtypes_added_around_a_value_read_through() {
    assert_eq!(read::<u32, Option<u32>>(&5).unwrap(), Some(5));
    assert_eq!(read::<f32, Meters>(&1.5).unwrap(), Meters(1.5));
}

#[test]
fn a_char_of_two_characters_and_left_over_bytes_are_refused() {
    let description = Description::of::<char>();
    let two = postcard::to_stdvec("ab").unwrap();
    let e = from_slice::<char>(&description, &two).unwrap_err();
    assert!(e.is_wire());
    assert!(e.to_string().contains("is not exactly one char"), "{e}");
    let e = from_slice::<u8>(&Description::of::<u8>(), &[1, 2]).unwrap_err();
    assert_eq!(e.to_string(), "1 bytes are left over after the value");
}

#[derive(Deserialize, Debug)]
struct Named {
    #[allow(dead_code)]
    a: u8,
    #[allow(dead_code)]
    b: u8,
}

#[test]
fn a_tuple_is_not_read_into_a_struct_by_position() {
    let e = read::<(u8, u8), Named>(&(1, 2)).unwrap_err();
    assert!(
        e.contains("not read into struct `Named` by position"),
        "{e}"
    );
}

#[test]
fn lying_counts_are_refused_before_anything_is_reserved() {
    // A sequence of strings claiming 2^40 items in a few bytes.
    let mut bytes = Vec::new();
    let mut n: u64 = 1 << 40;
    while n >= 0x80 {
        bytes.push((n as u8) | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
    let e = from_slice::<Vec<String>>(&Description::of::<Vec<String>>(), &bytes).unwrap_err();
    assert!(e.to_string().contains("more than the 0 bytes left"), "{e}");
    // Zero-byte items are bounded by the value budget instead.
    let e = from_slice::<Vec<()>>(&Description::of::<Vec<()>>(), &bytes).unwrap_err();
    assert!(e.to_string().contains("more values than its size"), "{e}");
}

/// The save check's walk of `payload`, uncompressed.
fn validate(description: &Description, payload: &[u8]) -> Result<(), GuidedError> {
    let len = payload.len() as u64;
    crate::stream::check::payload_reads_back(description, Compression::None, payload, len, len)
}

#[test]
fn validate_walks_every_value_and_places_the_first_bad_one() {
    #[derive(Serialize)]
    struct Wrote {
        id: Vec<u8>,
    }
    let bytes = postcard::to_stdvec(&Wrote {
        id: vec![0xff, 0xfe],
    })
    .unwrap();
    let described_as_string = {
        let mut b = Builder::default();
        let root = named_struct(&mut b, "Wrote", vec![Field::new("id", Node::String)]);
        b.finish(root)
    };
    let e = validate(&described_as_string, &bytes).unwrap_err();
    assert_eq!(e.place(), "id");
    assert!(e.message().contains("invalid UTF-8"), "{e}");
    let described_right = {
        let mut b = Builder::default();
        let root = named_struct(&mut b, "Wrote", vec![Field::new("id", Node::Bytes)]);
        b.finish(root)
    };
    validate(&described_right, &bytes).unwrap();
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(validate(&described_right, &longer).is_err());
}
