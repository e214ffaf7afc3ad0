//! A corruption census: real files (both codecs, several shapes of types, and
//! committed fixtures) are loaded after every truncation, every single-bit flip and a
//! few extensions, through every byte path of the public API:
//!
//! - `typed`: `from_bytes::<T>`;
//! - `file`: `load_with::<T>` from a file, streamed (`stream_above(0)`): it decodes
//!   as it reads, the payload passing through the checksum and the lz4 decoder;
//! - `inspect`: `inspect_bytes`, the header alone;
//! - `state`: `load_state`, the payload decoded with the stored schema, no type;
//! - `any`: `load_any`, the type chosen by the registry (records only).
//!
//! `load`, `load_state` and `load_any` read files, so each input is also written to
//! a temporary file for them. Every load runs under `catch_unwind`: a panic fails the
//! test, naming the input that caused it.
//!
//! Every byte of a file is either a header field checked before the header checksum
//! (magic, format version, codec, flags, the two lengths that size the header) or
//! covered by a checksum (xxh3-64, which no single flipped bit escapes here), so no
//! damaged input can load: the census predicts the exact error of each input from
//! the file's layout alone (`expected_for_flip`, `expected_for_truncation`), and
//! fails on any `Ok` and on any other error. Only `inspect` may succeed, on a flip in
//! the payload, which it does not read; it must then report the original header.
//!
//! A second pass, "forged", flips every bit after the magic (the checksums' own
//! aside) and then recomputes the checksums (and the fingerprint, for a bit of the
//! schema), as a crafted file would, so the
//! damage reaches the parsers behind the checksums: schema decoding, the type checks,
//! lz4, the nesting walk, postcard and the dynamic decoder. Those loads may succeed
//! with another value; they must not panic, every path must refuse an input whose
//! header `inspect` refuses with the same kind of error, where only the payload
//! changed the typed and the dynamic decoders must agree on the value, and the
//! streamed typed load must give what `from_bytes` gives: the same value, or an
//! error of the same kind.
//!
//! Run with `--nocapture` to see the tables of outcomes; a failure's message carries
//! them too.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::{Debug, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use persist::{Compression, Error, FileInfo, Pickleable, RecState, SaveOptions, Schema, Section};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

// ---- the types and values of the census ----

/// A flat record: fixed-size fields only.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
struct Quote {
    id: u32,
    bid: f64,
    ask: f64,
    size: i64,
    firm: bool,
}

/// A nested record: a vector of structs, strings, options and an enum.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
#[pickle(version = 2)]
struct Order {
    id: u64,
    client: String,
    legs: Vec<Leg>,
    note: Option<String>,
    expiry: Option<u32>,
    side: Side,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq, Clone)]
struct Leg {
    symbol: String,
    qty: i32,
    price: Option<f64>,
}

#[derive(Serialize, Deserialize, Schema, Debug, PartialEq, Clone)]
enum Side {
    Buy,
    Sell { short: bool },
    Cross(u16, i8),
}

/// A recursive record: the nesting walk runs before its payload is decoded.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
struct Tree {
    label: u16,
    children: Vec<Tree>,
}

