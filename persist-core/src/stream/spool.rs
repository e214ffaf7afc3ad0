//! The writer at the end of a save's pipeline: it gathers the stored payload in
//! chunks, hashes it, writes the chunks to the file, and puts the header in last.
//!
//! The header's lengths are only known once the payload is complete, so the spool
//! starts with a placeholder of the header's (fixed) length. A payload that fits in the
//! first chunk is never written before [`Spool::finish`], which patches the header in
//! memory and writes the whole file at once: a small save costs one write, no seek.
//! A larger one writes each full chunk, then the checksum, then seeks back to write
//! the header over its placeholder. Without a file, the spool keeps everything: that
//! is how `to_bytes` builds its bytes, through the same spool as a save.
//!
//! While postcard writes, the spool's buffer is lent to the flavor
//! ([`Spool::lend_buffer`]), which appends to it and hands it back when it is full
//! (see `flavor::Staged` for why the buffer moves rather than being reached through
//! the spool).

use std::hash::Hasher as _;
use std::io::{self, Seek, SeekFrom, Write};

use twox_hash::XxHash3_64;

use crate::format;

/// The most a spool holds before writing to its file: small next to a payload worth
/// streaming (0.2% of a GiB), and few system calls. Each `write` has a fixed cost
/// that is not small (on ext4 it updates the file's times in the journal): with
/// chunks of 256 KiB, a save of 1.3 MB without fsync took 13% longer than one write
/// of the same bytes; with 1 MiB, 7 to 9%; with 2 MiB, which writes it at once (no
/// seek, no second write of the header), 6%, most of it the checksum and the encode.
/// Chunks of 4 MiB made a save of 4.3 MiB of `f32` (the benchmark's mesh) 6 to 15%
/// slower than 1 or 2 MiB did (measured; the cause was not isolated).
pub(super) const CHUNK: usize = 2 * 1024 * 1024;

/// Why a spool stopped taking bytes. postcard's errors carry no payload, so the
/// spool keeps the real cause for whoever drives the encode.
#[derive(Debug)]
pub(super) enum Failure {
    /// Writing to the file failed.
    Write(io::Error),
    /// The lz4 encoder failed (it cannot, short of a bug: its output buffer is sized
    /// for the worst case).
    Compress(String),
}

/// What a spool writes to: a file, or in tests a writer that fails on purpose.
pub(super) trait Target: Write + Seek {}

impl<T: Write + Seek> Target for T {}

/// Returned by the spool's methods when the cause is kept in the spool.
#[derive(Debug)]
pub(super) struct Stopped;

/// See the module documentation.
pub(super) struct Spool<'a> {
    /// Bytes not yet written: at first the header's placeholder, then stored payload.
    buf: Vec<u8>,
    /// How large `buf` may grow before it is written out.
    limit: usize,
    /// Where full chunks go; `None` keeps everything in `buf`.
    file: Option<&'a mut dyn Target>,
    header_len: usize,
    /// The hash of the payload written out so far; `None` until the first chunk is.
    hasher: Option<XxHash3_64>,
    /// Payload bytes written out so far.
    written: u64,
    failure: Option<Failure>,
}

impl<'a> Spool<'a> {
    /// A spool that keeps the whole file in memory.
    pub(super) fn in_memory(header_len: usize) -> Self {
        Spool::new(header_len, None, usize::MAX)
    }

    /// A spool that writes to `file`, from its start, in chunks of [`CHUNK`] bytes.
    pub(super) fn to_file(file: &'a mut dyn Target, header_len: usize) -> Self {
        Spool::new(header_len, Some(file), CHUNK)
    }

    fn new(header_len: usize, file: Option<&'a mut dyn Target>, limit: usize) -> Self {
        // Room for the header and a small payload; a large one grows the buffer to `limit`.
        let mut buf = Vec::with_capacity(header_len + 256);
        buf.resize(header_len, 0);
        Spool {
            buf,
            limit,
            file,
            header_len,
            hasher: None,
            written: 0,
            failure: None,
        }
    }

    /// Bytes of stored payload taken so far.
    pub(super) fn payload_len(&self) -> u64 {
        let placeholder = if self.hasher.is_none() {
            self.header_len
        } else {
            0
        };
        self.written + (self.buf.len() - placeholder) as u64
    }

