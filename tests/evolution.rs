//! Files that survive type changes when nobody kept the old Rust type: `modify_state`
//! steps on a `RecState`, mixed with typed links; automatic resolution of safe
//! schema changes; refusals that name what changed; newer files; nested records
//! that keep their own version.
//!
//! The fixtures under `tests/fixtures/` were written by the old types in
//! `tests/old_types.rs`; this program has only today's types.

use std::path::{Path, PathBuf};

use persist::registry::RecInfo;
use persist::{Error, LoadOptions, Pickleable, RecState};
use serde::{Deserialize, Serialize};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

// ---- A dynamic step, the old type gone ----

/// Trade v2. v1 had `sym`, `qty` and `px_cents`.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2)]
struct Trade {
    symbol: String,
    quantity: i64,
    price: f64,
}

fn trade_v1_to_v2(mut state: RecState) -> Result<RecState, Error> {
    if state.get::<i64>("qty")? < 0 {
        return Err(Error::State {
            path: "qty".into(),
            detail: "v1 never had short trades".into(),
        });
    }
    state.rename_field("sym", "symbol")?;
    state.rename_field("qty", "quantity")?;
    state.map_field("px_cents", |cents: i64| cents as f64 / 100.0)?;
    state.rename_field("px_cents", "price")?;
    Ok(state)
}

persist::submit! { RecInfo::new("Trade").from_version(1).modify_state(trade_v1_to_v2) }

#[test]
fn a_modify_state_step_upgrades_a_file_whose_type_is_gone() {
    let expected = Trade {
        symbol: "AAPL".into(),
        quantity: 100,
        price: 189.25,
    };
    let path = fixture("Trade.pickle");
    assert_eq!(persist::inspect(&path).unwrap().version, 1);
    assert_eq!(Trade::load_from(&path).unwrap(), expected);
    assert_eq!(persist::load::<Trade>(&path).unwrap(), expected);
    let any = persist::load_any(&path).unwrap();
    assert_eq!(any.downcast::<Trade>().unwrap(), expected);
}

