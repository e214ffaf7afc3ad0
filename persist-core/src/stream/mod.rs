//! Saves and loads that stream: the payload moves between the value and the file in
//! chunks, and is never in memory whole twice.
//!
//! - A save ([`Plan`]): postcard serializes the value through a
//!   [`flavor`](self::flavor) into the codec (the lz4 frame encoder, or nothing) and a
//!   [`spool`](self::spool), which hashes the stored bytes, counts them and writes
//!   them to the file a chunk at a time; the header, whose lengths are only known at
//!   the end, is written over its placeholder last. `to_bytes` runs the same spool
//!   into memory, so a file and its in-memory encoding are the same bytes.
//! - A load ([`load`]): the payload is read, verified and decompressed into the one
//!   buffer postcard decodes from; an lz4 payload streams from the file through the
//!   checksum and the frame decoder, so its compressed bytes are never held whole.

mod flavor;
pub(crate) mod load;
mod save;
mod spool;

pub(crate) use save::Plan;
