//! The way from the version a file was written by to the type a load asks for.
//!
//! A typed load reads the file's header and picks a route before it reads the
//! payload:
//!
//! 1. the file's REC_ID must be the type's, one of its aliases, or one that a
//!    [`RecInfo`](crate::registry::RecInfo) redirects to the type's REC_ID;
//! 2. same VERSION: the payload is decoded straight into the type (the hot path),
//!    provided the schemas match;
//! 3. an older VERSION: the type's typed chain (`#[pickle(from = Older)]`) is walked
//!    down to the link with the file's version, the payload is decoded as that link,
//!    and converted upward with `TryFrom` (which `From` provides) one link at a time;
//! 4. anything else is an error that names both versions.
//!
//! The chain is described by [`Lineage`], which `#[derive(Pickleable)]` fills in
//! through [`Schema::lineage`].

use std::error::Error as StdError;

use serde::de::DeserializeOwned;

use crate::error::{Error, Origin, TypeIdentity};
use crate::format::FileInfo;
use crate::record::Pickleable;
use crate::schema::{Description, Schema};

/// A file's header and its decompressed, verified payload: what a chain link decodes.
///
/// # Example
///
/// `Stored` is handed to the functions of a [`Link`]; user code meets it only when
/// writing a [`Lineage`] by hand:
///
/// ```
/// use persist_core::migrate::Stored;
/// fn version_of(stored: &Stored<'_>) -> u32 {
///     stored.info().version
/// }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Stored<'a> {
    pub(crate) info: &'a FileInfo,
    pub(crate) raw: &'a [u8],
    pub(crate) origin: &'a Origin,
}

impl<'a> Stored<'a> {
    /// The file's header: identity, schema, sizes.
    ///
    /// See [`Stored`] for an example.
    pub fn info(&self) -> &'a FileInfo {
        self.info
    }

    /// Where the file came from, for error messages.
    ///
    /// See [`Stored`] for an example.
    pub fn origin(&self) -> &'a Origin {
        self.origin
    }

    /// Decodes the payload as `T`, which must have the file's VERSION and schema (up
    /// to the names of its types, so that a renamed type still reads its files).
    ///
    /// # Errors
    ///
    /// [`Error::WrongType`] when `T` is another version or layout;
    /// [`Error::Decode`] when the payload does not decode.
    ///
    /// See [`Stored`] for an example.
    pub fn decode_exact<T: Schema + DeserializeOwned>(&self) -> Result<T, Error> {
        let wanted = Description::of::<T>();
        let identity = identity(&wanted);
        if identity.version != self.info.version || !schema_matches(&wanted, self.info) {
            return Err(Error::WrongType {
                origin: self.origin.clone(),
                expected: identity,
                found: self.info.identity(),
            });
        }
        self.decode()
    }

    /// Decodes the payload as `T` without checking its schema (the caller did).
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let decode_error = |detail: String| Error::Decode {
            origin: self.origin.clone(),
            type_name: self.info.rec_id.clone(),
            detail,
        };
        let (value, rest) =
            postcard::take_from_bytes::<T>(self.raw).map_err(|e| decode_error(e.to_string()))?;
        if !rest.is_empty() {
            return Err(decode_error(format!(
                "{} bytes are left over after the value; its Schema impl does not match its Serialize impl",
                rest.len()
            )));
        }
        Ok(value)
    }
}

/// How files of other REC_IDs and older versions reach a type; returned by
/// [`Schema::lineage`].
///
/// `#[derive(Pickleable)]` builds it from `#[pickle(aliases = [..], from = Older)]`;
/// types that are not records have [`Lineage::none`].
///
/// # Example
///
/// ```
/// use persist_core::migrate::Lineage;
/// let lineage = Lineage::<u8>::none();
/// assert!(lineage.aliases.is_empty() && lineage.older.is_none());
/// ```
pub struct Lineage<T> {
    /// Other REC_IDs whose files this type reads (ids it was saved under before a
    /// rename).
    pub aliases: &'static [&'static str],
    /// The previous link of the typed chain, if the type declares one.
    pub older: Option<Link<T>>,
}

