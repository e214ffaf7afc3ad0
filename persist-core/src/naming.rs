//! File naming rules: which codec a file name implies.

use std::path::Path;

use crate::codec::Compression;
use crate::error::Error;

/// The codec a save to `path` uses: the explicit choice, else the one the extension
/// implies, else none. An explicit choice that contradicts the extension is an error.
///
/// ```
/// use persist_core::{naming::compression_for_save, Compression};
///
/// assert_eq!(compression_for_save("a.pickle".as_ref(), None)?, Compression::None);
/// assert_eq!(compression_for_save("a.pickle.LZ4".as_ref(), None)?, Compression::Lz4);
/// assert_eq!(compression_for_save("a.pickle".as_ref(), Some(Compression::Lz4))?, Compression::Lz4);
/// assert!(compression_for_save("a.lz4".as_ref(), Some(Compression::None)).is_err());
/// // A compression persist does not write is refused, never written uncompressed.
/// assert!(compression_for_save("a.pickle.gz".as_ref(), None).is_err());
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn compression_for_save(
    path: &Path,
    explicit: Option<Compression>,
) -> Result<Compression, Error> {
    let extension = path.extension().and_then(|e| e.to_str());
    if let Some(extension) = extension.filter(|e| is_foreign_compression(e)) {
        return Err(Error::UnsupportedCompression {
            path: path.to_path_buf(),
            extension: extension.to_string(),
            supported: supported_extensions(),
        });
    }
    let implied = extension.and_then(Compression::from_extension);
    match (explicit, implied) {
        (Some(option), Some(implied)) if option != implied => Err(Error::CompressionConflict {
            path: path.to_path_buf(),
            option,
            implied,
        }),
        (Some(chosen), _) | (None, Some(chosen)) => Ok(chosen),
        (None, None) => Ok(Compression::None),
    }
}

/// Extensions of compressions that other tools write and persist does not: a save
/// to such a name is refused rather than written uncompressed under a name that
/// says otherwise.
const FOREIGN_COMPRESSION: &[&str] = &[
    "gz", "gzip", "tgz", "z", "bz2", "bzip2", "xz", "txz", "lzma", "lz", "lzo", "br", "brotli",
    "snappy", "sz", "blosc", "blosc2", "zip", "7z", "rar", "zlib", "deflate", "lzfse", "lz4hc",
];

/// Whether `extension` (any case) names a compression persist does not write.
fn is_foreign_compression(extension: &str) -> bool {
    Compression::from_extension(extension).is_none()
        && FOREIGN_COMPRESSION
            .iter()
            .any(|foreign| foreign.eq_ignore_ascii_case(extension))
}

/// The extensions of the codecs persist writes, for messages: "`.lz4`".
fn supported_extensions() -> String {
    let names: Vec<String> = Compression::ALL
        .iter()
        .filter_map(|codec| codec.extension())
        .map(|extension| format!("`.{extension}`"))
        .collect();
    names.join(" or ")
}

/// The extension every persist file name carries before any codec extension.
pub const EXTENSION: &str = "pickle";

/// Longest file name most file systems accept, in bytes.
const MAX_FILE_NAME: usize = 255;

/// Checks that `rec_id` can name a file inside a directory, on every platform: it
/// must not be empty, `.` or `..`, contain a path separator or a character Windows
/// refuses, or start with `.` (hidden files, and the prefix of a save's temporary
/// files).
///
/// ```
/// use persist_core::naming::check_rec_id;
///
/// assert!(check_rec_id("Portfolio").is_ok());
/// assert!(check_rec_id("../etc/passwd").is_err());
/// assert!(check_rec_id("").is_err());
/// ```
pub fn check_rec_id(rec_id: &str) -> Result<(), Error> {
    match rec_id_problem(rec_id) {
        None => Ok(()),
        Some(reason) => Err(Error::InvalidRecId {
            rec_id: rec_id.to_string(),
            reason,
        }),
    }
}

