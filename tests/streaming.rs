//! Saves and loads stream: a saved file is byte for byte the in-memory encoding, a
//! save holds a small fraction of its payload in memory, and a typed load holds the
//! value it builds and a small window of the payload, never the payload whole (a
//! type that borrows from its input holds the payload once, decompressed).
//!
//! Memory is measured by a counting global allocator, armed on the test's own thread
//! only around the call under test, so the other tests of this binary, running on
//! other threads, do not disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fs;
use std::path::Path;

use persist::{Compression, Error, LoadOptions, SaveOptions, Section};
use serde::ser::{Error as _, SerializeSeq, Serializer};
use serde::Serialize;

/// Counts the live heap bytes allocated and freed by the thread that armed it.
///
/// This is the one `unsafe` this project accepts: a `GlobalAlloc` impl, which the
/// language requires to be `unsafe`, only to measure allocations in a test. It adds
/// bookkeeping and forwards every call to the system allocator unchanged.
struct Counting;

thread_local! {
    // `const` initializers without destructors: reading them never allocates, so
    // the allocator can use them.
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

/// Adds `delta` to this thread's live bytes while armed, and raises the peak.
fn count(delta: i64) {
    let _ = ARMED.try_with(|armed| {
        if armed.get() {
            let live = LIVE.get() + delta;
            LIVE.set(live);
            PEAK.set(PEAK.get().max(live));
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged;
// the bookkeeping touches only const-initialized thread locals and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as i64));
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as i64 - layout.size() as i64);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the peak of the heap bytes it held beyond
/// what was live when it started (memory freed that was allocated before counts
/// against it, so the peak is never overstated).
fn peak_of<R>(f: impl FnOnce() -> R) -> (R, u64) {
    LIVE.set(0);
    PEAK.set(0);
    ARMED.set(true);
    let result = f();
    ARMED.set(false);
    (result, PEAK.get().max(0) as u64)
}

const MIB: u64 = 1 << 20;

fn lz4() -> SaveOptions {
    SaveOptions::new().compression(Compression::Lz4)
}

/// Text that lz4 can hardly compress (random hex digits), so a compressed payload is
/// nearly as large as the raw one and holding it whole would show.
fn hex_noise(len: usize, seed: u64) -> String {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b"0123456789abcdef"[(state >> 32) as usize % 16])
        })
        .collect()
}

/// About `total` bytes of payload (noise) as many 1 KiB strings: a value postcard
/// writes in many small pieces.
fn lines(total: usize) -> Vec<String> {
    let line = 1024;
    let noise = hex_noise(total, 11);
    (0..total / line)
        .map(|i| noise[i * line..(i + 1) * line].to_string())
        .collect()
}

#[derive(Serialize, serde::Deserialize, persist::Schema, Debug, PartialEq, Default)]
struct Tick {
    symbol: String,
    price: f64,
    size: u32,
}

/// Saves `value` with `options` and checks the file is `to_bytes_with`'s bytes and
/// loads back as `value`.
fn check_identical<T>(value: &T, options: &SaveOptions, dir: &Path)
where
    T: Serialize + serde::de::DeserializeOwned + persist::Schema + PartialEq + std::fmt::Debug,
{
    let expected = persist::to_bytes_with(value, options).unwrap();
    for durable in [true, false] {
        let path = dir.join("value.pickle");
        persist::save_with(value, &path, &options.clone().durable(durable)).unwrap();
        let saved = fs::read(&path).unwrap();
        assert!(
            saved == expected,
            "{} bytes saved, {} expected ({:?})",
            saved.len(),
            expected.len(),
            options.get_compression()
        );
        assert_eq!(&persist::load::<T>(&path).unwrap(), value);
    }
    assert_eq!(&persist::from_bytes::<T>(&expected).unwrap(), value);
}

#[test]
fn saved_files_are_the_bytes_of_to_bytes_for_both_codecs() {
    let dir = tempfile::tempdir().unwrap();
    let big = lines(6 << 20);
    for options in [SaveOptions::new(), lz4()] {
        check_identical(&(), &options, dir.path());
        check_identical(&Vec::<u64>::new(), &options, dir.path());
        check_identical(&String::new(), &options, dir.path());
        check_identical(
            &Tick {
                symbol: "AAPL".into(),
                price: 189.25,
                size: 100,
            },
            &options,
            dir.path(),
        );
        check_identical(&(0..100_000u64).collect::<Vec<_>>(), &options, dir.path());
        // Several MiB: more than an lz4 block (4 MiB) and many spool chunks.
        check_identical(&big, &options, dir.path());
        check_identical(&hex_noise(5 << 20, 3), &options, dir.path());
    }
    let info = persist::inspect_bytes(&persist::to_bytes_with(&big, &lz4()).unwrap()).unwrap();
    assert!(info.uncompressed_len > 6 * MIB - 1024, "{info}");
}

#[test]
fn the_empty_value_is_a_header_and_a_checksum() {
    let bytes = persist::to_bytes(&()).unwrap();
    let info = persist::inspect_bytes(&bytes).unwrap();
    assert_eq!((info.payload_len, info.uncompressed_len), (0, 0));
    assert_eq!(bytes.len() as u64, info.header_len + 8);
    // xxh3-64 of nothing.
    assert_eq!(
        bytes[bytes.len() - 8..],
        twox_hash::XxHash3_64::oneshot(b"").to_le_bytes()
    );
}

/// The payload of a large test value: big enough that holding it whole shows next to
/// the fixed buffers (lz4 blocks, chunks).
const LARGE: usize = 64 << 20;

#[test]
fn a_large_save_holds_a_small_fraction_of_its_payload() {
    let dir = tempfile::tempdir().unwrap();
    let value = lines(LARGE);
    // The fixed buffers: the spool's 2 MiB chunk, and for lz4 also its 4 MiB
    // block, its worst-case output and its table (a little over 8 MiB); 1 MiB of
    // slack on top.
    for (options, fixed) in [(SaveOptions::new(), 3 * MIB), (lz4(), 11 * MIB)] {
        let path = dir.path().join("large.pickle");
        let ((), peak) = peak_of(|| persist::save_with(&value, &path, &options).unwrap());
        let info = persist::inspect(&path).unwrap();
        let bound = info.uncompressed_len / 10 + fixed;
        assert!(
            peak <= bound,
            "{:?}: a save of {} payload bytes held {peak} bytes (bound {bound})",
            options.get_compression(),
            info.uncompressed_len
        );
        assert!(info.uncompressed_len >= LARGE as u64);
    }
}

#[test]
fn a_typed_load_holds_the_value_and_a_small_window() {
    let dir = tempfile::tempdir().unwrap();
    let value = lines(LARGE);
    let value_heap = value_heap(&value);
    // The fixed buffers: the 128 KiB window postcard decodes from, and for lz4 also
    // the 64 KiB read buffer and one 4 MiB block, stored and decoded; 1 MiB of slack.
    for (options, fixed) in [(SaveOptions::new(), MIB), (lz4(), 9 * MIB)] {
        let path = dir.path().join("large.pickle");
        persist::save_with(&value, &path, &options).unwrap();
        let info = persist::inspect(&path).unwrap();
        let (loaded, peak) = peak_of(|| persist::load::<Vec<String>>(&path).unwrap());
        assert!(loaded == value);
        drop(loaded);
        let bound = value_heap + fixed;
        assert!(
            peak <= bound,
            "{:?}: a load of {} payload bytes ({} stored) held {peak} bytes (bound {bound})",
            options.get_compression(),
            info.uncompressed_len,
            info.payload_len
        );
        assert!(
            info.payload_len > fixed,
            "the noise hardly compresses, so a whole copy of the payload would not fit the bound"
        );
    }
}

#[test]
fn the_stream_threshold_decides_whether_a_load_holds_the_payload() {
    let dir = tempfile::tempdir().unwrap();
    let value = lines(LARGE);
    let path = dir.path().join("large.pickle");
    persist::save(&value, &path).unwrap();
    let payload = persist::inspect(&path).unwrap().uncompressed_len;
    let value_heap = value_heap(&value);
    assert!(payload > LoadOptions::DEFAULT_STREAM_ABOVE);
    let peak = |options: LoadOptions| {
        let (loaded, peak) =
            peak_of(|| persist::load_with::<Vec<String>>(&path, &options).unwrap());
        assert!(loaded == value);
        peak
    };
    // Past the threshold (the default here): a window, not the payload.
    let streamed = peak(LoadOptions::new());
    assert!(streamed <= value_heap + MIB, "streamed: {streamed} bytes");
    // Under it: the payload, read whole, on top of that.
    let whole = peak(LoadOptions::new().stream_above(u64::MAX));
    assert!(
        whole > streamed + payload / 10 * 9,
        "read whole: {whole} bytes, streamed {streamed}, payload {payload}"
    );
}

/// A record, for `load_any`.
#[derive(Serialize, serde::Deserialize, persist::Pickleable, PartialEq, Debug)]
#[rec_id = "streaming.Lines"]
struct Lines {
    lines: Vec<String>,
}

#[test]
fn load_any_streams_a_large_record_too() {
    let dir = tempfile::tempdir().unwrap();
    let record = Lines {
        lines: lines(LARGE),
    };
    let value_heap = value_heap(&record.lines);
    let path = dir.path().join("lines.pickle");
    persist::save(&record, &path).unwrap();
    let (loaded, peak) = peak_of(|| persist::load_any(&path).unwrap());
    assert!(loaded.downcast::<Lines>().unwrap() == record);
    assert!(
        peak <= value_heap + MIB,
        "load_any held {peak} bytes, the value {value_heap}"
    );
}

/// The heap of a loaded `Vec<String>`: its strings, and its vector's buffer, which
/// serde grows by doubling.
fn value_heap(value: &[String]) -> u64 {
    value.iter().map(|s| s.len() as u64).sum::<u64>() + 2 * std::mem::size_of_val(value) as u64
}

/// A string that reads itself with `deserialize_str`, as some owned types do (dates
/// that parse their text, for one): postcard lends such strings from its input,
/// which a stream cannot, so the load reads the payload whole.
#[derive(Serialize, PartialEq, Debug)]
struct ParsedText(String);

impl<'de> serde::Deserialize<'de> for ParsedText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = ParsedText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E>(self, text: &str) -> Result<ParsedText, E> {
                Ok(ParsedText(text.to_owned()))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

impl persist::Schema for ParsedText {
    fn describe(builder: &mut persist::schema::Builder) -> persist::schema::Node {
        <String as persist::Schema>::describe(builder)
    }
}

#[test]
fn a_type_that_borrows_its_input_loads_from_the_whole_payload() {
    let dir = tempfile::tempdir().unwrap();
    let text: Vec<ParsedText> = lines(LARGE).into_iter().map(ParsedText).collect();
    let strings: Vec<String> = text.iter().map(|t| t.0.clone()).collect();
    let value_heap = value_heap(&strings);
    drop(strings);
    for (options, fixed) in [(SaveOptions::new(), MIB), (lz4(), 9 * MIB)] {
        let path = dir.path().join("text.pickle");
        persist::save_with(&text, &path, &options).unwrap();
        let info = persist::inspect(&path).unwrap();
        let (loaded, peak) = peak_of(|| persist::load::<Vec<ParsedText>>(&path).unwrap());
        assert!(loaded == text);
        drop(loaded);
        // The payload once (decompressed), the value, the fixed buffers.
        let bound = info.uncompressed_len + value_heap + fixed;
        assert!(
            peak <= bound,
            "{:?}: a load of {} payload bytes held {peak} bytes (bound {bound})",
            options.get_compression(),
            info.uncompressed_len,
        );
        // Damage is still found, and reported as such.
        let mut bytes = fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        let err = persist::load::<Vec<ParsedText>>(&path).unwrap_err();
        assert!(
            matches!(err, Error::ChecksumMismatch { .. }),
            "{:?}: {err:?}",
            options.get_compression()
        );
    }
}

/// A sequence of strings whose `Serialize` fails after `fail_after` items: a save
/// that breaks once many chunks (and lz4 blocks) are already in the temporary file.
struct FailsLate<'a> {
    items: &'a [String],
    fail_after: usize,
}

impl Serialize for FailsLate<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for (i, item) in self.items.iter().enumerate() {
            if i == self.fail_after {
                return Err(S::Error::custom("the feed dropped"));
            }
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

impl persist::Schema for FailsLate<'_> {
    fn describe(builder: &mut persist::schema::Builder) -> persist::schema::Node {
        <Vec<String> as persist::Schema>::describe(builder)
    }
}

#[test]
fn a_serialize_error_after_megabytes_leaves_the_old_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let items = lines(12 << 20);
    for (name, options) in [("a.pickle", SaveOptions::new()), ("b.pickle", lz4())] {
        let path = dir.path().join(name);
        persist::save_with(&items[..10], &path, &options).unwrap();
        let old = fs::read(&path).unwrap();
        let failing = FailsLate {
            items: &items,
            fail_after: items.len() - 1,
        };
        let err = persist::save_with(&failing, &path, &options).unwrap_err();
        assert!(matches!(err, Error::Encode { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "cannot encode `Vec<String>`: the feed dropped"
        );
        assert!(fs::read(&path).unwrap() == old, "old file untouched");
    }
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a.pickle", "b.pickle"], "no temporary file left");
}

/// A load decodes as it reads, before the checksum is known: a value decoded from
/// damaged bytes must never be returned, even when it decoded fine.
#[test]
fn a_flipped_byte_in_a_large_file_is_a_checksum_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let value = lines(10 << 20);
    for options in [SaveOptions::new(), lz4()] {
        let path = dir.path().join("large.pickle");
        persist::save_with(&value, &path, &options).unwrap();
        let bytes = fs::read(&path).unwrap();
        let info = persist::inspect(&path).unwrap();
        let start = info.header_len as usize;
        // In the first bytes of the payload (the vector's length, or the lz4 frame
        // header), the first lz4 block's length, inside the text of a string (still
        // a valid value, wrong), near the end, and in the stored checksum.
        for at in [
            start + 2,
            start + 8,
            start + (5 << 20),
            bytes.len() - 20,
            bytes.len() - 3,
        ] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x04;
            fs::write(&path, &flipped).unwrap();
            // Read whole (10 MiB is under the default threshold) and streamed.
            for load_options in [LoadOptions::new(), LoadOptions::new().stream_above(0)] {
                let err = persist::load_with::<Vec<String>>(&path, &load_options).unwrap_err();
                assert!(
                    matches!(
                        err,
                        Error::ChecksumMismatch {
                            section: Section::Payload,
                            ..
                        }
                    ),
                    "{:?}, {load_options:?}, byte {at}: {err:?}",
                    options.get_compression()
                );
            }
        }
    }
}

