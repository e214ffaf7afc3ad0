//! The postcard flavors of a save: where postcard's serializer puts the bytes it
//! produces. [`Staged`] streams (its buffer goes to a drain when full, one drain per
//! codec); [`Whole`] keeps everything, for `to_bytes` without compression.
//!
//! postcard's own `to_io` would do for the uncompressed case, but it writes every
//! byte it is given straight to its writer and turns every write error into
//! `SerializeBufferFull`; `Staged` buffers, and leaves the real cause in the
//! [`Spool`].

use lz4_flex::frame::FrameEncoder;
use postcard::ser_flavors::Flavor;

use super::spool::{Failure, Spool, Stopped};
use crate::codec;

/// Where the flavor's buffer goes when a write finds no room in it.
///
/// A drain never fails in the flavor's eyes: it records why it stopped in the
/// [`Spool`] (whose failure the save checks after every encode) and from then on
/// discards what it is given, so postcard runs to the end of the value without
/// writing anything. See [`Staged`] for why.
pub(super) trait Drain {
    /// Takes the bytes of `buf` (writes or compresses them, or keeps them and grows
    /// the buffer) and then `data`, which did not fit in `buf`; returns the buffer
    /// to go on with.
    fn take(&mut self, buf: Vec<u8>, data: &[u8]) -> Vec<u8>;
}

/// The flavor: a buffer postcard appends to, and the drain that takes it when full.
///
/// Its fast path is bare postcard's (`Vec::extend_from_slice`), and how the compiler
/// treats it decides the speed of an encode. postcard's serializer owns the flavor,
/// so the buffer's length is a field of the serializer that each `Serialize` impl
/// gets by `&mut`; the length stays in a register across the many small writes
/// (four bytes for an `f32`) only where the write is inlined into the impl, and only
/// if the compiler can see that nothing the slow path calls keeps that `&mut`.
/// Otherwise every write reloads the length the one before stored, a chain through
/// memory that made `to_bytes` of a `Vec` of `f32` triples twice as slow as bare
/// postcard. Hence (each measured, with instruction counts and timings):
/// - the slow path is `#[cold] #[inline]`: compiled into every codegen unit that
///   calls it, so visible there (an `#[inline(never)]` one lands in a single unit,
///   and the others see an opaque call that may keep the pointer), yet kept out of
///   line;
/// - the slow path returns nothing: checking a `Result` after every write made the
///   writes too big to inline into serde's derived code;
/// - a write of a number (at most [`SHORT_WRITE`] bytes) reaches the slow path by
///   value: by address, the number was stored to the stack before every write, in
///   case the slow path ran.
pub(super) struct Staged<'d, D> {
    buf: Vec<u8>,
    drain: &'d mut D,
}

/// Writes at most this long reach the slow path by value, in a `u64` (a register):
/// postcard's numbers but the 16-byte ones and long varints.
const SHORT_WRITE: usize = 8;

impl<'d, D: Drain> Staged<'d, D> {
    /// A flavor appending to `buf`, drained into `drain`.
    pub(super) fn new(buf: Vec<u8>, drain: &'d mut D) -> Self {
        Staged { buf, drain }
    }

    /// The slow path of a write of `len` bytes at most [`SHORT_WRITE`], the first
    /// `len` bytes of `short` (little-endian).
    #[cold]
    #[inline]
    fn spill_short(&mut self, short: u64, len: usize) {
        self.spill(&short.to_le_bytes()[..len]);
    }

    /// The slow path: `data` did not fit in the buffer.
    #[cold]
    #[inline]
    fn spill(&mut self, data: &[u8]) {
        self.buf = self.drain.take(std::mem::take(&mut self.buf), data);
    }
}

impl<D: Drain> Flavor for Staged<'_, D> {
    /// The buffer, with the bytes not drained yet.
    type Output = Vec<u8>;

    #[inline(always)]
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.try_extend(&[data])
    }

    #[inline(always)]
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        if data.len() <= self.buf.capacity() - self.buf.len() {
            self.buf.extend_from_slice(data);
        } else if data.len() <= SHORT_WRITE {
            let mut short = [0; SHORT_WRITE];
            short[..data.len()].copy_from_slice(data);
            self.spill_short(u64::from_le_bytes(short), data.len());
        } else {
            self.spill(data);
        }
        Ok(())
    }

    fn finalize(self) -> postcard::Result<Vec<u8>> {
        Ok(self.buf)
    }
}

/// The flavor of `to_bytes` without compression: the whole file in one buffer that
/// grows as postcard writes, never drained, so bare postcard's own (`AllocVec`'s)
/// and nothing else. Starts as the spool's buffer, with the header's placeholder.
pub(super) struct Whole(pub(super) Vec<u8>);

impl Flavor for Whole {
    /// The buffer, header placeholder and payload.
    type Output = Vec<u8>;

    #[inline(always)]
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    #[inline(always)]
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<Vec<u8>> {
        Ok(self.0)
    }
}

/// Codec `None`: the postcard bytes are the stored payload, and the flavor's buffer
/// is the spool's own ([`Spool::lend_buffer`]).
impl Drain for Spool<'_> {
    fn take(&mut self, buf: Vec<u8>, data: &[u8]) -> Vec<u8> {
        self.return_buffer(buf);
        if self.push(data).is_err() {
            // The save failed (the cause is recorded): what follows is discarded.
            self.discard();
        }
        self.lend_buffer()
    }
}

