//! The bodies of the fuzz targets.
//!
//! Each takes the fuzzer's bytes and returns how many of the loads it tried accepted
//! them (the seed corpora must be accepted, so that fuzzing starts deep). A body
//! panics only when a load broke a promise: the load itself panicked, or two ways
//! of reading the same bytes disagree. Errors are the expected answer to bad input;
//! their messages are formatted too, since printing an error must not panic either.

use std::borrow::Cow;
use std::hint::black_box;
use std::io::Write;

use persist::schema::Description;
use persist::value::{self, Value};
use persist::{AnyRecord, Compression, Error, LoadOptions, SaveOptions};
use tempfile::NamedTempFile;

use super::envelope;
use super::types::{with_type, FuzzType, PerType, TYPE_COUNT};

/// A target body: the fuzz input in, the number of loads that accepted it out.
pub type Target = fn(&[u8]) -> usize;

/// Every target, by the name of its fuzz binary and corpus directory.
pub const TARGETS: &[(&str, Target)] = &[
    ("inspect_bytes", inspect_bytes),
    ("from_bytes", from_bytes),
    ("load_any", load_any),
    ("load_state", load_state),
    ("value_decode", value_decode),
    ("lz4_payload", lz4_payload),
    ("zstd_payload", zstd_payload),
    #[cfg(all(
        feature = "chrono",
        feature = "uuid",
        feature = "rust_decimal",
        feature = "ndarray"
    ))]
    ("foreign_fields", foreign_fields),
];

/// The input as it is, then with its fingerprint and checksums recomputed when that
/// changes it: the first exercises the envelope checks, the second what lies behind.
fn variants(data: &[u8]) -> Vec<Cow<'_, [u8]>> {
    let mut inputs = vec![Cow::Borrowed(data)];
    inputs.extend(envelope::repair(data).map(Cow::Owned));
    inputs
}

/// Formats a refused load's error, which must not panic either.
fn refused(error: Error) -> usize {
    black_box(error.to_string());
    0
}

/// `persist::inspect_bytes`: the header parser and the schema decoder.
pub fn inspect_bytes(data: &[u8]) -> usize {
    variants(data).iter().map(|input| inspect_one(input)).sum()
}

fn inspect_one(input: &[u8]) -> usize {
    let info = match persist::inspect_bytes(input) {
        Ok(info) => info,
        Err(error) => return refused(error),
    };
    assert_eq!(info.file_len, input.len() as u64, "file length");
    assert_eq!(
        info.header_len + info.payload_len + 8,
        info.file_len,
        "sections add up to the file"
    );
    assert_eq!(info.schema.fingerprint(), info.fingerprint, "fingerprint");
    // A schema has one encoding: the one decoded re-encodes to the stored bytes, so
    // equal types always have equal fingerprints.
    let schema_start = 48 + info.rec_id.len();
    let schema_end = info.header_len as usize - 8;
    assert!(
        info.schema.to_canonical_bytes() == input[schema_start..schema_end],
        "the stored schema is not canonical, yet was accepted: {}",
        info.schema
    );
    black_box(info.to_string());
    1
}

/// `persist::from_bytes` as each fuzz type: routes, upgrades, decompression,
/// the depth walk and postcard decoding; and `persist::load_with` of the same bytes
/// in a file, streamed (it decodes as it reads), which must agree.
pub fn from_bytes(data: &[u8]) -> usize {
    variants(data)
        .iter()
        .map(|input| {
            let file = temp_file(input);
            (0..TYPE_COUNT)
                .map(|index| {
                    with_type(
                        index,
                        Typed {
                            bytes: input,
                            file: &file,
                        },
                    )
                })
                .sum::<usize>()
        })
        .sum()
}

/// A record with fields of other crates ([`Run`](super::types::Run)): its typed
/// loads (from bytes, and from a file streamed) must agree and round-trip, and its
/// state must read as `load_state` reads any file.
#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "ndarray"
))]
pub fn foreign_fields(data: &[u8]) -> usize {
    variants(data)
        .iter()
        .map(|input| {
            let file = temp_file(input);
            let typed = Typed {
                bytes: input,
                file: &file,
            }
            .run::<super::types::Run>();
            typed + load_state_one(input)
        })
        .sum()
}

/// A typed load of `bytes`, whose result, if any, must round-trip, and must be
/// what a load of `file`, holding the same bytes, gives.
struct Typed<'a> {
    bytes: &'a [u8],
    file: &'a NamedTempFile,
}

