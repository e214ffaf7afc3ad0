//! Reading a payload, verified and decompressed, from a file or from bytes.
//!
//! A typed load of a large payload (past `LoadOptions::stream_above`) of a file that
//! holds its type as it is today is decoded as it is read ([`decode_streamed`]): the
//! stored bytes pass through the checksum and, for lz4, the frame decoder one block
//! at a time, into a small window postcard decodes from ([`Input`]). The payload is
//! never held whole.
//!
//! Every other load (smaller payloads, migrations, states, and the few schemas
//! [`depth::guard`](crate::depth::guard) must walk first) reads the payload whole
//! ([`read_payload`]): an uncompressed payload into one buffer, an lz4 payload
//! through the checksum and the frame decoder into the buffer of its declared
//! uncompressed length, so its compressed bytes are never held whole.
//!
//! Either way, the checksum is compared once every stored byte has passed, and a
//! value is returned only when it matched: a corrupted file is reported as such even
//! when the decoder choked on it first. A streamed decode runs on bytes not yet
//! verified, which it can afford: its decoding is bounded by the payload's length
//! (lengths are checked against the bytes left before anything is allocated), as
//! it must be anyway for a payload with a forged checksum.

use std::borrow::Cow;
use std::fs::File;
use std::hash::Hasher as _;
use std::io::{self, BufReader, Read};
use std::path::Path;

use serde::de::DeserializeOwned;
use twox_hash::XxHash3_64;

use super::input::{Input, Stop};
use crate::codec::Compression;
use crate::error::{io_error, Error, Origin, Section};
use crate::format::{self, FileInfo, CHECKSUM_LEN};
use crate::guided;
use crate::lz4_frame;
use crate::migrate::{decode_error, left_over};
use crate::zstd_frame;

/// The read buffer between the file and the lz4 decoder, which asks for a few bytes
/// (block headers) between its large reads. Also the largest lz4 payload read whole.
const READ_CHUNK: usize = 64 * 1024;

/// Payloads read whole up to this size take one bounded read; larger ones are read
/// to the end of the file ([`read_whole`]).
const SMALL_READ: u64 = 8 * 1024;

/// Reads the payload of `file` (positioned just after the header `info` describes,
/// found at `path`), verifies its checksum and decompresses it.
pub(crate) fn read_payload(
    file: &mut File,
    path: &Path,
    info: &FileInfo,
    origin: &Origin,
) -> Result<Vec<u8>, Error> {
    match info.compression {
        Compression::None => read_whole(file, path, info, origin),
        // Too small for the compressed copy to matter, and one system call fewer.
        Compression::Lz4 | Compression::Zstd if info.payload_len <= READ_CHUNK as u64 => {
            read_whole(file, path, info, origin)
        }
        Compression::Lz4 | Compression::Zstd => read_compressed(file, path, info, origin),
    }
}

/// Verifies and decompresses `tail`, the payload and its checksum as they follow the
/// header in a file's bytes.
pub(crate) fn payload_of<'a>(
    info: &FileInfo,
    tail: &'a [u8],
    origin: &Origin,
) -> Result<Cow<'a, [u8]>, Error> {
    let stored = format::verify_payload(tail, origin)?;
    info.compression
        .decompress(stored, info.uncompressed_len)
        .map_err(|detail| corrupt(origin, detail))
}

fn corrupt(origin: &Origin, detail: String) -> Error {
    Error::Corrupt {
        origin: origin.clone(),
        detail,
    }
}

/// The payload and its checksum in one buffer, verified and decompressed; an
/// uncompressed payload stays in that buffer, its checksum cut off.
fn read_whole(
    file: &mut File,
    path: &Path,
    info: &FileInfo,
    origin: &Origin,
) -> Result<Vec<u8>, Error> {
    // Sized by the header, which was checked against the file's real length.
    let tail_len = info.payload_len + CHECKSUM_LEN as u64;
    let mut tail = Vec::new();
    if tail_len <= SMALL_READ {
        tail.reserve_exact(tail_len as usize);
        file.by_ref()
            .take(tail_len)
            .read_to_end(&mut tail)
            .map_err(io_error("read", path))?;
    } else {
        // The tail is the rest of the file. `File`'s own `read_to_end` sizes the
        // buffer by the file's length and reads it in one call; through `take`,
        // which knows no length, std reads 8 KiB, then 16, 32... (ten calls for
        // 4 MB). Bytes beyond the tail can only come from a file that grew since
        // its length was checked, and are dropped.
        file.read_to_end(&mut tail)
            .map_err(io_error("read", path))?;
        tail.truncate(tail_len as usize);
    }
    if tail.len() as u64 != tail_len {
        // The file shrank while being read.
        return Err(truncated(info, origin, tail.len() as u64));
    }
    let decompressed = match payload_of(info, &tail, origin)? {
        Cow::Owned(raw) => Some(raw),
        Cow::Borrowed(_) => None,
    };
    Ok(decompressed.unwrap_or_else(|| {
        tail.truncate(info.payload_len as usize);
        tail
    }))
}

