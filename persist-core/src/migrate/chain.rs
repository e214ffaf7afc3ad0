//! Typed chains: `#[pickle(from = Older)]` links, walked over the file's bytes when
//! every step down is typed, or over its [`RecState`] when migration steps of the
//! registry are mixed in.

use std::error::Error as StdError;

use super::{dynamic, Stored};
use crate::error::{Error, Origin};
use crate::record::Pickleable;
use crate::state::RecState;

/// How files of other REC_IDs and older versions reach a type; returned by
/// [`Schema::lineage`](crate::Schema::lineage).
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
    /// Whether a file of this version can be read by walking down typed links only.
    pub(crate) reads: fn(u32) -> bool,
    /// Whether a state of this version (of a file saved under the given REC_ID) can
    /// reach the older type, through typed links and registered migration steps.
    pub(crate) reaches: fn(&str, u32) -> bool,
    /// The versions of the older type and of its own chain, newest first.
    pub(crate) versions: fn() -> Vec<u32>,
    /// Decodes the file as the link with its version and converts it up to `T`.
    pub(crate) upgrade: fn(&Stored<'_>) -> Result<T, Error>,
    /// Brings a state up to the older type, builds it, and converts it up to `T`.
    pub(crate) upgrade_state: fn(RecState, &Origin) -> Result<T, Error>,
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
        reaches: reaches::<Older>,
        versions: versions::<Older>,
        upgrade: upgrade::<Older, Newer>,
        upgrade_state: upgrade_state::<Older, Newer>,
    }
}

/// The previous link of `T`'s chain, if it is older than `T` (a link that is not is
/// never walked, so a loop of hand-written links ends).
pub(crate) fn older_link<T: Pickleable>() -> Option<Link<T>> {
    T::lineage().older.filter(|link| link.is_below(T::VERSION))
}

/// Whether `T` or its chain reads files of `version`.
pub(crate) fn reads<T: Pickleable>(version: u32) -> bool {
    version == T::VERSION
        || (version < T::VERSION && older_link::<T>().is_some_and(|link| link.reads(version)))
}

/// Whether a state of `version`, from a file saved as `rec_id`, reaches `T`.
pub(crate) fn reaches<T: Pickleable>(rec_id: &str, version: u32) -> bool {
    dynamic::gap::<T>(rec_id, version).is_none()
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
        stored.decode_as::<Older>()?
    } else {
        match older_link::<Older>() {
            Some(link) if link.reads(version) => (link.upgrade)(stored)?,
            _ => {
                return Err(dynamic::no_path(
                    stored.origin,
                    &stored.info.rec_id,
                    version,
                    Older::VERSION,
                ))
            }
        }
    };
    convert::<Older, Newer>(older, stored.origin)
}

/// Builds `Older` from `state` (walking whatever steps and links lead to it), and
/// converts it to `Newer`.
fn upgrade_state<Older, Newer>(state: RecState, origin: &Origin) -> Result<Newer, Error>
where
    Older: Pickleable,
    Newer: TryFrom<Older>,
    <Newer as TryFrom<Older>>::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    let older = dynamic::from_state::<Older>(state, origin)?;
    convert::<Older, Newer>(older, origin)
}

/// `Newer::try_from(older)`, its error carried in [`Error::Upgrade`].
fn convert<Older, Newer>(older: Older, origin: &Origin) -> Result<Newer, Error>
where
    Newer: TryFrom<Older>,
    <Newer as TryFrom<Older>>::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    Newer::try_from(older).map_err(|source| Error::Upgrade {
        origin: origin.clone(),
        from: std::any::type_name::<Older>(),
        to: std::any::type_name::<Newer>(),
        source: source.into(),
    })
}
