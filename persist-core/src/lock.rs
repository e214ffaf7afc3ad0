//! The schema lock: a committed file that pins the layout of every record version
//! the program saves, so that a change which would break old files fails a test
//! today instead of a load years from now.
//!
//! A file saved as (REC_ID, VERSION) must keep loading the way it was written,
//! forever. Once that pair is in the lock, the [fingerprint](Description::fingerprint)
//! of its schema may not change: a new layout needs a new VERSION
//! (`#[pickle(version = N+1, from = ..)]`) that converts from the old one.
//!
//! [`check`] compares the registered types ([`registry::types`]) with the lock:
//!
//! - a locked version whose layout changed is an error, [`LockError::Changed`], that
//!   names the type and says what to do instead;
//! - versions not locked yet are added, and the file is rewritten atomically (a
//!   temporary file in the same directory, renamed over it); when nothing is added
//!   the file is not touched at all;
//! - entries whose type is no longer registered are kept: files of old versions live
//!   on after their type is gone.
//!
//! Call it from a test with the lock at the project root (`persist.lock` by
//! convention; tests run in the package's directory), and commit the file: a
//! reviewer then sees every new version appear in the diff, and a changed layout
//! fails the test. In CI, where nothing should be added, also check that the test
//! left the file unchanged (`git diff --exit-code persist.lock`), or assert that
//! [`LockReport::added`] is empty.
//!
//! # File format
//!
//! UTF-8 text. The file starts with `#` comment lines that say what it is and that
//! it is not edited by hand; then comes one line per record version,
//! `REC_ID<TAB>VERSION<TAB>0x<16 hex digits>`, sorted by REC_ID (as bytes) and then
//! by VERSION:
//!
//! ```text
//! # persist schema lock: the layout of every record version this program saves.
//! # ...
//! Portfolio   2   0x5d6f0e7c1b2a3948
//! Portfolio   3   0x0b8e21d4c7a65f13
//! Trade       1   0xe04c9a1f3b7d2865
//! ```
//!
//! (the columns are separated by a single tab character each, shown here as spaces).
//! VERSION is a decimal number without leading zeros; the fingerprint is `0x` and
//! exactly 16 hexadecimal digits. A REC_ID names a file portably, so it never holds
//! a tab or a newline, and a line containing a tab is always an entry (even if the
//! REC_ID starts with `#`).
//!
//! Reading is strict, so a bad merge or a hand edit cannot silently unlock a
//! version: empty lines, lines of blanks and comment lines (starting with `#`, with
//! no tab) are skipped; any other line must be a well-formed entry, and two entries
//! for one (REC_ID, VERSION) must agree on the fingerprint (identical duplicates are
//! merged). A line ending in `\r\n` is read like one ending in `\n`. Anything else is
//! [`LockError::Malformed`], with the line number. When [`check`] rewrites the file it
//! writes the header, then the entries in order, each once; other comments are not
//! kept.
//!
//! # Example
//!
//! ```
//! # use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
//! # #[derive(serde::Serialize, serde::Deserialize)]
//! # struct Portfolio;
//! # impl persist_core::Pickleable for Portfolio { const REC_ID: &'static str = "Portfolio"; const VERSION: u32 = 3; }
//! # impl persist_core::Schema for Portfolio {
//! #     fn describe(b: &mut Builder) -> Node {
//! #         b.define::<Self>("Portfolio".into(), |_| Definition::new("", Body::Struct(Fields::Unit)).with_record(RecordId::new("Portfolio", 3)))
//! #     }
//! # }
//! use persist_core::lock::{self, LockEntry};
//! use persist_core::schema::Description;
//!
//! // `#[derive(Pickleable)]` registers its types; a hand-written one does it itself.
//! persist_core::submit! { persist_core::registry::TypeEntry::of::<Portfolio>() }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("persist.lock");
//!
//! // No lock yet: it is created with every registered version.
//! let report = lock::check(&path)?;
//! let fingerprint = Description::of::<Portfolio>().fingerprint();
//! let entry = LockEntry { rec_id: "Portfolio".into(), version: 3, fingerprint };
//! assert_eq!(report.added, [entry]);
//!
//! let text = std::fs::read_to_string(&path)?;
//! assert!(text.starts_with("# persist schema lock"));
//! assert!(text.ends_with(&format!("\nPortfolio\t3\t{fingerprint:#018x}\n")));
//!
//! // Checked again, with nothing new: nothing is written.
//! let report = lock::check(&path)?;
//! assert!(report.added.is_empty());
//! assert_eq!(report.unchanged, 1);
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Display, Formatter};
use std::io;
use std::path::{Path, PathBuf};

