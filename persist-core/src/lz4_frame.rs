//! Reading an lz4 frame, block by block, without lz4_flex's `FrameDecoder`.
//!
//! `FrameDecoder` sizes two buffers by the block size the frame header claims (4 MiB
//! each, zeroed per block) whatever the data: a 100-byte file cost 8 MiB. Here a
//! block is held to the stored bytes left and to the declared uncompressed length,
//! and decodes straight into its destination: the whole payload's buffer
//! ([`decompress_from`]) or one block's buffer that a load streams from ([`Reader`]).
//!
//! lz4's own checksums (of the frame header, of blocks, of the content) are skipped,
//! not verified: the payload checksum already covers every stored byte.

use std::io::{self, Read};

use lz4_flex::block::DecompressError;

/// LZ4 can expand at most about 255 bytes out of one stored byte; a header that
/// claims more is refused before anything is allocated for it.
const LZ4_MAX_RATIO: u64 = 256;

/// The LZ4 frame format's magic number, little-endian.
const LZ4_MAGIC: [u8; 4] = [0x04, 0x22, 0x4d, 0x18];

/// How much output before a linked block it may refer to.
const LINKED_WINDOW: usize = 64 << 10;

/// Decompresses the lz4 frame of `stored_len` bytes read from `stored`, which must
/// expand to exactly `raw_len` bytes.
///
/// `raw_len` comes from the file: it is checked against what `stored_len` bytes can
/// possibly expand into before it sizes any allocation. The decoder reads `stored`
/// as it goes, so a reader over a file never has the compressed bytes whole in memory.
pub(crate) fn decompress_from(
    stored: impl Read,
    stored_len: u64,
    raw_len: u64,
) -> Result<Vec<u8>, String> {
    let mut blocks = Blocks::new(stored, stored_len, raw_len)?;
    // Bounded by the check in `Blocks::new`; usize conversion only fails on 32-bit
    // targets, where such a buffer could not exist anyway.
    let capacity = usize::try_from(raw_len)
        .map_err(|_| format!("{raw_len} bytes do not fit in memory here"))?;
    let mut raw = vec![0u8; capacity];
    let mut filled = 0;
    loop {
        let (done, out) = raw.split_at_mut(filled);
        let window = &done[done.len().saturating_sub(LINKED_WINDOW)..];
        match blocks.next_block(out, window)? {
            Some(len) => filled += len,
            None => return Ok(raw),
        }
    }
}

/// The blocks of an lz4 frame, decoded one at a time.
struct Blocks<R> {
    frame: Frame<R>,
    header: Header,
    /// The stored bytes of the block being decoded.
    block: Vec<u8>,
    raw_len: u64,
    /// How many bytes the blocks so far expanded to.
    produced: u64,
}

impl<R: Read> Blocks<R> {
    /// Reads the frame header of the `stored_len` bytes of `stored`, which must
    /// expand to `raw_len` bytes.
    fn new(stored: R, stored_len: u64, raw_len: u64) -> Result<Self, String> {
        let reachable = stored_len.saturating_mul(LZ4_MAX_RATIO);
        if raw_len > reachable {
            return Err(format!(
                "declares {raw_len} uncompressed bytes, more than lz4 can expand {stored_len} bytes into"
            ));
        }
        let mut frame = Frame {
            source: stored,
            left: stored_len,
        };
        let header = frame.header(raw_len)?;
        Ok(Blocks {
            frame,
            header,
            block: Vec::new(),
            raw_len,
            produced: 0,
        })
    }

    /// The most bytes one block may expand to, bounded by the declared length.
    fn block_capacity(&self) -> usize {
        usize::try_from(self.raw_len)
            .map_or(self.header.max_block, |raw| raw.min(self.header.max_block))
    }