    /// Lends the buffer of bytes not yet written to a flavor, which appends to it
    /// while it has room and gives it back ([`Spool::return_buffer`]) before anything
    /// else is asked of the spool.
    pub(super) fn lend_buffer(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    /// Takes back the buffer [`Spool::lend_buffer`] lent, with the bytes appended to it.
    pub(super) fn return_buffer(&mut self, buf: Vec<u8>) {
        self.buf = buf;
    }

    /// Empties the buffer of a spool that stopped, keeping its capacity: the flavor
    /// goes on appending to it, and nothing of it is written.
    pub(super) fn discard(&mut self) {
        debug_assert!(self.failure.is_some());
        self.buf.clear();
    }

    /// Takes `data` as the next bytes of the stored payload.
    #[inline]
    pub(super) fn push(&mut self, data: &[u8]) -> Result<(), Stopped> {
        // The common case: room in the buffer, so a copy and nothing else.
        if data.len() <= self.buf.capacity() - self.buf.len() {
            self.buf.extend_from_slice(data);
            Ok(())
        } else {
            self.make_room(data)
        }
    }

    /// Writes the buffer out or grows it, then takes `data`.
    #[inline(never)]
    fn make_room(&mut self, data: &[u8]) -> Result<(), Stopped> {
        if data.len() >= self.limit {
            // A chunk or more on its own (an lz4 block): written without a copy.
            if self.failure.is_some() {
                return Err(Stopped);
            }
            self.write_out()?;
            return self.write_payload(data);
        }
        self.reserve(data.len())?;
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// Makes room in the buffer for `additional` more bytes (less than `limit`):
    /// writes it out when they would take it past `limit`, else grows it.
    fn reserve(&mut self, additional: usize) -> Result<(), Stopped> {
        if self.failure.is_some() {
            return Err(Stopped);
        }
        if self.buf.len() + additional > self.limit {
            self.write_out()?;
        }
        // Grown by hand rather than by `reserve`, which could double the buffer past
        // `limit`.
        let needed = self.buf.len() + additional;
        if needed > self.buf.capacity() {
            let target = needed
                .max(self.buf.capacity().saturating_mul(2))
                .min(self.limit.max(needed));
            self.buf.reserve_exact(target - self.buf.len());
        }
        Ok(())
    }

    /// Writes the buffer to the file (a spool without a file never gets here: its
    /// limit cannot be reached) and hashes the payload in it.
    fn write_out(&mut self) -> Result<(), Stopped> {
        let payload_start = if self.hasher.is_none() {
            self.header_len
        } else {
            0
        };
        let hasher = self.hasher.get_or_insert_with(XxHash3_64::new);
        hasher.write(&self.buf[payload_start..]);
        self.written += (self.buf.len() - payload_start) as u64;
        let result = match self.file.as_mut() {
            Some(file) => file.write_all(&self.buf),
            None => Err(io::Error::other("an in-memory spool has nowhere to write")),
        };
        self.buf.clear();
        result.map_err(|e| self.fail(Failure::Write(e)))
    }

    /// Hashes `data` and writes it to the file straight away; the buffer is empty.
    fn write_payload(&mut self, data: &[u8]) -> Result<(), Stopped> {
        debug_assert!(self.buf.is_empty() && self.hasher.is_some());
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.write(data);
        }
        self.written += data.len() as u64;
        let result = match self.file.as_mut() {
            Some(file) => file.write_all(data),
            None => Err(io::Error::other("an in-memory spool has nowhere to write")),
        };
        result.map_err(|e| self.fail(Failure::Write(e)))
    }

    /// Records why the spool stops (the first cause only: what follows is its echo).
    pub(super) fn fail(&mut self, failure: Failure) -> Stopped {
        self.failure.get_or_insert(failure);
        Stopped
    }

    /// Whether the spool stopped.
    pub(super) fn has_failed(&self) -> bool {
        self.failure.is_some()
    }

    /// Why the spool stopped, if it did.
    pub(super) fn take_failure(&mut self) -> Option<Failure> {
        self.failure.take()
    }

    /// Completes the file with `header` (exactly the placeholder's length) and the
    /// payload checksum. Without a file, returns the whole file's bytes; with one,
    /// the file is complete and an empty vector comes back.
    pub(super) fn finish(mut self, header: &[u8]) -> io::Result<Vec<u8>> {
        if header.len() != self.header_len {
            // Cannot happen: the header's length depends only on the REC_ID and the
            // schema. Refused rather than written over the payload.
            return Err(io::Error::other(format!(
                "a header of {} bytes replaces a placeholder of {}",
                header.len(),
                self.header_len
            )));
        }
        match self.hasher.take() {
            None => {
                // Nothing written yet: the oneshot hash, the header in place, one write.
                let checksum = format::checksum(&self.buf[self.header_len..]);
                self.buf[..self.header_len].copy_from_slice(header);
                self.buf.extend_from_slice(&checksum.to_le_bytes());
                match self.file {
                    None => Ok(self.buf),
                    Some(file) => {
                        file.write_all(&self.buf)?;
                        Ok(Vec::new())
                    }
                }
            }
            Some(mut hasher) => {
                hasher.write(&self.buf);
                self.buf.extend_from_slice(&hasher.finish().to_le_bytes());
                let file = self
                    .file
                    .ok_or_else(|| io::Error::other("an in-memory spool has nowhere to write"))?;
                file.write_all(&self.buf)?;
                file.seek(SeekFrom::Start(0))?;
                file.write_all(header)?;
                Ok(Vec::new())
            }
        }
    }
}

/// For the lz4 encoder, which writes its frame into the spool.
impl Write for Spool<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.push(buf)
            .map_err(|Stopped| io::Error::other("the save's file write failed"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Chunks are written when full and the rest by `finish`; flushing early would
        // only add system calls.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(len: usize) -> Vec<u8> {
        (0..len).map(|i| i as u8 | 0x80).collect()
    }

    /// What every spool must produce: header, payload, xxh3 of the payload.
    fn expected(header: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut out = header.to_vec();
        out.extend_from_slice(payload);
        out.extend_from_slice(&format::checksum(payload).to_le_bytes());
        out
    }

    /// Feeds `payload` in pieces of the given sizes, cycling.
    fn feed(spool: &mut Spool<'_>, payload: &[u8], pieces: &[usize]) {
        let mut rest = payload;
        for size in pieces.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (now, later) = rest.split_at((*size).min(rest.len()));
            spool.push(now).unwrap();
            rest = later;
        }
        assert_eq!(spool.payload_len(), payload.len() as u64);
    }