/// The types of the committed fixtures, as the programs that wrote them declared
/// them (`tests/old_types.rs`, `tests/upgrade_chain.rs`).
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
struct Trade {
    sym: String,
    qty: i64,
    px_cents: i64,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
struct Wallet {
    cash: i64,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
struct Gem {
    carats: u32,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
struct Vault {
    owner: String,
    wallets: Vec<Wallet>,
    gem: Option<Gem>,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
#[rec_id = "Portfolio"]
#[pickle(version = 2)]
struct PortfolioV2 {
    cash: f64,
    positions: Vec<(String, i64)>,
}

fn quote() -> Quote {
    Quote {
        id: 7,
        bid: 189.25,
        ask: 189.5,
        size: -300,
        firm: true,
    }
}

fn order() -> Order {
    let leg = |symbol: &str, qty, price| Leg {
        symbol: symbol.into(),
        qty,
        price,
    };
    Order {
        id: 1_000_003,
        // Repeated text, so lz4 stores matches and not only literals.
        client: "ACME ACME ACME ACME".into(),
        legs: vec![
            leg("AAPL", 100, Some(189.25)),
            leg("AAPL", -100, None),
            leg("MSFT", 7, Some(402.5)),
        ],
        note: Some("urgent".into()),
        expiry: None,
        side: Side::Sell { short: true },
    }
}

fn closes() -> BTreeMap<String, Vec<i32>> {
    BTreeMap::from([
        ("AAPL".to_string(), vec![189, 190, -3]),
        ("MSFT".to_string(), vec![402, 402, 402, 402]),
        ("IBM".to_string(), vec![]),
    ])
}

fn tree() -> Tree {
    let leaf = |label| Tree {
        label,
        children: vec![],
    };
    Tree {
        label: 1,
        children: vec![
            Tree {
                label: 2,
                children: vec![leaf(3), leaf(4)],
            },
            Tree {
                label: 300,
                children: vec![Tree {
                    label: 6,
                    children: vec![leaf(7)],
                }],
            },
        ],
    }
}

// ---- the tests: one per shape, so they run in parallel ----

#[test]
fn census_of_a_flat_record() {
    let mut report = Report::default();
    for codec in Compression::ALL {
        census(&mut report, &quote(), &encode(&quote(), codec), true);
    }
    report.finish("a flat record");
}

#[test]
fn census_of_a_nested_record() {
    let mut report = Report::default();
    for codec in Compression::ALL {
        census(&mut report, &order(), &encode(&order(), codec), true);
    }
    report.finish("a nested record");
}

#[test]
fn census_of_a_map() {
    let mut report = Report::default();
    for codec in Compression::ALL {
        census(&mut report, &closes(), &encode(&closes(), codec), false);
    }
    report.finish("a map");
}

#[test]
fn census_of_a_recursive_record() {
    let mut report = Report::default();
    for codec in Compression::ALL {
        census(&mut report, &tree(), &encode(&tree(), codec), true);
    }
    report.finish("a recursive record");
}

#[test]
fn census_of_committed_fixtures() {
    let mut report = Report::default();
    let trade = Trade {
        sym: "AAPL".into(),
        qty: 100,
        px_cents: 18_925,
    };
    census(&mut report, &trade, &fixture("Trade.pickle"), true);
    let vault = Vault {
        owner: "ada".into(),
        wallets: vec![Wallet { cash: 5 }, Wallet { cash: -2 }],
        gem: Some(Gem { carats: 3 }),
    };
    census(&mut report, &vault, &fixture("Vault.pickle"), true);
    let portfolio = PortfolioV2 {
        cash: 2_500.5,
        positions: vec![("NVDA".into(), 10), ("TSLA".into(), -3)],
    };
    let lz4 = fixture("portfolio_v2.pickle.lz4");
    assert_eq!(
        persist::inspect_bytes(&lz4).unwrap().compression,
        Compression::Lz4
    );
    census(&mut report, &portfolio, &lz4, true);
    report.finish("committed fixtures");
}

/// A record with fields of other crates: text (dates, a decimal whose
/// `Deserialize` calls `deserialize_any`, so loads go through the schema-guided
/// reader), a byte string (uuid) and an ndarray struct.
#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "ndarray"
))]
mod foreign {
    use persist::Pickleable;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
    pub struct Run {
        pub id: uuid::Uuid,
        pub started: chrono::DateTime<chrono::Utc>,
        pub fee: rust_decimal::Decimal,
        pub weights: ndarray::Array2<f64>,
    }

    pub fn run() -> Run {
        use chrono::TimeZone;
        Run {
            id: uuid::Uuid::from_u128(0x6f9619ff_8b86_d011_b42d_00c04fc964ff),
            started: chrono::Utc
                .with_ymd_and_hms(2026, 12, 3, 9, 30, 0)
                .single()
                .expect("a valid time"),
            fee: rust_decimal::Decimal::new(-12_345, 4),
            weights: ndarray::array![[0.6, 0.4], [0.55, 0.45]],
        }
    }
}

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "ndarray"
))]
#[test]
fn census_of_a_record_with_foreign_fields() {
    let mut report = Report::default();
    let run = foreign::run();
    for codec in Compression::ALL {
        census(&mut report, &run, &encode(&run, codec), true);
    }
    report.finish("a record with foreign fields");
}