/// The file shrank while being read: only `found` bytes followed the header.
fn truncated(info: &FileInfo, origin: &Origin, found: u64) -> Error {
    Error::Truncated {
        origin: origin.clone(),
        section: Section::Payload,
        expected: info.header_len + info.payload_len + CHECKSUM_LEN as u64,
        found: info.header_len + found,
    }
}

/// The size of the read buffer between the file and the lz4 or zstd decoder.
fn read_buffer(info: &FileInfo) -> usize {
    usize::try_from(info.payload_len).map_or(READ_CHUNK, |p| p.min(READ_CHUNK))
}

/// A compressed payload, decompressed from the file as it is read (never held
/// compressed) into a buffer of its declared length (lz4) or grown with the output
/// (zstd); its checksum is compared once every stored byte has passed.
fn read_compressed(
    file: &mut File,
    path: &Path,
    info: &FileInfo,
    origin: &Origin,
) -> Result<Vec<u8>, Error> {
    let mut source = Hashing::new(file.by_ref().take(info.payload_len));
    let decoded = {
        let mut buffered = BufReader::with_capacity(read_buffer(info), &mut source);
        let (stored, raw) = (info.payload_len, info.uncompressed_len);
        let decoded = match info.compression {
            Compression::Zstd => zstd_frame::decompress_from(&mut buffered, stored, raw),
            _ => lz4_frame::decompress_from(&mut buffered, stored, raw),
        };
        // The checksum covers every stored byte, also those the decoder did not take
        // (it may have stopped at an error, or at the end of the frame). A read error
        // here is kept in `source`.
        let _ = io::copy(&mut buffered, &mut io::sink());
        decoded
    };
    check_stored(source.finish(), file, path, info, origin)?;
    decoded.map_err(|detail| corrupt(origin, detail))
}

/// What a streamed decode gives.
pub(crate) enum Streamed<T> {
    /// The value, from a payload whose checksum matched.
    Value(T),
    /// Decode it from the whole payload instead: the type borrows bytes from its
    /// input, which a stream cannot lend, or its `Deserialize` refused the data
    /// with a message postcard dropped, which the whole payload lets
    /// [`de_error`](crate::de_error) recover. Part of the payload has been read.
    NeedsWhole,
    /// Decode it again with [`Reading::Guided`]: the type's `Deserialize` asked
    /// for `deserialize_any`, which postcard cannot answer. Part of the payload
    /// has been read.
    NeedsGuided,
    /// The type refused a value of the intact payload read with
    /// [`Reading::Guided`], saying this.
    Refused(String),
}

/// How a streamed payload is decoded into the type asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    /// By postcard, trusting the type: the file holds it as it is today.
    Postcard,
    /// By the schema-guided reader, under the file's schema: a type changed in
    /// safe ways, or one whose `Deserialize` asks for `deserialize_any`.
    Guided,
}

