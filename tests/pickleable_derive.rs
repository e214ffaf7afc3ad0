//! `#[derive(Pickleable)]`: REC_ID and VERSION, and the record they mark in the
//! type's description and in the file header.

use std::fmt::Debug;
use std::marker::PhantomData;

use persist::schema::{Description, RecordId};
use persist::{Pickleable, Schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[serde(rename = "Defaulted")]
struct Plain {
    value: u32,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "MyClass"]
#[pickle(version = 3)]
struct Custom {
    value: u32,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Series<T> {
    points: Vec<T>,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2)]
enum Signal {
    Flat,
    Level(f64),
    Ramp { from: f64, to: f64 },
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "inner-record"]
#[pickle(version = 7)]
struct Inner {
    id: u8,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Outer {
    inner: Inner,
}

/// Saves `value` to bytes, checks the header's identity, and loads it back.
#[track_caller]
fn round_trip<T>(value: &T, rec_id: &str, version: u32)
where
    T: Pickleable + PartialEq + Debug,
{
    let bytes = persist::to_bytes(value).expect("save");
    let info = persist::inspect_bytes(&bytes).expect("inspect");
    assert_eq!((info.rec_id.as_str(), info.version), (rec_id, version));
    assert_eq!(info.schema, Description::of::<T>());
    let back: T = persist::from_bytes(&bytes).expect("load");
    assert_eq!(&back, value);
}

/// Saves `value` into a fresh directory under its default file name and loads it
/// back by discovery, as a user of the class-style API would.
#[track_caller]
fn save_and_load_in_a_directory<T>(value: &T)
where
    T: Pickleable + PartialEq + Debug,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let path = value.save_to(dir.path()).expect("save");
    assert_eq!(path, dir.path().join(format!("{}.pickle", T::REC_ID)));
    assert_eq!(&T::load_from(dir.path()).expect("load"), value);
    assert_eq!(&T::load_from(&path).expect("load the file"), value);
}

fn identity<T: Pickleable>() -> (&'static str, u32) {
    (T::REC_ID, T::VERSION)
}

#[test]
fn rec_id_defaults_to_the_identifier_and_version_to_1() {
    // The identifier, not the serde rename.
    assert_eq!(identity::<Plain>(), ("Plain", 1));
}

#[test]
fn rec_id_and_version_can_be_set() {
    assert_eq!(identity::<Custom>(), ("MyClass", 3));
}

#[test]
fn the_description_shows_the_record() {
    assert_eq!(
        Description::of::<Custom>().to_string(),
        "type Custom\n#[rec_id = \"MyClass\"] #[pickle(version = 3)]\nstruct Custom { value: u32 }"
    );
    assert_eq!(
        Description::of::<Plain>().to_string(),
        "type Defaulted\n#[rec_id = \"Plain\"] #[pickle(version = 1)]\nstruct Defaulted { value: u32 }"
    );
}

#[test]
fn the_header_carries_the_record_identity() {
    round_trip(&Plain { value: 5 }, "Plain", 1);
    round_trip(&Custom { value: 9 }, "MyClass", 3);
}

#[test]
fn a_generic_record_round_trips() {
    assert_eq!(identity::<Series<f64>>(), ("Series", 1));
    let series = Series {
        points: vec![1.5, -2.0],
    };
    round_trip(&series, "Series", 1);
    assert_eq!(
        Description::of::<Series<f64>>().to_string(),
        "type Series<f64>\n#[rec_id = \"Series\"] #[pickle(version = 1)]\nstruct Series<f64> { points: Vec<f64> }"
    );
}

#[test]
fn an_enum_record_round_trips() {
    for signal in [
        Signal::Flat,
        Signal::Level(1.25),
        Signal::Ramp { from: 0.0, to: 1.0 },
    ] {
        round_trip(&signal, "Signal", 2);
    }
}

#[test]
fn a_nested_record_keeps_its_own_identity() {
    let description = Description::of::<Outer>();
    assert_eq!(description.definition("Outer").unwrap().record, None);
    assert_eq!(
        description.definition("Inner").unwrap().record,
        Some(RecordId::new("inner-record", 7))
    );
    let outer = Outer {
        inner: Inner { id: 4 },
    };
    let bytes = persist::to_bytes(&outer).unwrap();
    assert_eq!(persist::from_bytes::<Outer>(&bytes).unwrap(), outer);
    assert_eq!(persist::inspect_bytes(&bytes).unwrap().schema, description);
}

/// The bounds a generic record's impls need are satisfiable from a generic context.
fn generic_identity<T>() -> (&'static str, u32)
where
    T: Schema + Serialize + DeserializeOwned,
{
    identity::<Series<T>>()
}

#[test]
fn generic_records_are_usable_generically() {
    assert_eq!(generic_identity::<String>(), ("Series", 1));
}

/// An amount that its own `Serialize` writes as a decimal string, so its `Schema` is
/// written by hand, and `manual_schema` keeps the derive from writing another.
#[derive(Pickleable, Debug, PartialEq)]
#[rec_id = "Cents"]
#[pickle(manual_schema, version = 2)]
struct Cents(i64);

impl Serialize for Cents {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Cents {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map(Cents).map_err(serde::de::Error::custom)
    }
}

impl Schema for Cents {
    fn describe(builder: &mut persist::schema::Builder) -> persist::schema::Node {
        use persist::schema::{Body, Definition, Fields, Node};
        builder.define::<Self>("Cents".into(), |_| {
            // The record marker is the impl's job here; registry::check() verifies it.
            Definition::new("", Body::Struct(Fields::Newtype(Node::String)))
                .with_record(RecordId::new(Self::REC_ID, Self::VERSION))
        })
    }
}

#[test]
fn manual_schema_uses_the_types_own_schema_impl() {
    let dir = tempfile::tempdir().unwrap();
    let path = Cents(-1234).save_to(dir.path()).unwrap();
    assert_eq!(path, dir.path().join("Cents.pickle"));
    let info = persist::inspect(&path).unwrap();
    assert_eq!((info.rec_id.as_str(), info.version), ("Cents", 2));
    assert_eq!(
        info.schema.to_string(),
        "type Cents\n#[rec_id = \"Cents\"] #[pickle(version = 2)]\nstruct Cents(String);"
    );
    assert_eq!(Cents::load_from(dir.path()).unwrap(), Cents(-1234));
    assert_eq!(
        persist::load_any(&path)
            .unwrap()
            .downcast::<Cents>()
            .unwrap(),
        Cents(-1234)
    );
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Heartbeat;

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Span"]
#[pickle(version = 2)]
struct Interval(u64, u64, String);

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Meters(f64);

#[test]
fn a_unit_struct_record_round_trips() {
    assert_eq!(identity::<Heartbeat>(), ("Heartbeat", 1));
    assert_eq!(
        Description::of::<Heartbeat>().to_string(),
        "type Heartbeat\n#[rec_id = \"Heartbeat\"] #[pickle(version = 1)]\nstruct Heartbeat;"
    );
    round_trip(&Heartbeat, "Heartbeat", 1);
    save_and_load_in_a_directory(&Heartbeat);
}

#[test]
fn tuple_struct_records_round_trip() {
    assert_eq!(identity::<Interval>(), ("Span", 2));
    assert_eq!(
        Description::of::<Interval>().to_string(),
        "type Interval\n#[rec_id = \"Span\"] #[pickle(version = 2)]\n\
         struct Interval(u64, u64, String);"
    );
    let interval = Interval(10, 20, "lunch".into());
    round_trip(&interval, "Span", 2);
    save_and_load_in_a_directory(&interval);

    assert_eq!(
        Description::of::<Meters>().to_string(),
        "type Meters\n#[rec_id = \"Meters\"] #[pickle(version = 1)]\nstruct Meters(f64);"
    );
    round_trip(&Meters(-0.5), "Meters", 1);
    save_and_load_in_a_directory(&Meters(-0.5));
}

/// Neither `Schema` nor `Serialize`: a marker that only tags a record's type.
#[derive(Debug, PartialEq)]
struct Opaque;

/// A record tagged by a phantom type of any kind: `bound = ""` asks for no
/// `T: Schema`, and serde needs none for `PhantomData`.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[schema(bound = "")]
struct Handle<T> {
    id: u64,
    marker: PhantomData<T>,
}

#[test]
fn a_record_with_a_phantom_parameter_needs_no_bound_on_it() {
    assert_eq!(identity::<Handle<Opaque>>(), ("Handle", 1));
    // Unbounded, the argument is not part of the name.
    assert_eq!(
        Description::of::<Handle<Opaque>>().to_string(),
        "type Handle\n#[rec_id = \"Handle\"] #[pickle(version = 1)]\n\
         struct Handle { id: u64, marker: () }"
    );
    let handle = Handle::<Opaque> {
        id: 42,
        marker: PhantomData,
    };
    round_trip(&handle, "Handle", 1);
    save_and_load_in_a_directory(&handle);
}

/// A generic record with a serde bound that differs between the sides: the
/// `Schema` impl takes the serialize side.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[serde(bound(
    serialize = "T: Serialize + Schema",
    deserialize = "T: Deserialize<'de>"
))]
struct Log<T> {
    entries: Vec<T>,
}

#[test]
fn a_record_with_a_serde_bound_round_trips() {
    let log = Log {
        entries: vec!["a".to_string(), "b".to_string()],
    };
    assert_eq!(
        Description::of::<Log<String>>().to_string(),
        "type Log<String>\n#[rec_id = \"Log\"] #[pickle(version = 1)]\n\
         struct Log<String> { entries: Vec<String> }"
    );
    round_trip(&log, "Log", 1);
    save_and_load_in_a_directory(&log);
}
