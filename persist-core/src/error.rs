//! The one error type of the crate, with a variant per failure a caller may handle.

use std::fmt::{self, Display, Formatter};
use std::io;
use std::path::PathBuf;

use crate::codec::Compression;

/// Everything that can go wrong while saving, loading or inspecting.
///
/// Each variant that concerns a file or buffer names it through its [`Origin`], so
/// that the message alone says what was wrong and where.
///
/// # Example
///
/// ```
/// let err = persist_core::from_bytes::<u32>(b"hello, world, not a persist file").unwrap_err();
/// assert!(matches!(err, persist_core::Error::NotPersistFile { .. }));
/// assert_eq!(err.to_string(), "in-memory bytes: not a persist file (it does not start with the persist magic number)");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused an operation on a path.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done: "read", "create a temporary file in", ...
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// The bytes do not start with the persist magic number.
    #[error("{origin}: not a persist file (it does not start with the persist magic number)")]
    NotPersistFile {
        /// Where the bytes came from.
        origin: Origin,
    },

    /// The file was written in a newer format than this build can read.
    #[error(
        "{origin}: written in file format {found}, but this build of persist reads formats up to {supported}; upgrade persist to read it"
    )]
    FormatFromFuture {
        /// Where the bytes came from.
        origin: Origin,
        /// The format version in the file.
        found: u16,
        /// The newest format version this build reads.
        supported: u16,
    },

    /// The file's payload is compressed with a codec this build does not know.
    #[error("{origin}: compressed with codec id {id}, which this build of persist does not know")]
    UnknownCodec {
        /// Where the bytes came from.
        origin: Origin,
        /// The codec id in the header.
        id: u8,
    },

    /// The file ends before the length its header declares.
    #[error(
        "{origin}: truncated: the {section} needs {expected} bytes but only {found} are there"
    )]
    Truncated {
        /// Where the bytes came from.
        origin: Origin,
        /// The part that is cut short.
        section: Section,
        /// How many bytes the file should have up to the end of that part.
        expected: u64,
        /// How many bytes it has.
        found: u64,
    },

    /// A checksum does not match: some bytes changed since the file was written.
    #[error(
        "{origin}: corrupt: the {section} checksum does not match (stored {stored:#018x}, computed {computed:#018x})"
    )]
    ChecksumMismatch {
        /// Where the bytes came from.
        origin: Origin,
        /// The part whose checksum failed.
        section: Section,
        /// The checksum stored in the file.
        stored: u64,
        /// The checksum of the bytes as they are.
        computed: u64,
    },

    /// The file is internally inconsistent in a way a checksum does not explain (a
    /// crafted file, or a bug in the writer).
    #[error("{origin}: corrupt: {detail}")]
    Corrupt {
        /// Where the bytes came from.
        origin: Origin,
        /// What is inconsistent.
        detail: String,
    },

    /// The file holds another type than the one asked for.
    #[error("{origin}: holds {found}, not the requested {expected}")]
    WrongType {
        /// Where the bytes came from.
        origin: Origin,
        /// The type the caller asked for.
        expected: TypeIdentity,
        /// The type the file holds.
        found: TypeIdentity,
    },

    /// The file was written by an older version of the type, and the way up to the
    /// type's version is missing a step: no chain link and no migration step starts
    /// from version `found`.
    #[error(
        "{origin}: no migration of `{rec_id}` from v{found} (on the way to v{wanted}): add a chain link of version {found} (`#[pickle(from = ..)]`) or a step `RecInfo::new(\"{rec_id}\").from_version({found}).modify_state(..)`"
    )]
    NoUpgradePath {
        /// Where the bytes came from.
        origin: Origin,
        /// The REC_ID.
        rec_id: String,
        /// The version no step starts from.
        found: u32,
        /// The version the load was walking toward.
        wanted: u32,
    },

    /// The file was written by a newer version of the type than this program knows.
    #[error(
        "{origin}: holds `{rec_id}` v{found}, newer than v{newest}, the newest version this program knows; load it with a newer build"
    )]
    NewerVersion {
        /// Where the bytes came from.
        origin: Origin,
        /// The REC_ID.
        rec_id: String,
        /// The version in the file.
        found: u32,
        /// The newest version this program knows.
        newest: u32,
    },

    /// A chain link's `TryFrom` conversion refused the value read from the file.
    #[error("{origin}: cannot upgrade `{from}` to `{to}`: {source}")]
    Upgrade {
        /// Where the bytes came from.
        origin: Origin,
        /// The Rust type converted from.
        from: &'static str,
        /// The Rust type converted to.
        to: &'static str,
        /// The conversion's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A file's schema differs from the type's at the same VERSION in a way a load
    /// cannot resolve by itself.
    #[error(
        "{origin}: the schema of `{rec_id}` v{version} changed without a version bump:\n{}\nbump the version and add a migration (`#[pickle(from = ..)]` or a RecInfo with modify_state)",
        changes.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n")
    )]
    SchemaChanged {
        /// Where the bytes came from.
        origin: Origin,
        /// The REC_ID (for types that are not records: the type's name).
        rec_id: String,
        /// The version both have.
        version: u32,
        /// Every difference, safe ones included, as a person would read them.
        changes: Vec<String>,
    },

    /// A file of a newer version was allowed by `LoadOptions::allow_newer`, but its
    /// schema does more than add fields.
    #[error(
        "{origin}: holds `{rec_id}` v{found}, newer than v{newest}, and its schema does more than add fields, so it cannot be read as v{newest}:\n{}",
        changes.iter().map(|c| format!("  - {c}")).collect::<Vec<_>>().join("\n")
    )]
    NewerIncompatible {
        /// Where the bytes came from.
        origin: Origin,
        /// The REC_ID.
        rec_id: String,
        /// The version in the file.
        found: u32,
        /// The newest version this program knows.
        newest: u32,
        /// The differences that are not added fields.
        changes: Vec<String>,
    },

    /// A migration step (a RecInfo's `modify_state`) failed.
    #[error("{origin}: migrating `{rec_id}` from v{from} to v{to} failed: {source}")]
    Migration {
        /// Where the bytes came from.
        origin: Origin,
        /// The REC_ID being migrated.
        rec_id: String,
        /// The version the step starts from.
        from: u32,
        /// The version it leads to.
        to: u32,
        /// What the step reported.
        #[source]
        source: Box<Error>,
    },

    /// An edit of a [`RecState`](crate::RecState) (or a value read from one) failed.
    #[error("at `{path}`: {detail}")]
    State {
        /// The path of the edit.
        path: String,
        /// What is wrong there.
        detail: String,
    },

    /// `load_any` found no registered type that reads the file.
    #[error(
        "{origin}: holds `{rec_id}` v{version}, which no registered type reads; derive Pickleable for it, or send the REC_ID to a type with a RecInfo"
    )]
    UnknownRecId {
        /// Where the bytes came from.
        origin: Origin,
        /// The REC_ID in the file.
        rec_id: String,
        /// The version in the file.
        version: u32,
    },

    /// `load_any` found several registered types that could load the file.
    #[error(
        "{origin}: `{rec_id}` v{version} could load as {}; submit a RecInfo naming the type that wins (registry::check() lists every such case)",
        types.join(" or ")
    )]
    AmbiguousType {
        /// Where the bytes came from.
        origin: Origin,
        /// The REC_ID in the file.
        rec_id: String,
        /// The version in the file.
        version: u32,
        /// The Rust names of the types, sorted.
        types: Vec<&'static str>,
    },

    /// A size declared by the file exceeds the configured limit.
    #[error(
        "{origin}: the {what} is {size} bytes, over the limit of {limit} bytes (raise it with LoadOptions::max_size)"
    )]
    LimitExceeded {
        /// Where the bytes came from.
        origin: Origin,
        /// What is too large.
        what: &'static str,
        /// Its size in bytes.
        size: u64,
        /// The limit in force.
        limit: u64,
    },

    /// A value of a recursive type nests deeper than the configured limit.
    #[error(
        "{origin}: the value nests deeper than {limit} levels (raise it with LoadOptions::max_depth)"
    )]
    TooDeep {
        /// Where the bytes came from.
        origin: Origin,
        /// The limit in force.
        limit: u32,
    },

    /// The payload could not be decoded as the requested type.
    #[error("{origin}: cannot decode `{type_name}`: {detail}")]
    Decode {
        /// Where the bytes came from.
        origin: Origin,
        /// The type being decoded.
        type_name: String,
        /// What went wrong. When the type's own `Deserialize` refused the data
        /// (a validating `try_from`, say), its message and the place in the value:
        /// ``at `levels[1]`: 150 is not a percentage``.
        detail: String,
    },

    /// The value could not be encoded: its `Serialize` impl failed, or it uses a
    /// serde feature the format cannot store.
    #[error("cannot encode `{type_name}`: {detail}")]
    Encode {
        /// The type being encoded.
        type_name: String,
        /// What went wrong.
        detail: String,
    },

    /// The type's [`Schema`](crate::Schema) does not describe what its `Serialize`
    /// wrote: a file saved this way could not be read back without the type, or
    /// after it changes. Found by [`check_schema`](crate::check_schema), and by
    /// every save in builds with debug assertions, before the file is in place.
    #[error(
        "`{type_name}`{}: the Schema describes {described}, but what the type's Serialize wrote does not read as that ({detail}); fix the description (`#[schema(as = ..)]`)",
        if place.is_empty() { String::new() } else { format!(" at `{place}`") }
    )]
    Misdescribed {
        /// The type being saved.
        type_name: String,
        /// Where in the value: `legs[3].id`, or empty for the value itself.
        place: String,
        /// What the description says is there, as the schema prints it.
        described: String,
        /// What did not read.
        detail: String,
    },

    /// An explicit compression option contradicts the compression the file name implies.
    #[error(
        "`{}`: the option asks for {option} compression but the extension implies {implied}; change one of them",
        path.display()
    )]
    CompressionConflict {
        /// The path being saved to.
        path: PathBuf,
        /// The compression the options ask for.
        option: Compression,
        /// The compression the extension implies.
        implied: Compression,
    },

    /// A compression level the codec does not have (a zstd level out of range, any
    /// level for lz4).
    #[error("cannot save with {compression} compression: {detail}")]
    CompressionLevel {
        /// The codec.
        compression: Compression,
        /// What is wrong, with the range of levels.
        detail: String,
    },

    /// The file name ends in the extension of a compression persist does not write
    /// (`.gz`, `.xz`, ...): saving there uncompressed would make a file whose name
    /// lies about it, so nothing is written.
    #[error(
        "`{}`: persist cannot write `.{extension}` compression; use {supported}, or a name without `.{extension}`",
        path.display()
    )]
    UnsupportedCompression {
        /// The path being saved to.
        path: PathBuf,
        /// The extension, as written in the name.
        extension: String,
        /// The codecs persist writes, by extension: "`.lz4`".
        supported: String,
    },

    /// A REC_ID cannot serve as a file name (it would escape its directory, or is not
    /// a portable file name).
    #[error("REC_ID {rec_id:?} cannot name a file: {reason}")]
    InvalidRecId {
        /// The REC_ID.
        rec_id: String,
        /// Why it cannot name a file.
        reason: &'static str,
    },

    /// No file for a REC_ID was found where discovery looked.
    #[error("no file for `{rec_id}` in `{}`: looked for {}", dir.display(), looked_for.join(", "))]
    NotFound {
        /// The REC_ID looked for.
        rec_id: String,
        /// The directory searched.
        dir: PathBuf,
        /// What was looked for, as a person would read it.
        looked_for: Vec<String>,
    },

    /// Several files could hold the REC_ID, and discovery will not guess.
    #[error(
        "several files for `{rec_id}` in `{}`: {}; pass the one you mean as a file path",
        dir.display(),
        candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Ambiguous {
        /// The REC_ID looked for.
        rec_id: String,
        /// The directory searched.
        dir: PathBuf,
        /// Every matching file, sorted.
        candidates: Vec<PathBuf>,
    },

    /// A path cannot be saved to: it names no file.
    #[error("`{}`: {reason}", path.display())]
    InvalidPath {
        /// The path given.
        path: PathBuf,
        /// Why it cannot be used.
        reason: &'static str,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where the bytes being read came from, for error messages.
///
/// ```
/// use persist_core::Origin;
/// assert_eq!(Origin::File("a/b.pickle".into()).to_string(), "`a/b.pickle`");
/// assert_eq!(Origin::Bytes.to_string(), "in-memory bytes");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A file at this path.
    File(PathBuf),
    /// A buffer passed to `from_bytes` or `inspect_bytes`.
    Bytes,
}

