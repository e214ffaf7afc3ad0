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
///
/// `#[pickle(from = Older)]` makes it read the files of an older version through
/// `TryFrom<Older>` (checked at compile time), and `#[pickle(aliases = ["Old"])]` the
/// files of other REC_IDs. Types without generic parameters join the
/// [`registry`] that [`load_any`] chooses from.
///
/// ```
/// use persist::Pickleable;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Pickleable)]
/// #[rec_id = "Quote"]
/// struct QuoteV1 {
///     price: f32,
/// }
///
/// #[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
/// #[pickle(version = 2, from = QuoteV1)]
/// struct Quote {
///     price: f64,
///     venue: String,
/// }
///
/// impl From<QuoteV1> for Quote {
///     fn from(old: QuoteV1) -> Self {
///         Quote { price: old.price.into(), venue: "unknown".into() }
///     }
/// }
///
/// let dir = tempfile::tempdir()?;
/// QuoteV1 { price: 1.5 }.save_to(dir.path())?; // an old program wrote Quote.pickle
/// let quote = Quote::load_from(dir.path())?;    // today's reads it
/// assert_eq!(quote, Quote { price: 1.5, venue: "unknown".into() });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use persist_derive::Pickleable;
