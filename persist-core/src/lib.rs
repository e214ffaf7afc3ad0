//! Runtime of [persist](https://docs.rs/persist): save typed values to
//! self-describing, checksummed files and load them back.
//!
//! Most users depend on the `persist` facade crate, which re-exports everything here
//! together with the derive macros. The modules, one concern each:
//!
//! - [`schema`]: type descriptions and their fingerprints;
//! - [`codec`]: payload compression;
//! - [`format`](mod@format): the file envelope (header, checksums);
//! - [`naming`]: what a file name implies;
//! - [`migrate`]: the way from the version in a file to the type asked for;
//! - [`registry`]: the record types `load_any` chooses from, and `RecInfo`;
//! - [`lock`]: the schema lock, which pins the layout of every saved record version;
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

mod any_record;
mod api;
mod atomic;
pub mod codec;
mod de_error;
mod depth;
mod error;
mod exact;
pub mod format;
mod guided;
pub mod lock;
mod lz4_frame;
pub mod migrate;
pub mod naming;
mod options;
mod record;
pub mod registry;
pub mod schema;
mod ser_error;
mod state;
mod stream;
pub mod value;
mod varint;
mod zstd_frame;

pub use any_record::AnyRecord;
pub use api::{
    check_schema, from_bytes, from_bytes_with, inspect, inspect_bytes, load, load_any,
    load_any_with, load_state, load_state_with, load_with, save, save_with, to_bytes,
    to_bytes_with,
};
pub use atomic::TEMP_SUFFIX;
pub use codec::Compression;
pub use error::{Error, Origin, Result, Section, TypeIdentity};
pub use format::FileInfo;
pub use options::{LoadOptions, SaveOptions};
pub use record::Pickleable;
pub use registry::RecInfo;
pub use schema::Schema;
pub use state::RecState;
pub use value::Value;

/// Adds an entry to the [`registry`] at link time: a
/// [`RecInfo`](registry::RecInfo) (or a [`TypeEntry`](registry::TypeEntry)), written
/// as a constant expression, outside any function.
///
/// ```
/// # use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # struct Holdings;
/// # impl persist_core::Pickleable for Holdings { const REC_ID: &'static str = "Holdings"; const VERSION: u32 = 1; }
/// # impl persist_core::Schema for Holdings {
/// #     fn describe(b: &mut Builder) -> Node {
/// #         b.define::<Self>("Holdings".into(), |_| Definition::new("", Body::Struct(Fields::Unit)).with_record(RecordId::new("Holdings", 1)))
/// #     }
/// # }
/// use persist_core::registry::RecInfo;
///
/// // Files saved under the type's old name load as `Holdings`.
/// persist_core::submit! { RecInfo::new("Positions").target::<Holdings>() }
///
/// # fn main() {
/// assert!(persist_core::registry::rec_infos().iter().any(|info| info.rec_id() == "Positions"));
/// # }
/// ```
#[macro_export]
macro_rules! submit {
    ($($entry:tt)+) => {
        $crate::__private::inventory::submit! { $($entry)+ }
    };
}

/// Not public API: what the code `#[derive(Pickleable)]` generates refers to.
#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