/// Decodes a `T` straight from the payload of `file` (positioned just after the
/// header `info` describes, found at `path`) as it is read, the way `reading`
/// says. The value is returned only once every stored byte has passed the
/// checksum, and it matched.
///
/// `T` must need no [`depth::guard`](crate::depth::guard), which walks a whole
/// payload; for [`Reading::Postcard`] it must be the type the payload holds
/// (`Route::Exact`).
pub(crate) fn decode_streamed<T: DeserializeOwned>(
    file: &mut File,
    path: &Path,
    info: &FileInfo,
    origin: &Origin,
    reading: Reading,
) -> Result<Streamed<T>, Error> {
    let mut source = Hashing::new(file.by_ref().take(info.payload_len));
    let decoded = match info.compression {
        Compression::None if info.uncompressed_len != info.payload_len => {
            // Inconsistent lengths: the whole read says what is wrong.
            return Ok(Streamed::NeedsWhole);
        }
        Compression::None => decode_from::<T>(&mut source, info.payload_len, reading, info),
        Compression::Lz4 => {
            let buffered = BufReader::with_capacity(read_buffer(info), &mut source);
            match lz4_frame::Reader::new(buffered, info.payload_len, info.uncompressed_len) {
                Ok(reader) => decode_from::<T>(reader, info.uncompressed_len, reading, info),
                Err(detail) => Some(Decoded::Corrupt(detail)),
            }
        }
        Compression::Zstd => {
            let buffered = BufReader::with_capacity(read_buffer(info), &mut source);
            match zstd_frame::Reader::new(buffered, info.uncompressed_len) {
                Ok(reader) => decode_from::<T>(reader, info.uncompressed_len, reading, info),
                Err(detail) => Some(Decoded::Corrupt(detail)),
            }
        }
    };
    let Some(decoded) = decoded else {
        // The type borrows: nothing is verified yet, the whole read does it all.
        return Ok(Streamed::NeedsWhole);
    };
    // The checksum covers every stored byte, also those the decoder did not take.
    // A read error here is kept in `source`.
    let _ = io::copy(&mut source, &mut io::sink());
    check_stored(source.finish(), file, path, info, origin)?;
    match decoded {
        Decoded::Value(value) => Ok(Streamed::Value(value)),
        Decoded::Refused => Ok(Streamed::NeedsWhole),
        Decoded::AsksAny => Ok(Streamed::NeedsGuided),
        Decoded::RefusedWith(detail) => Ok(Streamed::Refused(detail)),
        Decoded::Corrupt(detail) => Err(corrupt(origin, detail)),
        Decoded::Failed(detail) => Err(decode_error(info, origin, detail)),
        Decoded::LeftOver(count) => Err(decode_error(info, origin, left_over(count))),
    }
}

/// How decoding a value from a payload's stream ended.
enum Decoded<T> {
    Value(T),
    /// `T`'s `Deserialize` refused the bytes with a message postcard dropped,
    /// which only the whole payload lets [`de_error`](crate::de_error) recover.
    Refused,
    /// `T`'s `Deserialize` asked postcard for `deserialize_any`, which only the
    /// guided reader answers.
    AsksAny,
    /// `T`'s `Deserialize` refused a value the guided reader handed it, saying
    /// this (with the place).
    RefusedWith(String),
    /// The stream itself failed: the lz4 frame is invalid, or ended early.
    Corrupt(String),
    /// The bytes are not a `T`.
    Failed(String),
    /// A `T` decoded, and this many bytes followed it.
    LeftOver(u64),
}

/// Decodes a `T` from the `len` payload bytes of `source`, then reads `source` to
/// its end, so that an lz4 frame is checked to end where its bytes do; `None`, at
/// once, when `T` asks to borrow bytes, which a stream cannot lend.
fn decode_from<T: DeserializeOwned>(
    source: impl Read,
    len: u64,
    reading: Reading,
    info: &FileInfo,
) -> Option<Decoded<T>> {
    let mut input = Input::new(source, len);
    let result = match reading {
        Reading::Postcard => input.decode::<T>().map_err(|e| match e {
            // postcard dropped the message: the whole read recovers it.
            postcard::Error::SerdeDeCustom => Decoded::Refused,
            postcard::Error::WontImplement => Decoded::AsksAny,
            e => Decoded::Failed(e.to_string()),
        }),
        Reading::Guided => {
            guided::from_flavor::<T, _>(&info.schema, &mut input, len, guided::MAX_DEPTH)
                .map(|(value, _)| value)
                .map_err(|e| {
                    if e.is_wire() {
                        Decoded::Failed(e.to_string())
                    } else {
                        Decoded::RefusedWith(e.to_string())
                    }
                })
        }
    };
    let remaining = input.remaining();
    let (stop, mut source) = input.into_parts();
    match stop {
        Some(Stop::Borrow) => return None,
        Some(Stop::Read(e)) => return Some(Decoded::Corrupt(e.to_string())),
        None => {}
    }
    if let Err(e) = io::copy(&mut source, &mut io::sink()) {
        return Some(Decoded::Corrupt(e.to_string()));
    }
    Some(match result {
        Err(failed) => failed,
        Ok(_) if remaining > 0 => Decoded::LeftOver(remaining),
        Ok(value) => Decoded::Value(value),
    })
}