use crate::atomic;
use crate::error::Error;
use crate::registry;
#[cfg(doc)]
use crate::schema::Description;

/// One line of the lock: the schema fingerprint of a record version.
///
/// # Example
///
/// ```
/// use persist_core::lock::LockEntry;
///
/// let entry = LockEntry { rec_id: "Portfolio".into(), version: 3, fingerprint: 0x5d6f_0e7c_1b2a_3948 };
/// assert_eq!(entry.to_string(), "`Portfolio` v3 (schema fingerprint 0x5d6f0e7c1b2a3948)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEntry {
    /// The REC_ID the version's files are saved under.
    pub rec_id: String,
    /// The version.
    pub version: u32,
    /// The [fingerprint](Description::fingerprint) of the version's schema.
    pub fingerprint: u64,
}

impl Display for LockEntry {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` v{} (schema fingerprint {:#018x})",
            self.rec_id, self.version, self.fingerprint
        )
    }
}

/// What a successful [`check`] did.
///
/// # Example
///
/// ```
/// use persist_core::lock;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("persist.lock");
/// // This program registers no record type: there is nothing to lock, so no file
/// // is written either.
/// let report = lock::check(&path)?;
/// assert!(report.added.is_empty());
/// assert_eq!(report.unchanged, 0);
/// assert!(!path.exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockReport {
    /// The entries this check added to the lock, sorted by REC_ID then VERSION. When
    /// it is empty, the file was not written.
    pub added: Vec<LockEntry>,
    /// How many registered (REC_ID, VERSION) pairs the lock already held, with the
    /// same fingerprint.
    pub unchanged: usize,
}

/// A registered type whose schema is not the one its (REC_ID, VERSION) is locked
/// with: one case of [`LockError::Changed`].
///
/// # Example
///
/// ```
/// # use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # struct Trade;
/// # impl persist_core::Pickleable for Trade { const REC_ID: &'static str = "Trade"; const VERSION: u32 = 1; }
/// # impl persist_core::Schema for Trade {
/// #     fn describe(b: &mut Builder) -> Node {
/// #         b.define::<Self>("Trade".into(), |_| Definition::new("", Body::Struct(Fields::Unit)).with_record(RecordId::new("Trade", 1)))
/// #     }
/// # }
/// use persist_core::lock::{self, LockError};
///
/// persist_core::submit! { persist_core::registry::TypeEntry::of::<Trade>() }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("persist.lock");
/// // The lock remembers another layout for `Trade` v1.
/// std::fs::write(&path, "Trade\t1\t0x0000000000000001\n")?;
///
/// let Err(LockError::Changed { changed, .. }) = lock::check(&path) else {
///     panic!("the changed layout went unnoticed");
/// };
/// assert_eq!((changed[0].rec_id.as_str(), changed[0].version), ("Trade", 1));
/// assert!(changed[0].type_name.ends_with("Trade"));
/// assert_eq!(changed[0].locked, 1);
/// assert!(changed[0].to_string().contains("#[pickle(version = 2, from = ..)]"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Changed {
    /// The Rust name of the registered type, with its module path.
    pub type_name: &'static str,
    /// Its REC_ID.
    pub rec_id: String,
    /// Its VERSION.
    pub version: u32,
    /// The fingerprint the (REC_ID, VERSION) is locked with.
    pub locked: u64,
    /// The fingerprint of the type's schema today.
    pub current: u64,
    /// `None` when `locked` comes from the lock file. When the (REC_ID, VERSION) is
    /// not in the file yet but several registered types claim it with different
    /// layouts, the first of them by Rust name stands as the locked one (`locked` is
    /// its fingerprint, and this is its name) and the others are reported; the check
    /// fails, so neither layout is written to the file while the clash lasts. Such a
    /// clash is the business of [`registry::check`], which finds it whatever the
    /// layouts.
    pub claimed_by: Option<&'static str>,
}

