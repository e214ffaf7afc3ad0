//! Typed version chains: `#[pickle(version = N, from = Older)]`.
//!
//! The three versions of `Portfolio` below each wrote a file that is committed under
//! `tests/fixtures/`, so these tests prove that bytes written by an earlier build
//! still load as today's type, not only bytes written in the same run.

mod common;

use std::path::PathBuf;

use persist::registry::RecInfo;
use persist::{Error, Pickleable, Schema};
use serde::{Deserialize, Serialize};

/// Version 1: whole-dollar cash and bare symbols.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
#[rec_id = "Portfolio"]
struct PortfolioV1 {
    cash: i64,
    symbols: Vec<String>,
}

/// Version 2: cash in f64, and a quantity per symbol.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
#[rec_id = "Portfolio"]
#[pickle(version = 2, from = PortfolioV1)]
struct PortfolioV2 {
    cash: f64,
    positions: Vec<(String, i64)>,
}

impl From<PortfolioV1> for PortfolioV2 {
    fn from(old: PortfolioV1) -> Self {
        PortfolioV2 {
            cash: old.cash as f64,
            positions: old.symbols.into_iter().map(|s| (s, 0)).collect(),
        }
    }
}

/// Version 3, today's: a currency, named positions, and no negative cash.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
#[pickle(version = 3, from = PortfolioV2)]
struct Portfolio {
    cash: f64,
    currency: String,
    positions: Vec<Position>,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq, Clone)]
struct Position {
    symbol: String,
    quantity: i64,
}

impl TryFrom<PortfolioV2> for Portfolio {
    type Error = String;

    fn try_from(old: PortfolioV2) -> Result<Self, String> {
        if old.cash < 0.0 {
            return Err(format!("cash {} is negative, which v3 forbids", old.cash));
        }
        Ok(Portfolio {
            cash: old.cash,
            currency: "USD".to_string(),
            positions: old
                .positions
                .into_iter()
                .map(|(symbol, quantity)| Position { symbol, quantity })
                .collect(),
        })
    }
}

fn v1_value() -> PortfolioV1 {
    PortfolioV1 {
        cash: 1_000,
        symbols: vec!["AAPL".into(), "MSFT".into()],
    }
}

fn v2_value() -> PortfolioV2 {
    PortfolioV2 {
        cash: 2_500.5,
        positions: vec![("NVDA".into(), 10), ("TSLA".into(), -3)],
    }
}

fn v3_value() -> Portfolio {
    Portfolio {
        cash: 99.25,
        currency: "EUR".into(),
        positions: vec![Position {
            symbol: "SAP".into(),
            quantity: 7,
        }],
    }
}

/// The committed files, one per version (the v2 one compressed).
fn fixtures() -> [(u32, PathBuf); 3] {
    [
        (
            1,
            common::fixture("portfolio_v1.pickle", |p| persist::save(&v1_value(), p)),
        ),
        (
            2,
            common::fixture("portfolio_v2.pickle.lz4", |p| persist::save(&v2_value(), p)),
        ),
        (
            3,
            common::fixture("portfolio_v3.pickle", |p| persist::save(&v3_value(), p)),
        ),
    ]
}

/// What today's type makes of each fixture's value.
fn expected_today(version: u32) -> Portfolio {
    match version {
        1 => Portfolio::try_from(PortfolioV2::from(v1_value())).unwrap(),
        2 => Portfolio::try_from(v2_value()).unwrap(),
        _ => v3_value(),
    }
}

#[test]
fn each_fixture_was_written_by_the_version_it_stands_for() {
    for (version, path) in fixtures() {
        let info = persist::inspect(&path).unwrap();
        assert_eq!(info.rec_id, "Portfolio");
        assert_eq!(info.version, version, "{}", path.display());
    }
    // The old layouts are in the files, not today's.
    let v1 = persist::inspect(&fixtures()[0].1).unwrap();
    assert!(v1.schema.to_string().contains("cash: i64"), "{}", v1.schema);
}

#[test]
fn old_files_load_as_todays_type_through_every_entry_point() {
    for (version, path) in fixtures() {
        let expected = expected_today(version);
        assert_eq!(Portfolio::load_from(&path).unwrap(), expected, "v{version}");
        assert_eq!(persist::load::<Portfolio>(&path).unwrap(), expected);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(persist::from_bytes::<Portfolio>(&bytes).unwrap(), expected);
        // load_any picks the newest type of the chain that reads the version.
        let any = persist::load_any(&path).unwrap();
        assert_eq!(any.version(), 3);
        assert_eq!(any.downcast::<Portfolio>().unwrap(), expected);
    }
}

#[test]
fn a_middle_link_reads_the_files_below_it() {
    let [(_, v1), (_, v2), (_, v3)] = fixtures();
    assert_eq!(
        PortfolioV2::load_from(&v1).unwrap(),
        PortfolioV2::from(v1_value())
    );
    assert_eq!(PortfolioV2::load_from(&v2).unwrap(), v2_value());
    assert!(matches!(
        PortfolioV2::load_from(&v3),
        Err(Error::NewerVersion {
            found: 3,
            newest: 2,
            ..
        })
    ));
    assert_eq!(PortfolioV1::load_from(&v1).unwrap(), v1_value());
}

#[test]
fn a_type_saving_itself_finds_its_old_files_by_rec_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_value().save_to(dir.path()).unwrap();
    assert_eq!(path, dir.path().join("Portfolio.pickle"));
    assert_eq!(Portfolio::load_from(dir.path()).unwrap(), expected_today(1));
}

