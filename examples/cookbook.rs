//! The persistence recipes, one after the other: each prints what it does and checks
//! what it loads, so `cargo run --example cookbook` doubles as a smoke test.
//!
//! Still to come with the version chains and the registry: loading an older version
//! into today's type, and a type with a custom id loaded by another type.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;

use persist::{Compression, Pickleable, SaveOptions, Schema};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
enum Side {
    Long,
    Short,
}

#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
struct Position {
    symbol: String,
    side: Side,
    quantity: u32,
    entry: f64,
}

/// A record: it knows its own id and version, and saves itself under its name.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[pickle(version = 1)]
struct Portfolio {
    cash: f64,
    positions: Vec<Position>,
}

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

fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    println!("working in {}", dir.path().display());
    save_and_load_a_bundle(dir.path())?;
    overwrite(dir.path())?;
    compression(dir.path())?;
    a_type_saves_itself_under_its_own_name(dir.path())?;
    inspect_without_the_type(dir.path())?;
    wrong_type_is_refused(dir.path())?;
    println!("\nall recipes passed");
    Ok(())
}
