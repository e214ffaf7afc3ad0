//! The file envelope: header layout, checksums, and their validation.
//!
//! ```text
//! offset  size  field
//!      0     8  magic "\x89PERSIST"
//!      8     2  format version (u16 LE) = 1
//!     10     1  codec id
//!     11     1  flags (reserved, 0)
//!     12     4  type VERSION (u32 LE)
//!     16     8  schema fingerprint (u64 LE)
//!     24     4  REC_ID length (u32 LE)
//!     28     4  schema length (u32 LE)
//!     32     8  payload length as stored (u64 LE)
//!     40     8  payload length uncompressed (u64 LE)
//!     48     r  REC_ID, UTF-8
//!   48+r     s  schema, canonical encoding
//! 48+r+s     8  header checksum: xxh3-64 of bytes 0 .. 48+r+s (u64 LE)
//!      h     p  payload: postcard bytes, compressed by the codec
//!    h+p     8  payload checksum: xxh3-64 of the payload (u64 LE)
//! ```
//!
//! `docs/FORMAT.md` is the full specification. Parsing treats every byte as hostile:
//! lengths are checked against the real size of the input and the configured limit
//! before they size anything.

use std::fmt::{self, Display, Formatter};

use crate::codec::Compression;
use crate::error::{Error, Origin, Section, TypeIdentity};
use crate::schema::{decode_description, fingerprint_of, Description};

/// The first eight bytes of every persist file. The high first byte keeps text tools
/// from taking the file for text.
pub const MAGIC: [u8; 8] = *b"\x89PERSIST";

/// The format version this build writes (and the newest it reads).
pub const FORMAT_VERSION: u16 = 1;

/// Size of the fixed part of the header.
pub(crate) const FIXED_LEN: usize = 48;

/// Size of each checksum.
pub(crate) const CHECKSUM_LEN: usize = 8;

/// Longest REC_ID a file may hold.
pub(crate) const MAX_REC_ID_LEN: u32 = 1024;

/// What a file's header says: the result of [`inspect`](crate::inspect).
///
/// # Example
///
/// ```
/// let bytes = persist_core::to_bytes(&vec![1.5f64, 2.5])?;
/// let info = persist_core::inspect_bytes(&bytes)?;
/// assert_eq!(info.rec_id, "Vec<f64>");
/// assert_eq!(info.uncompressed_len, 17); // one length byte + two f64
/// assert_eq!(info.file_len, bytes.len() as u64);
/// # Ok::<(), persist_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileInfo {
    /// The file format version.
    pub format_version: u16,
    /// How the payload is compressed.
    pub compression: Compression,
    /// The record id of the saved type (its name, for types that are not records).
    pub rec_id: String,
    /// The version of the saved type (0 for types that are not records).
    pub version: u32,
    /// The fingerprint of [`schema`](Self::schema).
    pub fingerprint: u64,
    /// The description of the saved type, as the writer saw it.
    pub schema: Description,
    /// Bytes before the payload: fixed header, REC_ID, schema and header checksum.
    pub header_len: u64,
    /// Bytes of the payload as stored.
    pub payload_len: u64,
    /// Bytes of the payload once decompressed.
    pub uncompressed_len: u64,
    /// Bytes of the whole file.
    pub file_len: u64,
}

impl FileInfo {
    /// The identity of the saved type.
    ///
    /// ```
    /// let info = persist_core::inspect_bytes(&persist_core::to_bytes(&7u8)?)?;
    /// assert_eq!(info.identity().rec_id, "u8");
    /// # Ok::<(), persist_core::Error>(())
    /// ```
    pub fn identity(&self) -> TypeIdentity {
        TypeIdentity {
            rec_id: self.rec_id.clone(),
            version: self.version,
            fingerprint: self.fingerprint,
        }
    }
}

impl Display for FileInfo {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "format:      persist v{}", self.format_version)?;
        writeln!(f, "rec_id:      {}", self.rec_id)?;
        writeln!(f, "version:     {}", self.version)?;
        writeln!(f, "fingerprint: {:#018x}", self.fingerprint)?;
        writeln!(f, "codec:       {}", codec_name(self.compression))?;
        writeln!(
            f,
            "sizes:       {} bytes in all = {} header + {} payload ({} uncompressed) + {} checksum",
            self.file_len, self.header_len, self.payload_len, self.uncompressed_len, CHECKSUM_LEN
        )?;
        write!(f, "schema:\n{}", indent(&self.schema.to_string()))
    }
}

