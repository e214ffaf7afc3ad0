//! The persistence recipes, one after the other: each prints what it does and checks
//! what it loads, so `cargo run --example cookbook` doubles as a smoke test.
//!
//! 1. Save a bundle of several objects (a struct, or a plain tuple) and load it back.
//! 2. Overwrite a file, atomically.
//! 3. Compression, implied by the `.lz4` extension or asked for explicitly; a
//!    compressed file renamed without its extension still loads.
//! 4. A type saves itself under its own name and loads with no file name.
//! 5. Inspect a file without knowing its type.
//! 6. A file of another type is refused, never misread.
//! 7. An object of an older version loads into today's type, through a version chain
//!    (`#[pickle(version = 2, from = PortfolioV1)]`), by a typed load and by `load_any`.
//! 8. A type with a custom id is loaded by another type: a renamed type reads the files
//!    of its old id through an alias, and a `RecInfo` sends the files of an id to
//!    another type.
//! 9. An old object is rebuilt through a registered `modify_state`, from its saved
//!    state, with no Rust type of its version left.
//! 10. The registry has one type for every file: `persist::registry::check`.
//! 11. No locked record version changed its schema: `persist::lock::check` against
//!     the repository's `persist.lock`.
//!
//! `cargo test` runs this example too (its `[[example]]` entry sets `test = true`),
//! so every recipe and the schema lock are checked in CI.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;

use persist::registry::RecInfo;
use persist::{Compression, Pickleable, SaveOptions, Schema};
use serde::{Deserialize, Serialize};

/// Which way a position faces: an enum nested in the records below.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
enum Side {
    Long,
    Short,
}

/// One holding of a portfolio: a plain `Schema` type, saved inside the records
/// that hold it rather than under an id of its own.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
struct Position {
    symbol: String,
    side: Side,
    quantity: u32,
    entry: f64,
}

/// Version 1 of the portfolio, as an old program saved it: cash and bare symbols.
/// Kept so that today's `Portfolio` can read its files (and so that recipe 7 can
/// write one as the old program did).
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[rec_id = "Portfolio"]
struct PortfolioV1 {
    cash: f64,
    symbols: Vec<String>,
}

/// A record, today's version 2: it knows its own id and version, saves itself under
/// its name, and reads the files of version 1 through `From<PortfolioV1>`.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[pickle(version = 2, from = PortfolioV1)]
struct Portfolio {
    cash: f64,
    positions: Vec<Position>,
}

/// Version 1 knew which symbols were held, not how many or at what price: each
/// becomes a long position of quantity 0 at entry 0, to be filled in.
impl From<PortfolioV1> for Portfolio {
    fn from(old: PortfolioV1) -> Self {
        Portfolio {
            cash: old.cash,
            positions: old
                .symbols
                .into_iter()
                .map(|symbol| Position {
                    symbol,
                    side: Side::Long,
                    quantity: 0,
                    entry: 0.0,
                })
                .collect(),
        }
    }
}

/// The strategy parameters as an old program saved them, under the default REC_ID
/// "Strategy". It exists here only to write such a file; a real program would have
/// dropped it when it renamed the type to `StrategyParams`.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
struct Strategy {
    lookback: u32,
    threshold: f64,
}

/// Today's name for the strategy parameters: saved as "StrategyParams", and through
/// its alias it still reads the files saved as "Strategy" before the rename.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[pickle(aliases = ["Strategy"])]
struct StrategyParams {
    lookback: u32,
    threshold: f64,
}

// `Strategy` (by its REC_ID) and `StrategyParams` (by its alias) both read files of
// ("Strategy", v1), and they are different types, so `load_any` could not choose
// between them and `registry::check` would report the conflict. This entry says that
// today's type wins. Only this example needs it: the old type exists here to write
// the old file, and in a real program it would be gone and the alias alone would do.
persist::submit! { RecInfo::new("Strategy").target::<StrategyParams>() }

/// A configuration saved under the custom REC_ID "LegacyConfig", say by another
/// program; it exists here only to write such a file.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[rec_id = "LegacyConfig"]
struct LegacyConfig {
    endpoint: String,
    retries: u32,
}

/// Today's configuration, saved as "Config": the `RecInfo` below sends the files of
/// "LegacyConfig", which have the same layout, to it.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
struct Config {
    endpoint: String,
    retries: u32,
}

// Files saved as "LegacyConfig" load as `Config`, by a typed load and by `load_any`
// (where this entry also makes `Config` win over `LegacyConfig`).
persist::submit! { RecInfo::new("LegacyConfig").target::<Config>() }

