//! Every error variant a caller may handle, provoked through the public API, with the
//! message checked for what was wrong and where.

use std::fs;
use std::path::{Path, PathBuf};

use persist::{Compression, Error, LoadOptions, Origin, SaveOptions, Section};

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// A valid file holding `value`, as bytes.
fn file_bytes<T: serde::Serialize + persist::Schema>(value: &T) -> Vec<u8> {
    persist::to_bytes(value).expect("encode")
}

/// Writes `bytes` to `name` in `dir` and returns its path.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).expect("write fixture");
    path
}

/// Offset of the header checksum in a file holding a `u32` (fixed header, REC_ID "u32",
/// one-byte description of no definitions and the root node).
fn header_checksum_offset(bytes: &[u8]) -> usize {
    persist::inspect_bytes(bytes).unwrap().header_len as usize - 8
}

#[test]
fn io_error_names_the_path() {
    let dir = temp_dir();
    let missing = dir.path().join("nowhere.pickle");
    let err = persist::load::<u32>(&missing).unwrap_err();
    match &err {
        Error::Io {
            action,
            path,
            source,
        } => {
            assert_eq!(*action, "open");
            assert_eq!(path, &missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert!(err.to_string().contains("nowhere.pickle"), "{err}");
}

#[test]
fn not_a_persist_file() {
    let dir = temp_dir();
    let path = write(
        dir.path(),
        "notes.txt",
        b"just some text, longer than a header would be...",
    );
    let err = persist::load::<u32>(&path).unwrap_err();
    assert!(
        matches!(&err, Error::NotPersistFile { origin: Origin::File(p) } if p == &path),
        "{err:?}"
    );
    assert!(err.to_string().contains("not a persist file"), "{err}");
}

#[test]
fn format_from_the_future() {
    let mut bytes = file_bytes(&7u32);
    bytes[8..10].copy_from_slice(&2u16.to_le_bytes());
    let err = persist::from_bytes::<u32>(&bytes).unwrap_err();
    assert!(
        matches!(
            err,
            Error::FormatFromFuture {
                found: 2,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("upgrade persist"), "{err}");
}

#[test]
fn unknown_codec() {
    let mut bytes = file_bytes(&7u32);
    bytes[10] = 77;
    let err = persist::from_bytes::<u32>(&bytes).unwrap_err();
    assert!(matches!(err, Error::UnknownCodec { id: 77, .. }), "{err:?}");
}

#[test]
fn truncated_header_and_payload() {
    let bytes = file_bytes(&vec![1u64, 2, 3]);
    let info = persist::inspect_bytes(&bytes).unwrap();

    let err = persist::from_bytes::<Vec<u64>>(&bytes[..20]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                section: Section::Header,
                expected: 48,
                found: 20,
                ..
            }
        ),
        "{err:?}"
    );

    let cut = info.header_len as usize + 2;
    let err = persist::from_bytes::<Vec<u64>>(&bytes[..cut]).unwrap_err();
    assert!(
        matches!(err, Error::Truncated { section: Section::Payload, found, .. } if found == cut as u64),
        "{err:?}"
    );
    assert!(err.to_string().contains("truncated"), "{err}");

    let err = persist::from_bytes::<Vec<u64>>(&[]).unwrap_err();
    assert!(matches!(err, Error::Truncated { found: 0, .. }), "{err:?}");
}

#[test]
fn checksum_mismatch_in_payload_and_header() {
    let dir = temp_dir();
    let mut bytes = file_bytes(&"a payload worth protecting".to_string());
    let last_payload_byte = bytes.len() - 9;
    bytes[last_payload_byte] ^= 0x01;
    let path = write(dir.path(), "flipped.pickle", &bytes);
    let err = persist::load::<String>(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ChecksumMismatch {
                section: Section::Payload,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("flipped.pickle"), "{err}");

    let mut bytes = file_bytes(&7u32);
    bytes[12] ^= 0x80; // the type VERSION field
    let err = persist::from_bytes::<u32>(&bytes).unwrap_err();
    assert!(
        matches!(
            err,
            Error::ChecksumMismatch {
                section: Section::Header,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn corrupt_when_consistent_checksums_cover_inconsistent_content() {
    // Trailing bytes after the payload checksum.
    let mut bytes = file_bytes(&7u32);
    bytes.extend_from_slice(b"extra");
    let err = persist::from_bytes::<u32>(&bytes).unwrap_err();
    assert!(
        matches!(&err, Error::Corrupt { detail, .. } if detail.contains("5 unexpected bytes")),
        "{err:?}"
    );

    // Reserved flags set, with the header checksum recomputed as a crafted file would.
    let mut bytes = file_bytes(&7u32);
    let at = header_checksum_offset(&bytes);
    bytes[11] = 0x04;
    let sum = twox_checksum(&bytes[..at]);
    bytes[at..at + 8].copy_from_slice(&sum.to_le_bytes());
    let err = persist::from_bytes::<u32>(&bytes).unwrap_err();
    assert!(
        matches!(&err, Error::Corrupt { detail, .. } if detail.contains("flags")),
        "{err:?}"
    );
}

/// The checksum the format uses, recomputed through the public API: the header
/// checksum of a re-encoded file equals xxh3 of the covered bytes, which `inspect`
/// verifies. Crafting it here shows a forged header is still caught by other checks.
fn twox_checksum(bytes: &[u8]) -> u64 {
    // xxh3-64 with the default seed, as in docs/FORMAT.md.
    twox_hash::XxHash3_64::oneshot(bytes)
}

#[test]
fn wrong_type_names_both_types() {
    let bytes = file_bytes(&vec![1u32, 2]);
    let err = persist::from_bytes::<Vec<u64>>(&bytes).unwrap_err();
    match &err {
        Error::WrongType {
            expected, found, ..
        } => {
            assert_eq!(expected.rec_id, "Vec<u64>");
            assert_eq!(found.rec_id, "Vec<u32>");
            assert_ne!(expected.fingerprint, found.fingerprint);
        }
        other => panic!("expected WrongType, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("`Vec<u32>`") && message.contains("`Vec<u64>`"),
        "{message}"
    );
}

#[test]
fn limit_exceeded_before_allocation() {
    let bytes = file_bytes(&vec![0u8; 10_000]);
    let err = persist::from_bytes_with::<Vec<u8>>(&bytes, &LoadOptions::new().max_size(1000))
        .unwrap_err();
    assert!(
        matches!(err, Error::LimitExceeded { what: "payload", size, limit: 1000, .. } if size > 10_000),
        "{err:?}"
    );
    assert!(err.to_string().contains("LoadOptions::max_size"), "{err}");
}

#[test]
fn decode_error_when_the_payload_does_not_fit_the_type() {
    // A `bool` payload byte of 2 is well-formed postcard for a u8 but not for a bool:
    // write a u8 file, then relabel its header as bool (recomputing checksum and
    // fingerprint, as a buggy or hostile writer could).
    let u8_file = file_bytes(&2u8);
    let bool_file = file_bytes(&true);
    let payload_at = persist::inspect_bytes(&u8_file).unwrap().header_len as usize;
    let header_len = persist::inspect_bytes(&bool_file).unwrap().header_len as usize;
    let mut forged = bool_file[..header_len].to_vec();
    forged.extend_from_slice(&u8_file[payload_at..]);
    let err = persist::from_bytes::<bool>(&forged).unwrap_err();
    assert!(
        matches!(&err, Error::Decode { type_name, .. } if type_name == "bool"),
        "{err:?}"
    );
}

/// A percentage that refuses, when read, what is not one: a type that validates
/// the data it loads, as `#[serde(try_from = ..)]` types do.
#[derive(serde::Serialize, Debug, PartialEq)]
struct Percent(u8);

impl<'de> serde::Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let level = <u8 as serde::Deserialize>::deserialize(deserializer)?;
        if level > 100 {
            return Err(serde::de::Error::custom(format!(
                "{level} is not a percentage"
            )));
        }
        Ok(Percent(level))
    }
}

impl persist::Schema for Percent {
    fn describe(builder: &mut persist::schema::Builder) -> persist::schema::Node {
        <u8 as persist::Schema>::describe(builder)
    }
}

#[derive(serde::Serialize, serde::Deserialize, persist::Schema, Debug, PartialEq)]
struct Limits {
    name: String,
    levels: Vec<Percent>,
}

#[test]
fn decode_error_keeps_the_message_and_place_of_a_refusing_deserialize() {
    // Saved by a program whose check was looser (or by a bug): 150 is stored.
    let limits = Limits {
        name: "alerts".into(),
        levels: vec![Percent(50), Percent(150)],
    };
    let dir = temp_dir();
    let path = dir.path().join("limits.pickle");
    persist::save(&limits, &path).unwrap();
    let in_memory = persist::from_bytes::<Limits>(&fs::read(&path).unwrap()).unwrap_err();
    let read_whole = persist::load::<Limits>(&path).unwrap_err();
    let streamed =
        persist::load_with::<Limits>(&path, &LoadOptions::new().stream_above(0)).unwrap_err();
    for err in [in_memory, read_whole, streamed] {
        assert!(
            matches!(&err, Error::Decode { detail, .. } if detail == "at `levels[1]`: 150 is not a percentage"),
            "{err:?}"
        );
    }
}

#[test]
fn a_refusing_deserialize_in_a_large_payload_is_named_without_its_message() {
    // Recovering the message decodes the payload as a `Value`, tens of times its
    // size: past 1 MiB the error says what happened and where to look instead.
    let mut levels: Vec<Percent> = (0..2_000_000).map(|_| Percent(50)).collect();
    levels.push(Percent(150));
    let limits = Limits {
        name: "alerts".into(),
        levels,
    };
    let err = persist::from_bytes::<Limits>(&file_bytes(&limits)).unwrap_err();
    assert!(
        matches!(&err, Error::Decode { detail, .. } if detail.contains("Deserialize refused the data") && detail.contains("persist dump")),
        "{err:?}"
    );
}

#[test]
fn encode_error_from_a_failing_serialize() {
    struct Refuses;
    impl serde::Serialize for Refuses {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("this value refuses to be saved"))
        }
    }
    impl persist::Schema for Refuses {
        fn describe(_: &mut persist::schema::Builder) -> persist::schema::Node {
            persist::schema::Node::Unit
        }
    }
    let err = persist::to_bytes(&Refuses).unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
}

#[test]
fn compression_conflict_between_option_and_extension() {
    let dir = temp_dir();
    let path = dir.path().join("data.pickle.lz4");
    let err = persist::save_with(
        &1u8,
        &path,
        &SaveOptions::new().compression(Compression::None),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::CompressionConflict {
                option: Compression::None,
                implied: Compression::Lz4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!path.exists(), "a refused save writes nothing");
}

#[test]
fn invalid_path_names_no_file() {
    let err = persist::save(&1u8, "/").unwrap_err();
    assert!(matches!(err, Error::InvalidPath { .. }), "{err:?}");
}

#[test]
fn structurally_identical_types_are_still_told_apart() {
    #[derive(serde::Serialize, serde::Deserialize, persist::Schema)]
    struct Meters {
        value: f64,
    }
    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, Debug)]
    struct Seconds {
        value: f64,
    }
    let dir = temp_dir();
    let path = dir.path().join("distance.pickle");
    persist::save(&Meters { value: 42.0 }, &path).unwrap();
    let err = persist::load::<Seconds>(&path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::WrongType { .. }), "{err:?}");
    assert!(
        message.contains("holds `Meters`") && message.contains("requested `Seconds`"),
        "{message}"
    );
    assert!(message.contains("distance.pickle"), "{message}");
}

#[test]
fn encode_error_for_a_sequence_of_unknown_length_says_what_to_do() {
    /// Serializes a filtered iterator, whose length serde cannot know up front.
    struct Evens(Vec<u32>);
    impl serde::Serialize for Evens {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(self.0.iter().filter(|n| *n % 2 == 0))
        }
    }
    impl persist::Schema for Evens {
        fn describe(builder: &mut persist::schema::Builder) -> persist::schema::Node {
            <Vec<u32> as persist::Schema>::describe(builder)
        }
    }
    let err = persist::to_bytes(&Evens(vec![1, 2, 3, 4])).unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("serialize a Vec instead of an iterator"),
        "{err}"
    );
}

#[test]
fn a_payload_length_that_would_overflow_is_corrupt_even_without_a_limit() {
    // A header-only file whose (checksummed) payload length is near u64::MAX: with
    // the limit lifted, the declared total length must not wrap around.
    let bytes = file_bytes(&7u32);
    let header_len = persist::inspect_bytes(&bytes).unwrap().header_len as usize;
    let mut forged = bytes[..header_len].to_vec();
    forged[32..40].copy_from_slice(&(u64::MAX - 7).to_le_bytes());
    let at = header_len - 8;
    let sum = twox_checksum(&forged[..at]);
    forged[at..].copy_from_slice(&sum.to_le_bytes());
    let unlimited = LoadOptions::new().max_size(u64::MAX);

    let err = persist::from_bytes_with::<u32>(&forged, &unlimited).unwrap_err();
    assert!(
        matches!(&err, Error::Corrupt { detail, .. } if detail.contains("impossible")),
        "{err:?}"
    );
    let dir = temp_dir();
    let path = write(dir.path(), "forged.pickle", &forged);
    let err = persist::load_with::<u32>(&path, &unlimited).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err:?}");
}