/// Checks what passed through a [`Hashing`] reader, read to its end: no read error, all
/// the payload there, and the checksum after it (read from `file`) matching.
fn check_stored(
    passed: Passed,
    file: &mut File,
    path: &Path,
    info: &FileInfo,
    origin: &Origin,
) -> Result<(), Error> {
    let Passed {
        checksum,
        len,
        error,
    } = passed;
    if let Some(e) = error {
        return Err(io_error("read", path)(e));
    }
    if len != info.payload_len {
        return Err(truncated(info, origin, len));
    }
    let mut stored = [0u8; CHECKSUM_LEN];
    let got = read_up_to(file, &mut stored).map_err(io_error("read", path))?;
    if got < CHECKSUM_LEN {
        return Err(truncated(info, origin, info.payload_len + got as u64));
    }
    let stored = u64::from_le_bytes(stored);
    format::compare_checksums(Section::Payload, stored, checksum, origin)
}

/// Fills as much of `buf` as `source` has; returns how much that was.
fn read_up_to(source: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// A reader that hashes and counts what passes through it, and keeps the first read
/// error for itself: the decoder above it would report it as invalid data.
struct Hashing<R> {
    inner: R,
    hasher: XxHash3_64,
    len: u64,
    error: Option<io::Error>,
}

/// What passed through a [`Hashing`] reader.
struct Passed {
    checksum: u64,
    len: u64,
    error: Option<io::Error>,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: XxHash3_64::new(),
            len: 0,
            error: None,
        }
    }

    /// Lets go of the inner reader.
    fn finish(self) -> Passed {
        Passed {
            checksum: self.hasher.finish(),
            len: self.len,
            error: self.error,
        }
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.error.is_some() {
            return Err(io::Error::other("the payload could not be read"));
        }
        match self.inner.read(buf) {
            Ok(n) => {
                self.hasher.write(&buf[..n]);
                self.len += n as u64;
                Ok(n)
            }
            // Retried by the reader's callers.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.error = Some(e);
                Err(io::Error::other("the payload could not be read"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, SeekFrom, Write};

    use super::*;
    use crate::{Compression, SaveOptions};

    /// A multi-block lz4 file (the value takes more than one 4 MiB block).
    fn lz4_file() -> Vec<u8> {
        let words: Vec<String> = (0..1_000_000u32)
            .map(|i| format!("{}", i.wrapping_mul(2_654_435_761)))
            .collect();
        crate::to_bytes_with(&words, &SaveOptions::new().compression(Compression::Lz4)).unwrap()
    }

    /// An lz4 file whose payload is about `len` bytes (noise, which lz4 stores as is).
    fn lz4_noise_file(len: usize) -> Vec<u8> {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        crate::to_bytes_with(&noise, &SaveOptions::new().compression(Compression::Lz4)).unwrap()
    }

    #[test]
    fn the_noise_files_straddle_the_whole_read_threshold() {
        let payload_len = |len| {
            crate::inspect_bytes(&lz4_noise_file(len))
                .unwrap()
                .payload_len
        };
        assert!(payload_len(READ_CHUNK - 100) <= READ_CHUNK as u64);
        assert!(payload_len(READ_CHUNK + 100) > READ_CHUNK as u64);
    }

    /// Reads the payload of `bytes` as a file load does, with `info` from the bytes.
    fn read(bytes: &[u8], info: &FileInfo) -> Result<Vec<u8>, Error> {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        file.seek(SeekFrom::Start(info.header_len)).unwrap();
        read_payload(&mut file, Path::new("f"), info, &Origin::Bytes)
    }

    #[test]
    fn a_file_payload_is_the_payload_of_the_bytes() {
        for bytes in [
            crate::to_bytes(&vec![1u64, 2, 3]).unwrap(),
            crate::to_bytes(&()).unwrap(),
            crate::to_bytes_with(&(), &SaveOptions::new().compression(Compression::Lz4)).unwrap(),
            // Read whole, and streamed: either side of the threshold.
            lz4_noise_file(READ_CHUNK - 100),
            lz4_noise_file(READ_CHUNK + 100),
            lz4_file(),
        ] {
            let info = crate::inspect_bytes(&bytes).unwrap();
            let tail = &bytes[info.header_len as usize..];
            let expected = payload_of(&info, tail, &Origin::Bytes).unwrap();
            assert_eq!(read(&bytes, &info).unwrap(), expected.as_ref());
        }
    }

    #[test]
    fn bytes_appended_after_the_length_was_checked_are_not_read() {
        // The file grew between `inspect` and the read: the tail is read to the end
        // of the file past `SMALL_READ`, and must still stop at the checksum.
        for bytes in [
            crate::to_bytes(&vec![7u8; 100]).unwrap(),
            crate::to_bytes(&vec![3u64; 5000]).unwrap(),
            lz4_noise_file(READ_CHUNK - 100),
        ] {
            let info = crate::inspect_bytes(&bytes).unwrap();
            let tail = &bytes[info.header_len as usize..];
            let expected = payload_of(&info, tail, &Origin::Bytes).unwrap();
            let mut grown = bytes.clone();
            grown.extend_from_slice(&[0xEE; 5000]);
            assert_eq!(read(&grown, &info).unwrap(), expected.as_ref());
        }
    }

    #[test]
    fn any_flipped_byte_of_a_streamed_payload_is_a_checksum_mismatch() {
        let bytes = lz4_file();
        let info = crate::inspect_bytes(&bytes).unwrap();
        let start = info.header_len as usize;
        let end = bytes.len() - CHECKSUM_LEN;
        assert!(info.payload_len > 4 << 20, "more than one block");
        // The frame header, the first block's size, inside blocks, the end mark,
        // and the stored checksum itself.
        for at in [
            start,
            start + 4,
            start + 7,
            start + 9,
            start + 1000,
            end - 4,
        ]
        .into_iter()
        .chain((start..end).step_by(1 << 20))
        .chain([end, bytes.len() - 1])
        {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x10;
            let err = read(&flipped, &info).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::ChecksumMismatch {
                        section: Section::Payload,
                        ..
                    }
                ),
                "byte {at}: {err:?}"
            );
        }
    }

    #[test]
    fn a_consistent_but_invalid_lz4_payload_is_corrupt() {
        let bytes = lz4_file();
        let mut info = crate::inspect_bytes(&bytes).unwrap();
        // The header promises more than the frame holds.
        info.uncompressed_len += 1;
        let err = read(&bytes, &info).unwrap_err();
        assert!(
            matches!(&err, Error::Corrupt { detail, .. } if detail.contains("not the declared")),
            "{err:?}"
        );
        // More than lz4 can expand the stored bytes into: refused before allocating.
        info.uncompressed_len = info.payload_len * 300;
        let err = read(&bytes, &info).unwrap_err();
        assert!(
            matches!(&err, Error::Corrupt { detail, .. } if detail.contains("more than lz4 can expand")),
            "{err:?}"
        );
        // Garbage where the frame should be, under a checksum that matches it.
        let mut garbage = bytes.clone();
        let start = info.header_len as usize;
        let end = garbage.len() - CHECKSUM_LEN;
        garbage[start..end].fill(0xAB);
        let sum = format::checksum(&garbage[start..end]);
        garbage[end..].copy_from_slice(&sum.to_le_bytes());
        info.uncompressed_len = info.payload_len;
        let err = read(&garbage, &info).unwrap_err();
        assert!(
            matches!(&err, Error::Corrupt { detail, .. } if detail.contains("lz4 data is invalid")),
            "{err:?}"
        );
    }

    #[test]
    fn a_file_shorter_than_its_header_says_is_truncated() {
        for bytes in [
            crate::to_bytes(&vec![7u8; 100]).unwrap(),
            lz4_noise_file(READ_CHUNK - 100),
            lz4_noise_file(READ_CHUNK + 100),
            lz4_file(),
        ] {
            let info = crate::inspect_bytes(&bytes).unwrap();
            // As if the file shrank after its length was checked: cut in the payload,
            // and in the checksum.
            for cut in [
                bytes.len() - 1000.min(info.payload_len as usize),
                bytes.len() - 3,
            ] {
                let err = read(&bytes[..cut], &info).unwrap_err();
                assert!(
                    matches!(err, Error::Truncated { section: Section::Payload, found, expected, .. }
                        if found == cut as u64 && expected == bytes.len() as u64),
                    "cut at {cut}: {err:?}"
                );
            }
        }
    }
}
