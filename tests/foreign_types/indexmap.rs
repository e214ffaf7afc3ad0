//! `indexmap`: `IndexMap` as a map and `IndexSet` as a sequence, in insertion order.

use indexmap::{IndexMap, IndexSet};
use persist::schema::Description;

use super::support::{load_as, round_trip, state_get};

/// A hasher other than the default: the description does not depend on it.
type Fixed = std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher>;

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Book {
        pub prices: IndexMap<String, f64>,
        pub tags: IndexSet<String>,
        pub ids: IndexSet<u32>,
        pub nested: IndexMap<u16, IndexMap<String, Vec<i8>>>,
        pub empty: IndexMap<String, f64>,
        pub hashed: IndexMap<i32, bool, Fixed>,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Book {
        pub prices: IndexMap<String, f64>,
        pub tags: IndexSet<String>,
        pub ids: IndexSet<u32>,
        pub nested: IndexMap<u16, IndexMap<String, Vec<i8>>>,
        pub empty: IndexMap<String, f64>,
        pub hashed: IndexMap<i32, bool, Fixed>,
        #[serde(default)]
        pub label: String,
    }
}

fn prices() -> IndexMap<String, f64> {
    // Not in sorted order: the order of insertion is what a load gives back.
    [("zeta", 3.5), ("alpha", -1.0), ("mid", 0.25)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn book() -> v1::Book {
    v1::Book {
        prices: prices(),
        tags: ["red", "blue", "amber"]
            .map(String::from)
            .into_iter()
            .collect(),
        ids: [9, 1, 5, 3].into_iter().collect(),
        nested: [
            (2, [("b".to_string(), vec![1, -1])].into_iter().collect()),
            (1, IndexMap::new()),
        ]
        .into_iter()
        .collect(),
        empty: IndexMap::new(),
        hashed: [(7, true), (-7, false)].into_iter().collect(),
    }
}

#[test]
fn maps_and_sets_round_trip_in_order() {
    let value = book();
    round_trip(&value);
    let bytes = persist::to_bytes(&value).expect("encodes");
    let back: v1::Book = persist::from_bytes(&bytes).expect("decodes");
    // `IndexMap`'s `PartialEq` ignores the order; the order must come back too.
    assert!(back.prices.keys().eq(["zeta", "alpha", "mid"]));
    assert!(back.ids.iter().eq(&[9, 1, 5, 3]));
    assert!(back.tags.iter().eq(&["red", "blue", "amber"]));
}

#[test]
fn the_description_is_a_map_and_a_sequence() {
    assert_eq!(
        Description::of::<v1::Book>().to_string(),
        "type Book\n\
         struct Book { prices: Map<String, f64>, tags: Vec<String>, ids: Vec<u32>, \
         nested: Map<u16, Map<String, Vec<i8>>>, empty: Map<String, f64>, \
         hashed: Map<i32, bool> }"
    );
}

#[test]
fn the_state_reads_each_field_back() {
    let value = book();
    let prices = state_get::<_, IndexMap<String, f64>>(&value, "prices");
    assert_eq!(prices, value.prices);
    assert!(prices.keys().eq(value.prices.keys()));
    let tags = state_get::<_, IndexSet<String>>(&value, "tags");
    assert!(tags.iter().eq(value.tags.iter()));
    let ids = state_get::<_, IndexSet<u32>>(&value, "ids");
    assert!(ids.iter().eq(value.ids.iter()));
    assert_eq!(
        state_get::<_, IndexMap<u16, IndexMap<String, Vec<i8>>>>(&value, "nested"),
        value.nested
    );
    assert_eq!(
        state_get::<_, IndexMap<String, f64>>(&value, "empty"),
        value.empty
    );
    assert_eq!(
        state_get::<_, IndexMap<i32, bool>>(&value, "hashed"),
        value
            .hashed
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect::<IndexMap<_, _>>()
    );
    // A set is stored as a plain sequence, in order.
    assert_eq!(state_get::<_, Vec<u32>>(&value, "ids"), [9, 1, 5, 3]);
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = book();
    let new: v2::Book = load_as::<v1::Book, v2::Book>(&old).expect("resolves");
    assert_eq!(new.prices, old.prices);
    assert!(new.prices.keys().eq(old.prices.keys()));
    assert_eq!(new.tags, old.tags);
    assert_eq!(new.ids, old.ids);
    assert_eq!(new.nested, old.nested);
    assert_eq!(new.hashed, old.hashed);
    assert_eq!(new.label, "");
}

#[test]
fn bare_maps_and_sets_round_trip() {
    round_trip(&prices());
    round_trip(&book().ids);
    round_trip(&IndexMap::<String, IndexSet<char>>::new());
}

/// A map that writes the same key twice, which no `IndexMap` can hold.
pub struct TwiceKeyed;

impl serde::Serialize for TwiceKeyed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("a", &1.0)?;
        map.serialize_entry("b", &2.0)?;
        map.serialize_entry("a", &3.0)?;
        map.end()
    }
}

/// A set that writes the same item twice.
pub struct TwiceListed;

impl serde::Serialize for TwiceListed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq([4u32, 2, 4])
    }
}

mod forged {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Book {
        #[schema(as = IndexMap<String, f64>)]
        pub prices: TwiceKeyed,
        #[schema(as = IndexSet<u32>)]
        pub ids: TwiceListed,
    }
}

mod real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Book {
        pub prices: IndexMap<String, f64>,
        pub ids: IndexSet<u32>,
    }
}

/// indexmap refuses nothing of its own: a key written twice keeps its first
/// place and takes the last value, an item written twice is kept once, as
/// `insert` does. So a forged map is not a decode error; this pins what it loads as.
#[test]
fn a_key_written_twice_collapses_as_insert_does() {
    let forged = forged::Book {
        prices: TwiceKeyed,
        ids: TwiceListed,
    };
    assert_eq!(
        Description::of::<forged::Book>().fingerprint(),
        Description::of::<real::Book>().fingerprint()
    );
    let bytes = persist::to_bytes(&forged).expect("encodes");
    let book: real::Book = persist::from_bytes(&bytes).expect("indexmap refuses nothing");
    assert!(book
        .prices
        .iter()
        .eq([(&"a".to_string(), &3.0), (&"b".to_string(), &2.0)]));
    assert!(book.ids.iter().eq(&[4, 2]));
}