    #[test]
    fn a_file_spool_writes_the_same_bytes_whatever_the_chunking() {
        let payload: Vec<u8> = (0..3 * CHUNK + 12345)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        for header_len in [56, 300] {
            let header = header(header_len);
            for (payload, pieces) in [
                (&payload[..0], &[1][..]),
                (&payload[..100], &[1, 3][..]),
                (&payload[..], &[1, 9, 1000][..]),
                (&payload[..], &[CHUNK - 1, 5, 2 * CHUNK][..]),
                (&payload[..], &[4 << 20][..]),
            ] {
                let mut file = tempfile::tempfile().unwrap();
                let mut spool = Spool::to_file(&mut file, header_len);
                feed(&mut spool, payload, pieces);
                assert!(spool.finish(&header).unwrap().is_empty());
                file.seek(SeekFrom::Start(0)).unwrap();
                let mut written = Vec::new();
                std::io::Read::read_to_end(&mut file, &mut written).unwrap();
                assert_eq!(written, expected(&header, payload), "{pieces:?}");

                let mut spool = Spool::in_memory(header_len);
                feed(&mut spool, payload, pieces);
                assert_eq!(
                    spool.finish(&header).unwrap(),
                    expected(&header, payload),
                    "{pieces:?}"
                );
            }
        }
    }

    #[test]
    fn a_file_spool_never_holds_much_more_than_a_chunk() {
        let mut file = tempfile::tempfile().unwrap();
        let mut spool = Spool::to_file(&mut file, 64);
        for _ in 0..10_000 {
            spool.push(&[7u8; 333]).unwrap();
            assert!(spool.buf.capacity() <= CHUNK, "{}", spool.buf.capacity());
        }
        spool.push(&vec![1u8; 3 * CHUNK]).unwrap();
        assert!(spool.buf.capacity() <= CHUNK, "{}", spool.buf.capacity());
    }
}
