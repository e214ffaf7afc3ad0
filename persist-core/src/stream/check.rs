//! The check that a payload just encoded reads back under the description stored
//! with it: a walk of the bytes under the schema, building nothing, in constant
//! memory (a window of the payload, and for lz4 one block).
//!
//! It catches a `Schema` that does not describe what `Serialize` writes (a
//! `Uuid` described as a `String`, an array described as a list of lists) at the
//! first save, instead of at the first load that needs the description: a
//! dynamic read, or any load after the type changed.

use std::io::{BufReader, Read};

use serde::de::IgnoredAny;

use super::input::Input;
use crate::codec::Compression;
use crate::guided::{self, GuidedError};
use crate::lz4_frame;
use crate::schema::Description;
use crate::zstd_frame;

/// The stored bytes read at once from the payload under check.
const READ_CHUNK: usize = 64 * 1024;

/// How deep the check follows nested named types. The walk recurses, and a debug
/// build's frames are large: 512 levels fit a test thread's 2 MiB stack with room
/// to spare, and are twice what a load accepts by default
/// (`LoadOptions::max_depth`). A value nested deeper is checked down to this
/// depth only, and passes.
const CHECK_DEPTH: u32 = 512;

/// Walks the `payload_len` stored bytes of `stored` (compressed with
/// `compression`, `raw_len` bytes once not) under `description`.
pub(crate) fn payload_reads_back(
    description: &Description,
    compression: Compression,
    stored: impl Read,
    payload_len: u64,
    raw_len: u64,
) -> Result<(), GuidedError> {
    match compression {
        Compression::None => walk(description, stored, raw_len),
        Compression::Lz4 => {
            let buffered = BufReader::with_capacity(READ_CHUNK, stored);
            let reader = lz4_frame::Reader::new(buffered, payload_len, raw_len)
                .map_err(GuidedError::wire)?;
            walk(description, reader, raw_len)
        }
        Compression::Zstd => {
            let buffered = BufReader::with_capacity(READ_CHUNK, stored);
            let reader = zstd_frame::Reader::new(buffered, raw_len).map_err(GuidedError::wire)?;
            walk(description, reader, raw_len)
        }
    }
}

fn walk(description: &Description, source: impl Read, len: u64) -> Result<(), GuidedError> {
    let mut input = Input::new(source, len);
    let left = match guided::from_flavor::<IgnoredAny, _>(description, &mut input, len, CHECK_DEPTH)
    {
        Ok((IgnoredAny, left)) => left,
        // Deeper than the check follows: nothing found wrong above it.
        Err(e) if e.is_too_deep() => return Ok(()),
        Err(e) => return Err(e),
    };
    match left {
        0 => Ok(()),
        left => Err(GuidedError::wire(format_args!(
            "{left} bytes follow the value that the description accounts for"
        ))),
    }
}