/// What an old program saved as "Signal" v1. It exists here only to write such a
/// file: today's program would no longer have it, and the `modify_state` step below
/// needs no Rust type of v1.
mod old_program {
    use persist::Pickleable;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Pickleable)]
    #[rec_id = "Signal"]
    pub struct Signal {
        pub sym: String,
        pub strength_pct: i64,
    }
}

/// Today's signal, v2: `sym` was renamed, the strength became a fraction, and the
/// source of the signal is recorded.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[pickle(version = 2)]
struct Signal {
    symbol: String,
    strength: f64,
    source: String,
}

/// Rebuilds the state of a v1 signal as v2 wants it: the old object is
/// reconstructed from its saved state, field by field.
fn signal_v1_to_v2(mut state: persist::RecState) -> Result<persist::RecState, persist::Error> {
    state.rename_field("sym", "symbol")?;
    state.map_field("strength_pct", |pct: i64| pct as f64 / 100.0)?;
    state.rename_field("strength_pct", "strength")?;
    state.insert_field("source", "legacy")?;
    Ok(state)
}

persist::submit! { RecInfo::new("Signal").from_version(1).modify_state(signal_v1_to_v2) }

/// A bundle of several objects saved together: any tuple or struct of saveable parts.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
struct Bundle {
    portfolio: Portfolio,
    daily_pnl: Vec<f64>,
    parameters: BTreeMap<String, f64>,
}

fn portfolio() -> Portfolio {
    Portfolio {
        cash: 25_000.0,
        positions: vec![
            Position {
                symbol: "AAPL".into(),
                side: Side::Long,
                quantity: 100,
                entry: 189.25,
            },
            Position {
                symbol: "TSLA".into(),
                side: Side::Short,
                quantity: 20,
                entry: 242.5,
            },
        ],
    }
}

fn bundle() -> Bundle {
    Bundle {
        portfolio: portfolio(),
        daily_pnl: (0..250)
            .map(|d| ((d * 37 % 101) as f64 - 50.0) * 1.5)
            .collect(),
        parameters: BTreeMap::from([("lookback".into(), 20.0), ("threshold".into(), 1.5)]),
    }
}

fn step(title: &str) {
    println!("\n== {title}");
}

fn save_and_load_a_bundle(dir: &Path) -> Result<(), Box<dyn Error>> {
    step("save a bundle of several objects and load it back");
    let path = dir.join("bundle.pickle");
    persist::save(&bundle(), &path)?;
    let back: Bundle = persist::load(&path)?;
    assert_eq!(back, bundle());
    println!(
        "saved and loaded {} ({} bytes)",
        path.display(),
        std::fs::metadata(&path)?.len()
    );

    // A plain tuple works as well as a struct.
    let pair_path = dir.join("pair.pickle");
    persist::save(&(portfolio(), vec![1u64, 2, 3]), &pair_path)?;
    let (pf, ids): (Portfolio, Vec<u64>) = persist::load(&pair_path)?;
    assert_eq!((pf, ids), (portfolio(), vec![1, 2, 3]));
    println!("a tuple of objects round-trips too");
    Ok(())
}

fn overwrite(dir: &Path) -> Result<(), Box<dyn Error>> {
    step("overwrite a file (atomically)");
    let path = dir.join("portfolio.pickle");
    persist::save(&portfolio(), &path)?;
    let mut changed = portfolio();
    changed.cash = 1.0;
    persist::save(&changed, &path)?;
    assert_eq!(persist::load::<Portfolio>(&path)?.cash, 1.0);
    println!(
        "the second save replaced the first; cash is now {}",
        changed.cash
    );
    Ok(())
}

fn compression(dir: &Path) -> Result<(), Box<dyn Error>> {
    step("compression, implied by the extension or asked for explicitly");
    let implicit = dir.join("bundle.pickle.lz4");
    persist::save(&bundle(), &implicit)?;
    let explicit = dir.join("bundle-explicit.pickle");
    persist::save_with(
        &bundle(),
        &explicit,
        &SaveOptions::new().compression(Compression::Lz4),
    )?;
    for path in [&implicit, &explicit] {
        let info = persist::inspect(path)?;
        assert_eq!(info.compression, Compression::Lz4);
        assert_eq!(persist::load::<Bundle>(path)?, bundle());
        println!(
            "{}: lz4, {} bytes stored for {} uncompressed",
            path.display(),
            info.payload_len,
            info.uncompressed_len
        );
    }

    step("a compressed file renamed without its extension still loads");
    let renamed = dir.join("renamed.pickle");
    std::fs::rename(&implicit, &renamed)?;
    assert_eq!(persist::load::<Bundle>(&renamed)?, bundle());
    println!(
        "{} loaded: the codec comes from the header",
        renamed.display()
    );
    Ok(())
}

