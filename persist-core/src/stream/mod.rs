//! Saves and loads that stream: the payload moves between the value and the file in
//! chunks, and is never in memory whole twice.
//!
//! - A save ([`Plan`]): postcard serializes the value through a
//!   [`flavor`](self::flavor) into the codec (the lz4 frame encoder, or nothing) and a
//!   [`spool`](self::spool), which hashes the stored bytes, counts them and writes
//!   them to the file a chunk at a time; the header, whose lengths are only known at
//!   the end, is written over its placeholder last. `to_bytes` runs the same spool
//!   into memory, so a file and its in-memory encoding are the same bytes.
//! - A load ([`load`]): a typed load of a large payload (past
//!   `LoadOptions::stream_above`) of a file that holds its type as it is today
//!   decodes as it reads, through the checksum, the lz4 frame decoder and a small
//!   window ([`input`](self::input)); other loads read the payload, verified and
//!   decompressed, into the one buffer postcard or the dynamic decoder reads from.

pub(crate) mod check;
mod flavor;
mod input;
pub(crate) mod load;
mod save;
mod spool;

pub(crate) use save::Plan;
