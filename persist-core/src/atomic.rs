//! Atomic replacement of a file: write a temporary file beside it, flush it to disk,
//! rename it over the target, then flush the directory.
//!
//! A crash at any point leaves the old file or the new one, never a mix; a failure
//! leaves the old file untouched and removes the temporary file.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{io_error, Error};

/// Suffix of the temporary files a save writes next to its target. Discovery and
/// cleanup recognise leftovers of a crashed save by it.
pub const TEMP_SUFFIX: &str = ".persist-tmp";

/// The action of an `Error::Io` for a failed write of a save's temporary file. The
/// error names the target, not the temporary file: that one is deleted by the time
/// the caller sees the error.
pub(crate) const WRITE_TEMP: &str = "write the temporary file for";

/// Replaces (or creates) `path` with the concatenation of `parts`.
///
/// With `durable`, the data and the rename are flushed to the device before this
/// returns (`fsync` of the file and of its directory); without it they may still sit
/// in the operating system's cache, which survives a crash of the program but not a
/// power loss.
pub(crate) fn write_file(path: &Path, parts: &[&[u8]], durable: bool) -> Result<(), Error> {
    write_with(path, durable, |file, target| {
        for part in parts {
            file.write_all(part).map_err(io_error(WRITE_TEMP, target))?;
        }
        Ok(())
    })
}

/// Replaces (or creates) `path` with what `write` writes into a new, empty file (it
/// may seek), given with `path` for its error messages (see [`WRITE_TEMP`]);
/// `durable` as in [`write_file`]. When `write` fails, the temporary file is removed
/// and the old one stays as it was.
pub(crate) fn write_with(
    path: &Path,
    durable: bool,
    write: impl FnOnce(&mut fs::File, &Path) -> Result<(), Error>,
) -> Result<(), Error> {
    let file_name = path.file_name().ok_or_else(|| Error::InvalidPath {
        path: path.to_path_buf(),
        reason: "the path names no file to save to",
    })?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };

    let prefix = format!(".{}.", shortened(&file_name.to_string_lossy()));
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // A replaced file keeps its permissions; a new one gets what `File::create`
    // would give it (0o666 less the umask) rather than tempfile's private 0o600.
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            builder.permissions(meta.permissions());
        }
        _ => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(fs::Permissions::from_mode(0o666));
            }
        }
    }
    let mut temp = match builder.tempfile_in(dir) {
        Ok(temp) => temp,
        // Missing parent directories are created only once the temporary file
        // could not be: a save into an existing directory (nearly all) spares the
        // two system calls of `create_dir_all`. A `dir` that cannot be a directory
        // (a file is in the way) is reported by `create_dir_all`.
        Err(_) if !dir.is_dir() => {
            fs::create_dir_all(dir).map_err(io_error("create directory", dir))?;
            builder
                .tempfile_in(dir)
                .map_err(io_error("create a temporary file in", dir))?
        }
        Err(e) => return Err(io_error("create a temporary file in", dir)(e)),
    };
    // On failure `temp` is dropped on the way out, which deletes the file.
    write(temp.as_file_mut(), path)?;
    if durable {
        temp.as_file()
            .sync_all()
            .map_err(io_error("flush to disk the temporary file for", path))?;
    }
    // On failure the returned error owns the temporary file, which is deleted when
    // the error is dropped here.
    temp.persist(path)
        .map_err(|e| io_error("replace", path)(e.error))?;
    if durable {
        sync_directory(dir)?;
    }
    Ok(())
}

/// At most the first 200 bytes of `name` (on a character boundary): the temporary
/// file adds 20 bytes to it, and file systems refuse names over 255 bytes.
fn shortened(name: &str) -> &str {
    let mut end = name.len().min(200);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Makes a rename in `dir` durable: on Unix a directory's entries are only on disk
/// once the directory itself is flushed.
fn sync_directory(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_error("flush directory", dir))?;
    // Elsewhere (Windows) a directory cannot be opened to flush; the rename is made
    // durable by the file system itself.
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_write_of_the_temporary_file_names_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.pickle");
        fs::write(&target, b"old").unwrap();
        let read_only = dir.path().join("read-only");
        fs::write(&read_only, b"").unwrap();
        // What `save` does, but for the file handle.
        let plan = crate::stream::Plan::new::<str>(crate::Compression::None).unwrap();
        let err = write_with(&target, true, |file, name| {
            // A handle opened for reading only: its writes fail, even for root, which
            // ignores permissions.
            *file = fs::File::open(&read_only).unwrap();
            plan.write_file("new", file, name, true)
        })
        .unwrap_err();
        assert!(
            matches!(&err, Error::Io { action: WRITE_TEMP, path, .. } if path == &target),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with(&format!(
                "cannot write the temporary file for `{}`",
                target.display()
            )),
            "{err}"
        );
        // The temporary file is gone, the old file untouched.
        assert_eq!(entries(dir.path()), ["read-only", "x.pickle"]);
        assert_eq!(fs::read(&target).unwrap(), b"old");
    }
}