impl<T> Lineage<T> {
    /// No aliases, no older link: a type that reads only its own files.
    ///
    /// See [`Lineage`] for an example.
    pub const fn none() -> Self {
        Lineage {
            aliases: &[],
            older: None,
        }
    }
}

/// The step from the previous link of a typed chain up to `T`; made by [`link`].
///
/// # Example
///
/// See [`link`].
pub struct Link<T> {
    /// The VERSION of the older type. Every walk down a chain checks that it is below
    /// the version it comes from, so that hand-written links that loop cannot recurse
    /// forever.
    pub(crate) version: u32,
    /// Whether a file of this version can be read by walking down from this link.
    pub(crate) reads: fn(u32) -> bool,
    /// The versions of the older type and of its own chain, newest first.
    pub(crate) versions: fn() -> Vec<u32>,
    /// Decodes the file as the link with its version and converts it up to `T`.
    pub(crate) upgrade: fn(&Stored<'_>) -> Result<T, Error>,
}

impl<T> Link<T> {
    /// Whether a file of `version` can be read through this link.
    ///
    /// See [`link`] for an example.
    pub fn reads(&self, version: u32) -> bool {
        (self.reads)(version)
    }

    /// The VERSION of the older type this link decodes.
    ///
    /// See [`link`] for an example.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Whether this link is older than `version`, the VERSION of the type it leads
    /// to: the condition for walking down it.
    fn is_below(&self, version: u32) -> bool {
        self.version < version
    }
}

// Manual impls: a derive would ask for `T: Clone`, which the fn pointers do not need.
impl<T> Clone for Link<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Link<T> {}

/// The chain link from `Older` up to `Newer`: a file of `Older`'s version (or of any
/// version `Older`'s own chain reads) is decoded as `Older` and converted with
/// `Newer::try_from`. A `From` impl provides `TryFrom` with an error that cannot
/// happen.
///
/// `#[derive(Pickleable)]` calls this for `#[pickle(from = Older)]`, and checks at
/// compile time that `Older` has the same REC_ID and a smaller VERSION.
///
/// # Example
///
/// ```
/// use persist_core::migrate::{link, Lineage};
/// use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
/// use persist_core::{Pickleable, Schema};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct CounterV1(u32);
/// #[derive(Serialize, Deserialize, Debug, PartialEq)]
/// struct Counter(u64);
///
/// impl From<CounterV1> for Counter {
///     fn from(old: CounterV1) -> Self {
///         Counter(old.0.into())
///     }
/// }
///
/// impl Pickleable for CounterV1 {
///     const REC_ID: &'static str = "Counter";
///     const VERSION: u32 = 1;
/// }
/// impl Schema for CounterV1 {
///     fn describe(b: &mut Builder) -> Node {
///         b.define::<Self>("CounterV1".into(), |b| {
///             Definition::new("", Body::Struct(Fields::Newtype(u32::describe(b))))
///                 .with_record(RecordId::new("Counter", 1))
///         })
///     }
/// }
///
/// impl Pickleable for Counter {
///     const REC_ID: &'static str = "Counter";
///     const VERSION: u32 = 2;
/// }
/// impl Schema for Counter {
///     fn describe(b: &mut Builder) -> Node {
///         b.define::<Self>("Counter".into(), |b| {
///             Definition::new("", Body::Struct(Fields::Newtype(u64::describe(b))))
///                 .with_record(RecordId::new("Counter", 2))
///         })
///     }
///     fn lineage() -> Lineage<Self> {
///         Lineage { aliases: &[], older: Some(link::<CounterV1, Self>()) }
///     }
/// }
///
/// assert!(Counter::lineage().older.unwrap().reads(1));
/// let old_file = persist_core::to_bytes(&CounterV1(7))?;
/// assert_eq!(persist_core::from_bytes::<Counter>(&old_file)?, Counter(7));
/// # Ok::<(), persist_core::Error>(())
/// ```
pub fn link<Older, Newer>() -> Link<Newer>
where
    Older: Pickleable,
    Newer: TryFrom<Older>,
    <Newer as TryFrom<Older>>::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    Link {
        version: Older::VERSION,
        reads: reads::<Older>,
        versions: versions::<Older>,
        upgrade: upgrade::<Older, Newer>,
    }
}

