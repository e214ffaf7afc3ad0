//! `uuid`: `Uuid` and `NonNilUuid` as 16 bytes, the formatting adapters as text.

use uuid::fmt::{Braced, Hyphenated, Simple, Urn};
use uuid::{NonNilUuid, Uuid};

use super::support::{forged_decode_error, load_as, round_trip, state_get};

const SOME: Uuid = Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Ids {
        pub nil: Uuid,
        pub id: Uuid,
        pub max: Uuid,
        pub non_nil: NonNilUuid,
        pub maybe: Option<Uuid>,
        pub many: Vec<Uuid>,
        pub hyphenated: Hyphenated,
        pub simple: Simple,
        pub urn: Urn,
        pub braced: Braced,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Ids {
        pub nil: Uuid,
        pub id: Uuid,
        pub max: Uuid,
        pub non_nil: NonNilUuid,
        pub maybe: Option<Uuid>,
        pub many: Vec<Uuid>,
        pub hyphenated: Hyphenated,
        pub simple: Simple,
        pub urn: Urn,
        pub braced: Braced,
        #[serde(default)]
        pub label: String,
    }
}

fn non_nil() -> NonNilUuid {
    NonNilUuid::new(SOME).expect("not nil")
}

fn ids() -> v1::Ids {
    v1::Ids {
        nil: Uuid::nil(),
        id: SOME,
        max: Uuid::max(),
        non_nil: non_nil(),
        maybe: Some(Uuid::from_u128(1)),
        many: vec![SOME, Uuid::nil()],
        hyphenated: SOME.hyphenated(),
        simple: SOME.simple(),
        urn: SOME.urn(),
        braced: SOME.braced(),
    }
}

#[test]
fn every_uuid_type_round_trips() {
    round_trip(&ids());
}

#[test]
fn the_state_reads_each_field_back() {
    let value = ids();
    assert_eq!(state_get::<_, Uuid>(&value, "nil"), value.nil);
    assert_eq!(state_get::<_, Uuid>(&value, "id"), value.id);
    assert_eq!(state_get::<_, Uuid>(&value, "max"), value.max);
    assert_eq!(state_get::<_, NonNilUuid>(&value, "non_nil"), value.non_nil);
    assert_eq!(state_get::<_, Option<Uuid>>(&value, "maybe"), value.maybe);
    assert_eq!(state_get::<_, Vec<Uuid>>(&value, "many"), value.many);
    assert_eq!(
        state_get::<_, Hyphenated>(&value, "hyphenated"),
        value.hyphenated
    );
    assert_eq!(state_get::<_, Simple>(&value, "simple"), value.simple);
    assert_eq!(state_get::<_, Urn>(&value, "urn"), value.urn);
    assert_eq!(state_get::<_, Braced>(&value, "braced"), value.braced);
    // The stored bytes are the UUID's, as `Uuid`'s `Serialize` writes them.
    assert_eq!(state_get::<_, ByteString>(&value, "id").0, SOME.as_bytes());
    assert_eq!(
        state_get::<_, ByteString>(&value, "non_nil").0,
        SOME.as_bytes()
    );
    assert_eq!(
        state_get::<_, String>(&value, "hyphenated"),
        "67e55044-10b1-426f-9247-bb680e5fe0c8"
    );
}

/// A byte string read as one (`Vec<u8>` asks for a sequence).
struct ByteString(Vec<u8>);

impl<'de> serde::Deserialize<'de> for ByteString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ByteString;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<ByteString, E> {
                Ok(ByteString(v.to_vec()))
            }
        }
        deserializer.deserialize_bytes(Visitor)
    }
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = ids();
    let new: v2::Ids = load_as::<v1::Ids, v2::Ids>(&old).expect("resolves");
    assert_eq!(new.id, old.id);
    assert_eq!(new.nil, old.nil);
    assert_eq!(new.non_nil, old.non_nil);
    assert_eq!(new.many, old.many);
    assert_eq!(new.braced, old.braced);
    assert_eq!(new.label, "");
}

#[test]
fn bare_uuids_round_trip() {
    round_trip(&SOME);
    round_trip(&Uuid::nil());
    round_trip(&non_nil());
    round_trip(&SOME.urn());
}

/// Writes 15 bytes where a UUID's 16 belong.
pub struct ShortUuidBytes;

impl serde::Serialize for ShortUuidBytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&[0xab; 15])
    }
}

mod short {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Holder {
        pub before: u32,
        #[schema(as = Uuid)]
        pub id: ShortUuidBytes,
    }
}

mod real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Holder {
        pub before: u32,
        pub id: Uuid,
    }
}

#[test]
fn a_uuid_of_fifteen_bytes_is_a_decode_error_naming_the_field() {
    let message = forged_decode_error::<short::Holder, real::Holder>(&short::Holder {
        before: 7,
        id: ShortUuidBytes,
    });
    assert!(message.contains("id"), "{message}");
    assert!(message.contains("UUID parsing failed"), "{message}");
}

mod nil_forged {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Owner {
        #[schema(as = NonNilUuid)]
        pub owner: Uuid,
    }
}

mod nil_real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Owner {
        pub owner: NonNilUuid,
    }
}

#[test]
fn a_nil_non_nil_uuid_is_a_decode_error_naming_the_field() {
    let message = forged_decode_error::<nil_forged::Owner, nil_real::Owner>(&nil_forged::Owner {
        owner: Uuid::nil(),
    });
    assert!(message.contains("owner"), "{message}");
    assert!(message.contains("a non-nil UUID"), "{message}");
}

/// A `Uuid` field described wrongly, as a `String`.
#[derive(serde::Serialize, persist::Schema)]
struct Misdescribed {
    #[schema(as = String)]
    id: Uuid,
}

#[test]
fn a_uuid_described_as_a_string_is_refused_at_save_naming_the_field() {
    let (_dir, path) = super::support::temp_file("misdescribed.pickle");
    // Bytes that are no UTF-8, as almost every real uuid's are not.
    let value = Misdescribed {
        id: Uuid::from_u128(0xf1e2d3c4_b5a6_9788_a9ba_cbdcedfe0f10),
    };
    let err = persist::save(&value, &path).unwrap_err();
    assert!(
        matches!(&err, persist::Error::Misdescribed { place, described, .. }
            if place == "id" && described == "String"),
        "{err:?}"
    );
    assert!(!path.exists(), "nothing is written");
    assert!(persist::check_schema(&value).is_err());
}
