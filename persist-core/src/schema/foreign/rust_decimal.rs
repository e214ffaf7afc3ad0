//! [`Schema`] for the `rust_decimal` crate (1.x), feature `rust_decimal`.
//!
//! Follows `rust_decimal` 1.43.0, `src/serde.rs`, with the crate's `serde` feature
//! alone (its default): [`Decimal`] writes `serialize_str` of its text
//! (`"1234.5678"`, `"-0.001"`), in every format.
//!
//! # Loading
//!
//! With the `serde` feature alone, `Decimal`'s `Deserialize` calls
//! `deserialize_any`, which postcard cannot answer by itself (its error is "This is
//! a feature that PostCard will never implement"): a typed load needs persist to
//! answer it from the file's schema, where a `Decimal` is a `String`. A dynamic
//! read (`load_state`, a load that resolves a changed schema) goes through a
//! `Value` and reads the text. Turning on `rust_decimal`'s `serde-str` feature (or
//! its alias `serde-bincode`) makes `Deserialize` ask for a string instead, which
//! postcard answers, and changes nothing that is written.
//!
//! `rust_decimal` parses every zero as positive: `-0` is written as `"-0"` and
//! read back as `0`.
//!
//! # Features that change the layout
//!
//! Cargo features are shared by every crate of a build, so any crate can turn these
//! on for all of them:
//!
//! - `serde-float` makes `Decimal` write `serialize_f64` (a lossy `f64`), and with
//!   `serde-arbitrary-precision` as well, a `serde_json` number (a struct around a
//!   string). The description below then no longer matches what is written: the
//!   file's schema says `String` where the payload holds something else, so a
//!   dynamic read misreads it, and so does a typed load unless `serde-str` is on as
//!   well (then `Deserialize` asks for an `f64`). Do not enable `serde-float` in a
//!   build that saves `Decimal`s with persist; if another crate needs it, give the
//!   field a newtype of your own that writes the text itself (`Serialize` through
//!   `Decimal::to_string`, `Deserialize` through `FromStr`) and describe it as
//!   `String` (`#[schema(as = String)]` on the field, or its own `Schema` impl).
//! - `serde-with-float`, `serde-with-str` and `serde-with-arbitrary-precision` only
//!   add the modules `rust_decimal::serde::{float, str, arbitrary_precision}` for
//!   `#[serde(with = ..)]`, which the derive refuses unless the field says what is
//!   written: `#[schema(as = f64)]` for `float`, `#[schema(as = String)]` for `str`
//!   (and `Option<..>` of them for the `_option` modules). `arbitrary_precision`
//!   writes `serde_json`'s private number struct (`$serde_json::private::Number`),
//!   a layout made for JSON: do not use it with persist.
//!   `serde-arbitrary-precision` without `serde-float` changes nothing that
//!   `Decimal` itself writes.

use rust_decimal::Decimal;

use crate::schema::{Builder, Node, Schema};

impl Schema for Decimal {
    /// serde (`serde` feature without `serde-float`): `serialize_str` of the decimal
    /// text, in every format.
    fn describe(_: &mut Builder) -> Node {
        Node::String
    }
}
