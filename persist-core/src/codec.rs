//! Payload codecs: how the encoded value is stored (as is, lz4- or zstd-compressed).

use std::borrow::Cow;
use std::fmt::{self, Display, Formatter};
use std::io::Write;

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
    /// The payload is compressed in the Zstandard frame format: a much better ratio
    /// than lz4 (often half the size on numeric data), at a level set by
    /// [`SaveOptions::compression_level`](crate::SaveOptions::compression_level)
    /// (default [`Compression::ZSTD_DEFAULT_LEVEL`]).
    Zstd,
}

impl Compression {
    /// Every codec this build knows.
    pub const ALL: [Compression; 3] = [Compression::None, Compression::Lz4, Compression::Zstd];

    /// The zstd level a save uses unless told otherwise: zstd's own default, a
    /// good balance of speed and size.
    pub const ZSTD_DEFAULT_LEVEL: i32 = 3;

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
            Compression::Zstd => 2,
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
            Compression::Zstd => Some("zst"),
        }
    }

    /// The codec an extension (without the dot, any case) implies, if any; `zstd`
    /// is accepted beside `zst`.
    ///
    /// ```
    /// # use persist_core::Compression;
    /// assert_eq!(Compression::from_extension("pickle"), None);
    /// assert_eq!(Compression::from_extension("ZSTD"), Some(Compression::Zstd));
    /// ```
    pub fn from_extension(extension: &str) -> Option<Compression> {
        if extension.eq_ignore_ascii_case("zstd") {
            return Some(Compression::Zstd);
        }
        Compression::ALL.into_iter().find(|c| {
            c.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(extension))
        })
    }

    /// The level a save with this codec uses, from the one asked for (if any).
    ///
    /// # Errors
    ///
    /// A message naming the range, for a zstd level outside zstd's; for any level
    /// asked of a codec without levels.
    ///
    /// ```
    /// # use persist_core::Compression;
    /// assert_eq!(Compression::Zstd.level(None), Ok(Compression::ZSTD_DEFAULT_LEVEL));
    /// assert_eq!(Compression::Zstd.level(Some(19)), Ok(19));
    /// assert!(Compression::Zstd.level(Some(99)).is_err());
    /// assert!(Compression::Lz4.level(Some(9)).is_err());
    /// ```
    pub fn level(self, asked: Option<i32>) -> Result<i32, String> {
        match (self, asked) {
            (Compression::Zstd, None) => Ok(Compression::ZSTD_DEFAULT_LEVEL),
            (Compression::Zstd, Some(level)) => {
                let range = zstd::compression_level_range();
                if range.contains(&level) && level != 0 {
                    Ok(level)
                } else {
                    Err(format!(
                        "zstd levels run from 1 (fast) to {} (small), or from -1 down to {} \
                         for faster still; not {level}",
                        range.end(),
                        range.start()
                    ))
                }
            }
            (_, None) => Ok(0),
            (codec, Some(level)) => Err(format!(
                "{codec} compression has no levels (asked for {level}); use zstd for a level"
            )),
        }
    }

    /// Compresses `raw` into a new buffer. Saves stream through the encoders
    /// instead; this whole-buffer form is the reference they are tested against.
    #[cfg(test)]
    pub(crate) fn compress(self, raw: &[u8]) -> Result<Cow<'_, [u8]>, String> {
        match self {
            Compression::None => Ok(Cow::Borrowed(raw)),
            Compression::Zstd => zstd::encode_all(raw, Compression::ZSTD_DEFAULT_LEVEL)
                .map(Cow::Owned)
                .map_err(|e| format!("zstd compression failed: {e}")),
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
                crate::lz4_frame::decompress_from(stored, stored.len() as u64, raw_len)
                    .map(Cow::Owned)
            }
            Compression::Zstd => {
                crate::zstd_frame::decompress_from(stored, stored.len() as u64, raw_len)
                    .map(Cow::Owned)
            }
        }
    }
}

/// An lz4 frame encoder writing into `out`, with the frame parameters of every file.
pub(crate) fn lz4_encoder<W: Write>(out: W) -> FrameEncoder<W> {
    FrameEncoder::with_frame_info(frame_info(), out)
}

/// A zstd frame encoder at `level` writing into `out`, with the frame parameters
/// of every file: no zstd checksum (the payload checksum covers the stored bytes).
pub(crate) fn zstd_encoder<W: Write>(
    out: W,
    level: i32,
) -> std::io::Result<zstd::stream::write::Encoder<'static, W>> {
    let mut encoder = zstd::stream::write::Encoder::new(out, level)?;
    encoder.include_checksum(false)?;
    Ok(encoder)
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
            Compression::Zstd => "zstd",
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
}