mod changed {
    use serde::{Deserialize, Serialize};

    /// `Lines` as it was saved.
    #[derive(Serialize, persist::Schema)]
    pub struct Lines {
        pub lines: Vec<String>,
    }

    pub mod v2 {
        use super::*;

        /// `Lines` later: a field added with a default, in front. (Same name: a
        /// type that is not a record is saved under its name.)
        #[derive(Deserialize, persist::Schema, PartialEq, Debug)]
        pub struct Lines {
            #[serde(default)]
            pub tag: u32,
            pub lines: Vec<String>,
        }
    }
}

#[test]
fn a_load_after_a_safe_change_streams_too_with_no_tree() {
    let dir = tempfile::tempdir().unwrap();
    let lines = lines(LARGE);
    let value_heap = value_heap(&lines);
    for (options, fixed) in [(SaveOptions::new(), MIB), (lz4(), 9 * MIB)] {
        let path = dir.path().join("lines.pickle");
        let old = changed::Lines {
            lines: lines.clone(),
        };
        persist::save_with(&old, &path, &options).unwrap();
        drop(old);
        let (loaded, peak) = peak_of(|| persist::load::<changed::v2::Lines>(&path).unwrap());
        assert_eq!(loaded.tag, 0);
        assert!(loaded.lines == lines);
        drop(loaded);
        assert!(
            peak <= value_heap + fixed,
            "{:?}: the load after a safe change held {peak} bytes, the value {value_heap}",
            options.get_compression()
        );
    }
}

