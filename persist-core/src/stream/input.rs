//! A postcard deserialization flavor that reads the payload from a reader through a
//! small window, so a load never holds the payload whole.
//!
//! postcard's own `from_io` flavor makes a `read` call for every byte it pops and
//! gives no size hint, so a sequence's count cannot be checked against the bytes
//! left; this one refills a window of [`WINDOW`] bytes, lends each string or byte
//! run only until the next read, which is all an owned value (`DeserializeOwned`)
//! needs, and knows exactly how many payload bytes are left.
//!
//! Two things it cannot do, which the caller must handle:
//! - Lend bytes for the whole decode (`&'de str`, `&'de [u8]`): a type that asks
//!   for them (some do, even owned ones: a `Uuid` reads its bytes that way) makes the
//!   decode fail with [`Stop::Borrow`], and the caller decodes from a whole buffer
//!   instead.
//! - Report a read error through postcard, whose errors carry no cause: the error
//!   is kept as [`Stop::Read`] and postcard is told the input ended.

use std::io::{self, Read};

use postcard::de_flavors::Flavor;
use serde::de::DeserializeOwned;

/// The window's usual size: large reads, while small enough to stay in cache.
pub(crate) const WINDOW: usize = 128 * 1024;

/// Why the input stopped short of what the decoder asked for.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The decoder asked to borrow bytes for the whole decode.
    Borrow,
    /// The reader failed.
    Read(io::Error),
}

/// The payload of `len` bytes in `source`, as postcard reads it.
pub(crate) struct Input<R> {
    source: R,
    /// `window[pos..end]` is read but not yet decoded.
    window: Vec<u8>,
    pos: usize,
    end: usize,
    /// Payload bytes still in `source`.
    unread: u64,
    stop: Option<Stop>,
}

impl<R: Read> Input<R> {
    /// An input over the `len` payload bytes that `source` holds.
    pub(crate) fn new(source: R, len: u64) -> Self {
        let window = usize::try_from(len).map_or(WINDOW, |len| len.min(WINDOW));
        Input {
            source,
            window: vec![0; window],
            pos: 0,
            end: 0,
            unread: len,
            stop: None,
        }
    }

    /// Payload bytes not yet decoded.
    pub(crate) fn remaining(&self) -> u64 {
        (self.end - self.pos) as u64 + self.unread
    }

    /// Why the input stopped short, if it did; and the source, to be drained.
    pub(crate) fn into_parts(self) -> (Option<Stop>, R) {
        (self.stop, self.source)
    }

    /// Decodes a `T` from the input. After a failure, what is left of the input and
    /// why it stopped short, if it did, say why.
    pub(crate) fn decode<T: DeserializeOwned>(&mut self) -> postcard::Result<T> {
        T::deserialize(&mut postcard::Deserializer::from_flavor(self))
    }

    /// Makes the next `n` bytes contiguous in the window, reading as much as the
    /// window holds. A length the payload cannot hold is refused before anything
    /// is allocated for it.
    ///
    /// Out of line, so that the decoder's per-item path stays a compare and a load.
    #[cold]
    #[inline(never)]
    fn fill(&mut self, n: usize) -> postcard::Result<()> {
        let have = self.end - self.pos;
        if n - have > usize::try_from(self.unread).unwrap_or(usize::MAX) {
            return Err(postcard::Error::DeserializeUnexpectedEnd);
        }
        self.window.copy_within(self.pos..self.end, 0);
        self.pos = 0;
        self.end = have;
        if self.window.len() > WINDOW && n <= WINDOW && have <= WINDOW {
            // Give back what a long run took once it is decoded.
            self.window.truncate(WINDOW);
            self.window.shrink_to_fit();
        }
        while self.end < n {
            if self.end == self.window.len() {
                // A long string or byte run. The window doubles as its bytes arrive
                // rather than taking its length at once: the length is only checked
                // against the declared payload, which an lz4 frame may not back
                // (it can claim 256 times its stored bytes).
                let grown = self.window.len().saturating_mul(2).max(WINDOW).min(n);
                self.window.reserve_exact(grown - self.window.len());
                self.window.resize(grown, 0);
            }
            let room = self.window.len() - self.end;
            let want = usize::try_from(self.unread).map_or(room, |unread| unread.min(room));
            match self
                .source
                .read(&mut self.window[self.end..self.end + want])
            {
                Ok(0) => {
                    let early = io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("the payload ended {} bytes early", self.unread),
                    );
                    return Err(self.stopped(Stop::Read(early)));
                }
                Ok(got) => {
                    self.end += got;
                    self.unread -= got as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.stopped(Stop::Read(e))),
            }
        }
        Ok(())
    }

    fn stopped(&mut self, stop: Stop) -> postcard::Error {
        self.stop.get_or_insert(stop);
        postcard::Error::DeserializeUnexpectedEnd
    }
}

