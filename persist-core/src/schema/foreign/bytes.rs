//! [`Schema`] for the `bytes` crate (1.x), feature `bytes`.
//!
//! Follows `bytes` 1.12.1, `src/serde.rs`: [`Bytes`] and [`BytesMut`] write
//! `serialize_bytes` of their contents, in every format, and read any byte string
//! (or sequence of bytes, or string) back. No cargo feature of `bytes` changes this
//! layout.

use bytes::{Bytes, BytesMut};

use crate::schema::{Builder, Node, Schema};

impl Schema for Bytes {
    /// serde: `serialize_bytes` of the contents.
    fn describe(_: &mut Builder) -> Node {
        Node::Bytes
    }
}

impl Schema for BytesMut {
    /// serde: `serialize_bytes` of the contents.
    fn describe(_: &mut Builder) -> Node {
        Node::Bytes
    }
}
