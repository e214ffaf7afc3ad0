//! Hostile lengths: files whose header, lz4 frame, payload or stored schema claim
//! terabytes are refused before anything of that size is allocated.
//!
//! Each input is crafted as docs/FORMAT.md lays a file out, with its fingerprint and
//! checksums recomputed (`Parts::assemble`), so that the checksums do not refuse it
//! first: the error each load returns (its variant, and its numbers or message) shows
//! that the input reached the check it targets. A counting global allocator measures
//! what each load allocates, on its own thread only (the counters are thread-local,
//! so tests running in parallel do not disturb each other): the largest single
//! allocation and the total must stay within the input's size plus `SLACK`.
//!
//! Every input goes through the typed loads (`from_bytes_with`, `load_with`, read
//! whole and streamed), the
//! dynamic one (`load_state_with`) and, when the default options apply, `inspect_bytes`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use persist::{Compression, Error, LoadOptions, SaveOptions, Schema, Section};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

// ---- the counting allocator ----

/// What the current thread allocated while armed.
#[derive(Clone, Copy, Debug)]
struct Usage {
    armed: bool,
    /// The largest single allocation (or reallocation's new size), in bytes.
    peak: usize,
    /// Bytes allocated in all (a reallocation counts what it grew by).
    total: usize,
}

thread_local! {
    // Const-initialized and without a destructor, so the allocator can touch it
    // without allocating.
    static USAGE: Cell<Usage> = const { Cell::new(Usage { armed: false, peak: 0, total: 0 }) };
}

fn record(size: usize, grown_by: usize) {
    // `try_with`: allocations can happen while the thread's locals are torn down.
    let _ = USAGE.try_with(|usage| {
        let mut now = usage.get();
        if now.armed {
            now.peak = now.peak.max(size);
            now.total = now.total.saturating_add(grown_by);
            usage.set(now);
        }
    });
}

