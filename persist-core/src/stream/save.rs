//! Encoding a value as a persist file, streamed: postcard → codec → spool → file.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::Serialize;

use super::flavor::{self, Staged};
use super::spool::{Failure, Spool, Stopped};
use crate::atomic::WRITE_TEMP;
use crate::codec::Compression;
use crate::error::{io_error, Error};
use crate::format::{self, HeaderFields};
use crate::migrate;
use crate::schema::{Description, Schema};

/// What a failed read of the temporary file, for the debug-build check, did.
const READ_BACK: &str = "read back the temporary file for";

/// Everything of a file but its payload, decided from the type before a byte of the
/// value is encoded or a file is touched.
pub(crate) struct Plan {
    /// The type's description, for the check that the payload reads back.
    description: Description,
    compression: Compression,
    /// The codec's level (zstd's; 0 for codecs without levels).
    level: i32,
    rec_id: String,
    version: u32,
    schema: Vec<u8>,
    header_len: usize,
}

impl Plan {
    /// Describes `T` and checks that its header can be written (REC_ID and schema
    /// within their limits).
    pub(crate) fn new<T: Schema + ?Sized>(compression: Compression) -> Result<Plan, Error> {
        let description = Description::of::<T>();
        let (rec_id, version) = migrate::rec_id_and_version(&description);
        let schema = description.to_canonical_bytes();
        // The payload's lengths are fixed-size fields: the header's length is known
        // now.
        let header_len = format::header_len(&rec_id, &schema)?;
        Ok(Plan {
            description,
            compression,
            level: compression.level(None).unwrap_or_default(),
            rec_id,
            version,
            schema,
            header_len,
        })
    }

    /// The same plan at compression level `level` (none: the codec's default).
    ///
    /// # Errors
    ///
    /// [`Error::CompressionLevel`] for a level the codec does not have.
    pub(crate) fn with_level(mut self, level: Option<i32>) -> Result<Plan, Error> {
        self.level = self
            .compression
            .level(level)
            .map_err(|detail| Error::CompressionLevel {
                compression: self.compression,
                detail,
            })?;
        Ok(self)
    }

    fn header(&self, payload_len: u64, uncompressed_len: u64) -> Result<Vec<u8>, Error> {
        format::write_header(&HeaderFields {
            compression: self.compression,
            rec_id: &self.rec_id,
            version: self.version,
            schema: &self.schema,
            payload_len,
            uncompressed_len,
        })
    }

    /// The bytes of the file for `value`, checked to read back under the
    /// description they store when `check` is set.
    pub(crate) fn to_bytes_checked<T: Serialize + ?Sized>(
        &self,
        value: &T,
        check: bool,
    ) -> Result<Vec<u8>, Error> {
        let mut spool = Spool::in_memory(self.header_len);
        let encoded = match self.compression {
            // Nothing to stream to: postcard appends to the spool's buffer through bare
            // postcard's own fast path, which never has to drain it.
            Compression::None => {
                let buf = spool.lend_buffer();
                postcard::serialize_with_flavor(value, flavor::Whole(buf))
                    .map(|buf| {
                        spool.return_buffer(buf);
                        spool.payload_len()
                    })
                    .map_err(Some)
            }
            Compression::Lz4 => encode_lz4(value, &mut spool),
            Compression::Zstd => {
                encode_zstd(value, &mut spool, self.level).map_err(|e| self.encode_error(e))?
            }
        };
        // Memory cannot fail to take a write: only an encode error gets here.
        let write_error = |e: io::Error| self.encode_error(e.to_string());
        let raw_len = self.outcome(value, &mut spool, encoded, write_error)?;
        let payload_len = spool.payload_len();
        let header = self.header(payload_len, raw_len)?;
        let bytes = spool
            .finish(&header)
            .map_err(|e| self.encode_error(e.to_string()))?;
        if check {
            let payload = bytes.get(self.header_len..).unwrap_or_default();
            self.check_payload(payload, payload_len, raw_len)?;
        }
        Ok(bytes)
    }

