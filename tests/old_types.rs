//! The types of an older program, kept here only to write the fixture files that
//! `tests/renamed_types.rs` and `tests/evolution.rs` load with today's types (which
//! are renamed or changed, and no longer know these). Run `PERSIST_BLESS=1 cargo test --test old_types` to rewrite
//! the fixtures; without it, these tests check that each committed fixture is what
//! its old type wrote.

mod common;

use std::path::PathBuf;

use persist::{Pickleable, Schema};
use serde::{Deserialize, Serialize};

/// Renamed to `MyClass2` today, which keeps the REC_ID with `#[rec_id = "MyClass"]`.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "MyClass"]
struct MyClass1 {
    value: i64,
    tags: Vec<Tag>,
}

/// Renamed to `Label` today: a renamed nested type.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Tag {
    name: String,
}

/// Renamed to `Holdings` today, which reads this REC_ID through an alias.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Positions {
    symbols: Vec<String>,
    quantities: Vec<i64>,
}

/// Renamed to `Account` today, which a link-time RecInfo sends "Client" files to.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Client {
    id: u64,
    name: String,
}

/// Also renamed to `Account`; a RecInfo registered at run time sends it there.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Customer {
    id: u64,
    name: String,
}

fn my_class() -> MyClass1 {
    MyClass1 {
        value: -42,
        tags: vec![
            Tag {
                name: "alpha".into(),
            },
            Tag {
                name: "beta".into(),
            },
        ],
    }
}

fn positions() -> Positions {
    Positions {
        symbols: vec!["AAPL".into(), "IBM".into()],
        quantities: vec![100, -20],
    }
}

fn client() -> Client {
    Client {
        id: 7,
        name: "Ada".into(),
    }
}

fn customer() -> Customer {
    Customer {
        id: 8,
        name: "Grace".into(),
    }
}

fn fixture<T: Pickleable>(value: &T) -> PathBuf {
    fixture_named(&format!("{}.pickle", T::REC_ID), value)
}

/// A fixture under another name than the REC_ID's: a second file of one record.
fn fixture_named<T: Pickleable>(name: &str, value: &T) -> PathBuf {
    common::fixture(name, |path| persist::save(value, path))
}

// ---- for tests/evolution.rs ----

/// v1 of a trade; today's v2 renamed and rescaled its fields, and this type is gone:
/// a RecInfo `modify_state` upgrades its files.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Trade {
    sym: String,
    qty: i64,
    px_cents: i64,
}

/// v1 of a book; today v2 exists as a typed link and v3 is current, v1 is gone.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Book {
    title: String,
    pages: u16,
}

/// v1 of a journal; today's v3 only has a step from v2, so v1 files are stuck.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Journal {
    entries: Vec<String>,
}

/// Settings v1 as first written; today's v1 reordered, widened, dropped and added
/// fields without bumping the version, all in safe ways.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Settings {
    threshold: f32,
    name: String,
    legacy: bool,
    level: u8,
}

/// An enum to which today's program adds a variant.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
enum Mode {
    Fast,
    Slow(u32),
}

/// Today's `Limits` v1 narrowed `max` to u32 without a version bump: refused.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Limits {
    max: u64,
}

/// Today's `Profile` v1 added a field without a default: refused.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Profile {
    name: String,
}

/// Written by a newer program (v2) that added a field; today's program knows v1.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2)]
struct Gauge {
    value: f64,
    unit: String,
}

/// Written by a newer program (v2) that changed a field's type.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2)]
struct Meter {
    value: String,
}

/// A record nested in another, at v1 when this file was saved; today it is v2
/// while the record holding it stays v1.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Wallet {
    cash: i64,
}

/// Also nested, at v1; today's v2 is reached by a RecInfo step.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Gem {
    carats: u32,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Vault {
    owner: String,
    wallets: Vec<Wallet>,
    gem: Option<Gem>,
}

/// A note at v1; today's v2 added `pinned`, through a step registered at run time.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Note {
    text: String,
}

/// An account at v1; today a typed link leads to v2, then a step to v3, which has
/// no `from` of its own.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Acct {
    owner: String,
    cents: i64,
}

/// A ledger at v1; today a typed link leads to v2, a step to v3, and a typed link
/// to v4.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Ledger {
    entries: Vec<i64>,
}

/// Today's `Quota` v1 adds `burst` with `#[serde(default = "path")]`.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Quota {
    limit: u32,
}

/// Today's `Window` v1 adds `height` under a container-level `#[serde(default)]`.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Window {
    width: u32,
    title: String,
}

/// Writes (with `PERSIST_BLESS=1`) the fixture of `value`, and checks that the
/// committed file loads back as `value`.
fn assert_fixture<T: Pickleable + PartialEq + std::fmt::Debug>(value: T) {
    let path = fixture(&value);
    assert_eq!(T::load_from(&path).unwrap(), value, "{}", path.display());
}

/// [`assert_fixture`] under another file name.
fn assert_fixture_named<T: Pickleable + PartialEq + std::fmt::Debug>(name: &str, value: T) {
    let path = fixture_named(name, &value);
    assert_eq!(T::load_from(&path).unwrap(), value, "{}", path.display());
}

#[test]
fn each_evolution_fixture_is_what_its_old_type_wrote() {
    assert_fixture(Trade {
        sym: "AAPL".into(),
        qty: 100,
        px_cents: 18_925,
    });
    assert_fixture(Book {
        title: "Options, Futures".into(),
        pages: 864,
    });
    assert_fixture(Journal {
        entries: vec!["bought".into()],
    });
    assert_fixture(Settings {
        threshold: 0.5,
        name: "fast".into(),
        legacy: true,
        level: 7,
    });
    assert_fixture(Mode::Slow(3));
    assert_fixture(Limits { max: 70_000 });
    assert_fixture(Profile { name: "ada".into() });
    assert_fixture(Gauge {
        value: 1.5,
        unit: "bar".into(),
    });
    assert_fixture(Meter {
        value: "high".into(),
    });
    assert_fixture(Vault {
        owner: "ada".into(),
        wallets: vec![Wallet { cash: 5 }, Wallet { cash: -2 }],
        gem: Some(Gem { carats: 3 }),
    });
    // A trade that today's step from v1 refuses.
    assert_fixture_named(
        "Trade_short.pickle",
        Trade {
            sym: "X".into(),
            qty: -5,
            px_cents: 1,
        },
    );
    assert_fixture(Note {
        text: "call back".into(),
    });
    assert_fixture(Acct {
        owner: "ada".into(),
        cents: 12_345,
    });
    assert_fixture(Ledger {
        entries: vec![5, -2, 10],
    });
    assert_fixture(Quota { limit: 100 });
    assert_fixture(Window {
        width: 1024,
        title: "main".into(),
    });
}

#[test]
fn each_fixture_is_what_its_old_type_wrote() {
    assert_eq!(
        MyClass1::load_from(fixture(&my_class())).unwrap(),
        my_class()
    );
    assert_eq!(
        Positions::load_from(fixture(&positions())).unwrap(),
        positions()
    );
    assert_eq!(Client::load_from(fixture(&client())).unwrap(), client());
    assert_eq!(
        Customer::load_from(fixture(&customer())).unwrap(),
        customer()
    );
}
