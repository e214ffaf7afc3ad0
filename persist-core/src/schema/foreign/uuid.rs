//! [`Schema`] for the `uuid` crate (1.x), feature `uuid`.
//!
//! Follows `uuid` 1.29.3, `src/external/serde_support.rs`:
//!
//! - [`Uuid`] writes `serialize_bytes` of its 16 bytes when the serializer is not
//!   human-readable (postcard), and the hyphenated string otherwise; its
//!   `Deserialize` asks for bytes and refuses any length but 16 ("UUID parsing
//!   failed: invalid length: expected 16 bytes, found N").
//! - [`NonNilUuid`] writes exactly what the [`Uuid`] it holds writes, and refuses
//!   the nil UUID when read.
//! - The formatting adapters [`Hyphenated`], [`Simple`], [`Urn`] and [`Braced`]
//!   always write `serialize_str` of their lower-case text, human-readable or not.
//!
//! No cargo feature of `uuid` changes these layouts. The modules of `uuid::serde`
//! are for `#[serde(with = ..)]` on a field, which the derive refuses unless the
//! field says what is written: `#[schema(as = [u8; 16])]` for `compact` (a tuple
//! of 16 `u8`s), `#[schema(as = Uuid)]` for `bytes` (a byte string, in every
//! format), `#[schema(as = String)]` for `hyphenated`, `simple`, `urn` and
//! `braced`.

use uuid::fmt::{Braced, Hyphenated, Simple, Urn};
use uuid::{NonNilUuid, Uuid};

use crate::schema::{Builder, Node, Schema};

impl Schema for Uuid {
    /// serde (not human-readable): `serialize_bytes` of the 16 bytes, with postcard's
    /// length prefix.
    fn describe(_: &mut Builder) -> Node {
        Node::Bytes
    }
}

impl Schema for NonNilUuid {
    /// serde: the held [`Uuid`], so `serialize_bytes` of its 16 bytes.
    fn describe(builder: &mut Builder) -> Node {
        Uuid::describe(builder)
    }
}

/// The formatting adapters, which serde writes as their text in every format.
macro_rules! text {
    ($($ty:ty),*) => {
        $(impl Schema for $ty {
            /// serde: `serialize_str` of the lower-case text, human-readable or not.
            fn describe(_: &mut Builder) -> Node {
                Node::String
            }
        })*
    };
}

text!(Hyphenated, Simple, Urn, Braced);