/// A recursive type: each tree holds trees.
#[derive(serde::Serialize, serde::Deserialize, persist::Schema, Debug, PartialEq)]
struct Tree(Vec<Tree>);

/// A tree nested `depth` levels deep.
fn deep_tree(depth: usize) -> Tree {
    (0..depth).fold(Tree(vec![]), |inner, _| Tree(vec![inner]))
}

/// `file` with its payload replaced by `payload`, lengths and checksums recomputed,
/// as a crafted file would be.
fn with_payload(file: &[u8], payload: &[u8]) -> Vec<u8> {
    let header_len = persist::inspect_bytes(file).unwrap().header_len as usize;
    let mut forged = file[..header_len].to_vec();
    forged[32..40].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    forged[40..48].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    let at = header_len - 8;
    let sum = twox_checksum(&forged[..at]);
    forged[at..].copy_from_slice(&sum.to_le_bytes());
    forged.extend_from_slice(payload);
    forged.extend_from_slice(&twox_checksum(payload).to_le_bytes());
    forged
}

#[test]
fn a_crafted_deeply_nested_payload_is_refused_not_a_stack_overflow() {
    // A million trees each holding one tree: a million bytes, a million levels.
    let mut payload = vec![0x01u8; 1_000_000];
    payload.push(0x00);
    let forged = with_payload(&file_bytes(&Tree(vec![])), &payload);
    let err = persist::from_bytes::<Tree>(&forged).unwrap_err();
    assert!(matches!(err, Error::TooDeep { limit: 256, .. }), "{err:?}");
    assert!(err.to_string().contains("LoadOptions::max_depth"), "{err}");
}