/// Text whose `Deserialize` asks the format what comes next, as
/// `rust_decimal::Decimal`'s does: postcard cannot answer it.
#[derive(Serialize, PartialEq, Debug)]
struct AskingText(String);

impl persist::Schema for AskingText {
    fn describe(builder: &mut persist::schema::Builder) -> persist::schema::Node {
        <String as persist::Schema>::describe(builder)
    }
}

impl<'de> serde::Deserialize<'de> for AskingText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = AskingText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AskingText, E> {
                Ok(AskingText(v.to_owned()))
            }
        }
        d.deserialize_any(Text)
    }
}

#[test]
fn a_type_that_asks_for_any_streams_through_the_guided_reader() {
    let dir = tempfile::tempdir().unwrap();
    let lines = lines(LARGE);
    let value_heap = value_heap(&lines);
    let value: Vec<AskingText> = lines.into_iter().map(AskingText).collect();
    let path = dir.path().join("asking.pickle");
    persist::save(&value, &path).unwrap();
    let (loaded, peak) = peak_of(|| persist::load::<Vec<AskingText>>(&path).unwrap());
    assert!(loaded == value);
    drop(loaded);
    // Postcard stops at the first item; the guided stream then reads it all.
    assert!(
        peak <= value_heap + MIB,
        "held {peak} bytes, the value {value_heap}"
    );
}
