//! Runtime of [persist](https://docs.rs/persist): save typed values to
//! self-describing, checksummed files and load them back.
//!
//! Most users depend on the `persist` facade crate, which re-exports everything here
//! together with the derive macros. The modules, one concern each:
//!
//! - [`schema`]: type descriptions and their fingerprints;
//! - [`codec`]: payload compression;
//! - [`format`]: the file envelope (header, checksums);
//! - [`naming`]: what a file name implies;
//! - the free functions ([`save`], [`load`], [`inspect`], ...), in `api`;
//! - [`Error`], in `error`.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("closes.pickle.lz4");
//! let closes = BTreeMap::from([("AAPL".to_string(), 189.5f64), ("MSFT".to_string(), 402.25)]);
//!
//! persist_core::save(&closes, &path)?;
//! let back: BTreeMap<String, f64> = persist_core::load(&path)?;
//! assert_eq!(back, closes);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod atomic;
pub mod codec;
mod depth;
mod error;
pub mod format;
pub mod naming;
mod options;
mod record;
pub mod schema;
mod ser_error;
mod varint;

pub use api::{
    from_bytes, from_bytes_with, inspect, inspect_bytes, load, load_with, save, save_with,
    to_bytes, to_bytes_with,
};
pub use atomic::TEMP_SUFFIX;
pub use codec::Compression;
pub use error::{Error, Origin, Result, Section, TypeIdentity};
pub use format::FileInfo;
pub use options::{LoadOptions, SaveOptions};
pub use record::Pickleable;
pub use schema::Schema;