    /// Decodes the next block to the start of `out`, and returns its length; `None`
    /// at the end of the frame, once the frame is checked to end where its bytes
    /// do, having expanded to exactly the declared length. `window` is the output
    /// just before `out` (up to 64 KiB), which linked blocks may refer to.
    fn next_block(&mut self, out: &mut [u8], window: &[u8]) -> Result<Option<usize>, String> {
        let raw_len = self.raw_len;
        let too_long = || format!("lz4 data expands to more than the declared {raw_len} bytes");
        let Some((len, compressed)) = self.frame.block_size(self.header.max_block)? else {
            self.finish()?;
            return Ok(None);
        };
        self.block.resize(len, 0);
        self.frame.fill(&mut self.block, "a block")?;
        if self.header.block_checksums {
            self.frame.bytes::<4>("a block checksum")?;
        }
        let room = usize::try_from(raw_len - self.produced).unwrap_or(usize::MAX);
        let out_len = out.len().min(room);
        let out = &mut out[..out_len];
        let decoded = if !compressed {
            out.get_mut(..len)
                .ok_or_else(too_long)?
                .copy_from_slice(&self.block);
            len
        } else {
            // A block never expands past the frame's block size (lz4_flex's
            // FrameDecoder holds blocks to it too): a frame that breaks the rule
            // was not written by persist.
            let out = &mut out[..out_len.min(self.header.max_block)];
            let decoded = if self.header.linked {
                lz4_flex::block::decompress_into_with_dict(&self.block, out, window)
            } else {
                lz4_flex::block::decompress_into(&self.block, out)
            };
            decoded.map_err(|e| match e {
                DecompressError::OutputTooSmall { .. } if room > self.header.max_block => {
                    format!(
                        "lz4 data is invalid: a block expands past the frame's block size of {} bytes",
                        self.header.max_block
                    )
                }
                DecompressError::OutputTooSmall { .. } => too_long(),
                e => format!("lz4 data is invalid: {e}"),
            })?
        };
        self.produced += decoded as u64;
        Ok(Some(decoded))
    }

    /// The checks at the end mark: what follows it, and the length expanded to.
    fn finish(&mut self) -> Result<(), String> {
        if self.header.content_checksum {
            self.frame.bytes::<4>("the content checksum")?;
        }
        if self.frame.left != 0 {
            return Err(format!(
                "lz4 data is invalid: {} bytes follow the end of the frame",
                self.frame.left
            ));
        }
        if self.produced != self.raw_len {
            return Err(format!(
                "lz4 data expands to {} bytes, not the declared {}",
                self.produced, self.raw_len
            ));
        }
        Ok(())
    }
}

/// The decompressed bytes of an lz4 frame, as a reader: one block is held at a time
/// (at most the frame's block size, 4 MiB for persist's files).
///
/// Invalid data is an [`io::ErrorKind::InvalidData`] error whose message says what
/// was wrong, as [`decompress_from`]'s would.
pub(crate) struct Reader<R> {
    blocks: Blocks<R>,
    /// The block being read out; `out[pos..len]` is still unread.
    out: Vec<u8>,
    pos: usize,
    len: usize,
    /// The last 64 KiB of output, for linked blocks (empty for independent ones).
    history: Vec<u8>,
    /// The frame has ended (and was checked), or failed.
    done: bool,
}

impl<R: Read> Reader<R> {
    /// Reads the frame header; the arguments are those of [`decompress_from`].
    pub(crate) fn new(stored: R, stored_len: u64, raw_len: u64) -> Result<Self, String> {
        let blocks = Blocks::new(stored, stored_len, raw_len)?;
        let out = vec![0u8; blocks.block_capacity()];
        Ok(Reader {
            blocks,
            out,
            pos: 0,
            len: 0,
            history: Vec::new(),
            done: false,
        })
    }

