//! Record types: types that know their own identity and save themselves under it.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;
use crate::naming;
use crate::options::SaveOptions;
use crate::schema::Schema;

/// A type with a stable identity: a REC_ID it is saved under and a VERSION of its
/// layout. Derive it with `#[derive(Pickleable)]`, which also implements
/// [`Schema`] with the identity recorded in it.
///
/// The provided methods save the value as `{REC_ID}.pickle` (plus `.lz4` when
/// compressed) and find it again.
///
/// # Example
///
/// A hand-written impl (the derive writes the same):
///
/// ```
/// use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
/// use persist_core::{Pickleable, Schema};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Debug, PartialEq)]
/// struct Counter(u64);
///
/// impl Pickleable for Counter {
///     const REC_ID: &'static str = "Counter";
///     const VERSION: u32 = 1;
/// }
///
/// impl Schema for Counter {
///     fn describe(builder: &mut Builder) -> Node {
///         builder.define::<Self>("Counter".into(), |b| {
///             Definition::new("Counter", Body::Struct(Fields::Newtype(u64::describe(b))))
///                 .with_record(RecordId::new(Self::REC_ID, Self::VERSION))
///         })
///     }
/// }
///
/// let dir = tempfile::tempdir()?;
/// let path = Counter(7).save_to(dir.path())?;
/// assert_eq!(path, dir.path().join("Counter.pickle"));
/// assert_eq!(Counter::load_from(dir.path())?, Counter(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not Pickleable",
    label = "not a record type",
    note = "add `#[derive(Pickleable)]` to `{Self}`"
)]
pub trait Pickleable: Schema + Serialize + DeserializeOwned {
    /// The stable id files of this type are saved under.
    const REC_ID: &'static str;
    /// The version of this type's layout.
    const VERSION: u32;

    /// Saves to `./{REC_ID}.pickle` and returns the path written.
    ///
    /// See [`Pickleable`] for an example.
    fn save(&self) -> Result<PathBuf, Error> {
        self.save_with(&SaveOptions::new())
    }

    /// Saves to `{REC_ID}.pickle` (plus the codec's extension) in the options'
    /// directory (default `./`), and returns the path written.
    ///
    /// See [`Pickleable`] for an example.
    fn save_with(&self, options: &SaveOptions) -> Result<PathBuf, Error> {
        let name =
            naming::default_file_name(Self::REC_ID, options.get_compression().unwrap_or_default())?;
        let path = options.get_directory().join(name);
        crate::save_with(self, &path, options)?;
        Ok(path)
    }

    /// Saves to `path`: into `{REC_ID}.pickle` inside it when it is an existing
    /// directory (or ends with a separator), else to that file. Returns the path written.
    ///
    /// See [`Pickleable`] for an example.
    fn save_to(&self, path: impl AsRef<Path>) -> Result<PathBuf, Error> {
        let path = path.as_ref();
        if names_directory(path) {
            return self.save_with(&SaveOptions::new().directory(path));
        }
        crate::save(self, path)?;
        Ok(path.to_path_buf())
    }

    /// Loads from `./`, finding the file as [`naming::find_file`] does.
    ///
    /// See [`Pickleable`] for an example.
    fn load() -> Result<Self, Error> {
        Self::load_from(".")
    }

    /// Loads from a directory (finding the file as [`naming::find_file`] does) or
    /// from a file path.
    ///
    /// In a directory, the file named after the REC_ID is looked for first, then
    /// those named after the type's aliases and after the REC_IDs a
    /// [`RecInfo`](crate::registry::RecInfo) sends to it: a renamed type finds the
    /// files its old name saved.
    ///
    /// See [`Pickleable`] for an example.
    fn load_from(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        if path.is_dir() {
            return crate::load(find_own_file::<Self>(path)?);
        }
        crate::load(path)
    }
}

/// The file of `T` in `dir`: under its REC_ID, else under the first of its other ids
/// (aliases, then RecInfo redirections) that has one. When none has, the error is
/// the REC_ID's, listing everything looked for.
fn find_own_file<T: Pickleable>(dir: &Path) -> Result<PathBuf, Error> {
    let first = match naming::find_file(dir, T::REC_ID) {
        Err(Error::NotFound { looked_for, .. }) => looked_for,
        found => return found,
    };
    let redirected = crate::registry::rec_infos()
        .into_iter()
        .filter(|info| {
            info.get_target()
                .is_some_and(|target| target.rec_id() == T::REC_ID)
        })
        .map(|info| info.rec_id());
    let mut looked_for = first;
    for other in T::lineage().aliases.iter().copied().chain(redirected) {
        match naming::find_file(dir, other) {
            Err(Error::NotFound {
                looked_for: more, ..
            }) => looked_for.extend(more),
            // A REC_ID that cannot name a file has no file to find.
            Err(Error::InvalidRecId { .. }) => {}
            found => return found,
        }
    }
    Err(Error::NotFound {
        rec_id: T::REC_ID.to_string(),
        dir: dir.to_path_buf(),
        looked_for,
    })
}

/// Whether `path` means a directory: it is one, or it is written as one (`runs/`).
fn names_directory(path: &Path) -> bool {
    path.is_dir()
        || path
            .as_os_str()
            .to_string_lossy()
            .ends_with(['/', std::path::MAIN_SEPARATOR])
}