#[test]
fn a_failing_step_is_a_migration_error_naming_the_versions() {
    let path = fixture("Trade_short.pickle");
    assert_eq!(persist::inspect(&path).unwrap().version, 1);
    let err = Trade::load_from(&path).unwrap_err();
    assert!(
        matches!(err, Error::Migration { from: 1, to: 2, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "`{}`: migrating `Trade` from v1 to v2 failed: at `qty`: v1 never had short trades",
            path.display()
        )
    );
}

// ---- A chain mixing a dynamic step and a typed link ----

/// Book v2, kept as a typed link. v1 (a `u16` page count, no author) is gone.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Book"]
#[pickle(version = 2)]
struct BookV2 {
    title: String,
    pages: u32,
    author: String,
}

fn book_v1_to_v2(mut state: RecState) -> Result<RecState, Error> {
    state.map_field("pages", |pages: u16| u32::from(pages))?;
    state.insert_field("author", "unknown")?;
    Ok(state)
}

persist::submit! { RecInfo::new("Book").from_version(1).modify_state(book_v1_to_v2) }

/// Book v3, today's.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 3, from = BookV2)]
struct Book {
    title: String,
    pages: u32,
    authors: Vec<String>,
}

impl From<BookV2> for Book {
    fn from(old: BookV2) -> Self {
        Book {
            title: old.title,
            pages: old.pages,
            authors: vec![old.author],
        }
    }
}

#[test]
fn a_load_walks_dynamic_steps_then_typed_links() {
    let path = fixture("Book.pickle");
    let expected = Book {
        title: "Options, Futures".into(),
        pages: 864,
        authors: vec!["unknown".into()],
    };
    assert_eq!(Book::load_from(&path).unwrap(), expected);
    assert_eq!(
        persist::load_any(&path)
            .unwrap()
            .downcast::<Book>()
            .unwrap(),
        expected
    );
    // The middle link reads it too.
    assert_eq!(BookV2::load_from(&path).unwrap().author, "unknown");
}

// ---- A chain mixing a typed link, then a dynamic step ----

/// Acct v1, kept as the start of a typed link.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Acct"]
struct AcctV1 {
    owner: String,
    cents: i64,
}

/// Acct v2, reached from v1 by a typed link.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Acct"]
#[pickle(version = 2, from = AcctV1)]
struct AcctV2 {
    owner: String,
    balance: f64,
}

impl From<AcctV1> for AcctV2 {
    fn from(old: AcctV1) -> Self {
        AcctV2 {
            owner: old.owner,
            balance: old.cents as f64 / 100.0,
        }
    }
}

fn acct_v2_to_v3(mut state: RecState) -> Result<RecState, Error> {
    state.rename_field("owner", "holder")?;
    state.insert_field("currency", "USD")?;
    Ok(state)
}

persist::submit! { RecInfo::new("Acct").from_version(2).modify_state(acct_v2_to_v3) }

/// Acct v3, today's: no `from` of its own; the step from v2 leads here, and v2's
/// typed link leads to v2.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 3)]
struct Acct {
    holder: String,
    balance: f64,
    currency: String,
}

#[test]
fn a_load_walks_typed_links_of_older_types_then_dynamic_steps() {
    let path = fixture("Acct.pickle");
    assert_eq!(persist::inspect(&path).unwrap().version, 1);
    let expected = Acct {
        holder: "ada".into(),
        balance: 123.45,
        currency: "USD".into(),
    };
    assert_eq!(Acct::load_from(&path).unwrap(), expected);
    assert_eq!(persist::load::<Acct>(&path).unwrap(), expected);
    let any = persist::load_any(&path).unwrap();
    assert_eq!(any.version(), 3);
    assert_eq!(any.downcast::<Acct>().unwrap(), expected);
    // Each older type still reads it, up to its own version.
    assert_eq!(AcctV2::load_from(&path).unwrap().balance, 123.45);
    assert_eq!(AcctV1::load_from(&path).unwrap().cents, 12_345);
}

/// Ledger v1, v2 (typed link from v1), v3 (a step from v2), v4 (typed link from v3):
/// typed, dynamic, typed.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Ledger"]
struct LedgerV1 {
    entries: Vec<i64>,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Ledger"]
#[pickle(version = 2, from = LedgerV1)]
struct LedgerV2 {
    entries: Vec<i64>,
    total: i64,
}

impl From<LedgerV1> for LedgerV2 {
    fn from(old: LedgerV1) -> Self {
        LedgerV2 {
            total: old.entries.iter().sum(),
            entries: old.entries,
        }
    }
}

fn ledger_v2_to_v3(mut state: RecState) -> Result<RecState, Error> {
    state.rename_field("entries", "lines")?;
    Ok(state)
}

persist::submit! { RecInfo::new("Ledger").from_version(2).modify_state(ledger_v2_to_v3) }

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Ledger"]
#[pickle(version = 3)]
struct LedgerV3 {
    lines: Vec<i64>,
    total: i64,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 4, from = LedgerV3)]
struct Ledger {
    lines: Vec<i64>,
    total: i64,
    closed: bool,
}

impl From<LedgerV3> for Ledger {
    fn from(old: LedgerV3) -> Self {
        Ledger {
            lines: old.lines,
            total: old.total,
            closed: false,
        }
    }
}

#[test]
fn a_load_alternates_typed_links_and_dynamic_steps() {
    let path = fixture("Ledger.pickle");
    assert_eq!(persist::inspect(&path).unwrap().version, 1);
    let expected = Ledger {
        lines: vec![5, -2, 10],
        total: 13,
        closed: false,
    };
    assert_eq!(Ledger::load_from(&path).unwrap(), expected);
    assert_eq!(
        persist::load_any(&path)
            .unwrap()
            .downcast::<Ledger>()
            .unwrap(),
        expected
    );
    assert_eq!(LedgerV3::load_from(&path).unwrap().lines, [5, -2, 10]);
}

// ---- A gap ----

/// Journal v3; only the step from v2 is known, so v1 files are stuck.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 3)]
struct Journal {
    entries: Vec<String>,
    closed: bool,
}

fn journal_v2_to_v3(mut state: RecState) -> Result<RecState, Error> {
    state.insert_field("closed", &false)?;
    Ok(state)
}

persist::submit! { RecInfo::new("Journal").from_version(2).modify_state(journal_v2_to_v3) }

#[test]
fn a_gap_in_the_chain_names_the_missing_step() {
    let err = Journal::load_from(fixture("Journal.pickle")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NoUpgradePath {
                found: 1,
                wanted: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("no migration of `Journal` from v1"),
        "{message}"
    );
    assert!(message.contains("from_version(1)"), "{message}");
}

// ---- A step registered at run time ----

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2)]
struct Note {
    text: String,
    pinned: bool,
}