/// The system allocator, counting. This is the one place the project accepts
/// `unsafe`: `GlobalAlloc` is an unsafe trait, and a global allocator is the only way
/// to see every allocation a load makes, including those inside serde, postcard and
/// lz4. Each method forwards its arguments to `System` unchanged, so the contract
/// `System` meets is met here too.
struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size(), layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size(), layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size, new_size.saturating_sub(layout.size()));
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f`, and says what this thread allocated meanwhile.
fn measured<R>(f: impl FnOnce() -> R) -> (R, Usage) {
    USAGE.with(|usage| {
        usage.set(Usage {
            armed: true,
            peak: 0,
            total: 0,
        })
    });
    let result = f();
    let usage = USAGE.with(|usage| {
        let now = usage.get();
        usage.set(Usage {
            armed: false,
            ..now
        });
        now
    });
    (result, usage)
}

/// What a load may allocate beyond the input's own size: error messages, the parsed
/// schema, the decoder's small buffers. Far below any length these inputs claim.
const SLACK: usize = 256 << 10;

/// The one known excess, for a typed load of a `HashMap` whose entry count the
/// payload inflates: postcard hands serde the claimed count as a size hint without
/// checking it against the bytes left (it does for sequences), and serde reserves up
/// to 1 MiB of entries on that hint (`size_hint::cautious`), which a hash table
/// rounds up to a power of two of buckets at 7/8 load, plus a control byte each:
/// 2 MiB and 1/8 for 16-byte entries. Bounded whatever the claim, but not by the
/// input's size; the dynamic load (`load_state`) has no such excess.
const SERDE_MAP_PREALLOCATION: usize = (2 << 20) + (256 << 10);

// ---- crafting files ----

fn xxh3(bytes: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(bytes)
}

/// The fields of a file (docs/FORMAT.md), to be reassembled with some forged.
#[derive(Clone)]
struct Parts {
    codec: u8,
    version: u32,
    rec_id: Vec<u8>,
    schema: Vec<u8>,
    payload: Vec<u8>,
    rec_id_len: u32,
    schema_len: u32,
    payload_len: u64,
    uncompressed_len: u64,
}

impl Parts {
    /// The parts of a real file.
    fn of(bytes: &[u8]) -> Parts {
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        let (r, s) = (u32_at(24) as usize, u32_at(28) as usize);
        let header_len = 56 + r + s;
        Parts {
            codec: bytes[10],
            version: u32_at(12),
            rec_id: bytes[48..48 + r].to_vec(),
            schema: bytes[48 + r..48 + r + s].to_vec(),
            payload: bytes[header_len..bytes.len() - 8].to_vec(),
            rec_id_len: r as u32,
            schema_len: s as u32,
            payload_len: u64_at(32),
            uncompressed_len: u64_at(40),
        }
    }

    /// The parts of the file of `value`, saved with `codec`.
    fn of_value<T: Serialize + Schema>(value: &T, codec: Compression) -> Parts {
        Parts::of(&encode(value, codec))
    }

    /// These parts with `payload` as the stored payload, declared honestly, and
    /// `uncompressed_len` as its uncompressed length.
    fn with_payload(mut self, payload: Vec<u8>, uncompressed_len: u64) -> Parts {
        self.payload_len = payload.len() as u64;
        self.payload = payload;
        self.uncompressed_len = uncompressed_len;
        self
    }

    /// These parts with `raw` postcard bytes as the payload, compressed or not as the
    /// codec says (lz4: one stored block).
    fn with_raw_payload(self, raw: &[u8]) -> Parts {
        let stored = match self.codec {
            0 => raw.to_vec(),
            2 => zstd::encode_all(raw, 3).expect("zstd compresses"),
            _ => lz4_frame(&[stored_block(raw)]),
        };
        self.with_payload(stored, raw.len() as u64)
    }

    /// These parts with `schema` as the stored schema, declared honestly.
    fn with_schema(mut self, schema: Vec<u8>) -> Parts {
        self.schema_len = schema.len() as u32;
        self.schema = schema;
        self
    }

    /// The file, with the fingerprint and both checksums computed over the bytes as
    /// they are, whatever the (possibly forged) length fields say.
    fn assemble(&self) -> Vec<u8> {
        let mut out = b"\x89PERSIST".to_vec();
        out.extend_from_slice(&1u16.to_le_bytes());
        out.push(self.codec);
        out.push(0);
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(&xxh3(&self.schema).to_le_bytes());
        out.extend_from_slice(&self.rec_id_len.to_le_bytes());
        out.extend_from_slice(&self.schema_len.to_le_bytes());
        out.extend_from_slice(&self.payload_len.to_le_bytes());
        out.extend_from_slice(&self.uncompressed_len.to_le_bytes());
        out.extend_from_slice(&self.rec_id);
        out.extend_from_slice(&self.schema);
        out.extend_from_slice(&xxh3(&out).to_le_bytes());
        out.extend_from_slice(&self.payload);
        out.extend_from_slice(&xxh3(&self.payload).to_le_bytes());
        out
    }

    fn header_len(&self) -> u64 {
        56 + self.rec_id.len() as u64 + self.schema.len() as u64
    }
}

fn encode<T: Serialize + Schema>(value: &T, codec: Compression) -> Vec<u8> {
    persist::to_bytes_with(value, &SaveOptions::new().compression(codec)).expect("encode")
}

/// The lz4 frame header persist writes (magic, flags, block size, header checksum),
/// taken from a real file so that its checksum is right.
fn lz4_frame_header() -> Vec<u8> {
    let payload = Parts::of_value(&7u8, Compression::Lz4).payload;
    assert_eq!(
        payload[..4],
        [0x04, 0x22, 0x4d, 0x18],
        "the lz4 frame magic"
    );
    assert_eq!(payload[4] & 0x08, 0, "no content size in the frame header");
    payload[..7].to_vec()
}

/// An lz4 frame: the header, `blocks` (each with its 4-byte size), the end mark.
fn lz4_frame(blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut frame = lz4_frame_header();
    blocks.iter().for_each(|b| frame.extend_from_slice(b));
    frame.extend_from_slice(&0u32.to_le_bytes());
    frame
}

/// An lz4 block that stores `raw` as it is (the size's high bit set).
fn stored_block(raw: &[u8]) -> Vec<u8> {
    let mut block = (raw.len() as u32 | 1 << 31).to_le_bytes().to_vec();
    block.extend_from_slice(raw);
    block
}

/// An lz4 block whose size field says `size`, followed by only `data`.
fn lying_block(size: u32, data: &[u8]) -> Vec<u8> {
    let mut block = size.to_le_bytes().to_vec();
    block.extend_from_slice(data);
    block
}

fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

fn concat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

const TIB: u64 = 1 << 40;

// ---- the cases ----

/// The outcome of a load, its value dropped.
type Loaded = Result<(), Error>;

/// What a load must return.
type Expect = Box<dyn Fn(&Loaded) -> bool>;

/// A refusal with an error `check` accepts.
fn refused(check: impl Fn(&Error) -> bool + 'static) -> Expect {
    Box::new(move |result| matches!(result, Err(err) if check(err)))
}

/// Success.
fn accepted() -> Expect {
    Box::new(|result| result.is_ok())
}

fn corrupt_saying(words: &'static str) -> Expect {
    refused(move |e| matches!(e, Error::Corrupt { detail, .. } if detail.contains(words)))
}

fn decode_error() -> Expect {
    refused(|e| matches!(e, Error::Decode { .. }))
}

/// One crafted input and what each load must make of it.
struct Case {
    name: &'static str,
    input: Vec<u8>,
    options: LoadOptions,
    /// For `from_bytes_with` and `load_with`.
    typed: Expect,
    /// For `load_state_with`.
    state: Expect,
    /// For `inspect_bytes`, which reads with the default options: `None` when the
    /// case sets others.
    inspect: Option<Expect>,
    /// What the typed loads may allocate beyond the bound, for the one known excess:
    /// see `SERDE_MAP_PREALLOCATION`.
    typed_allowance: usize,
}

impl Case {
    /// A case that every load refuses as `expect` says, with the default options.
    fn refused_by_all(name: &'static str, input: Vec<u8>, expect: impl Fn() -> Expect) -> Case {
        Case {
            name,
            input,
            options: LoadOptions::new(),
            typed: expect(),
            state: expect(),
            inspect: Some(expect()),
            typed_allowance: 0,
        }
    }

    /// A case read with `options`, which every load refuses as `expect` says.
    fn limited(
        name: &'static str,
        input: Vec<u8>,
        options: LoadOptions,
        expect: impl Fn() -> Expect,
    ) -> Case {
        Case {
            name,
            input,
            options,
            typed: expect(),
            state: expect(),
            inspect: None,
            typed_allowance: 0,
        }
    }

    /// A case with a sound header and a hostile payload, default options.
    fn payload(name: &'static str, input: Vec<u8>, typed: Expect, state: Expect) -> Case {
        Case {
            name,
            input,
            options: LoadOptions::new(),
            typed,
            state,
            inspect: Some(accepted()),
            typed_allowance: 0,
        }
    }
}

/// Loads `case.input` as `T` on every path, checking outcomes and allocations;
/// returns a line of the report.
fn run<T: DeserializeOwned + Schema>(case: &Case) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("hostile.pickle");
    std::fs::write(&file, &case.input).expect("writing the input");
    let options = &case.options;
    let mut line = format!("{:<52} {:>6} bytes:", case.name, case.input.len());
    let mut check = |path: &str, expect: &Expect, allowance: usize, load: &dyn Fn() -> Loaded| {
        let bound = case.input.len() + SLACK + allowance;
        let (result, usage) = measured(load);
        assert!(
            expect(&result),
            "{}: {path} gave {result:?}, not the expected outcome",
            case.name
        );
        assert!(
            usage.peak <= bound && usage.total <= bound,
            "{}: {path} ({result:?}) allocated {} bytes at once and {} in all, over the bound of {bound} (input {} bytes + {SLACK} + {allowance})",
            case.name,
            usage.peak,
            usage.total,
            case.input.len()
        );
        let _ = write!(line, " {path} {}/{}", usage.peak, usage.total);
    };
    let typed = case.typed_allowance;
    check("from_bytes_with", &case.typed, typed, &|| {
        persist::from_bytes_with::<T>(&case.input, options).map(drop)
    });
    check("load_with", &case.typed, typed, &|| {
        persist::load_with::<T>(&file, options).map(drop)
    });
    // The same load decoding as it reads, whatever the payload's size.
    let streamed = options.clone().stream_above(0);
    check("load_with, streamed", &case.typed, typed, &|| {
        persist::load_with::<T>(&file, &streamed).map(drop)
    });
    check("load_state_with", &case.state, 0, &|| {
        persist::load_state_with(&file, options).map(drop)
    });
    if let Some(expect) = &case.inspect {
        check("inspect_bytes", expect, 0, &|| {
            persist::inspect_bytes(&case.input).map(drop)
        });
    }
    line
}

/// The value the header cases start from: the example of docs/FORMAT.md.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Tick {
    symbol: String,
    price: f64,
    size: u32,
}

fn tick() -> Tick {
    Tick {
        symbol: "AAPL".into(),
        price: 189.25,
        size: 100,
    }
}

/// A recursive type, whose payload is walked for depth before it is decoded.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Tree {
    label: u8,
    children: Vec<Tree>,
}

fn report(title: &str, lines: &[String]) {
    println!("{title} (peak/total bytes allocated per load):");
    for line in lines {
        println!("  {line}");
    }
}

// ---- the tests ----

#[test]
fn crafted_files_are_byte_for_byte_what_the_writer_writes() {
    for codec in Compression::ALL {
        let bytes = encode(&tick(), codec);
        assert_eq!(Parts::of(&bytes).assemble(), bytes, "{codec}");
    }
    // A crafted lz4 payload made of a stored block decodes as the writer's does.
    let raw = Parts::of_value(&tick(), Compression::None).payload;
    let crafted = Parts::of_value(&tick(), Compression::Lz4)
        .with_raw_payload(&raw)
        .assemble();
    assert_eq!(persist::from_bytes::<Tick>(&crafted).unwrap(), tick());
}

#[test]
fn the_counter_sees_what_a_load_allocates() {
    // Without this, a counter that saw nothing would pass every other test.
    let big = vec![7u8; 2 << 20];
    let bytes = encode(&big, Compression::None);
    let (loaded, usage) = measured(|| persist::from_bytes::<Vec<u8>>(&bytes).map(|v| v.len()));
    assert_eq!(loaded.unwrap(), big.len());
    assert!(usage.peak >= big.len(), "{usage:?}");
    assert!(usage.total >= big.len(), "{usage:?}");
    let (_, idle) = measured(|| ());
    assert_eq!((idle.peak, idle.total), (0, 0));
}

#[test]
fn honest_small_files_of_both_codecs_load_within_the_bound() {
    let mut lines = Vec::new();
    for codec in Compression::ALL {
        let input = encode(&tick(), codec);
        let case = Case {
            name: match codec {
                Compression::None => "honest file, no compression",
                Compression::Lz4 => "honest file, lz4",
                _ => "honest file, zstd",
            },
            input,
            options: LoadOptions::new(),
            typed: accepted(),
            state: accepted(),
            inspect: Some(accepted()),
            typed_allowance: 0,
        };
        lines.push(run::<Tick>(&case));
    }
    report("honest files", &lines);
}

/// A refusal as truncated: `section` needs `expected` bytes, the input has `found`.
fn truncated(section: Section, expected: u64, found: u64) -> Expect {
    refused(move |e| {
        matches!(e, Error::Truncated { section: s, expected: x, found: f, .. }
            if (*s, *x, *f) == (section, expected, found))
    })
}

/// A refusal as over the size limit: `what` claims `size` bytes.
fn over_limit(what: &'static str, size: u64) -> Expect {
    refused(
        move |e| matches!(e, Error::LimitExceeded { what: w, size: s, .. } if (*w, *s) == (what, size)),
    )
}

#[test]
fn header_lengths_claiming_terabytes_are_refused() {
    let parts = Parts::of_value(&tick(), Compression::None);
    let len = parts.assemble().len() as u64;
    let header_len = parts.header_len();
    let rec_id_len = parts.rec_id.len() as u64;
    let forged = |edit: fn(&mut Parts)| {
        let mut forged = parts.clone();
        edit(&mut forged);
        forged.assemble()
    };
    let unlimited = LoadOptions::new().max_size(u64::MAX);
    let four_gib = u64::from(u32::MAX);
    let cases = [
        Case::refused_by_all(
            "REC_ID length of 4 GiB",
            forged(|p| p.rec_id_len = u32::MAX),
            || corrupt_saying("REC_ID length 4294967295 is over the maximum of 1024"),
        ),
        Case::refused_by_all(
            "schema length of 4 GiB",
            forged(|p| p.schema_len = u32::MAX),
            || truncated(Section::Header, 56 + rec_id_len + four_gib, len),
        ),
        Case::limited(
            "schema length of 4 GiB, under a 1 MiB limit",
            forged(|p| p.schema_len = u32::MAX),
            LoadOptions::new().max_size(1 << 20),
            || over_limit("schema", four_gib),
        ),
        Case::refused_by_all(
            "payload length of 1 TiB",
            forged(|p| p.payload_len = TIB),
            || over_limit("payload", TIB),
        ),
        Case::limited(
            "payload length of 1 TiB, without a limit",
            forged(|p| p.payload_len = TIB),
            unlimited.clone(),
            || truncated(Section::Payload, header_len + TIB + 8, len),
        ),
        Case::limited(
            "payload length near 2^64, without a limit",
            forged(|p| p.payload_len = u64::MAX - 7),
            unlimited.clone(),
            || corrupt_saying("payload length 18446744073709551608 is impossible"),
        ),
        Case::refused_by_all(
            "uncompressed length of 1 TiB",
            forged(|p| p.uncompressed_len = TIB),
            || over_limit("uncompressed payload", TIB),
        ),
        Case::limited(
            "uncompressed length of 1 TiB, without a limit",
            forged(|p| p.uncompressed_len = TIB),
            unlimited,
            || corrupt_saying("is declared as 1099511627776 bytes"),
        ),
    ];
    let lines: Vec<String> = cases.iter().map(run::<Tick>).collect();
    report("hostile header lengths", &lines);
}

#[test]
fn lz4_lengths_claiming_more_than_the_data_holds_are_refused() {
    let parts = Parts::of_value(&tick(), Compression::Lz4);
    let stored_len = parts.payload.len() as u64;
    let raw_len = parts.uncompressed_len;
    let unlimited = LoadOptions::new().max_size(u64::MAX);
    let some_bytes = [0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47];
    let lying = |size: u32| {
        parts
            .clone()
            .with_payload(lz4_frame(&[lying_block(size, &some_bytes)]), raw_len)
            .assemble()
    };
    let cases = [
        Case::limited(
            "lz4: uncompressed length of 1 TiB, without a limit",
            Parts {
                uncompressed_len: TIB,
                ..parts.clone()
            }
            .assemble(),
            unlimited,
            || corrupt_saying("more than lz4 can expand"),
        ),
        // As much as lz4 could expand the stored bytes into: allowed to size the
        // output, which stays proportional to the input.
        Case::payload(
            "lz4: uncompressed length at lz4's largest ratio",
            Parts {
                uncompressed_len: stored_len * 256,
                ..parts.clone()
            }
            .assemble(),
            corrupt_saying("bytes, not the declared"),
            corrupt_saying("bytes, not the declared"),
        ),
        Case::payload(
            "lz4: a block claiming 2 GiB",
            lying(0x7fff_ffff),
            corrupt_saying("a block claims"),
            corrupt_saying("a block claims"),
        ),
        Case::payload(
            "lz4: a stored block claiming 2 GiB",
            lying(u32::MAX),
            corrupt_saying("a block claims"),
            corrupt_saying("a block claims"),
        ),
        Case::payload(
            "lz4: a block claiming 4 MiB, the frame's maximum",
            lying(4 << 20),
            corrupt_saying("a block claims"),
            corrupt_saying("a block claims"),
        ),
        Case::payload(
            "lz4: a stored block claiming 4 MiB, the frame's maximum",
            lying(4 << 20 | 1 << 31),
            corrupt_saying("a block claims"),
            corrupt_saying("a block claims"),
        ),
    ];
    let lines: Vec<String> = cases.iter().map(run::<Tick>).collect();
    report("hostile lz4 lengths", &lines);
}

#[test]
fn payload_counts_claiming_terabytes_are_refused() {
    let mut lines = Vec::new();
    for codec in Compression::ALL {
        // The name of a case for this codec: as given for none and lz4; for zstd,
        // the lz4 name with the codec's own (leaked: a test's few strings).
        let name = |none: &'static str, lz4_name: &'static str| -> &'static str {
            match codec {
                Compression::None => none,
                Compression::Lz4 => lz4_name,
                _ => Box::leak(
                    lz4_name
                        .replace("(lz4)", &format!("({codec})"))
                        .into_boxed_str(),
                ),
            }
        };
        let crafted = |parts: Parts, raw: &[u8]| parts.with_raw_payload(raw).assemble();

        let vec = Parts::of_value(&vec![1u64, 2], codec);
        let case = Case::payload(
            name(
                "payload: Vec<u64> of 2^60 items",
                "payload (lz4): Vec<u64> of 2^60 items",
            ),
            crafted(vec, &concat(&[&varint(1 << 60), &[1, 2, 3]])),
            decode_error(),
            decode_error(),
        );
        lines.push(run::<Vec<u64>>(&case));

        let string = Parts::of_value(&"abc".to_string(), codec);
        let case = Case::payload(
            name("payload: String of 1 TiB", "payload (lz4): String of 1 TiB"),
            crafted(string, &concat(&[&varint(TIB), b"abc"])),
            decode_error(),
            decode_error(),
        );
        lines.push(run::<String>(&case));

        let map = Parts::of_value(&HashMap::from([(1u64, 2u64)]), codec);
        let case = Case {
            typed_allowance: SERDE_MAP_PREALLOCATION,
            ..Case::payload(
                name(
                    "payload: HashMap<u64, u64> of 2^40 entries",
                    "payload (lz4): HashMap<u64, u64> of 2^40 entries",
                ),
                crafted(map, &concat(&[&varint(TIB), &[1, 2, 3, 4]])),
                decode_error(),
                decode_error(),
            )
        };
        lines.push(run::<HashMap<u64, u64>>(&case));
        let map = Parts::of_value(&BTreeMap::from([(1u64, 2u64)]), codec);
        let case = Case::payload(
            name(
                "payload: BTreeMap<u64, u64> of 2^40 entries",
                "payload (lz4): BTreeMap<u64, u64> of 2^40 entries",
            ),
            crafted(map, &concat(&[&varint(TIB), &[1, 2, 3, 4]])),
            decode_error(),
            decode_error(),
        );
        lines.push(run::<BTreeMap<u64, u64>>(&case));

        let nested = Parts::of_value(&BTreeMap::from([("k".to_string(), vec![1u64])]), codec);
        let case = Case::payload(
            name(
                "payload: a map's inner Vec of 2^50 items",
                "payload (lz4): a map's inner Vec of 2^50 items",
            ),
            crafted(nested, &concat(&[&[1, 1, b'k'], &varint(1 << 50), &[1, 2]])),
            decode_error(),
            decode_error(),
        );
        lines.push(run::<BTreeMap<String, Vec<u64>>>(&case));

        let tree = Parts::of_value(
            &Tree {
                label: 1,
                children: vec![],
            },
            codec,
        );
        let case = Case::payload(
            name(
                "payload: recursive, 2^60 children",
                "payload (lz4): recursive, 2^60 children",
            ),
            crafted(tree, &concat(&[&[1], &varint(1 << 60), &[2, 0, 3]])),
            decode_error(),
            decode_error(),
        );
        lines.push(run::<Tree>(&case));

        // Items of zero bytes cost nothing to claim: without the walk before
        // decoding, serde would loop 2^60 times building a set of units.
        let units = Parts::of_value(&BTreeSet::from([()]), codec);
        let case = Case::payload(
            name(
                "payload: BTreeSet<()> of 2^60 units",
                "payload (lz4): BTreeSet<()> of 2^60 units",
            ),
            crafted(units, &varint(1 << 60)),
            corrupt_saying("items of zero bytes"),
            corrupt_or_decode("can account for"),
        );
        lines.push(run::<BTreeSet<()>>(&case));
        // The same in the padded form postcard also reads (2^56 - 1 in 9 bytes):
        // the walk must read varints as postcard does, or this would slip past it.
        let units = Parts::of_value(&BTreeSet::from([()]), codec);
        let case = Case::payload(
            name(
                "payload: BTreeSet<()> of 2^56 units, count padded",
                "payload (lz4): BTreeSet<()> of 2^56 units, count padded",
            ),
            crafted(
                units,
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00],
            ),
            corrupt_saying("items of zero bytes"),
            corrupt_or_decode("can account for"),
        );
        lines.push(run::<BTreeSet<()>>(&case));
        // A count the payload can account for still loads.
        let units = Parts::of_value(&BTreeSet::from([()]), codec);
        let case = Case::payload(
            name(
                "payload: BTreeSet<()> of 1000 units",
                "payload (lz4): BTreeSet<()> of 1000 units",
            ),
            crafted(units, &varint(1000)),
            accepted(),
            accepted(),
        );
        lines.push(run::<BTreeSet<()>>(&case));
    }
    report("hostile payload counts", &lines);
}

#[test]
fn stored_schema_counts_claiming_terabytes_are_refused() {
    // Type tags of docs/FORMAT.md's schema encoding.
    const U64: u8 = 4;
    const UNIT: u8 = 18;
    const ARRAY: u8 = 21;
    const TUPLE: u8 = 22;
    let parts = Parts::of_value(&7u32, Compression::None);
    let tib = varint(TIB);
    let with_schema = |schema: Vec<u8>| parts.clone().with_schema(schema).assemble();
    // Each count, where the schema decoder reads it: one definition `S` (not a
    // record) or `E`, then the body.
    let counts: [(&'static str, &'static str, Vec<u8>); 7] = [
        (
            "schema: 2^40 definitions",
            "definition count",
            concat(&[&tib, &[3]]),
        ),
        (
            "schema: a type name of 1 TiB",
            "type name",
            concat(&[&[1], &tib, b"S"]),
        ),
        (
            "schema: a record id of 1 TiB",
            "record id",
            concat(&[&[1, 1, b'S', 1], &tib, b"R"]),
        ),
        (
            "schema: 2^40 variants",
            "variant count",
            concat(&[&[1, 1, b'E', 0, 1], &tib, &[1, b'V', 0]]),
        ),
        (
            "schema: 2^40 fields",
            "field count",
            concat(&[&[1, 1, b'S', 0, 0, 3], &tib, &[1, b'f', 3]]),
        ),
        (
            "schema: a field name of 1 TiB",
            "field name",
            concat(&[&[1, 1, b'S', 0, 0, 3, 1], &tib, &[b'f', 3]]),
        ),
        (
            "schema: a tuple of 2^40 items",
            "tuple length",
            concat(&[&[0, TUPLE], &tib, &[3]]),
        ),
    ];
    let mut lines = Vec::new();
    for (name, what, schema) in counts {
        let message = format!("{what} {TIB} exceeds the");
        let expect = || {
            let message = message.clone();
            refused(move |e| {
                matches!(e, Error::Corrupt { detail, .. }
                    if detail.contains("the stored schema is invalid") && detail.contains(&message))
            })
        };
        lines.push(run::<u32>(&Case::refused_by_all(
            name,
            with_schema(schema),
            expect,
        )));
    }

    // An array's length is not a count of bytes, so a valid schema may declare 2^40
    // items: the payload must then hold them, and decoding stops where it ends (or,
    // for items of no bytes, once the payload's budget of values is spent).
    let schema_changed = || refused(|e| matches!(e, Error::SchemaChanged { .. }));
    let arrays = [
        (
            "schema: an array of 2^40 u64",
            U64,
            "the payload ends inside a u64",
        ),
        ("schema: an array of 2^40 units", UNIT, "can account for"),
    ];
    for (name, item, words) in arrays {
        let input = with_schema(concat(&[&[0, ARRAY], &tib, &[item]]));
        let case = Case::payload(name, input, schema_changed(), corrupt_or_decode(words));
        lines.push(run::<u32>(&case));
    }
    report("hostile stored schema counts", &lines);
}

/// A refusal as undecodable, saying `words`.
fn corrupt_or_decode(words: &'static str) -> Expect {
    refused(move |e| {
        matches!(e, Error::Decode { detail, .. } | Error::Corrupt { detail, .. }
            if detail.contains(words))
    })
}