/// Why `rec_id` cannot name a file, if it cannot: the rules of [`check_rec_id`].
/// `#[derive(Pickleable)]` applies the same function at compile time.
///
/// ```
/// use persist_core::naming::rec_id_problem;
///
/// assert_eq!(rec_id_problem("a/b"), Some("it contains a path separator, which would leave the directory"));
/// assert_eq!(rec_id_problem("Portfolio"), None);
/// ```
pub fn rec_id_problem(rec_id: &str) -> Option<&'static str> {
    if rec_id.is_empty() {
        return Some("it is empty");
    }
    if rec_id.starts_with('.') {
        return Some("it starts with `.` (hidden files and temporary files start so)");
    }
    if rec_id.contains(['/', '\\']) {
        return Some("it contains a path separator, which would leave the directory");
    }
    if rec_id.contains(['<', '>', ':', '"', '|', '?', '*']) || rec_id.chars().any(char::is_control)
    {
        return Some("it contains a character that is not portable in file names");
    }
    if rec_id.ends_with(' ') {
        return Some("it ends with a space, which Windows drops from file names");
    }
    if rec_id.len() + ".pickle.lz4".len() > MAX_FILE_NAME {
        return Some("it is too long for a file name");
    }
    None
}

/// The default file name of a record: `{REC_ID}.pickle`, plus the codec's extension.
///
/// ```
/// use persist_core::{naming::default_file_name, Compression};
///
/// assert_eq!(default_file_name("Portfolio", Compression::None)?, "Portfolio.pickle");
/// assert_eq!(default_file_name("Portfolio", Compression::Lz4)?, "Portfolio.pickle.lz4");
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn default_file_name(rec_id: &str, compression: Compression) -> Result<String, Error> {
    check_rec_id(rec_id)?;
    Ok(match compression.extension() {
        Some(codec) => format!("{rec_id}.{EXTENSION}.{codec}"),
        None => format!("{rec_id}.{EXTENSION}"),
    })
}

/// Whether `name` is a name discovery accepts for `rec_id`: `{REC_ID}.` followed by
/// known extensions only (`pickle` and codec extensions, any case).
fn matches_rec_id(name: &str, rec_id: &str) -> bool {
    let Some(rest) = name.strip_prefix(rec_id).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    !rest.is_empty()
        && rest.split('.').all(|ext| {
            ext.eq_ignore_ascii_case(EXTENSION) || Compression::from_extension(ext).is_some()
        })
}

/// Finds the file of `rec_id` in `dir`.
///
/// The default names (`{REC_ID}.pickle`, then with each codec's extension) are tried
/// first; if none exists, the directory is scanned for `{REC_ID}.*` names made of known
/// extensions (any case). Several candidates is [`Error::Ambiguous`], none is
/// [`Error::NotFound`]. Temporary files of an unfinished save are never candidates.
///
/// ```
/// use persist_core::{naming::find_file, Compression};
///
/// let dir = tempfile::tempdir()?;
/// persist_core::save(&1u8, dir.path().join("Counter.pickle.lz4"))?;
/// assert_eq!(find_file(dir.path(), "Counter")?, dir.path().join("Counter.pickle.lz4"));
/// assert!(find_file(dir.path(), "Other").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn find_file(dir: &Path, rec_id: &str) -> Result<std::path::PathBuf, Error> {
    check_rec_id(rec_id)?;
    let defaults: Vec<String> = Compression::ALL
        .iter()
        .map(|c| default_file_name(rec_id, *c))
        .collect::<Result<_, _>>()?;
    let existing: Vec<_> = defaults
        .iter()
        .map(|name| dir.join(name))
        .filter(|path| path.is_file())
        .collect();
    let candidates = if existing.is_empty() {
        scan(dir, rec_id)?
    } else {
        existing
    };
    match candidates.len() {
        1 => Ok(candidates.into_iter().next().unwrap_or_default()),
        0 => Err(Error::NotFound {
            rec_id: rec_id.to_string(),
            dir: dir.to_path_buf(),
            looked_for: defaults
                .into_iter()
                .chain([format!("{rec_id}.* with known extensions")])
                .collect(),
        }),
        _ => Err(Error::Ambiguous {
            rec_id: rec_id.to_string(),
            dir: dir.to_path_buf(),
            candidates,
        }),
    }
}

