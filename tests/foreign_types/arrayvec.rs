//! `arrayvec`: an `ArrayVec` as a sequence with its count, an `ArrayString` as a
//! string; neither writes its capacity, and a load refuses more than it.

use arrayvec::{ArrayString, ArrayVec};
use persist::schema::Description;

use super::support::{forged_decode_error, load_as, round_trip, state_get};

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Slots {
        pub partial: ArrayVec<u32, 8>,
        pub full: ArrayVec<u32, 3>,
        pub empty: ArrayVec<f64, 4>,
        pub names: ArrayVec<ArrayString<8>, 2>,
        pub code: ArrayString<16>,
        pub full_code: ArrayString<4>,
        pub blank: ArrayString<0>,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Slots {
        pub partial: ArrayVec<u32, 8>,
        pub full: ArrayVec<u32, 3>,
        pub empty: ArrayVec<f64, 4>,
        pub names: ArrayVec<ArrayString<8>, 2>,
        pub code: ArrayString<16>,
        pub full_code: ArrayString<4>,
        pub blank: ArrayString<0>,
        #[serde(default)]
        pub label: String,
    }
}

fn name(s: &str) -> ArrayString<8> {
    ArrayString::from(s).expect("fits")
}

fn slots() -> v1::Slots {
    v1::Slots {
        partial: [7, 8, 9].into_iter().collect(),
        full: ArrayVec::from([1, 2, 3]),
        empty: ArrayVec::new(),
        names: [name("ada"), name("lovelace")].into_iter().collect(),
        code: ArrayString::from("héllo").expect("fits"),
        full_code: ArrayString::from("four").expect("fits"),
        blank: ArrayString::new(),
    }
}

#[test]
fn every_arrayvec_type_round_trips() {
    round_trip(&slots());
}

#[test]
fn the_description_leaves_the_capacity_out() {
    assert_eq!(
        Description::of::<v1::Slots>().to_string(),
        "type Slots\n\
         struct Slots { partial: Vec<u32>, full: Vec<u32>, empty: Vec<f64>, \
         names: Vec<String>, code: String, full_code: String, blank: String }"
    );
}

#[test]
fn the_state_reads_each_field_back() {
    let value = slots();
    assert_eq!(
        state_get::<_, ArrayVec<u32, 8>>(&value, "partial"),
        value.partial
    );
    assert_eq!(state_get::<_, ArrayVec<u32, 3>>(&value, "full"), value.full);
    assert_eq!(
        state_get::<_, ArrayVec<f64, 4>>(&value, "empty"),
        value.empty
    );
    assert_eq!(
        state_get::<_, ArrayVec<ArrayString<8>, 2>>(&value, "names"),
        value.names
    );
    assert_eq!(state_get::<_, ArrayString<16>>(&value, "code"), value.code);
    assert_eq!(
        state_get::<_, ArrayString<4>>(&value, "full_code"),
        value.full_code
    );
    assert_eq!(state_get::<_, ArrayString<0>>(&value, "blank"), value.blank);
    assert_eq!(state_get::<_, Vec<u32>>(&value, "partial"), [7, 8, 9]);
    assert_eq!(state_get::<_, String>(&value, "code"), "héllo");
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = slots();
    let new: v2::Slots = load_as::<v1::Slots, v2::Slots>(&old).expect("resolves");
    assert_eq!(new.partial, old.partial);
    assert_eq!(new.full, old.full);
    assert_eq!(new.empty, old.empty);
    assert_eq!(new.names, old.names);
    assert_eq!(new.code, old.code);
    assert_eq!(new.full_code, old.full_code);
    assert_eq!(new.blank, old.blank);
    assert_eq!(new.label, "");
}

#[test]
fn bare_values_round_trip() {
    round_trip(&slots().partial);
    round_trip(&slots().names);
    round_trip(&slots().code);
}

mod forged {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Slots {
        pub before: u8,
        #[schema(as = ArrayVec<u32, 3>)]
        pub full: Vec<u32>,
        #[schema(as = ArrayString<4>)]
        pub full_code: String,
    }
}

mod real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Slots {
        pub before: u8,
        pub full: ArrayVec<u32, 3>,
        pub full_code: ArrayString<4>,
    }
}

#[test]
fn more_items_than_the_capacity_is_a_decode_error_naming_the_field() {
    let message = forged_decode_error::<forged::Slots, real::Slots>(&forged::Slots {
        before: 1,
        full: vec![1, 2, 3, 4],
        full_code: "four".into(),
    });
    assert!(message.contains("at `full`:"), "{message}");
    assert!(
        message.contains("invalid length 4, expected an array with no more than 3 items"),
        "{message}"
    );
}

#[test]
fn a_string_longer_than_the_capacity_is_a_decode_error_naming_the_field() {
    let message = forged_decode_error::<forged::Slots, real::Slots>(&forged::Slots {
        before: 1,
        full: vec![1, 2, 3],
        full_code: "fives".into(),
    });
    assert!(message.contains("at `full_code`"), "{message}");
    assert!(
        message.contains("invalid length 5, expected a string no more than 4 bytes long"),
        "{message}"
    );
}