fn a_type_saves_itself_under_its_own_name(dir: &Path) -> Result<(), Box<dyn Error>> {
    step("a type saves itself under its own name and loads with no file name");
    // `save()` and `load()` work in the current directory, as a notebook user
    // expects; the recipe moves into a directory of its own and back again. (The
    // cookbook's test is the only test of its binary, so nothing else sees the
    // change of directory.)
    let home = dir.join("notebook");
    std::fs::create_dir_all(&home)?;
    let previous = std::env::current_dir()?;
    std::env::set_current_dir(&home)?;
    let here = (|| -> Result<_, Box<dyn Error>> {
        let written = portfolio().save()?;
        println!("Portfolio::save() wrote {}", written.display());
        Ok((written, Portfolio::load()?))
    })();
    std::env::set_current_dir(previous)?;
    let (written, loaded) = here?;
    assert_eq!(written, Path::new(".").join("Portfolio.pickle"));
    assert!(home.join("Portfolio.pickle").is_file());
    assert_eq!(loaded, portfolio());
    println!("Portfolio::load() found it with no file name");

    // Elsewhere, compressed: the name gains `.lz4`, and discovery finds it.
    let runs = dir.join("runs");
    let written = portfolio().save_with(
        &SaveOptions::new()
            .directory(&runs)
            .compression(Compression::Lz4),
    )?;
    println!("Portfolio::save_with wrote {}", written.display());
    let loaded = Portfolio::load_from(&runs)?;
    assert_eq!(loaded, portfolio());
    println!(
        "Portfolio::load_from({}) found it: REC_ID {:?}, VERSION {}",
        runs.display(),
        Portfolio::REC_ID,
        Portfolio::VERSION
    );
    Ok(())
}

fn inspect_without_the_type(dir: &Path) -> Result<(), Box<dyn Error>> {
    step("inspect a file without knowing its type");
    let info = persist::inspect(dir.join("bundle.pickle"))?;
    println!("{info}");
    Ok(())
}

fn wrong_type_is_refused(dir: &Path) -> Result<(), Box<dyn Error>> {
    step("a file of another type is refused, never misread");
    let err = persist::load::<Portfolio>(dir.join("bundle.pickle")).unwrap_err();
    assert!(matches!(err, persist::Error::WrongType { .. }));
    println!("error: {err}");
    Ok(())
}

fn an_older_version_loads_into_todays_type(dir: &Path) -> Result<(), Box<dyn Error>> {
    step("an object of an older version loads into today's type");
    let old_program = dir.join("old-program");
    std::fs::create_dir_all(&old_program)?;
    let path = PortfolioV1 {
        cash: 5_000.0,
        symbols: vec!["AAPL".into(), "MSFT".into()],
    }
    .save_to(&old_program)?;
    let before = std::fs::read(&path)?;
    println!("an old program wrote {} (v1)", path.display());

    let expected = Portfolio {
        cash: 5_000.0,
        positions: ["AAPL", "MSFT"]
            .map(|symbol| Position {
                symbol: symbol.into(),
                side: Side::Long,
                quantity: 0,
                entry: 0.0,
            })
            .into(),
    };
    let loaded = Portfolio::load_from(&old_program)?;
    assert_eq!(loaded, expected);
    println!(
        "Portfolio::load_from({}) upgraded it to v{}: its symbols became positions of quantity 0",
        old_program.display(),
        Portfolio::VERSION
    );

    let info = persist::inspect(&path)?;
    assert_eq!((info.rec_id.as_str(), info.version), ("Portfolio", 1));
    assert_eq!(std::fs::read(&path)?, before);
    println!(
        "the file is unchanged: inspect still says {:?} v{}",
        info.rec_id, info.version
    );

    let any = persist::load_any(&path)?;
    assert!(any.type_name().ends_with("Portfolio"));
    assert_eq!(any.version(), 2);
    println!(
        "load_any chose {} v{}, the newest of the chain",
        any.type_name(),
        any.version()
    );
    let any = any
        .downcast::<Portfolio>()
        .map_err(|other| format!("load_any loaded a {}", other.type_name()))?;
    assert_eq!(any, expected);
    Ok(())
}