impl Display for Changed {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let Changed {
            type_name,
            rec_id,
            version,
            locked,
            current,
            claimed_by,
        } = self;
        match claimed_by {
            None => {
                write!(
                    f,
                    "{type_name} (`{rec_id}` v{version}) has schema fingerprint {current:#018x}, \
                     but `{rec_id}` v{version} is locked with {locked:#018x}: files already saved \
                     as `{rec_id}` v{version} would no longer load the way they were written; "
                )?;
                match version.checked_add(1) {
                    Some(next) => write!(
                        f,
                        "bump its version (#[pickle(version = {next}, from = ..)] or a RecInfo \
                         migration) instead of changing version {version}"
                    ),
                    None => write!(
                        f,
                        "v{version} is the last possible version, so give the new layout a \
                         REC_ID of its own (and a RecInfo migration) instead of changing \
                         version {version}"
                    ),
                }
            }
            Some(other) => {
                write!(
                    f,
                    "{type_name} (`{rec_id}` v{version}, schema fingerprint {current:#018x}) and \
                     {other} (schema fingerprint {locked:#018x}) are both registered as \
                     `{rec_id}` v{version}, with different layouts: a version has one layout, so \
                     give one of them "
                )?;
                if let Some(next) = version.checked_add(1) {
                    write!(
                        f,
                        "a new version (#[pickle(version = {next}, from = ..)]) or "
                    )?;
                }
                f.write_str("its own REC_ID (persist::registry::check() reports such clashes)")
            }
        }
    }
}

/// Why [`check`] failed. A failed check never writes the lock.
///
/// # Example
///
/// ```
/// use persist_core::lock::{self, LockError};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("persist.lock");
/// // Spaces where the format has tabs.
/// std::fs::write(&path, "# persist schema lock\nPortfolio 3 0x5d6f0e7c1b2a3948\n")?;
///
/// let err = lock::check(&path).unwrap_err();
/// assert!(matches!(err, LockError::Malformed { line_number: 2, .. }), "{err}");
/// assert!(err.to_string().contains("line 2"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// The operating system refused to read or write the lock (or the temporary file
    /// that replaces it). A missing lock is not an error: it counts as empty.
    #[error("schema lock: cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done: "read", "create a temporary file in", "replace", ...
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// A line of the lock is not a comment, a blank line or a well-formed entry, or
    /// it locks a (REC_ID, VERSION) that an earlier line locks with another
    /// fingerprint.
    #[error(
        "the schema lock `{}` is malformed at line {line_number}, {line:?}: {reason}; this file is \
         written by persist::lock::check: restore it from version control (or fix that line), then \
         run the check again",
        path.display()
    )]
    Malformed {
        /// The lock file.
        path: PathBuf,
        /// The number of the line, from 1.
        line_number: usize,
        /// The line, without its line ending (invalid UTF-8 replaced by U+FFFD).
        line: String,
        /// What is wrong with it.
        reason: String,
    },

    /// Registered types do not have the schema their (REC_ID, VERSION) is locked
    /// with: each would misread the files saved with the locked layout.
    #[error("{}", ChangedList::new(.path, .changed))]
    Changed {
        /// The lock file.
        path: PathBuf,
        /// Every such type, sorted by REC_ID, VERSION and Rust name.
        changed: Vec<Changed>,
    },

    /// A registered type's REC_ID cannot be written in the lock. The derive refuses
    /// such REC_IDs; only a hand-written `Pickleable` impl can declare one.
    #[error(
        "{type_name} is saved as REC_ID {rec_id:?}, which the schema lock cannot record because \
         {reason}; give it a REC_ID that names a file portably, as #[derive(Pickleable)] requires"
    )]
    InvalidRecId {
        /// The Rust name of the type.
        type_name: &'static str,
        /// Its REC_ID.
        rec_id: String,
        /// Why it cannot be written.
        reason: &'static str,
    },
}

/// The message of [`LockError::Changed`].
struct ChangedList<'a> {
    path: &'a Path,
    changed: &'a [Changed],
}

impl<'a> ChangedList<'a> {
    fn new(path: &'a Path, changed: &'a [Changed]) -> Self {
        ChangedList { path, changed }
    }
}

impl Display for ChangedList<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let count = self.changed.len();
        let (plural, verb) = if count == 1 {
            ("", "has")
        } else {
            ("s", "have")
        };
        write!(
            f,
            "{count} record version{plural} {verb} another schema than the one locked in `{}`:",
            self.path.display()
        )?;
        for changed in self.changed {
            write!(f, "\n  - {changed}")?;
        }
        if self.changed.iter().any(|c| c.claimed_by.is_none()) {
            f.write_str(
                "\nA locked version's layout is fixed for good, because files saved with it \
                 exist: keep the old layout as a type of its own (same #[rec_id], same version) \
                 for the new version to convert from, and never edit the lock to accept a change.",
            )?;
        }
        Ok(())
    }
}