fn note_v1_to_v2(mut state: RecState) -> Result<RecState, Error> {
    state.insert_field("pinned", &true)?;
    Ok(state)
}

#[test]
fn a_step_registered_at_run_time_takes_effect_from_then_on() {
    let path = fixture("Note.pickle");
    assert_eq!(persist::inspect(&path).unwrap().version, 1);
    assert!(matches!(
        Note::load_from(&path),
        Err(Error::NoUpgradePath { found: 1, .. })
    ));

    RecInfo::new("Note")
        .from_version(1)
        .modify_state(note_v1_to_v2)
        .register();

    assert_eq!(
        Note::load_from(&path).unwrap(),
        Note {
            text: "call back".into(),
            pinned: true
        }
    );
}

// ---- Automatic resolution at the same version ----

/// Settings v1 as today's program has it: `threshold` widened from f32, `level` from
/// u8, fields reordered, `legacy` dropped, `retries` added with a default; no
/// version bump, and none needed.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Settings {
    name: String,
    threshold: f64,
    level: u32,
    #[serde(default)]
    retries: u32,
}

#[test]
fn safe_changes_at_the_same_version_resolve_without_user_code() {
    let path = fixture("Settings.pickle");
    let expected = Settings {
        name: "fast".into(),
        threshold: 0.5,
        level: 7,
        retries: 0,
    };
    assert_eq!(Settings::load_from(&path).unwrap(), expected);
    assert_eq!(
        persist::load_any(&path)
            .unwrap()
            .downcast::<Settings>()
            .unwrap(),
        expected
    );
}

fn default_burst() -> u32 {
    10
}

/// `burst` added since the file was written, with a default function.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Quota {
    limit: u32,
    #[serde(default = "default_burst")]
    burst: u32,
}

#[test]
fn an_added_field_with_a_default_function_resolves() {
    let path = fixture("Quota.pickle");
    assert_eq!(
        Quota::load_from(&path).unwrap(),
        Quota {
            limit: 100,
            burst: 10
        }
    );
    assert_eq!(
        persist::load_any(&path)
            .unwrap()
            .downcast::<Quota>()
            .unwrap()
            .burst,
        10
    );
}

/// `height` added since the file was written; the container's default fills it.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[serde(default)]
struct Window {
    width: u32,
    height: u32,
    title: String,
}

impl Default for Window {
    fn default() -> Self {
        Window {
            width: 800,
            height: 600,
            title: "untitled".into(),
        }
    }
}

#[test]
fn an_added_field_under_a_container_default_resolves() {
    assert_eq!(
        Window::load_from(fixture("Window.pickle")).unwrap(),
        Window {
            width: 1024,
            height: 600,
            title: "main".into(),
        }
    );
}

/// A variant added since the file was written.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
enum Mode {
    Fast,
    Slow(u32),
    Auto,
}

#[test]
fn an_added_enum_variant_resolves() {
    assert_eq!(
        Mode::load_from(fixture("Mode.pickle")).unwrap(),
        Mode::Slow(3)
    );
}

/// `max` narrowed from u64 to u32 without a version bump.
#[derive(Serialize, Deserialize, Pickleable, Debug)]
struct Limits {
    max: u32,
}

#[test]
fn an_unsafe_change_without_a_version_bump_is_refused_with_the_fields() {
    let err = Limits::load_from(fixture("Limits.pickle")).unwrap_err();
    assert!(
        matches!(err, Error::SchemaChanged { version: 1, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("the schema of `Limits` v1 changed without a version bump"),
        "{message}"
    );
    assert!(
        message.contains("`Limits.max`: u64 became u32"),
        "{message}"
    );
    assert!(
        message.contains("bump the version and add a migration"),
        "{message}"
    );
}

/// `age` added without a default.
#[derive(Serialize, Deserialize, Pickleable, Debug)]
struct Profile {
    name: String,
    age: u32,
}

#[test]
fn an_added_field_without_a_default_is_refused_naming_it() {
    let err = Profile::load_from(fixture("Profile.pickle")).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::SchemaChanged { .. }), "{err:?}");
    assert!(
        message.contains("`Profile.age`: added (it needs a default)"),
        "{message}"
    );
    assert!(message.contains("missing field `age`"), "{message}");
}

