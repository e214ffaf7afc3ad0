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

/// The stored bytes read at once from the payload under check.
const READ_CHUNK: usize = 64 * 1024;

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
    }
}

fn walk(description: &Description, source: impl Read, len: u64) -> Result<(), GuidedError> {
    let mut input = Input::new(source, len);
    let ((), left) = guided::from_flavor::<IgnoredAny, _>(description, &mut input, len)
        .map(|(IgnoredAny, left)| ((), left))?;
    match left {
        0 => Ok(()),
        left => Err(GuidedError::wire(format_args!(
            "{left} bytes follow the value that the description accounts for"
        ))),
    }
}