fn codec_name(compression: Compression) -> &'static str {
    match compression {
        Compression::None => "none",
        Compression::Lz4 => "lz4",
        Compression::Zstd => "zstd",
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The parts of a header a writer chooses.
pub(crate) struct HeaderFields<'a> {
    pub compression: Compression,
    pub rec_id: &'a str,
    pub version: u32,
    pub schema: &'a [u8],
    pub payload_len: u64,
    pub uncompressed_len: u64,
}

/// The lengths of a header's REC_ID and schema, checked against their limits.
fn section_lengths(rec_id: &str, schema: &[u8]) -> Result<(u32, u32), Error> {
    let encode_error = |detail: String| Error::Encode {
        type_name: rec_id.to_string(),
        detail,
    };
    let rec_id_len = u32::try_from(rec_id.len())
        .ok()
        .filter(|len| *len <= MAX_REC_ID_LEN)
        .ok_or_else(|| encode_error(format!("its id is longer than {MAX_REC_ID_LEN} bytes")))?;
    let schema_len = u32::try_from(schema.len())
        .map_err(|_| encode_error("its schema is larger than 4 GiB".to_string()))?;
    Ok((rec_id_len, schema_len))
}

/// The length of the header [`write_header`] makes for `rec_id` and `schema`
/// (whatever the payload), or the error it would return.
pub(crate) fn header_len(rec_id: &str, schema: &[u8]) -> Result<usize, Error> {
    section_lengths(rec_id, schema)?;
    Ok(FIXED_LEN + rec_id.len() + schema.len() + CHECKSUM_LEN)
}

