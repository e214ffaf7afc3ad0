//! # persist
//!
//! Save any typed Rust value to a file and load it back, on another machine or years
//! later, after its type has changed. Loading never runs code from the file, and a
//! damaged file is reported, never misread.
//!
//! ```
//! use persist::Schema;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
//! struct Position {
//!     symbol: String,
//!     quantity: i64,
//! }
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("book.pickle.lz4"); // `.lz4`: compressed
//! let book = vec![Position { symbol: "AAPL".into(), quantity: 100 }];
//!
//! persist::save(&book, &path)?;
//! let back: Vec<Position> = persist::load(&path)?;
//! assert_eq!(back, book);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Everything here is re-exported from `persist-core` (the runtime) and
//! `persist-derive` (the derive macros); see `docs/ARCHITECTURE.md` for the map.

#![forbid(unsafe_code)]

pub use persist_core::*;

/// Derives [`Schema`](trait@Schema): a description of the type's serialized shape.
///
/// It follows serde's attributes (`rename`, `rename_all`, `skip`, `transparent`) and
/// refuses, at the attribute, those whose encoding it cannot describe.
pub use persist_derive::Schema;

/// Derives [`Pickleable`](trait@Pickleable) and [`Schema`](trait@Schema): a record
/// saved under its own REC_ID (`#[rec_id = ".."]`, default: the type's name) and
/// VERSION (`#[pickle(version = N)]`, default 1), which its description carries.
pub use persist_derive::Pickleable;
