//! The bare baseline's building blocks: lz4 frames with persist's settings, and
//! files written with the same durability as a persist save. The peers go through
//! the same functions, so every contender pays for the same codec and the same
//! write.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use lz4_flex::frame::{BlockMode, BlockSize, FrameDecoder, FrameEncoder, FrameInfo};
use persist::Compression;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Buffer size of the streamed save and load.
const STREAM_BUFFER: usize = 1 << 20;

/// Scratch space of a streamed load, for the bytes of one string at a time (postcard
/// copies a string through it): longer than any string of the datasets.
const STREAM_SCRATCH: usize = 64 << 10;

/// The frame parameters of persist-core/src/codec.rs (`frame_info`): 4 MB
/// independent blocks, no lz4 checksums.
pub fn frame_info() -> FrameInfo {
    FrameInfo::new()
        .block_size(BlockSize::Max4MB)
        .block_mode(BlockMode::Independent)
        .content_checksum(false)
        .block_checksums(false)
}

/// Applies `codec` to `raw` (no copy when there is nothing to do).
pub fn compress(raw: Vec<u8>, codec: Compression) -> Vec<u8> {
    match codec {
        Compression::Lz4 => {
            let mut encoder =
                FrameEncoder::with_frame_info(frame_info(), Vec::with_capacity(raw.len() / 2));
            encoder.write_all(&raw).expect("lz4 into memory");
            encoder.finish().expect("lz4 into memory")
        }
        _ => raw,
    }
}

/// Undoes [`compress`]; the bare way, without knowing the decompressed size.
pub fn decompress(stored: Cow<'_, [u8]>, codec: Compression) -> Cow<'_, [u8]> {
    match codec {
        Compression::Lz4 => {
            let mut raw = Vec::new();
            FrameDecoder::new(&stored[..])
                .read_to_end(&mut raw)
                .expect("valid lz4 frame");
            Cow::Owned(raw)
        }
        _ => stored,
    }
}

/// Replaces `path` with `bytes` as persist's save does (`atomic::write_file`):
/// a temporary file beside it, fsync, rename, fsync of the directory; without
/// `durable`, the same minus both fsyncs.
pub fn write_file(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    write_with(path, durable, |file| file.write_all(bytes))
}

/// [`write_file`] with the content written by `fill` into the temporary file.
pub fn write_with(
    path: &Path,
    durable: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().expect("benchmark files live in a directory");
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    fill(temp.as_file_mut())?;
    if durable {
        temp.as_file().sync_all()?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    if durable {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Reads a whole file, the plain way.
pub fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    fs::read(path)
}

/// Saves `value` with postcard writing straight into the (lz4 encoder of a)
/// buffered temporary file, then renames it as [`write_file`] does: what a save
/// that streams can reach, without a buffer the size of the encoding.
pub fn save_streamed<T: Serialize + ?Sized>(
    value: &T,
    path: &Path,
    codec: Compression,
    durable: bool,
) -> io::Result<()> {
    write_with(path, durable, |file| {
        let writer = BufWriter::with_capacity(STREAM_BUFFER, file);
        match codec {
            Compression::Lz4 => {
                let encoder = FrameEncoder::with_frame_info(frame_info(), writer);
                let encoder = postcard::to_io(value, encoder).map_err(io::Error::other)?;
                encoder.finish().map_err(io::Error::other)?.flush()
            }
            _ => postcard::to_io(value, writer)
                .map_err(io::Error::other)?
                .flush(),
        }
    })
}

/// Loads what [`save_streamed`] (or the baseline's save) wrote, with postcard
/// reading from the (lz4 decoder of a) buffered file.
pub fn load_streamed<T: DeserializeOwned>(path: &Path, codec: Compression) -> io::Result<T> {
    let reader = BufReader::with_capacity(STREAM_BUFFER, File::open(path)?);
    let mut scratch = vec![0u8; STREAM_SCRATCH];
    let value = match codec {
        Compression::Lz4 => {
            postcard::from_io((FrameDecoder::new(reader), &mut scratch[..])).map(|(v, _)| v)
        }
        _ => postcard::from_io((reader, &mut scratch[..])).map(|(v, _)| v),
    };
    value.map_err(io::Error::other)
}