impl PerType for Typed<'_> {
    type Output = usize;

    fn run<T: FuzzType>(self) -> usize {
        let mut options = LoadOptions::new();
        let mut loaded = persist::from_bytes::<T>(self.bytes);
        if let Err(Error::NewerVersion { .. }) = loaded {
            // A file of a newer version: also try the route that reads it.
            options = options.allow_newer(true);
            loaded = persist::from_bytes_with::<T>(self.bytes, &options);
        }
        // Streamed whatever the size: the fuzz inputs are small.
        let from_file = persist::load_with::<T>(self.file.path(), &options.stream_above(0));
        match (&loaded, &from_file) {
            (Ok(value), Ok(same)) => assert!(
                encode(value) == encode(same),
                "from_bytes and load gave different values"
            ),
            (Err(error), Err(same)) => assert_eq!(
                std::mem::discriminant(error),
                std::mem::discriminant(same),
                "from_bytes and load refused for different reasons: {error} / {same}"
            ),
            _ => panic!(
                "from_bytes gave {}, load gave {}",
                outcome(&loaded),
                outcome(&from_file)
            ),
        }
        match loaded {
            Ok(value) => {
                assert_round_trips(&value);
                1
            }
            Err(error) => refused(error),
        }
    }
}

/// A load's outcome, in words.
fn outcome<T>(loaded: &Result<T, Error>) -> String {
    match loaded {
        Ok(_) => "a value".into(),
        Err(error) => format!("an error: {error}"),
    }
}

/// The bytes of `value` saved uncompressed: what two values are compared by, since
/// a NaN in a value is not equal to itself.
fn encode<T: FuzzType>(value: &T) -> Vec<u8> {
    persist::to_bytes(value).expect("a loaded value saves")
}

/// A loaded value saves with each codec, and loads back as the same value.
fn assert_round_trips<T: FuzzType>(value: &T) {
    let expected = encode(value);
    for compression in [Compression::None, Compression::Lz4] {
        let options = SaveOptions::new().compression(compression);
        let file = persist::to_bytes_with(value, &options).expect("a loaded value saves");
        let back: T = persist::from_bytes(&file).expect("a saved value loads");
        assert!(
            encode(&back) == expected,
            "a loaded value changed in a round trip ({compression} codec)"
        );
    }
}

/// A file holding `bytes`, for the loads that only read paths.
fn temp_file(bytes: &[u8]) -> NamedTempFile {
    let mut file = NamedTempFile::new().expect("a temporary file");
    file.write_all(bytes).expect("writing a temporary file");
    file
}

/// `persist::load_any`: the registry's choice of type, then that type's load,
/// which must agree with a typed load of the same bytes.
pub fn load_any(data: &[u8]) -> usize {
    variants(data).iter().map(|input| load_any_one(input)).sum()
}

fn load_any_one(input: &[u8]) -> usize {
    let file = temp_file(input);
    let record = match persist::load_any(file.path()) {
        Ok(record) => record,
        Err(error) => return refused(error),
    };
    let matches: usize = (0..TYPE_COUNT)
        .map(|index| {
            with_type(
                index,
                SameAsTyped {
                    record: &record,
                    input,
                },
            )
        })
        .sum();
    assert_eq!(matches, 1, "{record:?} is exactly one of the fuzz types");
    1
}

/// Whether the record `load_any` built is a `T`; if so, it must equal what a typed
/// load of the same bytes gives.
struct SameAsTyped<'a> {
    record: &'a AnyRecord,
    input: &'a [u8],
}

impl PerType for SameAsTyped<'_> {
    type Output = usize;

    fn run<T: FuzzType>(self) -> usize {
        let Some(value) = self.record.downcast_ref::<T>() else {
            return 0;
        };
        let typed: T = persist::from_bytes(self.input)
            .expect("load_any built this type from the bytes, so a typed load reads them");
        assert!(
            encode(value) == encode(&typed),
            "load_any and a typed load disagree"
        );
        assert_round_trips(value);
        1
    }
}

/// `persist::load_state`: the value decoder, with the schema stored in the file.
pub fn load_state(data: &[u8]) -> usize {
    variants(data)
        .iter()
        .map(|input| load_state_one(input))
        .sum()
}