fn encode<T: Serialize + Schema>(value: &T, codec: Compression) -> Vec<u8> {
    persist::to_bytes_with(value, &SaveOptions::new().compression(codec)).expect("encode")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = common::fixture(name, |_| panic!("the census never rewrites fixtures"));
    std::fs::read(path).expect("reading a fixture")
}

// ---- the census ----

/// Where the parts of an intact file are.
struct Layout {
    rec_id_len: u64,
    schema_len: u64,
    header_len: u64,
    file_len: u64,
}

impl Layout {
    fn of(info: &FileInfo) -> Layout {
        let rec_id_len = info.rec_id.len() as u64;
        Layout {
            rec_id_len,
            schema_len: info.header_len - 56 - rec_id_len,
            header_len: info.header_len,
            file_len: info.file_len,
        }
    }

    fn schema(&self) -> std::ops::Range<usize> {
        let start = 48 + self.rec_id_len as usize;
        start..start + self.schema_len as usize
    }

    /// The header length a fixed header with these two lengths declares.
    fn header_len_with(rec_id_len: u64, schema_len: u64) -> u64 {
        56 + rec_id_len + schema_len
    }
}

/// How a file was damaged.
#[derive(Clone, Copy, Debug)]
enum Mutation {
    /// Only the first `n` bytes are left.
    Truncate(usize),
    /// One bit flipped.
    Flip { byte: usize, bit: u8 },
    /// Bytes appended after the payload checksum.
    Extend(usize),
    /// One bit flipped, then checksums (and fingerprint) recomputed.
    Forge { byte: usize, bit: u8 },
}

impl Mutation {
    fn class(self) -> &'static str {
        match self {
            Mutation::Truncate(_) => "truncate",
            Mutation::Flip { .. } => "flip",
            Mutation::Extend(_) => "extend",
            Mutation::Forge { .. } => "forged",
        }
    }

    fn apply(self, original: &[u8], layout: &Layout) -> Vec<u8> {
        match self {
            Mutation::Truncate(n) => original[..n].to_vec(),
            Mutation::Flip { byte, bit } => {
                let mut bytes = original.to_vec();
                bytes[byte] ^= 1 << bit;
                bytes
            }
            Mutation::Extend(n) => {
                let mut bytes = original.to_vec();
                bytes.extend((0..n).map(|i| i as u8));
                bytes
            }
            Mutation::Forge { byte, bit } => {
                let mut bytes = original.to_vec();
                bytes[byte] ^= 1 << bit;
                reseal(&mut bytes, layout.schema().contains(&byte));
                bytes
            }
        }
    }
}

fn xxh3(bytes: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(bytes)
}