#[test]
fn honest_deep_values_load_within_the_limit_and_beyond_it_when_raised() {
    let within = deep_tree(200);
    assert_eq!(
        persist::from_bytes::<Tree>(&file_bytes(&within)).unwrap(),
        within
    );

    let beyond = deep_tree(300);
    let bytes = file_bytes(&beyond);
    let err = persist::from_bytes::<Tree>(&bytes).unwrap_err();
    assert!(matches!(err, Error::TooDeep { .. }), "{err:?}");
    let raised = LoadOptions::new().max_depth(400);
    assert_eq!(
        persist::from_bytes_with::<Tree>(&bytes, &raised).unwrap(),
        beyond
    );
}

#[test]
fn a_debug_save_of_a_value_nested_deeper_than_its_check_follows_still_saves() {
    // The save check (debug builds) walks nested values recursively: it follows
    // 512 levels, and must neither overflow a test thread's 2 MiB stack nor
    // refuse what release builds save.
    let saved = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| persist::to_bytes(&deep_tree(2_000)).map(|bytes| bytes.len()))
        .unwrap()
        .join()
        .expect("no stack overflow");
    assert!(saved.unwrap() > 2_000);
}

mod glyph_forged {
    /// Writes a string where `Glyph` has a `char`.
    #[derive(serde::Serialize, persist::Schema)]
    pub struct Glyph {
        #[schema(as = char)]
        pub c: String,
    }
}

