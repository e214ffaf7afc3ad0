//! `smallvec`: a `SmallVec` as a sequence with its count, inline or spilled.

use persist::schema::Description;
use smallvec::{smallvec, SmallVec};

use super::support::{load_as, round_trip, state_get};

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Buffers {
        pub inline: SmallVec<[u32; 4]>,
        pub spilled: SmallVec<[u32; 4]>,
        pub empty: SmallVec<[u32; 4]>,
        pub words: SmallVec<[String; 2]>,
        pub nested: SmallVec<[SmallVec<[i8; 2]>; 1]>,
        pub bytes: SmallVec<[u8; 16]>,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Buffers {
        pub inline: SmallVec<[u32; 4]>,
        pub spilled: SmallVec<[u32; 4]>,
        pub empty: SmallVec<[u32; 4]>,
        pub words: SmallVec<[String; 2]>,
        pub nested: SmallVec<[SmallVec<[i8; 2]>; 1]>,
        pub bytes: SmallVec<[u8; 16]>,
        #[serde(default)]
        pub label: String,
    }
}

fn buffers() -> v1::Buffers {
    let value = v1::Buffers {
        inline: smallvec![1, 2, 3],
        spilled: (0..9).map(|i| i * 1000).collect(),
        empty: SmallVec::new(),
        words: smallvec!["one".to_string(), "two".into(), "three".into()],
        nested: smallvec![smallvec![1, -2], smallvec![], smallvec![3, 4, 5]],
        bytes: SmallVec::from_slice(b"sixteen bytes in"),
    };
    assert!(!value.inline.spilled());
    assert!(value.spilled.spilled());
    value
}

#[test]
fn inline_and_spilled_vectors_round_trip() {
    let value = buffers();
    round_trip(&value);
    let bytes = persist::to_bytes(&value).expect("encodes");
    let back: v1::Buffers = persist::from_bytes(&bytes).expect("decodes");
    assert!(!back.inline.spilled());
    assert!(back.spilled.spilled());
}

#[test]
fn the_description_is_a_sequence() {
    assert_eq!(
        Description::of::<v1::Buffers>().to_string(),
        "type Buffers\n\
         struct Buffers { inline: Vec<u32>, spilled: Vec<u32>, empty: Vec<u32>, \
         words: Vec<String>, nested: Vec<Vec<i8>>, bytes: Vec<u8> }"
    );
}

#[test]
fn the_state_reads_each_field_back() {
    let value = buffers();
    assert_eq!(
        state_get::<_, SmallVec<[u32; 4]>>(&value, "inline"),
        value.inline
    );
    assert_eq!(
        state_get::<_, SmallVec<[u32; 4]>>(&value, "spilled"),
        value.spilled
    );
    assert_eq!(
        state_get::<_, SmallVec<[u32; 4]>>(&value, "empty"),
        value.empty
    );
    assert_eq!(
        state_get::<_, SmallVec<[String; 2]>>(&value, "words"),
        value.words
    );
    assert_eq!(
        state_get::<_, SmallVec<[SmallVec<[i8; 2]>; 1]>>(&value, "nested"),
        value.nested
    );
    assert_eq!(
        state_get::<_, SmallVec<[u8; 16]>>(&value, "bytes"),
        value.bytes
    );
    // The stored values are plain sequences: they read as `Vec`s.
    assert_eq!(
        state_get::<_, Vec<u32>>(&value, "spilled"),
        value.spilled.to_vec()
    );
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = buffers();
    let new: v2::Buffers = load_as::<v1::Buffers, v2::Buffers>(&old).expect("resolves");
    assert_eq!(new.inline, old.inline);
    assert_eq!(new.spilled, old.spilled);
    assert_eq!(new.empty, old.empty);
    assert_eq!(new.words, old.words);
    assert_eq!(new.nested, old.nested);
    assert_eq!(new.bytes, old.bytes);
    assert_eq!(new.label, "");
}

#[test]
fn bare_vectors_round_trip() {
    round_trip(&buffers().inline);
    round_trip(&buffers().spilled);
    round_trip(&SmallVec::<[f64; 0]>::from_vec(vec![1.5, -2.5]));
}

mod forged {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Buffers {
        #[schema(as = SmallVec<[u32; 4]>)]
        pub inline: Vec<u32>,
    }
}

mod real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Buffers {
        pub inline: SmallVec<[u32; 4]>,
    }
}

/// smallvec refuses nothing of its own: the inline capacity is not written, and a
/// load of more items than it spills. A `Vec` written where a `SmallVec` belongs
/// is the same bytes, so it loads.
#[test]
fn more_items_than_the_inline_capacity_load_spilled() {
    let bytes = persist::to_bytes(&forged::Buffers {
        inline: (0..100).collect(),
    })
    .expect("encodes");
    let back: real::Buffers = persist::from_bytes(&bytes).expect("smallvec refuses nothing");
    assert!(back.inline.spilled());
    assert_eq!(back.inline.len(), 100);
}
