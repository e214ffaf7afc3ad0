//! The postcard flavors of a streaming save: where postcard's serializer puts the
//! bytes it produces, one per codec.
//!
//! postcard's own `to_io` would do for the uncompressed case, but it writes every
//! byte it is given straight to its writer and turns every write error into
//! `SerializeBufferFull`; these flavors buffer, and leave the real cause in the
//! [`Spool`].

use lz4_flex::frame::FrameEncoder;
use postcard::ser_flavors::Flavor;

use super::spool::{Failure, Spool, Stopped};
use crate::codec;

/// What a flavor tells postcard when the spool stopped; the cause is in the spool.
fn stopped(_: Stopped) -> postcard::Error {
    postcard::Error::SerializeBufferFull
}

/// Codec `None`: the postcard bytes are the stored payload, written into the spool.
pub(super) struct Plain<'s, 'a> {
    spool: &'s mut Spool<'a>,
}

impl<'s, 'a> Plain<'s, 'a> {
    pub(super) fn new(spool: &'s mut Spool<'a>) -> Self {
        Plain { spool }
    }
}

impl Flavor for Plain<'_, '_> {
    type Output = ();

    #[inline]
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.spool.push(&[data]).map_err(stopped)
    }

    #[inline]
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.spool.push(data).map_err(stopped)
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// Bytes gathered before they go to the lz4 encoder: postcard hands over a few bytes
/// at a time, and each write into the encoder costs more than a copy.
const STAGE: usize = 64 * 1024;

/// Codec `Lz4`: the postcard bytes go through an lz4 frame encoder into the spool.
///
/// The encoder cuts blocks by its own buffer (4 MiB), whatever the sizes of the
/// writes, so the frame is the one a single write of the whole payload would give.
pub(super) struct Lz4<'s, 'a> {
    stage: Vec<u8>,
    encoder: FrameEncoder<&'s mut Spool<'a>>,
    /// Uncompressed bytes taken so far.
    raw_len: u64,
}

impl<'s, 'a> Lz4<'s, 'a> {
    pub(super) fn new(spool: &'s mut Spool<'a>) -> Self {
        Lz4 {
            stage: Vec::new(),
            encoder: codec::lz4_encoder(spool),
            raw_len: 0,
        }
    }

    /// Ends the frame: the spool then holds the whole stored payload. Returns the
    /// number of uncompressed bytes.
    pub(super) fn finish(mut self) -> Result<u64, Stopped> {
        // Also refuses to finish an encoder that failed.
        encode(&mut self.encoder, &self.stage)?;
        match self.encoder.try_finish() {
            Ok(()) => Ok(self.raw_len),
            Err(e) => Err(self
                .encoder
                .get_mut()
                .fail(Failure::Compress(e.to_string()))),
        }
    }

    /// Grows the stage up to [`STAGE`], or hands it to the encoder, then takes `data`.
    #[inline(never)]
    fn make_room(&mut self, data: &[u8]) -> Result<(), Stopped> {
        let needed = self.stage.len() + data.len();
        if needed <= STAGE {
            // Doubling from nothing, so a small value never allocates a whole stage.
            let target = needed.max(self.stage.capacity() * 2).clamp(256, STAGE);
            self.stage.reserve_exact(target - self.stage.len());
            self.stage.extend_from_slice(data);
            return Ok(());
        }
        encode(&mut self.encoder, &self.stage)?;
        self.stage.clear();
        if data.len() >= STAGE {
            encode(&mut self.encoder, data)
        } else {
            self.stage.extend_from_slice(data);
            Ok(())
        }
    }
}

/// Writes `data` to the encoder; an error is recorded in the spool.
fn encode(encoder: &mut FrameEncoder<&mut Spool<'_>>, data: &[u8]) -> Result<(), Stopped> {
    use std::io::Write as _;
    // An encoder whose write failed is left half way through a block: it must not be
    // used again (a `Serialize` impl may go on after an error it was given).
    if encoder.get_ref().has_failed() {
        return Err(Stopped);
    }
    encoder
        .write_all(data)
        .map_err(|e| encoder.get_mut().fail(Failure::Compress(e.to_string())))
}

impl Flavor for Lz4<'_, '_> {
    /// The flavor itself, for [`Lz4::finish`], whose failures need the spool.
    type Output = Self;

    #[inline]
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.try_extend(&[data])
    }

    #[inline]
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.raw_len += data.len() as u64;
        if data.len() <= self.stage.capacity() - self.stage.len() {
            self.stage.extend_from_slice(data);
            Ok(())
        } else {
            self.make_room(data).map_err(stopped)
        }
    }

    fn finalize(self) -> postcard::Result<Self> {
        Ok(self)
    }
}