/// Checks the registered record types against the schema lock at `path`, and adds
/// the versions it does not hold yet.
///
/// The fingerprint of a type is that of its [`Description`]; the registered types
/// are those of [`registry::types`]. See the [module documentation](self) for the
/// rules and the file format. The file is written only when entries are added, and
/// then atomically; a missing file counts as empty (and is created if there is
/// anything to lock).
///
/// # Errors
///
/// - [`LockError::Changed`] when a registered type's (REC_ID, VERSION) is locked with
///   another fingerprint, listing every such type (also when two registered types
///   claim one new (REC_ID, VERSION) with different layouts: the first by Rust name
///   is measured against, the others are reported);
/// - [`LockError::Malformed`] when the file does not parse;
/// - [`LockError::InvalidRecId`] when a REC_ID cannot be written in it;
/// - [`LockError::Io`] when it cannot be read or replaced.
///
/// The file is left untouched by every error.
///
/// # Example
///
/// ```
/// # use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # struct Portfolio;
/// # impl persist_core::Pickleable for Portfolio { const REC_ID: &'static str = "Portfolio"; const VERSION: u32 = 3; }
/// # impl persist_core::Schema for Portfolio {
/// #     fn describe(b: &mut Builder) -> Node {
/// #         b.define::<Self>("Portfolio".into(), |_| Definition::new("", Body::Struct(Fields::Unit)).with_record(RecordId::new("Portfolio", 3)))
/// #     }
/// # }
/// use persist_core::lock::{self, LockError};
///
/// persist_core::submit! { persist_core::registry::TypeEntry::of::<Portfolio>() }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("persist.lock");
///
/// // An old program locked another layout as `Portfolio` v3, and kept `Order` v1,
/// // whose type is gone.
/// let old = "Order\t1\t0x00000000000000aa\nPortfolio\t3\t0x00000000000000bb\n";
/// std::fs::write(&path, old)?;
///
/// let err = lock::check(&path).unwrap_err();
/// assert!(matches!(err, LockError::Changed { .. }));
/// let message = err.to_string();
/// assert!(message.contains("`Portfolio` v3"), "{message}");
/// assert!(message.contains("bump its version (#[pickle(version = 4, from = ..)]"), "{message}");
/// assert_eq!(std::fs::read_to_string(&path)?, old);
///
/// // Without the changed entry, `Portfolio` v3 is added and `Order` v1 stays.
/// std::fs::write(&path, "Order\t1\t0x00000000000000aa\n")?;
/// let report = lock::check(&path)?;
/// assert_eq!(report.added.len(), 1);
/// assert!(std::fs::read_to_string(&path)?.contains("\nOrder\t1\t0x00000000000000aa\nPortfolio\t3\t"));
/// # Ok(())
/// # }
/// ```
pub fn check(path: impl AsRef<Path>) -> Result<LockReport, LockError> {
    let path = path.as_ref();
    let current = registered()?;
    let locked = read(path)?;
    let report = compare(&locked, &current).map_err(|changed| LockError::Changed {
        path: path.to_path_buf(),
        changed,
    })?;
    if !report.added.is_empty() {
        let mut all = locked;
        all.extend(report.added.iter().cloned());
        all.sort_by(|a, b| key(a).cmp(&key(b)));
        write(path, &print(&all))?;
    }
    Ok(report)
}

/// The sort key of an entry: REC_ID, then VERSION.
fn key(entry: &LockEntry) -> (&str, u32) {
    (entry.rec_id.as_str(), entry.version)
}

/// The entry of every registered type, with the type's Rust name.
fn registered() -> Result<Vec<(LockEntry, &'static str)>, LockError> {
    registry::types()
        .iter()
        .map(|entry| {
            if let Some(reason) = rec_id_problem(entry.rec_id()) {
                return Err(LockError::InvalidRecId {
                    type_name: entry.type_name(),
                    rec_id: entry.rec_id().to_string(),
                    reason,
                });
            }
            let locked = LockEntry {
                rec_id: entry.rec_id().to_string(),
                version: entry.version(),
                fingerprint: entry.description().fingerprint(),
            };
            Ok((locked, entry.type_name()))
        })
        .collect()
}

/// Why `rec_id` cannot be written in the lock, if it cannot.
fn rec_id_problem(rec_id: &str) -> Option<&'static str> {
    if rec_id.is_empty() {
        Some("it is empty")
    } else if rec_id.chars().any(char::is_control) {
        Some("it contains a control character, such as a tab or a newline")
    } else {
        None
    }
}

/// The entries of the lock at `path`; none when there is no file.
fn read(path: &Path) -> Result<Vec<LockEntry>, LockError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(source) if source.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(LockError::Io {
                action: "read",
                path: path.to_path_buf(),
                source,
            })
        }
    };
    parse(&bytes).map_err(|bad| LockError::Malformed {
        path: path.to_path_buf(),
        line_number: bad.line_number,
        line: bad.line,
        reason: bad.reason,
    })
}

