//! Payload codecs: how the encoded value is stored (as is, or lz4-compressed).

use std::borrow::Cow;
use std::fmt::{self, Display, Formatter};
use std::io::{Read, Write};

use lz4_flex::block::DecompressError;
use lz4_flex::frame::{BlockMode, BlockSize, FrameEncoder, FrameInfo};

/// How a file's payload is compressed.
///
/// A save picks it from [`SaveOptions::compression`](crate::SaveOptions::compression),
/// else from the file's extension, else [`Compression::None`]. A load always reads it
/// from the file's header, never from its name.
///
/// # Example
///
/// ```
/// use persist_core::Compression;
///
/// assert_eq!(Compression::default(), Compression::None);
/// assert_eq!(Compression::Lz4.extension(), Some("lz4"));
/// assert_eq!(Compression::from_extension("LZ4"), Some(Compression::Lz4));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compression {
    /// The payload is stored as postcard encoded it.
    #[default]
    None,
    /// The payload is compressed in the LZ4 frame format: fast, with a modest ratio.
    Lz4,
}

/// LZ4 can expand at most about 255 bytes out of one stored byte; a header that
/// claims more is refused before anything is allocated for it.
const LZ4_MAX_RATIO: u64 = 256;

impl Compression {
    /// Every codec this build knows.
    pub const ALL: [Compression; 2] = [Compression::None, Compression::Lz4];

    /// The id stored in the file header.
    ///
    /// ```
    /// # use persist_core::Compression;
    /// assert_eq!(Compression::from_id(Compression::Lz4.id()), Some(Compression::Lz4));
    /// ```
    pub const fn id(self) -> u8 {
        match self {
            Compression::None => 0,
            Compression::Lz4 => 1,
        }
    }

    /// The codec with header id `id`, if this build knows it.
    ///
    /// ```
    /// # use persist_core::Compression;
    /// assert_eq!(Compression::from_id(0), Some(Compression::None));
    /// assert_eq!(Compression::from_id(200), None);
    /// ```
    pub fn from_id(id: u8) -> Option<Compression> {
        Compression::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The file extension that implies this codec (`None` for no compression).
    ///
    /// ```
    /// # use persist_core::Compression;
    /// assert_eq!(Compression::None.extension(), None);
    /// ```
    pub const fn extension(self) -> Option<&'static str> {
        match self {
            Compression::None => None,
            Compression::Lz4 => Some("lz4"),
        }
    }

    /// The codec an extension (without the dot, any case) implies, if any.
    ///
    /// ```
    /// # use persist_core::Compression;
    /// assert_eq!(Compression::from_extension("pickle"), None);
    /// ```
    pub fn from_extension(extension: &str) -> Option<Compression> {
        Compression::ALL.into_iter().find(|c| {
            c.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(extension))
        })
    }

    /// Compresses `raw` into a new buffer. Saves stream through [`lz4_encoder`]
    /// instead; this whole-buffer form is the reference they are tested against.
    #[cfg(test)]
    pub(crate) fn compress(self, raw: &[u8]) -> Result<Cow<'_, [u8]>, String> {
        match self {
            Compression::None => Ok(Cow::Borrowed(raw)),
            Compression::Lz4 => {
                let mut encoder = lz4_encoder(Vec::with_capacity(raw.len() / 2));
                encoder
                    .write_all(raw)
                    .map_err(|e| format!("lz4 compression failed: {e}"))?;
                let stored = encoder
                    .finish()
                    .map_err(|e| format!("lz4 compression failed: {e}"))?;
                Ok(Cow::Owned(stored))
            }
        }
    }

    /// Decompresses `stored`, which must expand to exactly `raw_len` bytes.
    ///
    /// `raw_len` comes from the file: it is checked against what the codec can
    /// possibly produce before it sizes any allocation.
    pub(crate) fn decompress(self, stored: &[u8], raw_len: u64) -> Result<Cow<'_, [u8]>, String> {
        match self {
            Compression::None => {
                if stored.len() as u64 != raw_len {
                    return Err(format!(
                        "uncompressed payload of {} bytes is declared as {raw_len} bytes",
                        stored.len()
                    ));
                }
                Ok(Cow::Borrowed(stored))
            }
            Compression::Lz4 => {
                lz4_decompress_from(stored, stored.len() as u64, raw_len).map(Cow::Owned)
            }
        }
    }
}