// ---- Files from a newer version ----

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Gauge {
    value: f64,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Meter {
    value: f64,
}

#[test]
fn a_newer_file_is_refused_by_default_and_read_on_request_when_it_only_adds() {
    let path = fixture("Gauge.pickle");
    let err = Gauge::load_from(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NewerVersion {
                found: 2,
                newest: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("load it with a newer build"),
        "{err}"
    );

    let allow = LoadOptions::new().allow_newer(true);
    assert_eq!(
        persist::load_with::<Gauge>(&path, &allow).unwrap(),
        Gauge { value: 1.5 }
    );

    let err = persist::load_with::<Meter>(fixture("Meter.pickle"), &allow).unwrap_err();
    assert!(matches!(err, Error::NewerIncompatible { .. }), "{err:?}");
    assert!(
        err.to_string().contains("`Meter.value`: String became f64"),
        "{err}"
    );
}

#[test]
fn load_any_refuses_a_newer_file_as_the_typed_load_does_and_honours_allow_newer() {
    let path = fixture("Gauge.pickle");
    let err = persist::load_any(&path).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::NewerVersion {
                rec_id,
                found: 2,
                newest: 1,
                ..
            } if rec_id == "Gauge"
        ),
        "{err:?}"
    );
    let typed = persist::load::<Gauge>(&path).unwrap_err();
    assert_eq!(err.to_string(), typed.to_string());
    assert_eq!(
        err.to_string(),
        format!(
            "`{}`: holds `Gauge` v2, newer than v1, the newest version this program knows; load it with a newer build",
            path.display()
        )
    );

    let allow = LoadOptions::new().allow_newer(true);
    let any = persist::load_any_with(&path, &allow).unwrap();
    assert_eq!(any.version(), 1);
    assert_eq!(any.downcast::<Gauge>().unwrap(), Gauge { value: 1.5 });

    let meter = fixture("Meter.pickle");
    let err = persist::load_any_with(&meter, &allow).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NewerIncompatible {
                found: 2,
                newest: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        persist::load_with::<Meter>(&meter, &allow)
            .unwrap_err()
            .to_string()
    );
}

#[test]
fn load_any_names_the_missing_step_of_a_known_record() {
    let path = fixture("Journal.pickle");
    let err = persist::load_any(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NoUpgradePath {
                found: 1,
                wanted: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        Journal::load_from(&path).unwrap_err().to_string()
    );
}

// ---- Nested records keep their own version ----

/// Wallet v1, kept as a typed link.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "Wallet"]
struct WalletV1 {
    cash: i64,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2, from = WalletV1)]
struct Wallet {
    cash: f64,
    currency: String,
}

impl From<WalletV1> for Wallet {
    fn from(old: WalletV1) -> Self {
        Wallet {
            cash: old.cash as f64,
            currency: "USD".into(),
        }
    }
}

/// Gem v2; v1 (`carats: u32`) is gone, a step upgrades it.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(version = 2)]
struct Gem {
    grams: f64,
}

fn gem_v1_to_v2(mut state: RecState) -> Result<RecState, Error> {
    state.map_field("carats", |carats: u32| f64::from(carats) * 0.2)?;
    state.rename_field("carats", "grams")?;
    Ok(state)
}

persist::submit! { RecInfo::new("Gem").from_version(1).modify_state(gem_v1_to_v2) }

/// Still v1: only what it holds changed version.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Vault {
    owner: String,
    wallets: Vec<Wallet>,
    gem: Option<Gem>,
}

#[test]
fn nested_records_are_upgraded_without_the_outer_record_bumping() {
    let vault = Vault::load_from(fixture("Vault.pickle")).unwrap();
    assert_eq!(
        vault,
        Vault {
            owner: "ada".into(),
            wallets: vec![
                Wallet {
                    cash: 5.0,
                    currency: "USD".into()
                },
                Wallet {
                    cash: -2.0,
                    currency: "USD".into()
                },
            ],
            gem: Some(Gem {
                grams: 0.6000000000000001
            }),
        }
    );
}

#[test]
fn the_registry_of_this_program_is_clean() {
    persist::registry::check().unwrap();
}