#[test]
fn a_refused_conversion_is_an_upgrade_error_naming_both_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("overdrawn.pickle");
    let overdrawn = PortfolioV2 {
        cash: -5.0,
        positions: vec![],
    };
    persist::save(&overdrawn, &path).unwrap();
    let before = std::fs::read(&path).unwrap();

    let err = Portfolio::load_from(&path).unwrap_err();
    let Error::Upgrade { from, to, .. } = &err else {
        panic!("expected Error::Upgrade, got {err:?}");
    };
    assert!(from.ends_with("PortfolioV2") && to.ends_with("Portfolio"));
    let message = err.to_string();
    assert!(message.contains("cash -5 is negative"), "{message}");
    assert!(message.contains("overdrawn.pickle"), "{message}");
    // A failed load changes nothing.
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // The older type still reads it.
    assert_eq!(PortfolioV2::load_from(&path).unwrap(), overdrawn);
}

/// A version written by a newer build than this one.
mod future {
    use persist::Pickleable;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Pickleable)]
    #[rec_id = "Portfolio"]
    #[pickle(version = 4)]
    pub struct PortfolioV4 {
        pub cash: f64,
    }
}

#[test]
fn a_file_newer_than_the_program_is_refused_with_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pickle");
    persist::save(&future::PortfolioV4 { cash: 1.0 }, &path).unwrap();
    let err = Portfolio::load_from(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NewerVersion {
                found: 4,
                newest: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("v4, newer than v3"), "{err}");
}

/// A chain with a gap: v3 comes from v1, and nothing in the chain has v2.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Ledger"]
struct LedgerV1 {
    entries: Vec<i64>,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 3, from = LedgerV1)]
struct Ledger {
    entries: Vec<i64>,
    closed: bool,
}

impl From<LedgerV1> for Ledger {
    fn from(old: LedgerV1) -> Self {
        Ledger {
            entries: old.entries,
            closed: false,
        }
    }
}

/// The lost version 2, outside the chain.
#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "Ledger"]
#[pickle(version = 2)]
struct LedgerV2Lost {
    entries: Vec<u8>,
}

#[test]
fn a_version_missing_from_the_chain_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = dir.path().join("v1.pickle");
    let v2 = dir.path().join("v2.pickle");
    persist::save(&LedgerV1 { entries: vec![5] }, &v1).unwrap();
    persist::save(&LedgerV2Lost { entries: vec![5] }, &v2).unwrap();
    assert_eq!(
        Ledger::load_from(&v1).unwrap(),
        Ledger {
            entries: vec![5],
            closed: false
        }
    );
    let err = Ledger::load_from(&v2).unwrap_err();
    assert!(
        matches!(err, Error::NoUpgradePath { found: 2, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("no migration of `Ledger` from v2"),
        "{err}"
    );
}

/// An enum whose variants changed: v1 had bare signals, v2 weights them.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Signal"]
enum SignalV1 {
    Buy,
    Sell,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2, from = SignalV1)]
enum Signal {
    Buy { weight: f64 },
    Sell { weight: f64 },
    Hold,
}

impl From<SignalV1> for Signal {
    fn from(old: SignalV1) -> Self {
        match old {
            SignalV1::Buy => Signal::Buy { weight: 1.0 },
            SignalV1::Sell => Signal::Sell { weight: 1.0 },
        }
    }
}

#[test]
fn enums_round_trip_and_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let hold = dir.path().join("hold.pickle");
    persist::save(&Signal::Hold, &hold).unwrap();
    assert_eq!(persist::load::<Signal>(&hold).unwrap(), Signal::Hold);

    let old = dir.path().join("old.pickle");
    persist::save(&SignalV1::Sell, &old).unwrap();
    assert_eq!(
        persist::load::<Signal>(&old).unwrap(),
        Signal::Sell { weight: 1.0 }
    );
    let any = persist::load_any(&old).unwrap();
    assert_eq!(
        any.downcast_ref::<Signal>(),
        Some(&Signal::Sell { weight: 1.0 })
    );
}

/// A generic record and its older version.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Series"]
struct SeriesV1<T> {
    values: Vec<T>,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2, from = SeriesV1<T>)]
struct Series<T> {
    label: String,
    first: Option<T>,
    values: Vec<T>,
}

// A conversion with bounds of its own (`T: Clone`), which the derive's impls take on.
impl<T: Clone> From<SeriesV1<T>> for Series<T> {
    fn from(old: SeriesV1<T>) -> Self {
        Series {
            label: String::new(),
            first: old.values.first().cloned(),
            values: old.values,
        }
    }
}

// A generic type has no one concrete type for the derive to register: name the
// instantiation `load_any` should build.
persist::submit! { RecInfo::new("Series").target::<Series<f64>>() }

#[test]
fn generic_records_round_trip_and_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let today = Series {
        label: "px".to_string(),
        first: Some(1u32),
        values: vec![1u32, 2],
    };
    let now = dir.path().join("now.pickle");
    persist::save(&today, &now).unwrap();
    assert_eq!(persist::load::<Series<u32>>(&now).unwrap(), today);
    // Another instantiation is another type, even where every value would fit.
    assert!(matches!(
        persist::load::<Series<u64>>(&now),
        Err(Error::SchemaChanged { .. })
    ));

    let old = dir.path().join("old.pickle");
    persist::save(
        &SeriesV1 {
            values: vec![0.5f64],
        },
        &old,
    )
    .unwrap();
    let expected = Series {
        label: String::new(),
        first: Some(0.5f64),
        values: vec![0.5f64],
    };
    assert_eq!(persist::load::<Series<f64>>(&old).unwrap(), expected);
    let any = persist::load_any(&old).unwrap();
    assert_eq!(any.downcast::<Series<f64>>().unwrap(), expected);
}

#[test]
fn the_registry_of_this_program_is_clean() {
    persist::registry::check().unwrap();
}