/// An lz4 frame encoder writing into `out`, with the frame parameters of every file.
pub(crate) fn lz4_encoder<W: Write>(out: W) -> FrameEncoder<W> {
    FrameEncoder::with_frame_info(frame_info(), out)
}

/// Decompresses the lz4 frame of `stored_len` bytes read from `stored`, which must
/// expand to exactly `raw_len` bytes.
///
/// `raw_len` comes from the file: it is checked against what `stored_len` bytes can
/// possibly expand into before it sizes any allocation. The decoder reads `stored`
/// as it goes, so a reader over a file never has the compressed bytes whole in memory.
pub(crate) fn lz4_decompress_from(
    stored: impl Read,
    stored_len: u64,
    raw_len: u64,
) -> Result<Vec<u8>, String> {
    let reachable = stored_len.saturating_mul(LZ4_MAX_RATIO);
    if raw_len > reachable {
        return Err(format!(
            "declares {raw_len} uncompressed bytes, more than lz4 can expand {stored_len} bytes into"
        ));
    }
    // Bounded by the check above; usize conversion only fails on 32-bit
    // targets, where such a buffer could not exist anyway.
    let capacity = usize::try_from(raw_len)
        .map_err(|_| format!("{raw_len} bytes do not fit in memory here"))?;
    // The frame is read here rather than by lz4_flex's `FrameDecoder`, which sizes
    // two buffers by the block size the frame header claims (4 MiB each, zeroed per
    // block) whatever the data: a 100-byte file cost 8 MiB. Here blocks decode
    // straight into the output, and a block's buffer is bounded by the stored bytes.
    let mut frame = Lz4Frame {
        source: stored,
        left: stored_len,
    };
    let header = frame.header(raw_len)?;
    let too_long = || format!("lz4 data expands to more than the declared {raw_len} bytes");
    let mut raw = vec![0u8; capacity];
    let mut filled = 0;
    let mut block = Vec::new();
    while let Some((len, compressed)) = frame.block_size(header.max_block)? {
        block.resize(len, 0);
        frame.fill(&mut block, "a block")?;
        if header.block_checksums {
            frame.bytes::<4>("a block checksum")?;
        }
        let (done, out) = raw.split_at_mut(filled);
        filled += if !compressed {
            out.get_mut(..len)
                .ok_or_else(too_long)?
                .copy_from_slice(&block);
            len
        } else {
            // A block never expands past the frame's block size (lz4_flex's
            // FrameDecoder holds blocks to it too): a frame that breaks the rule
            // was not written by persist.
            let room = out.len();
            let out = &mut out[..room.min(header.max_block)];
            let decoded = if header.linked {
                // Linked blocks may refer to the last 64 KiB of the blocks before.
                let window = &done[done.len().saturating_sub(64 << 10)..];
                lz4_flex::block::decompress_into_with_dict(&block, out, window)
            } else {
                lz4_flex::block::decompress_into(&block, out)
            };
            decoded.map_err(|e| match e {
                DecompressError::OutputTooSmall { .. } if room > header.max_block => format!(
                    "lz4 data is invalid: a block expands past the frame's block size of {} bytes",
                    header.max_block
                ),
                DecompressError::OutputTooSmall { .. } => too_long(),
                e => format!("lz4 data is invalid: {e}"),
            })?
        };
    }
    if header.content_checksum {
        frame.bytes::<4>("the content checksum")?;
    }
    if frame.left != 0 {
        return Err(format!(
            "lz4 data is invalid: {} bytes follow the end of the frame",
            frame.left
        ));
    }
    if filled != capacity {
        return Err(format!(
            "lz4 data expands to {filled} bytes, not the declared {raw_len}"
        ));
    }
    Ok(raw)
}

/// The LZ4 frame format's magic number, little-endian.
const LZ4_MAGIC: [u8; 4] = [0x04, 0x22, 0x4d, 0x18];

/// What an lz4 frame header says about the blocks after it.
struct Lz4Header {
    max_block: usize,
    linked: bool,
    block_checksums: bool,
    content_checksum: bool,
}