/// Bytes gathered before they go to a compressing encoder: postcard hands over a
/// few bytes at a time, and each write into an encoder costs more than a copy.
const STAGE: usize = 64 * 1024;

/// A frame encoder writing into the spool: lz4's or zstd's.
pub(super) trait Encoder<'s, 'a>: std::io::Write {
    /// The spool it writes into.
    fn spool(&self) -> &Spool<'a>;
    /// The same, to record a failure.
    fn spool_mut(&mut self) -> &mut Spool<'a>;
    /// Writes what it still holds and ends the frame.
    fn end_frame(&mut self) -> std::io::Result<()>;
}

impl<'s, 'a> Encoder<'s, 'a> for FrameEncoder<&'s mut Spool<'a>> {
    fn spool(&self) -> &Spool<'a> {
        self.get_ref()
    }
    fn spool_mut(&mut self) -> &mut Spool<'a> {
        self.get_mut()
    }
    fn end_frame(&mut self) -> std::io::Result<()> {
        self.try_finish().map_err(std::io::Error::other)
    }
}

impl<'s, 'a> Encoder<'s, 'a> for zstd::stream::write::Encoder<'static, &'s mut Spool<'a>> {
    fn spool(&self) -> &Spool<'a> {
        self.get_ref()
    }
    fn spool_mut(&mut self) -> &mut Spool<'a> {
        self.get_mut()
    }
    fn end_frame(&mut self) -> std::io::Result<()> {
        self.do_finish()
    }
}

/// A compressing codec (`Lz4`, `Zstd`): the flavor's buffer is a stage of at most
/// [`STAGE`] bytes, which goes through the codec's frame encoder into the spool.
///
/// The encoders cut blocks by their own buffers, whatever the sizes of the writes,
/// so the frame is the one a single write of the whole payload would give.
pub(super) struct Compressing<E> {
    encoder: E,
    /// Uncompressed bytes handed to the encoder so far.
    encoded: u64,
}

impl<'s, 'a> Compressing<FrameEncoder<&'s mut Spool<'a>>> {
    /// The lz4 codec.
    pub(super) fn lz4(spool: &'s mut Spool<'a>) -> Self {
        Compressing {
            encoder: codec::lz4_encoder(spool),
            encoded: 0,
        }
    }
}

impl<'s, 'a> Compressing<zstd::stream::write::Encoder<'static, &'s mut Spool<'a>>> {
    /// The zstd codec at `level`, or why its encoder could not start.
    pub(super) fn zstd(spool: &'s mut Spool<'a>, level: i32) -> Result<Self, String> {
        codec::zstd_encoder(spool, level)
            .map(|encoder| Compressing {
                encoder,
                encoded: 0,
            })
            .map_err(|e| format!("the zstd encoder could not start: {e}"))
    }
}

impl<'s, 'a, E: Encoder<'s, 'a>> Compressing<E> {
    /// Compresses the rest of the payload, `stage` (the flavor's output), and ends
    /// the frame: the spool then holds the whole stored payload. Returns the number
    /// of uncompressed bytes.
    pub(super) fn finish(mut self, stage: Vec<u8>) -> Result<u64, Stopped> {
        // Also refuses to finish an encoder that failed.
        self.encode(&stage)?;
        match self.encoder.end_frame() {
            Ok(()) => Ok(self.encoded),
            Err(e) => Err(self
                .encoder
                .spool_mut()
                .fail(Failure::Compress(e.to_string()))),
        }
    }

    /// Writes `data` to the encoder; an error is recorded in the spool.
    fn encode(&mut self, data: &[u8]) -> Result<(), Stopped> {
        // An encoder whose write failed is left half way through a block: it must
        // not be used again (a `Serialize` impl may go on after an error it was given).
        if self.encoder.spool().has_failed() {
            return Err(Stopped);
        }
        self.encoded += data.len() as u64;
        let encoder = &mut self.encoder;
        encoder
            .write_all(data)
            .map_err(|e| encoder.spool_mut().fail(Failure::Compress(e.to_string())))
    }

    /// Compresses the stage when `additional` more bytes would take it past
    /// [`STAGE`]; grows it (doubling from nothing, so a small value never allocates
    /// a whole stage) when they fit.
    fn room_in_stage(&mut self, stage: &mut Vec<u8>, additional: usize) -> Result<(), Stopped> {
        if stage.len() + additional > STAGE {
            self.encode(stage)?;
            stage.clear();
        }
        let needed = stage.len() + additional;
        if needed > stage.capacity() {
            let target = needed.max(stage.capacity() * 2).clamp(256, STAGE);
            stage.reserve_exact(target - stage.len());
        }
        Ok(())
    }
}

impl<'s, 'a, E: Encoder<'s, 'a>> Drain for Compressing<E> {
    fn take(&mut self, mut stage: Vec<u8>, data: &[u8]) -> Vec<u8> {
        let taken = if data.len() >= STAGE {
            // A stage or more on its own: no need to copy it.
            self.encode(&stage).and_then(|()| {
                stage.clear();
                self.encode(data)
            })
        } else {
            self.room_in_stage(&mut stage, data.len()).map(|()| {
                stage.extend_from_slice(data);
            })
        };
        if taken.is_err() {
            // The save failed (the cause is recorded in the spool): what follows is
            // discarded.
            stage.clear();
        }
        stage
    }
}