    /// Checks that the payload just written reads back under the description
    /// stored with it (see `stream::check`); `Error::Misdescribed` says where not.
    fn check_payload(
        &self,
        stored: impl Read,
        payload_len: u64,
        raw_len: u64,
    ) -> Result<(), Error> {
        super::check::payload_reads_back(
            &self.description,
            self.compression,
            stored,
            payload_len,
            raw_len,
        )
        .map_err(|e| Error::Misdescribed {
            type_name: self.rec_id.clone(),
            place: e.place(),
            described: e
                .described()
                .map_or_else(|| self.description.root().to_string(), str::to_owned),
            detail: e.message().to_owned(),
        })
    }

    /// Writes the file for `value` into `file` (empty, at its start), the temporary
    /// file of a save to `file_path`, the path its errors name. With `check`, the
    /// payload is then read back from `file` and checked to read under the
    /// description stored with it.
    pub(crate) fn write_file<T: Serialize + ?Sized>(
        &self,
        value: &T,
        file: &mut (impl Read + Write + Seek),
        file_path: &Path,
        check: bool,
    ) -> Result<(), Error> {
        let mut spool = Spool::to_file(file, self.header_len);
        let encoded = match self.compression {
            // postcard appends to the spool's buffer, which is written out when full.
            Compression::None => {
                let buf = spool.lend_buffer();
                postcard::serialize_with_flavor(value, Staged::new(buf, &mut spool))
                    .map(|buf| {
                        spool.return_buffer(buf);
                        spool.payload_len()
                    })
                    .map_err(Some)
            }
            Compression::Lz4 => encode_lz4(value, &mut spool),
            Compression::Zstd => {
                encode_zstd(value, &mut spool, self.level).map_err(|e| self.encode_error(e))?
            }
        };
        let raw_len = self.outcome(value, &mut spool, encoded, |e| {
            io_error(WRITE_TEMP, file_path)(e)
        })?;
        let payload_len = spool.payload_len();
        let header = self.header(payload_len, raw_len)?;
        spool
            .finish(&header)
            .map_err(io_error(WRITE_TEMP, file_path))?;
        if check {
            file.seek(SeekFrom::Start(self.header_len as u64))
                .map_err(io_error(READ_BACK, file_path))?;
            self.check_payload(file.take(payload_len), payload_len, raw_len)?;
        }
        Ok(())
    }

    /// The result of encoding `value` into `spool`: the payload's uncompressed
    /// length, or the error that stopped it.
    fn outcome<T: Serialize + ?Sized>(
        &self,
        value: &T,
        spool: &mut Spool<'_>,
        encoded: Result<u64, Option<postcard::Error>>,
        write_error: impl FnOnce(io::Error) -> Error,
    ) -> Result<u64, Error> {
        // What stopped the spool is the cause, whatever postcard made of it; checked
        // even after a success, in case a `Serialize` impl swallowed the error (and
        // always after a write error, which the flavor keeps from postcard).
        Err(match (spool.take_failure(), encoded) {
            (None, Ok(raw_len)) => return Ok(raw_len),
            (Some(Failure::Write(e)), _) => write_error(e),
            (Some(Failure::Compress(detail)), _) => {
                self.encode_error(format!("lz4 compression failed: {detail}"))
            }
            (None, Err(postcard_error)) => self.encode_error(match postcard_error {
                // postcard drops the message of a Serialize impl's custom error: recover it.
                Some(e @ postcard::Error::SerdeSerCustom) => {
                    crate::ser_error::explain(value).unwrap_or_else(|| e.to_string())
                }
                Some(postcard::Error::SerializeSeqLengthUnknown) => "a sequence or map was \
                    serialized without its length; postcard needs lengths up front (serialize \
                    a Vec instead of an iterator)"
                    .to_string(),
                Some(e) => e.to_string(),
                // A spool or an encoder stops only with a recorded cause.
                None => "the encoder stopped without a cause".to_string(),
            }),
        })
    }

    fn encode_error(&self, detail: String) -> Error {
        Error::Encode {
            type_name: self.rec_id.clone(),
            detail,
        }
    }
}