/// Encodes a complete header, checksum included.
pub(crate) fn write_header(fields: &HeaderFields<'_>) -> Result<Vec<u8>, Error> {
    let (rec_id_len, schema_len) = section_lengths(fields.rec_id, fields.schema)?;
    let mut out =
        Vec::with_capacity(FIXED_LEN + fields.rec_id.len() + fields.schema.len() + CHECKSUM_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.push(fields.compression.id());
    out.push(0); // flags
    out.extend_from_slice(&fields.version.to_le_bytes());
    out.extend_from_slice(&fingerprint_of(fields.schema).to_le_bytes());
    out.extend_from_slice(&rec_id_len.to_le_bytes());
    out.extend_from_slice(&schema_len.to_le_bytes());
    out.extend_from_slice(&fields.payload_len.to_le_bytes());
    out.extend_from_slice(&fields.uncompressed_len.to_le_bytes());
    out.extend_from_slice(fields.rec_id.as_bytes());
    out.extend_from_slice(fields.schema);
    let checksum = checksum(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    Ok(out)
}

/// The checksum of header and payload sections.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(bytes)
}

/// What the fixed part of a header says, before the rest is read.
pub(crate) struct FixedHeader {
    bytes: [u8; FIXED_LEN],
    compression: Compression,
    /// Length of the whole header, checksum included.
    pub header_len: u64,
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Reads the fixed part of a header from `prefix` (the first bytes of the input, as
/// many as are available up to [`FIXED_LEN`]); `total_len` is the input's real size.
pub(crate) fn parse_fixed(
    prefix: &[u8],
    total_len: u64,
    origin: &Origin,
    max_size: u64,
) -> Result<FixedHeader, Error> {
    let magic_seen = &prefix[..prefix.len().min(MAGIC.len())];
    if magic_seen != &MAGIC[..magic_seen.len()] {
        return Err(Error::NotPersistFile {
            origin: origin.clone(),
        });
    }
    let truncated = || Error::Truncated {
        origin: origin.clone(),
        section: Section::Header,
        expected: FIXED_LEN as u64,
        found: total_len,
    };
    // The format version decides the layout of everything after it, so it is read
    // (and a future one reported) before insisting on a full fixed header.
    if prefix.len() < 10 {
        return Err(truncated());
    }
    let format_version = u16_at(prefix, 8);
    if format_version > FORMAT_VERSION {
        return Err(Error::FormatFromFuture {
            origin: origin.clone(),
            found: format_version,
            supported: FORMAT_VERSION,
        });
    }
    let bytes: [u8; FIXED_LEN] = prefix
        .get(..FIXED_LEN)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(truncated)?;
    let corrupt = |detail: String| Error::Corrupt {
        origin: origin.clone(),
        detail,
    };
    if format_version == 0 {
        return Err(corrupt("format version 0 does not exist".into()));
    }
    let compression = Compression::from_id(bytes[10]).ok_or_else(|| Error::UnknownCodec {
        origin: origin.clone(),
        id: bytes[10],
    })?;
    if bytes[11] != 0 {
        return Err(corrupt(format!("unknown header flags {:#04x}", bytes[11])));
    }
    let rec_id_len = u32_at(&bytes, 24);
    if rec_id_len > MAX_REC_ID_LEN {
        return Err(corrupt(format!(
            "REC_ID length {rec_id_len} is over the maximum of {MAX_REC_ID_LEN}"
        )));
    }
    let schema_len = u64::from(u32_at(&bytes, 28));
    if schema_len > max_size {
        return Err(Error::LimitExceeded {
            origin: origin.clone(),
            what: "schema",
            size: schema_len,
            limit: max_size,
        });
    }
    let header_len = (FIXED_LEN + CHECKSUM_LEN) as u64 + u64::from(rec_id_len) + schema_len;
    if header_len > total_len {
        return Err(Error::Truncated {
            origin: origin.clone(),
            section: Section::Header,
            expected: header_len,
            found: total_len,
        });
    }
    Ok(FixedHeader {
        bytes,
        compression,
        header_len,
    })
}

/// Reads and verifies a whole header. `header` holds exactly `fixed.header_len` bytes.
pub(crate) fn parse_header(
    fixed: &FixedHeader,
    header: &[u8],
    total_len: u64,
    origin: &Origin,
    max_size: u64,
) -> Result<FileInfo, Error> {
    let corrupt = |detail: String| Error::Corrupt {
        origin: origin.clone(),
        detail,
    };
    let (covered, stored) = header.split_at(header.len() - CHECKSUM_LEN);
    let stored = u64_at(stored, 0);
    compare_checksums(Section::Header, stored, checksum(covered), origin)?;
    let bytes = &fixed.bytes;
    let rec_id_end = FIXED_LEN + u32_at(bytes, 24) as usize;
    let rec_id = std::str::from_utf8(&covered[FIXED_LEN..rec_id_end])
        .map_err(|_| corrupt("the REC_ID is not valid UTF-8".into()))?
        .to_string();
    let schema_bytes = &covered[rec_id_end..];
    let fingerprint = u64_at(bytes, 16);
    if fingerprint_of(schema_bytes) != fingerprint {
        return Err(corrupt(
            "the schema fingerprint does not match the stored schema".into(),
        ));
    }
    let schema = decode_description(schema_bytes)
        .map_err(|detail| corrupt(format!("the stored schema is invalid: {detail}")))?;
    let version = u32_at(bytes, 12);
    // A save writes the header's REC_ID and VERSION from the record marker on the
    // schema's root: a file where they disagree was not written by persist, and
    // which of the two a load should trust has no answer.
    if let Some(record) = schema.root_record() {
        if record.rec_id != rec_id || record.version != version {
            return Err(corrupt(format!(
                "the header names `{rec_id}` v{version}, but the stored schema's root is \
                 the record `{}` v{}",
                record.rec_id, record.version
            )));
        }
    }
    let payload_len = u64_at(bytes, 32);
    let uncompressed_len = u64_at(bytes, 40);
    for (what, size) in [
        ("payload", payload_len),
        ("uncompressed payload", uncompressed_len),
    ] {
        if size > max_size {
            return Err(Error::LimitExceeded {
                origin: origin.clone(),
                what,
                size,
                limit: max_size,
            });
        }
    }
    // Checked: with a limit near u64::MAX, a crafted payload length could wrap the
    // sum around to the real file length.
    let expected = fixed
        .header_len
        .checked_add(payload_len)
        .and_then(|len| len.checked_add(CHECKSUM_LEN as u64))
        .ok_or_else(|| corrupt(format!("payload length {payload_len} is impossible")))?;
    if total_len < expected {
        return Err(Error::Truncated {
            origin: origin.clone(),
            section: Section::Payload,
            expected,
            found: total_len,
        });
    }
    if total_len > expected {
        return Err(corrupt(format!(
            "{} unexpected bytes after the payload checksum",
            total_len - expected
        )));
    }
    Ok(FileInfo {
        format_version: u16_at(bytes, 8),
        compression: fixed.compression,
        rec_id,
        version,
        fingerprint,
        schema,
        header_len: fixed.header_len,
        payload_len,
        uncompressed_len,
        file_len: total_len,
    })
}

/// Verifies the payload checksum. `tail` is everything after the header: the
/// payload and its checksum, exactly as long as the header declared.
pub(crate) fn verify_payload<'a>(tail: &'a [u8], origin: &Origin) -> Result<&'a [u8], Error> {
    let (payload, stored) = tail.split_at(tail.len() - CHECKSUM_LEN);
    let stored = u64_at(stored, 0);
    compare_checksums(Section::Payload, stored, checksum(payload), origin)?;
    Ok(payload)
}

/// `Error::ChecksumMismatch` for `section` unless the checksum `stored` in the
/// file is the one `computed` over its bytes.
pub(crate) fn compare_checksums(
    section: Section,
    stored: u64,
    computed: u64,
    origin: &Origin,
) -> Result<(), Error> {
    if stored == computed {
        Ok(())
    } else {
        Err(Error::ChecksumMismatch {
            origin: origin.clone(),
            section,
            stored,
            computed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(rec_id: &str, schema: &[u8]) -> Result<Vec<u8>, Error> {
        write_header(&HeaderFields {
            compression: Compression::Lz4,
            rec_id,
            version: 3,
            schema,
            payload_len: u64::MAX,
            uncompressed_len: 12,
        })
    }

    #[test]
    fn a_header_that_disagrees_with_the_schema_root_record_is_corrupt() {
        use crate::schema::{Body, Definition, Fields, RecordId};
        let record = |rec_id: &str, version| {
            let mut b = crate::schema::Builder::default();
            let root = b.define::<()>("Rec".into(), |_| {
                Definition::new("Rec", Body::Struct(Fields::Unit))
                    .with_record(RecordId::new(rec_id, version))
            });
            b.finish(root).to_canonical_bytes()
        };
        // The payload is empty: a unit struct.
        let file = |rec_id: &str, schema: &[u8]| {
            let mut bytes = write_header(&HeaderFields {
                compression: Compression::None,
                rec_id,
                version: 3,
                schema,
                payload_len: 0,
                uncompressed_len: 0,
            })
            .unwrap();
            bytes.extend_from_slice(&checksum(b"").to_le_bytes());
            bytes
        };
        assert!(crate::inspect_bytes(&file("Rec", &record("Rec", 3))).is_ok());
        for (rec_id, schema) in [("Other", record("Rec", 3)), ("Rec", record("Rec", 2))] {
            let err = crate::inspect_bytes(&file(rec_id, &schema)).unwrap_err();
            assert!(
                matches!(&err, Error::Corrupt { detail, .. } if detail.contains("stored schema's root")),
                "{err:?}"
            );
        }
    }

    #[test]
    fn header_len_is_the_length_of_the_header_written() {
        for (rec_id, schema_len) in [("", 0), ("u8", 3), ("Portfolio", 500)] {
            let schema = vec![7u8; schema_len];
            let written = header(rec_id, &schema).unwrap();
            assert_eq!(header_len(rec_id, &schema).unwrap(), written.len());
        }
    }

    #[test]
    fn an_overlong_rec_id_is_refused_before_and_when_writing() {
        let rec_id = "x".repeat(MAX_REC_ID_LEN as usize + 1);
        assert!(matches!(
            header_len(&rec_id, b""),
            Err(Error::Encode { .. })
        ));
        assert!(matches!(header(&rec_id, b""), Err(Error::Encode { .. })));
        let longest = "x".repeat(MAX_REC_ID_LEN as usize);
        assert_eq!(
            header_len(&longest, b"").unwrap(),
            header(&longest, b"").unwrap().len()
        );
    }
}
