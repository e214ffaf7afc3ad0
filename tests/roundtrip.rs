//! Property tests: many generated values of several shapes survive a save and a load,
//! through both codecs, through files and through `to_bytes`/`from_bytes`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;

use persist::{Compression, SaveOptions, Schema};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
enum Side {
    Buy,
    Sell,
    Limit(f64),
    Band(f64, f64),
    Stop { trigger: f64, limit: Option<f64> },
}

#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
struct Fill(u32, f64);

#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
struct Trade {
    id: u64,
    symbol: String,
    side: Side,
    fills: Vec<Fill>,
    tags: BTreeMap<String, i16>,
}

#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
struct Labeled<T> {
    label: String,
    value: T,
}

/// Floats that compare equal to themselves (NaN never does).
fn float() -> impl Strategy<Value = f64> {
    prop::num::f64::NORMAL
        | prop::num::f64::SUBNORMAL
        | prop::num::f64::ZERO
        | prop::num::f64::INFINITE
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![
        Just(Side::Buy),
        Just(Side::Sell),
        float().prop_map(Side::Limit),
        (float(), float()).prop_map(|(a, b)| Side::Band(a, b)),
        (float(), prop::option::of(float()))
            .prop_map(|(trigger, limit)| Side::Stop { trigger, limit }),
    ]
}

fn trade() -> impl Strategy<Value = Trade> {
    (
        any::<u64>(),
        ".{0,12}",
        side(),
        prop::collection::vec((any::<u32>(), float()).prop_map(|(q, p)| Fill(q, p)), 0..8),
        prop::collection::btree_map(".{0,6}", any::<i16>(), 0..4),
    )
        .prop_map(|(id, symbol, side, fills, tags)| Trade {
            id,
            symbol,
            side,
            fills,
            tags,
        })
}

/// Checks one value through every path: bytes and files, each codec.
fn round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + Schema + PartialEq + Debug,
{
    let dir = tempfile::tempdir().unwrap();
    for compression in [Compression::None, Compression::Lz4] {
        let options = SaveOptions::new().compression(compression).durable(false);
        let bytes = persist::to_bytes_with(value, &options).unwrap();
        prop_assert_eq!(&persist::from_bytes::<T>(&bytes).unwrap(), value);

        let path = dir.path().join(format!("value-{compression}.pickle"));
        persist::save_with(value, &path, &options).unwrap();
        prop_assert_eq!(&persist::load::<T>(&path).unwrap(), value);
        // The file holds exactly the bytes `to_bytes_with` produces.
        prop_assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn bytes(value in prop::collection::vec(any::<u8>(), 0..2000)) {
        round_trips(&value)?;
    }

    #[test]
    fn strings_and_primitives(value in (".*", any::<i64>(), any::<u128>(), any::<bool>(), any::<char>(), any::<i8>())) {
        round_trips(&value)?;
    }

    #[test]
    fn options_and_sequences(value in prop::option::of(prop::collection::vec((".{0,8}", any::<i32>()), 0..20))) {
        round_trips(&value)?;
    }

    #[test]
    fn maps(
        sorted in prop::collection::btree_map(".{0,8}", prop::collection::vec(float(), 0..5), 0..20),
        hashed in prop::collection::hash_map(any::<u32>(), prop::option::of(".{0,8}"), 0..20),
    ) {
        round_trips(&sorted)?;
        round_trips::<HashMap<u32, Option<String>>>(&hashed)?;
    }

    #[test]
    fn arrays_and_floats(value in (prop::array::uniform8(float()), prop::array::uniform3(any::<f32>().prop_filter("not NaN", |f| !f.is_nan())))) {
        round_trips(&value)?;
    }

    #[test]
    fn derived_structs_and_enums(value in prop::collection::vec(trade(), 0..10)) {
        round_trips(&value)?;
    }

    #[test]
    fn generic_derived_types(label in ".{0,8}", value in trade(), n in any::<u64>()) {
        round_trips(&Labeled { label: label.clone(), value })?;
        round_trips(&Labeled { label, value: n })?;
    }
}