/// A reader of the `left` stored bytes of an lz4 frame that refuses to read past them.
///
/// lz4's own checksums (of the frame header, of blocks, of the content) are skipped,
/// not verified: the payload checksum already covers every stored byte.
struct Lz4Frame<R> {
    source: R,
    left: u64,
}

impl<R: Read> Lz4Frame<R> {
    fn fill(&mut self, buf: &mut [u8], what: &str) -> Result<(), String> {
        if buf.len() as u64 > self.left {
            return Err(format!("lz4 data is invalid: it ends inside {what}"));
        }
        self.source
            .read_exact(buf)
            .map_err(|e| format!("lz4 data is invalid: reading {what}: {e}"))?;
        self.left -= buf.len() as u64;
        Ok(())
    }

    fn bytes<const N: usize>(&mut self, what: &str) -> Result<[u8; N], String> {
        let mut buf = [0u8; N];
        self.fill(&mut buf, what)?;
        Ok(buf)
    }

    /// Reads the frame header, as the LZ4 frame format lays it out.
    fn header(&mut self, raw_len: u64) -> Result<Lz4Header, String> {
        let invalid = |what: String| Err(format!("lz4 data is invalid: {what}"));
        if self.bytes::<4>("the magic number")? != LZ4_MAGIC {
            return invalid("it does not start with the lz4 frame magic number".into());
        }
        let [flags, block_descriptor] = self.bytes::<2>("the frame header")?;
        if flags >> 6 != 1 || flags & 0b10 != 0 || block_descriptor & 0x8f != 0 {
            return invalid(format!(
                "unknown frame version or reserved bits set ({flags:#04x} {block_descriptor:#04x})"
            ));
        }
        let max_block = match block_descriptor >> 4 {
            4 => 64 << 10,
            5 => 256 << 10,
            6 => 1 << 20,
            7 => 4 << 20,
            other => return invalid(format!("unknown block size code {other}")),
        };
        if flags & 0x08 != 0 {
            let content_size = u64::from_le_bytes(self.bytes::<8>("the content size")?);
            if content_size != raw_len {
                return invalid(format!(
                    "the frame holds {content_size} bytes, not the declared {raw_len}"
                ));
            }
        }
        if flags & 0x01 != 0 {
            return invalid("it needs a dictionary".into());
        }
        self.bytes::<1>("the frame header checksum")?;
        Ok(Lz4Header {
            max_block,
            linked: flags & 0x20 == 0,
            block_checksums: flags & 0x10 != 0,
            content_checksum: flags & 0x04 != 0,
        })
    }

    /// The next block's stored size and whether it is compressed, or `None` at the
    /// end mark. The size is checked before it sizes anything.
    fn block_size(&mut self, max_block: usize) -> Result<Option<(usize, bool)>, String> {
        let size = u32::from_le_bytes(self.bytes::<4>("a block size")?);
        if size == 0 {
            return Ok(None);
        }
        let len = (size & 0x7fff_ffff) as usize;
        if len > max_block || len as u64 > self.left {
            return Err(format!(
                "lz4 data is invalid: a block claims {len} bytes, but blocks hold at most {max_block} and {} are left",
                self.left
            ));
        }
        Ok(Some((len, size & 0x8000_0000 == 0)))
    }
}

/// The lz4 frame parameters of every file: our own checksums cover the payload, so
/// lz4's are switched off; large independent blocks give the best speed and ratio.
fn frame_info() -> FrameInfo {
    FrameInfo::new()
        .block_size(BlockSize::Max4MB)
        .block_mode(BlockMode::Independent)
        .content_checksum(false)
        .block_checksums(false)
}

impl Display for Compression {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compression::None => "no",
            Compression::Lz4 => "lz4",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lz4_round_trips_and_shrinks_repetitive_data() {
        let raw: Vec<u8> = (0..100_000u32)
            .flat_map(|i| (i % 7).to_le_bytes())
            .collect();
        let stored = Compression::Lz4.compress(&raw).unwrap();
        assert!(stored.len() < raw.len() / 4, "{} bytes", stored.len());
        let back = Compression::Lz4
            .decompress(&stored, raw.len() as u64)
            .unwrap();
        assert_eq!(back.as_ref(), raw.as_slice());
    }