impl Display for Origin {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => write!(f, "`{}`", path.display()),
            Origin::Bytes => f.write_str("in-memory bytes"),
        }
    }
}

/// A part of a file, as named by [`Error::Truncated`] and [`Error::ChecksumMismatch`].
///
/// ```
/// assert_eq!(persist_core::Section::Payload.to_string(), "payload");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Section {
    /// The header: identity, sizes and schema.
    Header,
    /// The payload: the encoded value.
    Payload,
}

impl Display for Section {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Section::Header => "header",
            Section::Payload => "payload",
        })
    }
}

/// Which type a file holds or a caller asks for: its record id, version and schema
/// fingerprint.
///
/// ```
/// use persist_core::TypeIdentity;
/// let id = TypeIdentity { rec_id: "Portfolio".into(), version: 2, fingerprint: 0xab };
/// assert_eq!(id.to_string(), "`Portfolio` v2 (schema 0x00000000000000ab)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeIdentity {
    /// The record id (for types that are not records: the type's name).
    pub rec_id: String,
    /// The version (0 for types that are not records).
    pub version: u32,
    /// The schema fingerprint.
    pub fingerprint: u64,
}

impl Display for TypeIdentity {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` v{} (schema {:#018x})",
            self.rec_id, self.version, self.fingerprint
        )
    }
}

/// Builds the [`Error::Io`] for `action` on `path`; for `map_err`.
pub(crate) fn io_error(
    action: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}