/// The previous link of `T`'s chain, if it is older than `T` (a link that is not is
/// never walked, so a loop of hand-written links ends).
fn older_link<T: Pickleable>() -> Option<Link<T>> {
    T::lineage().older.filter(|link| link.is_below(T::VERSION))
}

/// Whether `T` or its chain reads files of `version`.
pub(crate) fn reads<T: Pickleable>(version: u32) -> bool {
    version == T::VERSION
        || (version < T::VERSION && older_link::<T>().is_some_and(|link| link.reads(version)))
}

/// The versions `T` and its chain read, newest first.
pub(crate) fn versions<T: Pickleable>() -> Vec<u32> {
    let mut versions = vec![T::VERSION];
    if let Some(link) = older_link::<T>() {
        versions.extend((link.versions)());
    }
    versions
}

/// Decodes the file as `Older` (through `Older`'s own chain if the file is older
/// still) and converts it to `Newer`.
fn upgrade<Older, Newer>(stored: &Stored<'_>) -> Result<Newer, Error>
where
    Older: Pickleable,
    Newer: TryFrom<Older>,
    <Newer as TryFrom<Older>>::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    let version = stored.info.version;
    let older = if version == Older::VERSION {
        stored.decode_exact::<Older>()?
    } else {
        match older_link::<Older>() {
            Some(link) if link.reads(version) => (link.upgrade)(stored)?,
            _ => return Err(no_path(stored, Older::VERSION)),
        }
    };
    Newer::try_from(older).map_err(|source| Error::Upgrade {
        origin: stored.origin.clone(),
        from: std::any::type_name::<Older>(),
        to: std::any::type_name::<Newer>(),
        source: source.into(),
    })
}

/// How a typed load of `T` reaches the file, decided from its header alone.
pub(crate) enum Route<T> {
    /// Same version and schema: decode straight.
    Exact,
    /// An older version: walk the chain.
    Upgrade(fn(&Stored<'_>) -> Result<T, Error>),
}

impl<T: DeserializeOwned> Route<T> {
    /// Decodes the payload along this route.
    pub(crate) fn run(&self, stored: &Stored<'_>) -> Result<T, Error> {
        match self {
            Route::Exact => stored.decode(),
            Route::Upgrade(upgrade) => upgrade(stored),
        }
    }
}

/// Picks the route from the file described by `info` to `T`, or says why there is
/// none; see the module documentation for the order.
pub(crate) fn route<T: Schema + DeserializeOwned>(
    info: &FileInfo,
    origin: &Origin,
) -> Result<Route<T>, Error> {
    let wanted = Description::of::<T>();
    let identity = identity(&wanted);
    let lineage = T::lineage();
    let accepted = info.rec_id == identity.rec_id
        || lineage.aliases.contains(&info.rec_id.as_str())
        || crate::registry::redirects(&info.rec_id, &identity.rec_id);
    let wrong_type = |identity: TypeIdentity| Error::WrongType {
        origin: origin.clone(),
        expected: identity,
        found: info.identity(),
    };
    if !accepted {
        return Err(wrong_type(identity));
    }
    if identity.version == 0 || info.version == 0 {
        // A type that is not a record, or a file of one: no versions to walk.
        return if info.version == identity.version && schema_matches(&wanted, info) {
            Ok(Route::Exact)
        } else {
            Err(wrong_type(identity))
        };
    }
    match info.version.cmp(&identity.version) {
        std::cmp::Ordering::Equal if schema_matches(&wanted, info) => Ok(Route::Exact),
        std::cmp::Ordering::Equal => Err(wrong_type(identity)),
        std::cmp::Ordering::Less => match lineage.older {
            Some(link) if link.is_below(identity.version) && link.reads(info.version) => {
                Ok(Route::Upgrade(link.upgrade))
            }
            _ => Err(Error::NoUpgradePath {
                origin: origin.clone(),
                rec_id: info.rec_id.clone(),
                found: info.version,
                wanted: identity.version,
            }),
        },
        std::cmp::Ordering::Greater => Err(Error::NewerVersion {
            origin: origin.clone(),
            rec_id: info.rec_id.clone(),
            found: info.version,
            newest: identity.version,
        }),
    }
}

/// Whether the file's schema is `wanted`'s: the same fingerprint (the hot path), or
/// the same shape under other type names (a renamed type).
fn schema_matches(wanted: &Description, info: &FileInfo) -> bool {
    wanted.fingerprint() == info.fingerprint || wanted.same_shape(&info.schema)
}

/// The REC_ID and VERSION a description is saved under: the root's record identity,
/// or for types that are not records, the type's name and version 0.
pub(crate) fn rec_id_and_version(description: &Description) -> (String, u32) {
    match description.root_record() {
        Some(record) => (record.rec_id.clone(), record.version),
        None => (description.root().to_string(), 0),
    }
}

/// [`rec_id_and_version`] with the description's fingerprint.
fn identity(description: &Description) -> TypeIdentity {
    let (rec_id, version) = rec_id_and_version(description);
    TypeIdentity {
        rec_id,
        version,
        fingerprint: description.fingerprint(),
    }
}

/// The error for a file whose version no link of the chain has.
fn no_path(stored: &Stored<'_>, lowest_link: u32) -> Error {
    Error::NoUpgradePath {
        origin: stored.origin.clone(),
        rec_id: stored.info.rec_id.clone(),
        found: stored.info.version,
        wanted: lowest_link,
    }
}

/// Byte-wise string equality usable in constants: the derive's compile-time check
/// that a chain link shares the REC_ID of the type it upgrades to.
///
/// ```
/// assert!(persist_core::migrate::str_eq("Portfolio", "Portfolio"));
/// assert!(!persist_core::migrate::str_eq("Portfolio", "Portfolio2"));
/// ```
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Body, Builder, Definition, Fields, Node, RecordId};

