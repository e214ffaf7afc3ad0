//! An analyst's result struct with fields of other crates (chrono, uuid,
//! rust_decimal, ndarray), saved with one line and loaded with one line.
//!
//! Run it with the features named after those crates:
//!
//! ```text
//! cargo run --example analyst --features chrono,uuid,rust_decimal,ndarray
//! ```

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ndarray::{array, Array2};
use persist::Schema;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One backtest run, as an analyst would keep it.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Run {
    id: Uuid,
    started: DateTime<Utc>,
    as_of: NaiveDate,
    /// Fees are money: a decimal, never a float.
    fee: Decimal,
    /// Portfolio weights, one row per rebalancing date, one column per asset.
    weights: Array2<f64>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let run = Run {
        id: Uuid::from_u128(0x6f9619ff_8b86_d011_b42d_00c04fc964ff),
        started: Utc
            .with_ymd_and_hms(2026, 12, 3, 9, 30, 0)
            .single()
            .ok_or("no such time")?,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 30).ok_or("no such date")?,
        fee: Decimal::new(12_345, 4), // 1.2345
        weights: array![[0.6, 0.4], [0.55, 0.45]],
    };

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("run.pickle.lz4");
    persist::save(&run, &path)?;
    let back: Run = persist::load(&path)?;
    assert_eq!(back, run);

    // The file describes itself: no Rust type is needed to look into it.
    println!("{}", persist::inspect(&path)?);
    let state = persist::load_state(&path)?;
    let fee: Decimal = state.get("fee")?;
    println!("fee read back without the type: {fee}");
    Ok(())
}