/// The type the forged file claims to hold.
#[derive(serde::Deserialize, persist::Schema, Debug)]
struct Glyph {
    #[allow(dead_code)]
    c: char,
}

#[test]
fn a_char_stored_as_two_characters_is_refused_on_every_path() {
    let forged = glyph_forged::Glyph { c: "ab".into() };
    // The save check refuses it, as it should; written on purpose here.
    assert!(matches!(
        persist::to_bytes(&forged),
        Err(Error::Misdescribed { .. })
    ));
    let unchecked = persist::SaveOptions::new().check_description(false);
    let bytes = persist::to_bytes_with(&forged, &unchecked).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("glyph.pickle");
    std::fs::write(&path, &bytes).unwrap();
    let results = [
        persist::from_bytes::<Glyph>(&bytes).map(drop),
        persist::load_with::<Glyph>(&path, &LoadOptions::new().stream_above(u64::MAX)).map(drop),
        persist::load_with::<Glyph>(&path, &LoadOptions::new().stream_above(0)).map(drop),
        persist::load_state(&path).map(drop),
    ];
    for result in results {
        let err = result.unwrap_err();
        assert!(
            matches!(err, Error::Decode { .. }) && err.to_string().contains("not exactly one char"),
            "{err:?}"
        );
    }
}