/// Replaces the lock at `path` with `text`, atomically and durably.
fn write(path: &Path, text: &str) -> Result<(), LockError> {
    atomic::write_file(path, &[text.as_bytes()], true).map_err(|err| match err {
        Error::Io {
            action,
            path,
            source,
        } => LockError::Io {
            action,
            path,
            source,
        },
        Error::InvalidPath { path, reason } => LockError::Io {
            action: "write",
            path,
            source: io::Error::new(io::ErrorKind::InvalidInput, reason),
        },
        other => LockError::Io {
            action: "write",
            path: path.to_path_buf(),
            source: io::Error::other(other.to_string()),
        },
    })
}

/// The first line of the lock that does not parse, and why.
#[derive(Debug, PartialEq, Eq)]
struct Bad {
    line_number: usize,
    line: String,
    reason: String,
}

/// The entries of a lock file's bytes, in file order, each (REC_ID, VERSION) once.
fn parse(bytes: &[u8]) -> Result<Vec<LockEntry>, Bad> {
    // (REC_ID, VERSION) -> (fingerprint, line number), to find conflicting duplicates.
    let mut seen: BTreeMap<(String, u32), (u64, usize)> = BTreeMap::new();
    let mut entries = Vec::new();
    for (index, raw) in bytes.split(|&byte| byte == b'\n').enumerate() {
        let line_number = index + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let bad = |reason: String| Bad {
            line_number,
            line: String::from_utf8_lossy(raw).into_owned(),
            reason,
        };
        let Ok(line) = std::str::from_utf8(raw) else {
            return Err(bad("it is not valid UTF-8".into()));
        };
        let Some(entry) = parse_line(line).map_err(bad)? else {
            continue;
        };
        match seen.get(&(entry.rec_id.clone(), entry.version)) {
            Some(&(fingerprint, _)) if fingerprint == entry.fingerprint => {}
            Some(&(fingerprint, first)) => {
                return Err(bad(format!(
                    "line {first} locks `{}` v{} with another fingerprint, {fingerprint:#018x}; a \
                     version has one layout",
                    entry.rec_id, entry.version
                )))
            }
            None => {
                seen.insert(
                    (entry.rec_id.clone(), entry.version),
                    (entry.fingerprint, line_number),
                );
                entries.push(entry);
            }
        }
    }
    Ok(entries)
}

/// The entry on `line`, `None` for a blank or comment line, or why it is neither.
fn parse_line(line: &str) -> Result<Option<LockEntry>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    if !line.contains('\t') {
        if line.starts_with('#') {
            return Ok(None);
        }
        return Err(
            "it is neither a `#` comment nor an entry `REC_ID<TAB>VERSION<TAB>0x<16 hex digits>` \
             (the fields of an entry are separated by single tabs)"
                .into(),
        );
    }
    let fields: Vec<&str> = line.split('\t').collect();
    let [rec_id, version, fingerprint] = fields[..] else {
        let mut reason = format!(
            "an entry has 3 tab-separated fields (REC_ID, VERSION, fingerprint), this line has {}",
            fields.len()
        );
        if line.starts_with('#') {
            reason.push_str(" (a comment cannot contain a tab: a line with a tab is an entry)");
        }
        return Err(reason);
    };
    if let Some(problem) = rec_id_problem(rec_id) {
        return Err(format!("the REC_ID {rec_id:?} is invalid: {problem}"));
    }
    Ok(Some(LockEntry {
        rec_id: rec_id.to_string(),
        version: parse_version(version)?,
        fingerprint: parse_fingerprint(fingerprint)?,
    }))
}

/// A VERSION field: decimal digits, no sign, no leading zero, at most `u32::MAX`.
fn parse_version(text: &str) -> Result<u32, String> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("the VERSION {text:?} is not a decimal number"));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(format!("the VERSION {text:?} has a leading zero"));
    }
    text.parse().map_err(|_| {
        format!(
            "the VERSION {text} is too large (the largest is {})",
            u32::MAX
        )
    })
}