/// Encodes `value` through a zstd frame at `level` into `spool`; returns the
/// uncompressed length, as [`encode_lz4`] does; the outer error when the encoder
/// could not start.
fn encode_zstd<T: Serialize + ?Sized>(
    value: &T,
    spool: &mut Spool<'_>,
    level: i32,
) -> Result<Result<u64, Option<postcard::Error>>, String> {
    let mut zstd = flavor::Compressing::zstd(spool, level)?;
    Ok(
        postcard::serialize_with_flavor(value, Staged::new(Vec::new(), &mut zstd))
            .map_err(Some)
            .and_then(|stage| zstd.finish(stage).map_err(|Stopped| None)),
    )
}

/// Encodes `value` through an lz4 frame into `spool`; returns the uncompressed
/// length. `None` for an error: postcard finished, the lz4 frame did not (the cause
/// is in the spool).
fn encode_lz4<T: Serialize + ?Sized>(
    value: &T,
    spool: &mut Spool<'_>,
) -> Result<u64, Option<postcard::Error>> {
    let mut lz4 = flavor::Compressing::lz4(spool);
    let stage = postcard::serialize_with_flavor(value, Staged::new(Vec::new(), &mut lz4))?;
    lz4.finish(stage).map_err(|Stopped| None)
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::io::{Cursor, Read, SeekFrom};

    use super::*;

    /// The file as persist wrote it before saves streamed: the whole postcard
    /// encoding, compressed in one go, then the envelope around it.
    fn reference<T: Serialize + Schema + ?Sized>(value: &T, compression: Compression) -> Vec<u8> {
        let description = Description::of::<T>();
        let (rec_id, version) = migrate::rec_id_and_version(&description);
        let raw = postcard::to_stdvec(value).unwrap();
        let payload = compression.compress(&raw).unwrap();
        let mut out = format::write_header(&HeaderFields {
            compression,
            rec_id: &rec_id,
            version,
            schema: &description.to_canonical_bytes(),
            payload_len: payload.len() as u64,
            uncompressed_len: raw.len() as u64,
        })
        .unwrap();
        out.extend_from_slice(&payload);
        out.extend_from_slice(&format::checksum(&payload).to_le_bytes());
        out
    }

    fn streamed_to_file<T: Serialize + Schema + ?Sized>(
        value: &T,
        compression: Compression,
    ) -> Vec<u8> {
        let plan = Plan::new::<T>(compression).unwrap();
        let mut file = tempfile::tempfile().unwrap();
        plan.write_file(value, &mut file, Path::new("t"), true)
            .unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        bytes
    }

    fn check<T: Serialize + Schema + ?Sized>(value: &T) {
        for compression in Compression::ALL {
            let expected = reference(value, compression);
            let in_memory = Plan::new::<T>(compression)
                .unwrap()
                .to_bytes_checked(value, true)
                .unwrap();
            assert!(in_memory == expected, "to_bytes, {compression:?}");
            assert!(
                streamed_to_file(value, compression) == expected,
                "file, {compression:?}"
            );
        }
    }

    /// Bytes with little for lz4 to find: xorshift noise.
    fn noise(len: usize, mut state: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn small_values_are_the_bytes_of_the_whole_buffer_encoding() {
        check(&());
        check(&0u8);
        check(&String::new());
        check(&Vec::<u64>::new());
        check(&(1u32, "one".to_string(), vec![1.5f64; 3]));
    }

    #[test]
    fn large_values_are_the_bytes_of_the_whole_buffer_encoding() {
        // Many small writes, several lz4 blocks (4 MiB each) and spool chunks.
        let words: Vec<String> = (0..400_000u32).map(|i| format!("w{}", i % 977)).collect();
        check(&words);
        let numbers: Vec<u64> = (0..1_500_000u64).map(|i| i * i).collect();
        check(&numbers);
        // One write larger than a block; lz4 stores incompressible blocks as they are.
        let text: String = noise(9 << 20, 7)
            .iter()
            .map(|b| char::from(b'a' + b % 26))
            .collect();
        check(&text);
        check(&(noise(5 << 20, 3), vec![0u8; 5 << 20]));
    }

    #[test]
    fn a_failed_file_write_is_an_io_error_naming_the_file() {
        let words: Vec<String> = (0..300_000u32).map(|i| format!("w{i}")).collect();
        for compression in Compression::ALL {
            for value in [&words[..3], &words[..]] {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("read-only");
                std::fs::write(&path, b"").unwrap();
                // Opened for reading only: every write fails.
                let mut file = File::open(&path).unwrap();
                let plan = Plan::new::<[String]>(compression).unwrap();
                let err = plan.write_file(value, &mut file, &path, true).unwrap_err();
                assert!(
                    matches!(&err, Error::Io { action: WRITE_TEMP, path: p, .. } if p == &path),
                    "{compression:?}, {} words: {err:?}",
                    value.len()
                );
            }
        }
    }

    /// A writer whose `fail_at`-th write fails, and only that one.
    struct FailsOnce {
        out: Cursor<Vec<u8>>,
        writes: usize,
        fail_at: usize,
    }

    impl Write for FailsOnce {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.writes += 1;
            if self.writes == self.fail_at {
                return Err(io::Error::other("the disk hiccuped"));
            }
            self.out.write(buf)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Read for FailsOnce {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.out.read(buf)
        }
    }

    impl Seek for FailsOnce {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            self.out.seek(to)
        }
    }

    #[test]
    fn after_a_failed_write_the_rest_of_the_value_writes_nothing() {
        // The flavor's writes cannot fail (see `flavor::Staged`): postcard goes on to
        // the end of the value, whose bytes must all be discarded. Numbers (taken by
        // value when the buffer is full) and strings (by address) both take payloads
        // of several chunks and lz4 blocks past the failed first write.
        let floats: Vec<f32> = (0..1_500_000u32).map(|i| i as f32 * 0.25).collect();
        let words: Vec<String> = (0..700_000u32).map(|i| format!("item {i}")).collect();
        let value = (floats, words);
        for compression in Compression::ALL {
            let mut out = FailsOnce {
                out: Cursor::new(Vec::new()),
                writes: 0,
                fail_at: 1,
            };
            let plan = Plan::new::<(Vec<f32>, Vec<String>)>(compression).unwrap();
            let err = plan
                .write_file(&value, &mut out, Path::new("t"), true)
                .unwrap_err();
            assert!(
                matches!(
                    &err,
                    Error::Io {
                        action: WRITE_TEMP,
                        ..
                    }
                ),
                "{compression:?}: {err:?}"
            );
            assert_eq!(out.writes, 1, "{compression:?}");
            assert!(out.out.get_ref().is_empty(), "{compression:?}");
        }
    }

    /// A sequence that ignores its elements' errors, as a careless impl might.
    struct Swallows(Vec<String>);

    impl Serialize for Swallows {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
            for item in &self.0 {
                let _ = seq.serialize_element(item);
            }
            seq.end()
        }
    }

    impl Schema for Swallows {
        fn describe(builder: &mut crate::schema::Builder) -> crate::schema::Node {
            <Vec<String> as Schema>::describe(builder)
        }
    }

    #[test]
    fn a_write_error_a_serialize_impl_swallowed_still_fails_the_save() {
        // More than an lz4 block (4 MiB) of payload, so a chunk is written (and fails)
        // half way through the serialization.
        let value = Swallows((0..700_000u32).map(|i| format!("item {i}")).collect());
        for compression in Compression::ALL {
            let mut out = FailsOnce {
                out: Cursor::new(Vec::new()),
                writes: 0,
                fail_at: 1,
            };
            let plan = Plan::new::<Swallows>(compression).unwrap();
            let err = plan
                .write_file(&value, &mut out, Path::new("t"), true)
                .unwrap_err();
            assert!(
                matches!(&err, Error::Io { action: WRITE_TEMP, source, .. } if source.to_string() == "the disk hiccuped"),
                "{compression:?}: {err:?}"
            );
        }
    }
}