    /// Decodes the next block into `out`; false at the end of the frame.
    fn next_block(&mut self) -> Result<bool, String> {
        if self.blocks.header.linked {
            // Keep what the next block may refer to: the last 64 KiB of output.
            let block = &self.out[..self.len];
            if block.len() >= LINKED_WINDOW {
                self.history.clear();
                self.history
                    .extend_from_slice(&block[block.len() - LINKED_WINDOW..]);
            } else {
                self.history.extend_from_slice(block);
                let excess = self.history.len().saturating_sub(LINKED_WINDOW);
                self.history.drain(..excess);
            }
        }
        self.pos = 0;
        self.len = 0;
        match self.blocks.next_block(&mut self.out, &self.history)? {
            Some(len) => {
                self.len = len;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

impl<R: Read> Read for Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // An empty block is allowed: loop until one has bytes.
        while self.pos == self.len {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            match self.next_block() {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(detail) => {
                    self.done = true;
                    return Err(io::Error::new(io::ErrorKind::InvalidData, detail));
                }
            }
        }
        let n = buf.len().min(self.len - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// What an lz4 frame header says about the blocks after it.
struct Header {
    max_block: usize,
    linked: bool,
    block_checksums: bool,
    content_checksum: bool,
}

/// A reader of the `left` stored bytes of an lz4 frame that refuses to read past them.
///
/// lz4's own checksums (of the frame header, of blocks, of the content) are skipped,
/// not verified: the payload checksum already covers every stored byte.
struct Frame<R> {
    source: R,
    left: u64,
}

impl<R: Read> Frame<R> {
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
    fn header(&mut self, raw_len: u64) -> Result<Header, String> {
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
        Ok(Header {
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use lz4_flex::frame::{BlockMode, BlockSize, FrameEncoder, FrameInfo};

    use super::*;
    use crate::codec::Compression;

    /// Everything a [`Reader`] yields, read `chunk` bytes at a time, or its error.
    fn read_in_chunks(
        stored: &[u8],
        stored_len: u64,
        raw_len: u64,
        chunk: usize,
    ) -> Result<Vec<u8>, String> {
        let mut reader = Reader::new(stored, stored_len, raw_len)?;
        let mut raw = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(raw),
                Ok(n) => raw.extend_from_slice(&buf[..n]),
                Err(e) => {
                    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
                    return Err(e.to_string());
                }
            }
        }
    }

    /// The reader fails as the whole decompression does, with the same message.
    fn assert_reader_agrees(stored: &[u8], stored_len: u64, raw_len: u64) {
        let whole = decompress_from(stored, stored_len, raw_len);
        for chunk in [3, 1 << 20] {
            assert_eq!(
                read_in_chunks(stored, stored_len, raw_len, chunk),
                whole,
                "{chunk}-byte reads"
            );
        }
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
                let back = decompress_from(&stored[..], stored.len() as u64, raw.len() as u64);
                assert!(
                    back.unwrap() == raw,
                    "{mode:?}, checksums and size: {extras}"
                );
                // Streamed, in reads that straddle blocks in every way.
                for chunk in [1, 7, 4096, 100_000] {
                    let back =
                        read_in_chunks(&stored, stored.len() as u64, raw.len() as u64, chunk);
                    assert!(
                        back.unwrap() == raw,
                        "streamed in {chunk}-byte reads: {mode:?}, checksums and size: {extras}"
                    );
                }
            }
        }
    }

    #[test]
    fn lz4_refuses_frames_that_do_not_fit_their_bytes() {
        let stored = Compression::Lz4.compress(b"hello hello hello").unwrap();
        let len = stored.len() as u64;
        // Fewer stored bytes than the frame, and bytes after it.
        let err = decompress_from(&stored[..], len - 1, 17).unwrap_err();
        assert!(err.contains("ends inside"), "{err}");
        assert_reader_agrees(&stored, len - 1, 17);
        let mut longer = stored.to_vec();
        longer.push(0);
        let err = decompress_from(&longer[..], len + 1, 17).unwrap_err();
        assert!(err.contains("1 bytes follow the end of the frame"), "{err}");
        assert_reader_agrees(&longer, len + 1, 17);
        // A block that claims more than is left, and more than blocks may hold.
        for size in [0x7fff_ffffu32, 100] {
            let mut lying = stored[..7].to_vec();
            lying.extend_from_slice(&size.to_le_bytes());
            lying.extend_from_slice(&[0; 8]);
            let err = decompress_from(&lying[..], lying.len() as u64, 8).unwrap_err();
            assert!(err.contains("a block claims"), "{err}");
            assert_reader_agrees(&lying, lying.len() as u64, 8);
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
        let err = decompress_from(&frame[..], frame.len() as u64, 200_000).unwrap_err();
        assert!(
            err.contains("a block expands past the frame's block size of 65536 bytes"),
            "{err}"
        );
        assert_reader_agrees(&frame, frame.len() as u64, 200_000);
    }

    #[test]
    fn a_linked_frame_keeps_64_kib_of_history() {
        let raw: Vec<u8> = (0..10_000_000u32)
            .map(|i| (i % 251) as u8 ^ (i >> 16) as u8)
            .collect();
        let info = FrameInfo::new()
            .block_size(BlockSize::Max4MB)
            .block_mode(BlockMode::Linked);
        let mut encoder = FrameEncoder::with_frame_info(info, Vec::new());
        encoder.write_all(&raw).unwrap();
        let stored = encoder.finish().unwrap();
        let mut reader = Reader::new(&stored[..], stored.len() as u64, raw.len() as u64).unwrap();
        let mut back = Vec::new();
        reader.read_to_end(&mut back).unwrap();
        assert!(back == raw);
        assert!(
            reader.history.capacity() <= 2 * LINKED_WINDOW,
            "{}",
            reader.history.capacity()
        );
    }

    #[test]
    fn the_reader_refuses_wrong_lengths_as_the_whole_decompression_does() {
        let stored = Compression::Lz4.compress(b"hello hello hello").unwrap();
        let len = stored.len() as u64;
        // Impossible, too short and too long declared lengths, and garbage.
        for raw_len in [1 << 40, 5, 16, 18, 40] {
            assert!(decompress_from(&stored[..], len, raw_len).is_err());
            assert_reader_agrees(&stored, len, raw_len);
        }
        assert_reader_agrees(b"garbage!", 8, 8);
    }
}