/// A fingerprint field: `0x` and exactly 16 hexadecimal digits.
fn parse_fingerprint(text: &str) -> Result<u64, String> {
    let invalid = || format!("the fingerprint {text:?} is not `0x` followed by 16 hex digits");
    let digits = text
        .strip_prefix("0x")
        .filter(|digits| digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(invalid)?;
    u64::from_str_radix(digits, 16).map_err(|_| invalid())
}

/// The comment lines every written lock starts with.
const HEADER: &str = "\
# persist schema lock: the layout of every record version this program saves.
# Written by persist::lock::check. Commit it, and do not edit it by hand.
#
# A file saved as (REC_ID, VERSION) must keep loading the way it was written, so
# the layout of a version listed here may never change: to change a type's layout,
# bump its version and convert from the old one (#[pickle(version = N+1, from = ..)]).
# Entries whose type is gone stay: files saved with them still exist.
#
# One line per version: REC_ID<TAB>VERSION<TAB>schema fingerprint.
";

/// The text of a lock holding `entries`, which are sorted and each (REC_ID, VERSION)
/// once.
fn print(entries: &[LockEntry]) -> String {
    let mut text = String::from(HEADER);
    for entry in entries {
        text.push_str(&format!(
            "{}\t{}\t{:#018x}\n",
            entry.rec_id, entry.version, entry.fingerprint
        ));
    }
    text
}

/// Compares the registered entries `current` (each with its type's Rust name) with
/// the `locked` ones: the report of what is new, or every registered type whose
/// (REC_ID, VERSION) is locked, or claimed first by another registered type, with
/// another fingerprint.
///
/// The registered entries are taken in order of REC_ID, VERSION and Rust name, so
/// that "first" does not depend on link order.
fn compare(
    locked: &[LockEntry],
    current: &[(LockEntry, &'static str)],
) -> Result<LockReport, Vec<Changed>> {
    // (REC_ID, VERSION) -> (fingerprint, the registered type that claimed it first if
    // the lock does not hold it).
    let mut known: BTreeMap<(&str, u32), (u64, Option<&'static str>)> = BTreeMap::new();
    for entry in locked {
        known.entry(key(entry)).or_insert((entry.fingerprint, None));
    }
    let mut current: Vec<&(LockEntry, &'static str)> = current.iter().collect();
    current.sort_by(|(a, a_name), (b, b_name)| (key(a), a_name).cmp(&(key(b), b_name)));

    let mut added = Vec::new();
    let mut unchanged = BTreeSet::new();
    let mut changed = Vec::new();
    for (entry, type_name) in current {
        match known.get(&key(entry)) {
            None => {
                known.insert(key(entry), (entry.fingerprint, Some(type_name)));
                added.push(entry.clone());
            }
            Some(&(fingerprint, claimed_by)) if fingerprint == entry.fingerprint => {
                if claimed_by.is_none() {
                    unchanged.insert(key(entry));
                }
            }
            Some(&(fingerprint, claimed_by)) => changed.push(Changed {
                type_name,
                rec_id: entry.rec_id.clone(),
                version: entry.version,
                locked: fingerprint,
                current: entry.fingerprint,
                claimed_by,
            }),
        }
    }
    if changed.is_empty() {
        Ok(LockReport {
            added,
            unchanged: unchanged.len(),
        })
    } else {
        Err(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rec_id: &str, version: u32, fingerprint: u64) -> LockEntry {
        LockEntry {
            rec_id: rec_id.into(),
            version,
            fingerprint,
        }
    }

    /// The reason `text` is refused, with the line number.
    fn refused(text: &str) -> (usize, String) {
        let bad = parse(text.as_bytes()).expect_err(text);
        (bad.line_number, bad.reason)
    }

    #[test]
    fn printed_entries_parse_back() {
        let entries = [
            entry("#Hash", 1, 0),
            entry("Portfolio", 2, 0x5d6f_0e7c_1b2a_3948),
            entry("Portfolio", 10, u64::MAX),
            entry("with space ", u32::MAX, 0x0000_0000_0000_00ab),
        ];
        let text = print(&entries);
        assert!(text.starts_with(HEADER));
        assert!(
            text.contains("\nPortfolio\t2\t0x5d6f0e7c1b2a3948\n"),
            "{text}"
        );
        assert!(text.contains("\n#Hash\t1\t0x0000000000000000\n"), "{text}");
        assert_eq!(parse(text.as_bytes()).unwrap(), entries);
        assert_eq!(print(&parse(text.as_bytes()).unwrap()), text);
    }

    #[test]
    fn the_header_is_only_comments() {
        assert!(HEADER.lines().all(|line| line.starts_with('#')));
        assert!(!HEADER.contains('\t'));
        assert_eq!(parse(HEADER.as_bytes()).unwrap(), []);
        assert_eq!(print(&[]), HEADER);
    }

    #[test]
    fn comments_blank_lines_and_crlf_are_accepted() {
        let text = "\n# a comment\r\n   \n#\nA\t1\t0x00000000000000FF\r\n\r\n# another\nB\t2\t0x0000000000000001";
        assert_eq!(
            parse(text.as_bytes()).unwrap(),
            [entry("A", 1, 0xff), entry("B", 2, 1)]
        );
        assert_eq!(parse(b"").unwrap(), []);
    }

    #[test]
    fn entries_keep_file_order_when_parsed() {
        let text = "B\t1\t0x0000000000000001\nA\t2\t0x0000000000000002\nA\t1\t0x0000000000000003\n";
        let entries = parse(text.as_bytes()).unwrap();
        assert_eq!(
            entries,
            [entry("B", 1, 1), entry("A", 2, 2), entry("A", 1, 3)]
        );
    }

    #[test]
    fn malformed_lines_are_refused_with_their_number() {
        let header = "# lock\n";
        let cases: [(&str, &str); 16] = [
            ("Portfolio 3 0x5d6f0e7c1b2a3948", "neither a `#` comment"),
            ("Portfolio", "neither a `#` comment"),
            ("Portfolio\t3", "this line has 2"),
            ("Portfolio\t3\t0x5d6f0e7c1b2a3948\textra", "this line has 4"),
            ("# comment\twith a tab", "a comment cannot contain a tab"),
            ("\t3\t0x5d6f0e7c1b2a3948", "REC_ID \"\" is invalid"),
            ("Port\u{1}folio\t3\t0x5d6f0e7c1b2a3948", "control character"),
            (
                "Portfolio\t\t0x5d6f0e7c1b2a3948",
                "VERSION \"\" is not a decimal",
            ),
            (
                "Portfolio\t+3\t0x5d6f0e7c1b2a3948",
                "VERSION \"+3\" is not a decimal",
            ),
            (
                "Portfolio\t 3\t0x5d6f0e7c1b2a3948",
                "VERSION \" 3\" is not a decimal",
            ),
            ("Portfolio\t03\t0x5d6f0e7c1b2a3948", "leading zero"),
            ("Portfolio\t4294967296\t0x5d6f0e7c1b2a3948", "too large"),
            (
                "Portfolio\t3\t5d6f0e7c1b2a3948",
                "not `0x` followed by 16 hex digits",
            ),
            (
                "Portfolio\t3\t0x5d6f0e7c1b2a394",
                "not `0x` followed by 16 hex digits",
            ),
            (
                "Portfolio\t3\t0x5d6f0e7c1b2a3948 ",
                "not `0x` followed by 16 hex digits",
            ),
            (
                "Portfolio\t3\t0x5d6f0e7c1b2a39g8",
                "not `0x` followed by 16 hex digits",
            ),
        ];
        for (line, expected) in cases {
            let text = format!("{header}{line}\nA\t1\t0x0000000000000001\n");
            let (line_number, reason) = refused(&text);
            assert_eq!(line_number, 2, "{line:?}");
            assert!(reason.contains(expected), "{line:?}: {reason}");
        }
    }

    #[test]
    fn invalid_utf8_is_refused_without_panicking() {
        let bad =
            parse(b"A\t1\t0x0000000000000001\n\xff\xfe\t1\t0x0000000000000001\n").unwrap_err();
        assert_eq!(bad.line_number, 2);
        assert!(bad.reason.contains("UTF-8"), "{}", bad.reason);
        assert!(bad.line.contains('\u{fffd}'), "{}", bad.line);
    }

    #[test]
    fn the_malformed_line_is_reported_as_it_is() {
        let bad = parse(b"A\t1\t0x1\r\n").unwrap_err();
        assert_eq!(
            bad,
            Bad {
                line_number: 1,
                line: "A\t1\t0x1".into(),
                reason: "the fingerprint \"0x1\" is not `0x` followed by 16 hex digits".into(),
            }
        );
    }

    #[test]
    fn duplicates_must_agree() {
        let same = "A\t1\t0x0000000000000001\nB\t1\t0x0000000000000002\nA\t1\t0x0000000000000001\n";
        assert_eq!(
            parse(same.as_bytes()).unwrap(),
            [entry("A", 1, 1), entry("B", 1, 2)]
        );

        let conflicting =
            "A\t1\t0x0000000000000001\nB\t1\t0x0000000000000002\nA\t1\t0x0000000000000003\n";
        let (line_number, reason) = refused(conflicting);
        assert_eq!(line_number, 3);
        assert!(
            reason.contains("line 1 locks `A` v1 with another fingerprint, 0x0000000000000001"),
            "{reason}"
        );

        // Another version of the same REC_ID is no duplicate.
        let versions = "A\t1\t0x0000000000000001\nA\t2\t0x0000000000000003\n";
        assert_eq!(parse(versions.as_bytes()).unwrap().len(), 2);
    }

    #[test]
    fn new_entries_are_added_in_order_and_known_ones_counted() {
        let locked = [entry("B", 1, 1), entry("Gone", 1, 9)];
        let current = [
            (entry("C", 1, 3), "app::C"),
            (entry("B", 2, 2), "app::B"),
            (entry("B", 1, 1), "app::BV1"),
        ];
        let report = compare(&locked, &current).unwrap();
        assert_eq!(report.added, [entry("B", 2, 2), entry("C", 1, 3)]);
        assert_eq!(report.unchanged, 1);

        let nothing_new = compare(&locked, &current[2..]).unwrap();
        assert!(nothing_new.added.is_empty());
        assert_eq!(nothing_new.unchanged, 1);
    }

    #[test]
    fn every_changed_fingerprint_is_reported() {
        let locked = [entry("A", 1, 1), entry("B", 1, 2), entry("C", 1, 3)];
        let current = [
            (entry("C", 1, 30), "app::C"),
            (entry("B", 1, 2), "app::B"),
            (entry("A", 1, 10), "app::A"),
            (entry("D", 1, 4), "app::D"),
        ];
        let changed = compare(&locked, &current).unwrap_err();
        let summary: Vec<(&str, &str, u32, u64, u64)> = changed
            .iter()
            .map(|c| {
                (
                    c.type_name,
                    c.rec_id.as_str(),
                    c.version,
                    c.locked,
                    c.current,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [("app::A", "A", 1, 1, 10), ("app::C", "C", 1, 3, 30)]
        );
        assert!(changed.iter().all(|c| c.claimed_by.is_none()));
    }

    #[test]
    fn two_types_claiming_one_new_version_lock_the_first_by_name() {
        let current = [
            (entry("Quote", 1, 2), "desk_b::Quote"),
            (entry("Quote", 1, 1), "desk_a::Quote"),
        ];
        let changed = compare(&[], &current).unwrap_err();
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].type_name, "desk_b::Quote");
        assert_eq!(changed[0].claimed_by, Some("desk_a::Quote"));
        assert_eq!((changed[0].locked, changed[0].current), (1, 2));
        let message = changed[0].to_string();
        assert!(
            message.contains("desk_a::Quote") && message.contains("registry::check"),
            "{message}"
        );

        // The same layout under two names is no clash: it is locked once.
        let twins = [
            (entry("Quote", 1, 1), "desk_b::Quote"),
            (entry("Quote", 1, 1), "desk_a::Quote"),
        ];
        assert_eq!(compare(&[], &twins).unwrap().added, [entry("Quote", 1, 1)]);
        let report = compare(&[entry("Quote", 1, 1)], &twins).unwrap();
        assert_eq!((report.added.len(), report.unchanged), (0, 1));
    }

    #[test]
    fn the_message_says_what_to_do() {
        let changed = Changed {
            type_name: "app::Portfolio",
            rec_id: "Portfolio".into(),
            version: 3,
            locked: 0xbb,
            current: 0xcc,
            claimed_by: None,
        };
        let err = LockError::Changed {
            path: "persist.lock".into(),
            changed: vec![changed.clone()],
        };
        let message = err.to_string();
        assert!(
            message.starts_with(
                "1 record version has another schema than the one locked in `persist.lock`:\n  - \
                 app::Portfolio (`Portfolio` v3) has schema fingerprint 0x00000000000000cc, but \
                 `Portfolio` v3 is locked with 0x00000000000000bb"
            ),
            "{message}"
        );
        assert!(
            message.contains(
                "bump its version (#[pickle(version = 4, from = ..)] or a RecInfo migration) \
                 instead of changing version 3"
            ),
            "{message}"
        );
        assert!(message.contains("never edit the lock"), "{message}");

        let last = Changed {
            version: u32::MAX,
            ..changed
        };
        let message = last.to_string();
        assert!(message.contains("REC_ID of its own"), "{message}");
    }

    #[test]
    fn unwritable_rec_ids_are_refused() {
        assert!(rec_id_problem("Portfolio").is_none());
        assert!(rec_id_problem("").is_some());
        assert!(rec_id_problem("a\tb").is_some());
        assert!(rec_id_problem("a\nb").is_some());
        assert!(rec_id_problem("#a b ").is_none());
    }
}