    /// A unit record `$ty` ("X", `$version`) whose chain links to `$older`.
    macro_rules! record {
        ($ty:ident, $version:literal $(, from = $older:ident)?) => {
            #[derive(serde::Serialize, serde::Deserialize, Debug)]
            struct $ty;
            impl Pickleable for $ty {
                const REC_ID: &'static str = "X";
                const VERSION: u32 = $version;
            }
            impl Schema for $ty {
                fn describe(b: &mut Builder) -> Node {
                    b.define::<Self>(stringify!($ty).into(), |_| {
                        Definition::new("", Body::Struct(Fields::Unit))
                            .with_record(RecordId::new("X", $version))
                    })
                }
                $(fn lineage() -> Lineage<Self> {
                    Lineage { aliases: &[], older: Some(link::<$older, Self>()) }
                })?
            }
        };
    }

    // A hand-written loop: A (v2) says it comes from B (v5), which comes from A.
    record!(LoopA, 2, from = LoopB);
    record!(LoopB, 5, from = LoopA);
    record!(Old, 1);
    impl From<LoopB> for LoopA {
        fn from(_: LoopB) -> Self {
            LoopA
        }
    }
    impl From<LoopA> for LoopB {
        fn from(_: LoopA) -> Self {
            LoopB
        }
    }

    #[test]
    fn a_loop_of_links_is_never_walked_upward() {
        // B's link to A is older, and walked; A's link to B is not.
        assert_eq!(versions::<LoopA>(), [2]);
        assert_eq!(versions::<LoopB>(), [5, 2]);
        assert!(reads::<LoopB>(2) && !reads::<LoopB>(1) && !reads::<LoopA>(1));

        let old_file = crate::to_bytes(&Old).unwrap();
        let err = crate::from_bytes::<LoopA>(&old_file).unwrap_err();
        assert!(
            matches!(
                err,
                Error::NoUpgradePath {
                    found: 1,
                    wanted: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        let a_file = crate::to_bytes(&LoopA).unwrap();
        crate::from_bytes::<LoopB>(&a_file).unwrap();
    }
}
