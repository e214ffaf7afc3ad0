//! Editing the envelope of a persist file (docs/FORMAT.md) so that fuzzed bytes get
//! past its checksums.
//!
//! Almost every random change to a file breaks a checksum, and a load stops there.
//! To reach the schema decoder, the type checks, the decompressor and the payload
//! decoders, the targets also try each input with its fingerprint and checksums
//! recomputed, and build files around fuzzed payloads.

use std::ops::Range;

use twox_hash::XxHash3_64;

/// The first eight bytes of every file.
const MAGIC: &[u8; 8] = b"\x89PERSIST";
/// Offset of the schema fingerprint in the fixed header.
const FINGERPRINT_AT: usize = 16;
/// Offset of the REC_ID length.
const REC_ID_LEN_AT: usize = 24;
/// Offset of the schema length.
const SCHEMA_LEN_AT: usize = 28;
/// Offset of the stored payload length.
const PAYLOAD_LEN_AT: usize = 32;
/// Offset of the uncompressed payload length.
const RAW_LEN_AT: usize = 40;
/// Length of the fixed header.
const FIXED_LEN: usize = 48;
/// Length of each checksum.
const CHECKSUM_LEN: usize = 8;

/// The checksum and fingerprint hash of the format: xxh3-64, seed 0.
pub fn xxh3(bytes: &[u8]) -> u64 {
    XxHash3_64::oneshot(bytes)
}

/// Where the sections of a file lie, as its fixed header says.
struct Layout {
    /// The schema bytes.
    schema: Range<usize>,
    /// The payload, which may run past the end of a damaged file.
    payload: Range<usize>,
}

impl Layout {
    /// The layout `file`'s fixed header declares, when the header up to its checksum
    /// is there; `None` otherwise.
    fn of(file: &[u8]) -> Option<Layout> {
        if file.len() < FIXED_LEN || &file[..MAGIC.len()] != MAGIC {
            return None;
        }
        let rec_id_len = usize::try_from(u32_at(file, REC_ID_LEN_AT)).ok()?;
        let schema_len = usize::try_from(u32_at(file, SCHEMA_LEN_AT)).ok()?;
        let schema_start = FIXED_LEN.checked_add(rec_id_len)?;
        let schema_end = schema_start.checked_add(schema_len)?;
        let header_end = schema_end.checked_add(CHECKSUM_LEN)?;
        if header_end > file.len() {
            return None;
        }
        let payload_len = usize::try_from(u64_at(file, PAYLOAD_LEN_AT)).ok()?;
        Some(Layout {
            schema: schema_start..schema_end,
            payload: header_end..header_end.checked_add(payload_len)?,
        })
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

/// `file` with its fingerprint, header checksum and (when the payload is all there)
/// payload checksum recomputed from the bytes it holds; `None` when its fixed header
/// does not lay out a header that fits, or nothing changed.
pub fn repair(file: &[u8]) -> Option<Vec<u8>> {
    let layout = Layout::of(file)?;
    let mut out = file.to_vec();
    let fingerprint = xxh3(&out[layout.schema.clone()]);
    put_u64(&mut out, FINGERPRINT_AT, fingerprint);
    // After the fingerprint, which the header checksum covers.
    let header_sum = xxh3(&out[..layout.schema.end]);
    put_u64(&mut out, layout.schema.end, header_sum);
    if let Some(end) = layout.payload.end.checked_add(CHECKSUM_LEN) {
        if end <= out.len() {
            let sum = xxh3(&out[layout.payload.clone()]);
            put_u64(&mut out, layout.payload.end, sum);
        }
    }
    (out != file).then_some(out)
}

/// The stored payload of the valid file `file`, and the length it expands to.
///
/// # Panics
///
/// When `file` is not a well-formed file: the callers pass files just written.
pub fn payload_of(file: &[u8]) -> (&[u8], u64) {
    let layout = Layout::of(file).expect("a well-formed file");
    (&file[layout.payload], u64_at(file, RAW_LEN_AT))
}

/// The valid file `file` with its payload replaced by `payload`, declared to expand
/// to `raw_len` bytes, and every checksum made to match.
///
/// # Panics
///
/// When `file` is not a well-formed file: the callers pass files just written.
pub fn with_payload(file: &[u8], payload: &[u8], raw_len: u64) -> Vec<u8> {
    let layout = Layout::of(file).expect("a well-formed file");
    let header_end = layout.payload.start;
    let mut out = Vec::with_capacity(header_end + payload.len() + CHECKSUM_LEN);
    out.extend_from_slice(&file[..header_end]);
    put_u64(&mut out, PAYLOAD_LEN_AT, payload.len() as u64);
    put_u64(&mut out, RAW_LEN_AT, raw_len);
    let header_sum = xxh3(&out[..layout.schema.end]);
    put_u64(&mut out, layout.schema.end, header_sum);
    out.extend_from_slice(payload);
    out.extend_from_slice(&xxh3(payload).to_le_bytes());
    out
}
