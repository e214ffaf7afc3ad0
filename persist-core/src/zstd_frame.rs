//! Reading the zstd frame of a payload, bounded by the stored bytes and the
//! declared length: whole into one buffer ([`decompress_from`]) or as a reader
//! ([`Reader`]) that the streaming load decodes from.
//!
//! The stored bytes are untrusted. The decoder refuses a frame whose window is
//! larger than [`WINDOW_LOG_MAX`] allows before it allocates it, a frame that
//! expands past the declared length is refused as soon as it does, and bytes after
//! the one frame a payload holds are corrupt. A buffer is never sized by the
//! declared length alone: it grows with the bytes that really come out.

use std::io::{self, BufRead, Read};

use zstd::stream::read::Decoder;

/// The largest window a frame may ask for: 2^27 bytes (128 MiB), what zstd's own
/// command-line tool accepts by default. persist writes frames with the window of
/// its level (at most 8 MiB up to level 19).
pub(crate) const WINDOW_LOG_MAX: u32 = 27;

/// A buffer for the whole decompressed payload starts at most this many times the
/// stored size (and grows as bytes arrive): zstd's ratio has no useful bound, so a
/// declared length is never trusted to size memory.
const INITIAL_RATIO: u64 = 8;

/// The decoder of the one frame in `stored`.
fn decoder<R: BufRead>(stored: R) -> Result<Decoder<'static, R>, String> {
    let mut decoder = Decoder::with_buffer(stored).map_err(|e| invalid(&e))?;
    decoder
        .window_log_max(WINDOW_LOG_MAX)
        .map_err(|e| invalid(&e))?;
    Ok(decoder.single_frame())
}

fn invalid(e: &io::Error) -> String {
    format!("invalid zstd frame: {e}")
}

/// Decompresses the frame in `stored` (`stored_len` bytes), which must expand to
/// exactly `raw_len` bytes and end where the stored bytes do.
pub(crate) fn decompress_from(
    stored: impl BufRead,
    stored_len: u64,
    raw_len: u64,
) -> Result<Vec<u8>, String> {
    let mut reader = Reader::new(stored, raw_len)?;
    let start = raw_len.min(stored_len.saturating_mul(INITIAL_RATIO));
    let mut out = Vec::with_capacity(usize::try_from(start).unwrap_or(0));
    reader.read_to_end(&mut out).map_err(|e| {
        e.into_inner()
            .map_or_else(|| "invalid zstd frame".into(), |e| e.to_string())
    })?;
    Ok(out)
}

/// The decompressed bytes of a payload's zstd frame, exactly `raw_len` of them: a
/// frame that expands to more or less, or is followed by more stored bytes, fails
/// the read with the reason.
pub(crate) struct Reader<R: BufRead> {
    decoder: Option<Decoder<'static, R>>,
    raw_len: u64,
    produced: u64,
}

impl<R: BufRead> Reader<R> {
    /// A reader of the frame in `stored`, which must expand to `raw_len` bytes.
    pub(crate) fn new(stored: R, raw_len: u64) -> Result<Self, String> {
        Ok(Reader {
            decoder: Some(decoder(stored)?),
            raw_len,
            produced: 0,
        })
    }

    fn fail(message: String) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, message)
    }

    /// The frame has ended: it must have produced the declared length, and no
    /// stored byte may follow it.
    fn at_end(&mut self) -> io::Result<()> {
        let Some(decoder) = self.decoder.take() else {
            return Ok(());
        };
        if self.produced != self.raw_len {
            return Err(Self::fail(format!(
                "the zstd frame expands to {} bytes, not the declared {}",
                self.produced, self.raw_len
            )));
        }
        let mut rest = decoder.finish();
        if !rest.fill_buf()?.is_empty() {
            return Err(Self::fail(
                "bytes follow the zstd frame in the payload".into(),
            ));
        }
        Ok(())
    }
}

impl<R: BufRead> Read for Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(0);
        };
        if buf.is_empty() {
            return Ok(0);
        }
        // One byte past the declared length, to see a frame that goes on.
        let left = self.raw_len - self.produced;
        let want = buf
            .len()
            .min(usize::try_from(left.saturating_add(1)).unwrap_or(usize::MAX));
        let n = decoder
            .read(&mut buf[..want])
            .map_err(|e| Self::fail(invalid(&e)))?;
        if n == 0 {
            self.at_end()?;
            return Ok(0);
        }
        self.produced += n as u64;
        if self.produced > self.raw_len {
            return Err(Self::fail(format!(
                "the zstd frame expands to more than the declared {} bytes",
                self.raw_len
            )));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(raw: &[u8]) -> Vec<u8> {
        zstd::encode_all(raw, 3).unwrap()
    }

    #[test]
    fn a_frame_expands_to_exactly_its_declared_length() {
        let raw: Vec<u8> = (0..100_000u32)
            .flat_map(|i| (i % 7).to_le_bytes())
            .collect();
        let stored = frame(&raw);
        assert_eq!(
            decompress_from(&stored[..], stored.len() as u64, raw.len() as u64).unwrap(),
            raw
        );
        let err = decompress_from(&stored[..], stored.len() as u64, 5).unwrap_err();
        assert!(err.contains("more than the declared 5"), "{err}");
        let err = decompress_from(&stored[..], stored.len() as u64, 1 << 40).unwrap_err();
        assert!(err.contains("not the declared"), "{err}");
    }

    #[test]
    fn garbage_and_trailing_bytes_are_refused() {
        assert!(decompress_from(&b"not zstd at all"[..], 15, 15).is_err());
        let mut stored = frame(b"hello hello hello");
        stored.push(0);
        let err = decompress_from(&stored[..], stored.len() as u64, 17).unwrap_err();
        assert!(err.contains("bytes follow the zstd frame"), "{err}");
    }

    #[test]
    fn a_lying_length_does_not_size_the_buffer() {
        // A few bytes that claim a terabyte: the buffer starts from the stored size.
        let stored = frame(&[0u8; 1000]);
        assert!(decompress_from(&stored[..], stored.len() as u64, 1 << 40).is_err());
    }
}
