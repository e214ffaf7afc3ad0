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

/// Replaces (or creates) `path` with the concatenation of `parts`.
///
/// With `durable`, the data and the rename are flushed to the device before this
/// returns (`fsync` of the file and of its directory); without it they may still sit
/// in the operating system's cache, which survives a crash of the program but not a
/// power loss.
pub(crate) fn write_file(path: &Path, parts: &[&[u8]], durable: bool) -> Result<(), Error> {
    write_with(path, durable, |file, temp_path| {
        for part in parts {
            file.write_all(part).map_err(io_error("write", temp_path))?;
        }
        Ok(())
    })
}

/// Replaces (or creates) `path` with what `write` writes into a new, empty file (it
/// may seek), given with its temporary path for error messages; `durable` as in
/// [`write_file`]. When `write` fails, the temporary file is removed and the old one
/// stays as it was.
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
    let temp_path = temp.path().to_path_buf();
    write(temp.as_file_mut(), &temp_path)?;
    if durable {
        temp.as_file()
            .sync_all()
            .map_err(io_error("flush to disk", temp.path()))?;
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