fn load_state_one(input: &[u8]) -> usize {
    let file = temp_file(input);
    let state = match persist::load_state(file.path()) {
        Ok(state) => state,
        Err(error) => return refused(error),
    };
    let info = persist::inspect_bytes(input).expect("load_state read this header");
    assert_eq!(state.rec_id, info.rec_id, "REC_ID");
    assert_eq!(state.version, info.version, "version");
    if info.compression == Compression::None {
        // The public bytes-level decoder reads the payload as load_state did.
        let (payload, _) = envelope::payload_of(input);
        let direct = value::decode(&info.schema, payload).expect("load_state decoded it");
        assert_same_value(&direct, &state.value);
    }
    1
}

/// Values compared by their debug form, in which a NaN equals itself.
fn assert_same_value(left: &Value, right: &Value) {
    assert_eq!(format!("{left:?}"), format!("{right:?}"), "values differ");
}

/// `persist::value::decode` of a raw postcard payload, against the typed decoder:
/// the first byte chooses a fuzz type, the rest is the payload. Where both accept,
/// they must read the same value; where only one does, one of them is wrong.
pub fn value_decode(data: &[u8]) -> usize {
    let Some((&selector, raw)) = data.split_first() else {
        return 0;
    };
    with_type(usize::from(selector), Differential(raw))
}

/// The differential check of one payload.
struct Differential<'a>(&'a [u8]);

impl PerType for Differential<'_> {
    type Output = usize;

    fn run<T: FuzzType>(self) -> usize {
        let raw = self.0;
        let template = persist::to_bytes(&T::samples()[0]).expect("a sample saves");
        let file = envelope::with_payload(&template, raw, raw.len() as u64);
        let typed = persist::from_bytes::<T>(&file);
        let decoded = value::decode(&Description::of::<T>(), raw);
        match (typed, decoded) {
            (Ok(typed), Ok(decoded)) => {
                let from_value: T = value::from_value(decoded)
                    .expect("a value decoded with the type's schema converts to the type");
                assert!(
                    encode(&from_value) == encode(&typed),
                    "the value decoder and postcard read different values"
                );
                1
            }
            (Ok(_), Err(error)) => {
                panic!("postcard reads the payload, the value decoder refuses it: {error}")
            }
            // The typed load bounds recursion at 256 levels, the bare decoder at 1024.
            (Err(Error::TooDeep { .. }), Ok(_)) => 1,
            (Err(error), Ok(decoded)) => {
                panic!("the value decoder reads {decoded:?}, the typed load refuses it: {error}")
            }
            (Err(error), Err(message)) => {
                black_box(message);
                refused(error)
            }
        }
    }
}

/// The lz4 path: a valid lz4 file of a fuzz type whose payload is replaced by the
/// input's. The first byte chooses the type, the next four (little-endian) are the
/// declared uncompressed length, the rest is the stored payload; the checksums are
/// made to match, so every input reaches the decompressor.
pub fn lz4_payload(data: &[u8]) -> usize {
    codec_payload(Compression::Lz4, data)
}

/// A zstd payload, as [`lz4_payload`] does for lz4: the first byte chooses a fuzz
/// type, the next four the declared uncompressed length, the rest is the stored
/// payload (a zstd frame, or not), in a file whose checksums match it.
pub fn zstd_payload(data: &[u8]) -> usize {
    codec_payload(Compression::Zstd, data)
}

/// The body of the payload targets of the compressing codecs.
fn codec_payload(codec: Compression, data: &[u8]) -> usize {
    let Some((&selector, rest)) = data.split_first() else {
        return 0;
    };
    let Some((raw_len, payload)) = rest.split_first_chunk::<4>() else {
        return 0;
    };
    with_type(
        usize::from(selector),
        CodecPayload {
            codec,
            payload,
            raw_len: u64::from(u32::from_le_bytes(*raw_len)),
        },
    )
}

/// A stored lz4 payload and its declared uncompressed length.
struct CodecPayload<'a> {
    codec: Compression,
    payload: &'a [u8],
    raw_len: u64,
}

impl PerType for CodecPayload<'_> {
    type Output = usize;

    fn run<T: FuzzType>(self) -> usize {
        let options = SaveOptions::new().compression(self.codec);
        let template = persist::to_bytes_with(&T::samples()[0], &options).expect("a sample saves");
        let bytes = envelope::with_payload(&template, self.payload, self.raw_len);
        let file = temp_file(&bytes);
        Typed {
            bytes: &bytes,
            file: &file,
        }
        .run::<T>()
    }
}