impl<'de, R: Read + 'de> Flavor<'de> for &'de mut Input<R> {
    type Remainder = ();
    type Source = ();

    #[inline]
    fn pop(&mut self) -> postcard::Result<u8> {
        if self.pos >= self.end {
            self.fill(1)?;
        }
        let byte = self.window[self.pos];
        self.pos += 1;
        Ok(byte)
    }

    /// The payload bytes left, exactly: postcard trusts a sequence's count only up
    /// to this, so a lying count cannot reserve memory the payload does not back.
    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.remaining()).ok()
    }

    fn try_take_n(&mut self, _ct: usize) -> postcard::Result<&'de [u8]> {
        Err(self.stopped(Stop::Borrow))
    }

    #[inline]
    fn try_take_n_temp<'a>(&'a mut self, ct: usize) -> postcard::Result<&'a [u8]>
    where
        'de: 'a,
    {
        if self.end - self.pos < ct {
            self.fill(ct)?;
        }
        let taken = &self.window[self.pos..self.pos + ct];
        self.pos += ct;
        Ok(taken)
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};

    use super::*;

    /// A reader that hands out at most `step` bytes per read.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn decode<T: DeserializeOwned>(
        bytes: &[u8],
        len: u64,
        step: usize,
    ) -> (postcard::Result<T>, Option<Stop>, u64) {
        let mut input = Input::new(Trickle { bytes, step }, len);
        let value = input.decode::<T>();
        let remaining = input.remaining();
        (value, input.into_parts().0, remaining)
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Sample {
        words: Vec<String>,
        long: String,
        floats: Vec<f64>,
        bytes: Vec<u8>,
        tag: Option<(char, u128)>,
    }

    fn sample() -> Sample {
        Sample {
            words: (0..5000).map(|i| format!("word {i}")).collect(),
            long: "x".repeat(3 * WINDOW + 17),
            floats: (0..20_000).map(|i| f64::from(i) * 0.01).collect(),
            bytes: (0..=255).collect(),
            tag: Some(('é', u128::MAX - 3)),
        }
    }

    #[test]
    fn values_decode_as_from_a_slice_whatever_the_reads() {
        let value = sample();
        let bytes = postcard::to_stdvec(&value).unwrap();
        for step in [1, 3, 4096, usize::MAX] {
            let (back, stop, remaining) = decode::<Sample>(&bytes, bytes.len() as u64, step);
            assert_eq!(back.unwrap(), value, "{step}-byte reads");
            assert!(stop.is_none());
            assert_eq!(remaining, 0);
        }
    }

    #[test]
    fn the_window_shrinks_back_after_a_long_string() {
        let value = (String::from("y").repeat(4 * WINDOW), vec![7u32; 100_000]);
        let bytes = postcard::to_stdvec(&value).unwrap();
        let mut input = Input::new(&bytes[..], bytes.len() as u64);
        let back = input.decode::<(String, Vec<u32>)>();
        assert_eq!(back.unwrap(), value);
        assert_eq!(input.window.len(), WINDOW);
    }

    #[test]
    fn a_length_the_source_does_not_back_grows_the_window_only_with_its_bytes() {
        // The payload is declared as 256 MiB, and a string claims 200 MiB of it, but
        // the source ends after 1 MiB (an lz4 frame may claim 256 times its bytes).
        let mut bytes = Vec::new();
        crate::varint::write_u64(&mut bytes, 200 << 20);
        bytes.resize(1 << 20, b'x');
        let mut input = Input::new(&bytes[..], 256 << 20);
        let back = input.decode::<String>();
        assert!(back.is_err());
        assert!(
            input.window.capacity() <= 2 << 20,
            "{}",
            input.window.capacity()
        );
        assert!(
            matches!(input.into_parts().0, Some(Stop::Read(e)) if e.kind() == io::ErrorKind::UnexpectedEof)
        );
    }

    #[test]
    fn a_long_string_takes_a_window_of_its_length_at_most() {
        let value = "z".repeat(WINDOW + 1000);
        let bytes = postcard::to_stdvec(&(&value, 1u8)).unwrap();
        let mut input = Input::new(&bytes[..], bytes.len() as u64);
        assert_eq!(input.decode::<(String, u8)>().unwrap(), (value, 1));
        assert!(
            input.window.capacity() <= bytes.len(),
            "{}",
            input.window.capacity()
        );
    }

    #[test]
    fn bytes_left_over_are_counted() {
        let bytes = postcard::to_stdvec(&(5u32, 6u32)).unwrap();
        let (back, stop, remaining) = decode::<u32>(&bytes, bytes.len() as u64, 1);
        assert_eq!(back.unwrap(), 5);
        assert!(stop.is_none());
        assert_eq!(remaining, 1);
    }

    #[test]
    fn a_length_past_the_payload_is_refused_before_it_is_read() {
        // A string that claims a gigabyte, in a payload of a few bytes.
        let mut bytes = Vec::new();
        crate::varint::write_u64(&mut bytes, 1 << 30);
        bytes.extend_from_slice(b"abc");
        let (back, stop, _) = decode::<String>(&bytes, bytes.len() as u64, 1);
        assert!(matches!(
            back,
            Err(postcard::Error::DeserializeUnexpectedEnd)
        ));
        assert!(stop.is_none(), "refused without reading: {stop:?}");
    }

    #[test]
    fn a_source_that_ends_early_or_fails_stops_with_the_reason() {
        let bytes = postcard::to_stdvec(&vec![1u64; 1000]).unwrap();
        let (back, stop, _) = decode::<Vec<u64>>(&bytes[..500], bytes.len() as u64, 7);
        assert!(back.is_err());
        assert!(
            matches!(&stop, Some(Stop::Read(e)) if e.kind() == io::ErrorKind::UnexpectedEof),
            "{stop:?}"
        );

        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::InvalidData, "bad block"))
            }
        }
        let mut input = Input::new(Failing, 10);
        let back = input.decode::<u64>();
        assert!(back.is_err());
        assert!(
            matches!(input.into_parts().0, Some(Stop::Read(e)) if e.to_string() == "bad block")
        );
    }

    #[test]
    fn a_borrowing_type_stops_the_decode() {
        /// Reads its bytes borrowed, as `uuid::Uuid` does in binary formats.
        #[derive(Debug)]
        struct Borrows;
        impl<'de> Deserialize<'de> for Borrows {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <&[u8]>::deserialize(d).map(|_| Borrows)
            }
        }
        let bytes = postcard::to_stdvec(&[1u8, 2, 3][..]).unwrap();
        let (back, stop, _) = decode::<Borrows>(&bytes, bytes.len() as u64, 100);
        assert!(back.is_err());
        assert!(matches!(stop, Some(Stop::Borrow)), "{stop:?}");
    }
}