fn u32_at(bytes: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

/// Recomputes what docs/FORMAT.md says the checksums cover, where the (possibly
/// forged) lengths put them: the fingerprint (when the schema changed), the header
/// checksum, and the payload checksum when the declared payload ends the file.
fn reseal(bytes: &mut [u8], schema_changed: bool) {
    let len = bytes.len() as u64;
    let (rec_id_len, schema_len) = (u32_at(bytes, 24), u32_at(bytes, 28));
    let header_len = Layout::header_len_with(rec_id_len, schema_len);
    if header_len > len {
        return;
    }
    let header_len = header_len as usize;
    if schema_changed {
        let start = 48 + rec_id_len as usize;
        let fingerprint = xxh3(&bytes[start..start + schema_len as usize]);
        bytes[16..24].copy_from_slice(&fingerprint.to_le_bytes());
    }
    let sum = xxh3(&bytes[..header_len - 8]);
    bytes[header_len - 8..header_len].copy_from_slice(&sum.to_le_bytes());
    let payload_len = u64_at(bytes, 32);
    if (header_len as u64)
        .checked_add(payload_len)
        .and_then(|n| n.checked_add(8))
        == Some(len)
    {
        let end = header_len + payload_len as usize;
        let sum = xxh3(&bytes[header_len..end]);
        bytes[end..].copy_from_slice(&sum.to_le_bytes());
    }
}

/// The error a load of a damaged input must return.
#[derive(Clone, Debug, PartialEq)]
enum Want {
    NotPersistFile,
    FormatFromFuture,
    UnknownCodec,
    Corrupt,
    Truncated {
        section: Section,
        expected: u64,
        found: u64,
    },
    Checksum(Section),
    /// For `inspect` only: success, with the original header.
    OriginalHeader,
}

/// What a flip of `bit` in `byte` must cause, by the rules of docs/FORMAT.md
/// ("Validation when reading").
fn expected_for_flip(layout: &Layout, original: &[u8], byte: usize, bit: u8) -> Want {
    let mut bytes = original.to_vec();
    bytes[byte] ^= 1 << bit;
    let header_sized_by = |rec_id_len: u64, schema_len: u64| {
        let header_len = Layout::header_len_with(rec_id_len, schema_len);
        if header_len > layout.file_len {
            Want::Truncated {
                section: Section::Header,
                expected: header_len,
                found: layout.file_len,
            }
        } else {
            Want::Checksum(Section::Header)
        }
    };
    match byte {
        0..=7 => Want::NotPersistFile,
        8 | 9 => match u16::from_le_bytes([bytes[8], bytes[9]]) {
            0 => Want::Corrupt,
            _ => Want::FormatFromFuture,
        },
        10 if Compression::from_id(bytes[10]).is_none() => Want::UnknownCodec,
        11 => Want::Corrupt,
        // The REC_ID length: at most 1024, and the header must fit in the input.
        24..=27 if u32_at(&bytes, 24) > 1024 => Want::Corrupt,
        24..=27 => header_sized_by(u32_at(&bytes, 24), layout.schema_len),
        // The schema length: under the default 16 GiB limit whatever its value.
        28..=31 => header_sized_by(layout.rec_id_len, u32_at(&bytes, 28)),
        // Everything else before the payload, the other codec id included, is
        // under the header checksum.
        b if (b as u64) < layout.header_len => Want::Checksum(Section::Header),
        _ => Want::Checksum(Section::Payload),
    }
}

/// What a load of the first `n` bytes must return.
fn expected_for_truncation(layout: &Layout, n: usize) -> Want {
    let found = n as u64;
    let (section, expected) = if found < 48 {
        (Section::Header, 48)
    } else if found < layout.header_len {
        (Section::Header, layout.header_len)
    } else {
        (Section::Payload, layout.file_len)
    };
    Want::Truncated {
        section,
        expected,
        found,
    }
}

/// The outcome of one load.
enum Got {
    /// Loaded; `same` when equal to what loading the intact file gives, `as_t` the
    /// value read as the census's type, for comparing the decoders.
    Ok {
        same: bool,
        as_t: Option<String>,
    },
    Err(Error),
    Panic(String),
}

impl Got {
    fn kind(&self) -> String {
        match self {
            Got::Ok { same: true, .. } => "Ok".into(),
            Got::Ok { same: false, .. } => "Ok(other value)".into(),
            Got::Err(err) => error_kind(err),
            Got::Panic(_) => "PANIC".into(),
        }
    }

    fn meets(&self, want: &Want) -> bool {
        let err = match (self, want) {
            (Got::Ok { same: true, .. }, Want::OriginalHeader) => return true,
            (Got::Err(err), _) => err,
            _ => return false,
        };
        match (want, err) {
            (Want::NotPersistFile, Error::NotPersistFile { .. })
            | (Want::FormatFromFuture, Error::FormatFromFuture { .. })
            | (Want::UnknownCodec, Error::UnknownCodec { .. })
            | (Want::Corrupt, Error::Corrupt { .. }) => true,
            (
                Want::Truncated {
                    section,
                    expected,
                    found,
                },
                Error::Truncated {
                    section: s,
                    expected: e,
                    found: f,
                    ..
                },
            ) => (section, expected, found) == (s, e, f),
            (Want::Checksum(section), Error::ChecksumMismatch { section: s, .. }) => section == s,
            _ => false,
        }
    }
}

/// The variant of `err`, with the section for the two variants that name one.
fn error_kind(err: &Error) -> String {
    match err {
        Error::Truncated { section, .. } => format!("Truncated({section})"),
        Error::ChecksumMismatch { section, .. } => format!("ChecksumMismatch({section})"),
        other => {
            let debug = format!("{other:?}");
            debug
                .split([' ', '(', '{'])
                .next()
                .unwrap_or_default()
                .to_string()
        }
    }
}

thread_local! {
    /// Set while a load runs under `catch_unwind`: its panic is reported by the
    /// census, with its input, instead of being printed by the hook.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// The message and location of the last panic while `QUIET`.
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs `load`, turning a panic into `Got::Panic` with its message and location.
fn guarded(load: impl FnOnce() -> Got) -> Got {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                LAST_PANIC.with(|last| *last.borrow_mut() = info.to_string());
            } else {
                previous(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(load));
    QUIET.with(|quiet| quiet.set(false));
    result.unwrap_or_else(|_| Got::Panic(LAST_PANIC.with(|last| last.take())))
}

/// What loading the intact file gives on each path, to compare with.
struct Original<'a, T> {
    value: &'a T,
    info: FileInfo,
    state: RecState,
    record: bool,
}

/// One load on each path.
struct Loads {
    typed: Got,
    file: Got,
    inspect: Got,
    state: Got,
    any: Option<Got>,
}

impl Loads {
    fn each(&self) -> impl Iterator<Item = (&'static str, &Got)> {
        [
            ("typed", Some(&self.typed)),
            ("file", Some(&self.file)),
            ("inspect", Some(&self.inspect)),
            ("state", Some(&self.state)),
            ("any", self.any.as_ref()),
        ]
        .into_iter()
        .filter_map(|(path, got)| got.map(|got| (path, got)))
    }
}

fn load_all<T>(input: &[u8], file: &Path, original: &Original<'_, T>) -> Loads
where
    T: DeserializeOwned + Schema + PartialEq + Debug + 'static,
{
    let typed = guarded(|| match persist::from_bytes::<T>(input) {
        Ok(v) => Got::Ok {
            same: v == *original.value,
            as_t: Some(format!("{v:?}")),
        },
        Err(e) => Got::Err(e),
    });
    let inspect = guarded(|| match persist::inspect_bytes(input) {
        Ok(info) => Got::Ok {
            same: info == original.info,
            as_t: None,
        },
        Err(e) => Got::Err(e),
    });
    // A new file each time: rewriting one in place makes some file systems (ext4)
    // flush it to the disk on close, which costs far more than the loads.
    std::fs::write(file, input).expect("writing the input");
    let streamed = persist::LoadOptions::new().stream_above(0);
    let file_typed = guarded(|| match persist::load_with::<T>(file, &streamed) {
        Ok(v) => Got::Ok {
            same: v == *original.value,
            as_t: Some(format!("{v:?}")),
        },
        Err(e) => Got::Err(e),
    });
    let state = guarded(|| match persist::load_state(file) {
        Ok(state) => Got::Ok {
            same: state == original.state,
            as_t: Some(match persist::value::from_value::<T>(state.value) {
                Ok(v) => format!("{v:?}"),
                Err(e) => format!("not a value of the type: {e}"),
            }),
        },
        Err(e) => Got::Err(e),
    });
    let any = original.record.then(|| {
        guarded(|| match persist::load_any(file) {
            Ok(record) => match record.downcast::<T>() {
                Ok(v) => Got::Ok {
                    same: v == *original.value,
                    as_t: Some(format!("{v:?}")),
                },
                Err(record) => Got::Ok {
                    same: false,
                    as_t: Some(format!("a {}", record.type_name())),
                },
            },
            Err(e) => Got::Err(e),
        })
    });
    std::fs::remove_file(file).expect("removing the input");
    Loads {
        typed,
        file: file_typed,
        inspect,
        state,
        any,
    }
}

/// Counts of outcomes, and the failures found.
#[derive(Default)]
struct Report {
    /// (mutation class, path) → outcome kind → count.
    counts: BTreeMap<(&'static str, &'static str), BTreeMap<String, usize>>,
    inputs: usize,
    loads: usize,
    failures: Vec<String>,
    failure_count: usize,
}

impl Report {
    /// Records a failure; the first 20 are kept whole, with their input in hex.
    fn fail(&mut self, subject: &str, mutation: Mutation, input: &[u8], what: String) {
        self.failure_count += 1;
        if self.failures.len() < 20 {
            let hex: String = input.iter().map(|b| format!("{b:02x}")).collect();
            self.failures
                .push(format!("{subject}, {mutation:?}: {what}\n    input: {hex}"));
        }
    }

    fn table(&self, title: &str) -> String {
        let mut out = format!(
            "corruption census of {title}: {} inputs, {} loads\n",
            self.inputs, self.loads
        );
        for ((class, path), kinds) in &self.counts {
            let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k}={n}")).collect();
            let _ = writeln!(out, "  {class:<8} {path:<7} {}", kinds.join(" "));
        }
        out
    }

    /// Prints the table and fails with it, and the failures, if there are any.
    fn finish(self, title: &str) {
        let table = self.table(title);
        println!("{table}");
        assert!(
            self.failures.is_empty(),
            "{table}\n{} failures, the first {}:\n{}",
            self.failure_count,
            self.failures.len(),
            self.failures.join("\n")
        );
        // Every class of damage ran: a census that skipped one proves nothing of it.
        for class in ["truncate", "flip", "extend", "forged"] {
            let loads: usize = self
                .counts
                .iter()
                .filter(|((c, _), _)| *c == class)
                .map(|(_, kinds)| kinds.values().sum::<usize>())
                .sum();
            assert!(loads > 0, "no {class} loads ran\n{table}");
        }
    }
}

/// Loads every damaged version of `bytes`, the file of `value`, on every path.
fn census<T>(report: &mut Report, value: &T, bytes: &[u8], record: bool)
where
    T: DeserializeOwned + Schema + PartialEq + Debug + 'static,
{
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = |n: usize| dir.path().join(format!("input-{n}.pickle"));
    std::fs::write(file(0), bytes).expect("writing the file");
    let info = persist::inspect_bytes(bytes).expect("the intact file's header reads");
    let subject = format!("{} ({})", info.rec_id, info.compression);
    let original = Original {
        value,
        state: persist::load_state(file(0)).expect("the intact file reads as a state"),
        info,
        record,
    };
    let intact = load_all(bytes, &file(0), &original);
    for (path, got) in intact.each() {
        assert!(
            matches!(got, Got::Ok { same: true, .. }),
            "{subject}: the intact file does not load on the {path} path: {}",
            got.kind()
        );
    }

    let layout = Layout::of(&original.info);
    let len = bytes.len();
    let mut mutations: Vec<Mutation> = (0..len).map(Mutation::Truncate).collect();
    for byte in 0..len {
        mutations.extend((0..8).map(|bit| Mutation::Flip { byte, bit }));
    }
    mutations.extend([1, 8].map(Mutation::Extend));
    let header_sum = layout.header_len as usize - 8..layout.header_len as usize;
    for byte in (8..len - 8).filter(|b| !header_sum.contains(b)) {
        mutations.extend((0..8).map(|bit| Mutation::Forge { byte, bit }));
    }

    for (n, mutation) in mutations.into_iter().enumerate() {
        let input = mutation.apply(bytes, &layout);
        let loads = load_all(&input, &file(n + 1), &original);
        report.inputs += 1;
        for (path, got) in loads.each() {
            report.loads += 1;
            *report
                .counts
                .entry((mutation.class(), path))
                .or_default()
                .entry(got.kind())
                .or_default() += 1;
            if let Got::Panic(message) = got {
                report.fail(
                    &subject,
                    mutation,
                    &input,
                    format!("{path} panicked: {message}"),
                );
            }
        }
        let failure = match mutation {
            Mutation::Forge { byte, .. } => {
                forged_failure(&loads, byte as u64 >= layout.header_len)
            }
            Mutation::Truncate(n) => {
                let want = expected_for_truncation(&layout, n);
                unmet(&loads, &want, &want)
            }
            Mutation::Flip { byte, bit } => {
                let want = expected_for_flip(&layout, bytes, byte, bit);
                let header_intact = matches!(want, Want::Checksum(Section::Payload));
                let inspect = if header_intact {
                    Want::OriginalHeader
                } else {
                    want.clone()
                };
                unmet(&loads, &want, &inspect)
            }
            Mutation::Extend(_) => unmet(&loads, &Want::Corrupt, &Want::Corrupt),
        };
        if let Some(what) = failure {
            report.fail(&subject, mutation, &input, what);
        }
    }
}

/// Which path, if any, did not give the predicted outcome.
fn unmet(loads: &Loads, want: &Want, inspect: &Want) -> Option<String> {
    loads.each().find_map(|(path, got)| {
        let want = if path == "inspect" { inspect } else { want };
        (!got.meets(want)).then(|| format!("{path} gave {}, not {want:?}", describe(got)))
    })
}

fn describe(got: &Got) -> String {
    match got {
        Got::Err(err) => format!("{}: {err}", error_kind(err)),
        Got::Ok { as_t, .. } => format!("{} {}", got.kind(), as_t.as_deref().unwrap_or("")),
        Got::Panic(message) => format!("a panic: {message}"),
    }
}

/// The rules a forged input must follow (panics are counted by the caller):
/// every path shares the header checks, so a header `inspect` refuses is refused by
/// all, for the same reason; and a forged payload under the original header decodes
/// to the same value on the typed and the dynamic paths, or fails on both (for the
/// dynamic path, a state the type refuses counts as failing).
fn forged_failure(loads: &Loads, payload_only: bool) -> Option<String> {
    if let Got::Err(header) = &loads.inspect {
        let kind = error_kind(header);
        if let Some((path, got)) = loads.each().find(|(_, got)| got.kind() != kind) {
            return Some(format!(
                "inspect refused the header ({kind}) but {path} gave {}",
                describe(got)
            ));
        }
    }
    let value = |got: &Got| match got {
        Got::Ok { as_t, .. } => as_t.clone(),
        _ => None,
    };
    let typed = value(&loads.typed);
    if loads.file.kind() != loads.typed.kind() || value(&loads.file) != typed {
        return Some(format!(
            "the streamed and the whole typed loads disagree: from_bytes gave {}, load gave {}",
            describe(&loads.typed),
            describe(&loads.file)
        ));
    }
    if !payload_only {
        return None;
    }
    if !matches!(loads.inspect, Got::Ok { same: true, .. }) {
        return Some(format!(
            "the header is intact but inspect gave {}",
            describe(&loads.inspect)
        ));
    }
    let others = [Some(&loads.state), loads.any.as_ref()];
    for (path, got) in ["state", "any"].into_iter().zip(others) {
        let Some(got) = got else { continue };
        // A state that reads but is not a value of the type (a date field whose
        // text is no date): the type's own `Deserialize` refuses it, so the typed
        // load must refuse it too, as a decode error.
        let refused_by_the_type = matches!(got, Got::Ok { as_t: Some(t), .. }
            if t.starts_with("not a value of the type"));
        if refused_by_the_type && matches!(loads.typed, Got::Err(persist::Error::Decode { .. })) {
            continue;
        }
        if value(got) != typed {
            return Some(format!(
                "the typed and the {path} decoders disagree: typed gave {}, {path} gave {}",
                describe(&loads.typed),
                describe(got)
            ));
        }
    }
    None
}