/// The file a load of `path` reads: `path` itself when it exists; otherwise, when
/// its name has no known extension, the file [`find_file`] finds for that name in
/// its directory (so `runs/my_obj` reads `runs/my_obj.pickle.lz4`).
///
/// A path that neither exists nor names a findable file is returned as it is, so
/// that opening it reports the plain "no such file" error; except that a bare name
/// whose discovery fails reports what discovery looked for.
///
/// ```
/// use persist_core::naming::resolve_load_path;
///
/// let dir = tempfile::tempdir()?;
/// persist_core::save(&1u8, dir.path().join("my_obj.pickle.lz4"))?;
/// assert_eq!(resolve_load_path(&dir.path().join("my_obj"))?, dir.path().join("my_obj.pickle.lz4"));
/// assert_eq!(resolve_load_path(&dir.path().join("my_obj.pickle.lz4"))?, dir.path().join("my_obj.pickle.lz4"));
/// assert!(resolve_load_path(&dir.path().join("other")).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resolve_load_path(path: &Path) -> Result<std::path::PathBuf, Error> {
    if path.exists() {
        return Ok(path.to_path_buf());
    }
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return Ok(path.to_path_buf());
    };
    let has_known_extension = name.rsplit_once('.').is_some_and(|(_, ext)| {
        ext.eq_ignore_ascii_case(EXTENSION) || Compression::from_extension(ext).is_some()
    });
    if has_known_extension || rec_id_problem(name).is_some() {
        return Ok(path.to_path_buf());
    }
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Ok(path.to_path_buf());
    }
    find_file(dir, name)
}

/// Every regular file in `dir` whose name matches `rec_id`, sorted.
fn scan(dir: &Path, rec_id: &str) -> Result<Vec<std::path::PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(crate::error::io_error("list", dir))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(crate::error::io_error("list", dir))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if matches_rec_id(name, rec_id) && entry.path().is_file() {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str) {
        std::fs::write(dir.join(name), b"").unwrap();
    }

    #[test]
    fn rec_ids_that_would_escape_or_are_not_portable_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            ".hidden",
            "a/b",
            "a\\b",
            "..\\x",
            "a:b",
            "tab\there",
            "end ",
        ] {
            assert!(
                matches!(check_rec_id(bad), Err(Error::InvalidRecId { .. })),
                "{bad:?}"
            );
        }
        assert!(check_rec_id(&"x".repeat(300)).is_err());
        for good in ["Portfolio", "my_obj", "Cache-2026", "Überblick", "a.b"] {
            assert!(check_rec_id(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn exact_default_names_win_over_other_matches() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "Portfolio.pickle");
        touch(dir.path(), "Portfolio.LZ4");
        assert_eq!(
            find_file(dir.path(), "Portfolio").unwrap(),
            dir.path().join("Portfolio.pickle")
        );
    }

    #[test]
    fn both_default_names_are_ambiguous() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "Portfolio.pickle");
        touch(dir.path(), "Portfolio.pickle.lz4");
        let err = find_file(dir.path(), "Portfolio").unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(&err, Error::Ambiguous { candidates, .. } if candidates.len() == 2),
            "{err:?}"
        );
        assert!(message.contains("Portfolio.pickle.lz4"), "{message}");
    }

    #[test]
    fn a_scan_finds_other_known_extensions_and_ignores_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "Portfolio.PICKLE.lz4");
        touch(dir.path(), "Portfolio.csv");
        touch(dir.path(), "PortfolioV2.pickle");
        touch(dir.path(), ".Portfolio.pickle.abc123.persist-tmp");
        assert_eq!(
            find_file(dir.path(), "Portfolio").unwrap(),
            dir.path().join("Portfolio.PICKLE.lz4")
        );
        touch(dir.path(), "Portfolio.lz4");
        assert!(matches!(
            find_file(dir.path(), "Portfolio"),
            Err(Error::Ambiguous { .. })
        ));
    }

    #[test]
    fn nothing_found_says_what_was_looked_for() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "Other.pickle");
        let err = find_file(dir.path(), "Portfolio").unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
        assert!(
            message.contains("Portfolio.pickle, Portfolio.pickle.lz4"),
            "{message}"
        );
    }
}