fn a_type_with_a_custom_id_is_loaded_by_another_type(dir: &Path) -> Result<(), Box<dyn Error>> {
    let old_program = dir.join("old-program");
    std::fs::create_dir_all(&old_program)?;

    step("a renamed type loads the files of its old id, through an alias");
    let old = Strategy {
        lookback: 20,
        threshold: 1.5,
    };
    let path = old.save_to(&old_program)?;
    println!("an old program wrote {}", path.display());
    let expected = StrategyParams {
        lookback: 20,
        threshold: 1.5,
    };
    let loaded = StrategyParams::load_from(&old_program)?;
    assert_eq!(loaded, expected);
    println!(
        "StrategyParams::load_from({}) found it under the alias {:?} (its own REC_ID is {:?})",
        old_program.display(),
        Strategy::REC_ID,
        StrategyParams::REC_ID
    );
    let any = persist::load_any(&path)?;
    println!("load_any chose {}", any.type_name());
    let any = any
        .downcast::<StrategyParams>()
        .map_err(|other| format!("load_any loaded a {}", other.type_name()))?;
    assert_eq!(any, expected);

    step("a RecInfo sends the files of a custom id to another type");
    let legacy = LegacyConfig {
        endpoint: "https://quotes.example".into(),
        retries: 3,
    };
    let path = legacy.save_to(&old_program)?;
    println!("another program wrote {}", path.display());
    let expected = Config {
        endpoint: "https://quotes.example".into(),
        retries: 3,
    };
    assert_eq!(persist::load::<Config>(&path)?, expected);
    assert_eq!(Config::load_from(&old_program)?, expected);
    println!(
        "persist::load::<Config> and Config::load_from({}) read it as Config",
        old_program.display()
    );
    let any = persist::load_any(&path)?;
    assert_eq!(any.rec_id(), Config::REC_ID);
    println!(
        "load_any chose {} (REC_ID {:?}) for the file of {:?}",
        any.type_name(),
        any.rec_id(),
        LegacyConfig::REC_ID
    );
    let any = any
        .downcast::<Config>()
        .map_err(|other| format!("load_any loaded a {}", other.type_name()))?;
    assert_eq!(any, expected);
    Ok(())
}

fn the_registry_is_clean() -> Result<(), Box<dyn Error>> {
    step("the registry has one type for every file");
    persist::registry::check()?;
    println!(
        "persist::registry::check: no conflicts among {} record types and {} RecInfo entries",
        persist::registry::types().len(),
        persist::registry::rec_infos().len()
    );
    Ok(())
}

/// The schema lock of this repository: every record version above, with its
/// schema's fingerprint. A change to a locked version's layout fails here (and so
/// in CI, which runs this example's tests) until the version is bumped.
const SCHEMA_LOCK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/persist.lock");

fn the_schema_lock_holds() -> Result<(), Box<dyn Error>> {
    step("no locked record version changed its schema");
    let report = persist::lock::check(SCHEMA_LOCK)?;
    println!(
        "persist::lock::check: {} versions as locked, {} newly locked in persist.lock",
        report.unchanged,
        report.added.len()
    );
    Ok(())
}

fn an_old_object_is_rebuilt_by_modify_state(dir: &Path) -> Result<(), Box<dyn Error>> {
    step("an old object is rebuilt through a registered modify_state");
    let old_program = dir.join("signals");
    std::fs::create_dir_all(&old_program)?;
    let path = old_program::Signal {
        sym: "NVDA".into(),
        strength_pct: 75,
    }
    .save_to(&old_program)?;
    let state = persist::load_state(&path)?;
    println!(
        "{} holds `{}` v{}, readable without its type: sym = {:?}",
        path.display(),
        state.rec_id,
        state.version,
        state.get::<String>("sym")?
    );
    let signal = Signal::load_from(&old_program)?;
    assert_eq!(
        signal,
        Signal {
            symbol: "NVDA".into(),
            strength: 0.75,
            source: "legacy".into(),
        }
    );
    println!("Signal::load_from rebuilt it as v2 through signal_v1_to_v2: {signal:?}");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    println!("working in {}", dir.path().display());
    save_and_load_a_bundle(dir.path())?;
    overwrite(dir.path())?;
    compression(dir.path())?;
    a_type_saves_itself_under_its_own_name(dir.path())?;
    inspect_without_the_type(dir.path())?;
    wrong_type_is_refused(dir.path())?;
    an_older_version_loads_into_todays_type(dir.path())?;
    a_type_with_a_custom_id_is_loaded_by_another_type(dir.path())?;
    an_old_object_is_rebuilt_by_modify_state(dir.path())?;
    the_registry_is_clean()?;
    the_schema_lock_holds()?;
    println!("\nall recipes passed");
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Every recipe runs and checks what it loads, the schema lock included.
    #[test]
    fn every_recipe_passes() {
        if let Err(error) = super::main() {
            panic!("a recipe failed: {error}");
        }
    }
}