    #[test]
    fn lz4_refuses_impossible_and_wrong_sizes() {
        let stored = Compression::Lz4.compress(b"hello hello hello").unwrap();
        let err = Compression::Lz4.decompress(&stored, 1 << 40).unwrap_err();
        assert!(err.contains("more than lz4 can expand"), "{err}");
        let err = Compression::Lz4.decompress(&stored, 5).unwrap_err();
        assert!(err.contains("more than the declared 5"), "{err}");
        let err = Compression::Lz4.decompress(&stored, 40).unwrap_err();
        assert!(
            err.contains("expands to 17 bytes, not the declared 40"),
            "{err}"
        );
        let err = Compression::Lz4.decompress(b"garbage!", 8).unwrap_err();
        assert!(err.contains("invalid"), "{err}");
    }

    /// Frames of every layout lz4 allows (as another writer may produce them) decode:
    /// several blocks, linked or not, with lz4's checksums and content size.
    #[test]
    fn lz4_frames_of_every_layout_decode() {
        let raw: Vec<u8> = (0..300_000u32)
            .map(|i| (i * 7 % 251) as u8 ^ (i / 5000) as u8)
            .collect();
        for mode in [BlockMode::Independent, BlockMode::Linked] {
            for extras in [false, true] {
                let info = FrameInfo::new()
                    .block_size(BlockSize::Max64KB)
                    .block_mode(mode)
                    .block_checksums(extras)
                    .content_checksum(extras)
                    .content_size(extras.then_some(raw.len() as u64));
                let mut encoder = FrameEncoder::with_frame_info(info, Vec::new());
                encoder.write_all(&raw).unwrap();
                let stored = encoder.finish().unwrap();
                let back = lz4_decompress_from(&stored[..], stored.len() as u64, raw.len() as u64);
                assert!(
                    back.unwrap() == raw,
                    "{mode:?}, checksums and size: {extras}"
                );
            }
        }
    }

    #[test]
    fn lz4_refuses_frames_that_do_not_fit_their_bytes() {
        let stored = Compression::Lz4.compress(b"hello hello hello").unwrap();
        let len = stored.len() as u64;
        // Fewer stored bytes than the frame, and bytes after it.
        let err = lz4_decompress_from(&stored[..], len - 1, 17).unwrap_err();
        assert!(err.contains("ends inside"), "{err}");
        let mut longer = stored.to_vec();
        longer.push(0);
        let err = lz4_decompress_from(&longer[..], len + 1, 17).unwrap_err();
        assert!(err.contains("1 bytes follow the end of the frame"), "{err}");
        // A block that claims more than is left, and more than blocks may hold.
        for size in [0x7fff_ffffu32, 100] {
            let mut lying = stored[..7].to_vec();
            lying.extend_from_slice(&size.to_le_bytes());
            lying.extend_from_slice(&[0; 8]);
            let err = lz4_decompress_from(&lying[..], lying.len() as u64, 8).unwrap_err();
            assert!(err.contains("a block claims"), "{err}");
        }
    }

    #[test]
    fn lz4_refuses_a_block_that_expands_past_the_block_size() {
        // The header of a frame of 64 KiB independent blocks, then one block that
        // expands to 200,000 bytes, then the end mark.
        let info = FrameInfo::new().block_size(BlockSize::Max64KB);
        let mut encoder = FrameEncoder::with_frame_info(info, Vec::new());
        encoder.write_all(b"x").unwrap();
        let header = encoder.finish().unwrap()[..7].to_vec();
        let block = lz4_flex::block::compress(&[0u8; 200_000]);
        let mut frame = header;
        frame.extend_from_slice(&(block.len() as u32).to_le_bytes());
        frame.extend_from_slice(&block);
        frame.extend_from_slice(&0u32.to_le_bytes());
        let err = lz4_decompress_from(&frame[..], frame.len() as u64, 200_000).unwrap_err();
        assert!(
            err.contains("a block expands past the frame's block size of 65536 bytes"),
            "{err}"
        );
    }
}
