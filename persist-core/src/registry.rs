//! The table of record types, keyed by REC_ID, from which [`load_any`](crate::load_any)
//! picks the type of a file.
//!
//! Two kinds of entries fill it:
//!
//! - a [`TypeEntry`] for every type with `#[derive(Pickleable)]` that has no generic
//!   parameters, collected at link time with `inventory` (a generic type has no one
//!   concrete type to register; name an instantiation with a [`RecInfo`]);
//! - [`RecInfo`] entries, submitted at link time with [`submit!`](crate::submit) or
//!   registered at run time with [`RecInfo::register`], which send files of a REC_ID
//!   to a chosen type: the way a renamed type reads the files of its old name, and
//!   the way to settle which of several types wins.
//!
//! For a file of (REC_ID, VERSION), the candidates are the types that read that
//! version and whose REC_ID, or one of whose aliases, is the file's, plus the targets
//! of the RecInfo entries for the REC_ID. A RecInfo target wins; otherwise the
//! candidates must be versions of one type (one REC_ID), and the newest wins, so a file
//! written by `PortfolioV1` loads as today's `Portfolio`. Anything else is ambiguous,
//! and [`check`] finds every such case up front (and any type whose `Schema` does
//! not carry the identity its `Pickleable` impl declares).
//!
//! Typed loads (`persist::load::<T>`) never consult the table to choose a type: they
//! only ask it whether a RecInfo sends the file's REC_ID to `T`'s.

use std::any::{Any, TypeId};
use std::collections::BTreeSet;
use std::fmt::{self, Debug, Display, Formatter};
use std::sync::{PoisonError, RwLock};

use crate::api::{load_opened, OpenFile};
use crate::error::{Error, Origin};
use crate::format::FileInfo;
use crate::migrate;
use crate::options::LoadOptions;
use crate::record::Pickleable;
use crate::schema::{Description, RecordId};
use crate::state::RecState;
use crate::value::Value;

/// A record type, as the registry knows it: its identity, what it reads, and how to
/// load it behind `dyn Any`.
///
/// `#[derive(Pickleable)]` submits one for each type without generic parameters.
///
/// # Example
///
/// ```
/// use persist_core::registry::TypeEntry;
/// # use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # struct Portfolio { cash: f64 }
/// # impl persist_core::Pickleable for Portfolio { const REC_ID: &'static str = "Portfolio"; const VERSION: u32 = 3; }
/// # impl persist_core::Schema for Portfolio {
/// #     fn describe(b: &mut Builder) -> Node {
/// #         b.define::<Self>("Portfolio".into(), |_| Definition::new("", Body::Struct(Fields::Unit)).with_record(RecordId::new("Portfolio", 3)))
/// #     }
/// # }
///
/// let entry = TypeEntry::of::<Portfolio>();
/// assert_eq!((entry.rec_id(), entry.version()), ("Portfolio", 3));
/// assert!(entry.type_name().ends_with("Portfolio"));
/// assert!(entry.reads(3) && !entry.reads(2));
/// assert_eq!(entry.versions(), [3]);
/// ```
#[derive(Clone, Copy)]
pub struct TypeEntry {
    rec_id: &'static str,
    version: u32,
    type_name: fn() -> &'static str,
    type_id: fn() -> TypeId,
    aliases: fn() -> &'static [&'static str],
    reads: fn(u32) -> bool,
    reaches: fn(&str, u32) -> bool,
    versions: fn() -> Vec<u32>,
    upgraded_value: fn(RecState, &Origin) -> Result<Value, Error>,
    load: LoadBoxed,
    check_route: fn(&FileInfo, &Origin, &LoadOptions) -> Result<(), Error>,
    describe: fn() -> Description,
}

impl TypeEntry {
    /// The entry of `T`.
    ///
    /// See [`TypeEntry`] for an example.
    pub const fn of<T: Pickleable + 'static>() -> Self {
        TypeEntry {
            rec_id: T::REC_ID,
            version: T::VERSION,
            type_name: std::any::type_name::<T>,
            type_id: TypeId::of::<T>,
            aliases: aliases_of::<T>,
            reads: migrate::reads::<T>,
            reaches: migrate::reaches::<T>,
            versions: migrate::versions::<T>,
            upgraded_value: migrate::dynamic::upgraded_value::<T>,
            load: load_boxed::<T>,
            check_route: check_route::<T>,
            describe: Description::of::<T>,
        }
    }

    /// The type's REC_ID.
    ///
    /// See [`TypeEntry`] for an example.
    pub fn rec_id(&self) -> &'static str {
        self.rec_id
    }

    /// The type's VERSION.
    ///
    /// See [`TypeEntry`] for an example.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The type's Rust name, with its module path.
    ///
    /// See [`TypeEntry`] for an example.
    pub fn type_name(&self) -> &'static str {
        (self.type_name)()
    }

    /// The REC_IDs the type also reads files of.
    ///
    /// See [`TypeEntry`] for an example.
    pub fn aliases(&self) -> &'static [&'static str] {
        (self.aliases)()
    }

    /// Whether the type reads files of `version` (its own, or one of its chain's).
    ///
    /// See [`TypeEntry`] for an example.
    pub fn reads(&self, version: u32) -> bool {
        (self.reads)(version)
    }

    /// Whether the type reads a file of `version` saved as `rec_id`, through its
    /// typed chain and the registry's migration steps.
    ///
    /// See [`TypeEntry`] for an example.
    pub fn reaches(&self, rec_id: &str, version: u32) -> bool {
        (self.reaches)(rec_id, version)
    }

    /// Builds the type from `state` and returns its value: how a record nested in
    /// another is upgraded.
    pub(crate) fn upgraded_value(&self, state: RecState, origin: &Origin) -> Result<Value, Error> {
        (self.upgraded_value)(state, origin)
    }

    /// The versions the type reads (its own, then its chain's), newest first.
    ///
    /// See [`TypeEntry`] for an example.
    pub fn versions(&self) -> Vec<u32> {
        (self.versions)()
    }

    /// The description of the type's own version, as its files carry it; its
    /// [fingerprint](Description::fingerprint) is what a
    /// [schema lock](crate::lock) records.
    ///
    /// ```
    /// use persist_core::registry::TypeEntry;
    /// use persist_core::schema::{Description, RecordId};
    /// # use persist_core::schema::{Body, Builder, Definition, Fields, Node};
    /// # #[derive(serde::Serialize, serde::Deserialize)]
    /// # struct Portfolio { cash: f64 }
    /// # impl persist_core::Pickleable for Portfolio { const REC_ID: &'static str = "Portfolio"; const VERSION: u32 = 3; }
    /// # impl persist_core::Schema for Portfolio {
    /// #     fn describe(b: &mut Builder) -> Node {
    /// #         b.define::<Self>("Portfolio".into(), |_| Definition::new("", Body::Struct(Fields::Unit)).with_record(RecordId::new("Portfolio", 3)))
    /// #     }
    /// # }
    ///
    /// let description = TypeEntry::of::<Portfolio>().description();
    /// assert_eq!(description.root_record(), Some(&RecordId::new("Portfolio", 3)));
    /// assert_eq!(description.fingerprint(), Description::of::<Portfolio>().fingerprint());
    /// ```
    pub fn description(&self) -> Description {
        (self.describe)()
    }

    fn type_key(&self) -> TypeId {
        (self.type_id)()
    }

    /// Whether a file of `rec_id` is the type's by its own id or an alias.
    fn claims(&self, rec_id: &str) -> bool {
        self.rec_id == rec_id || self.aliases().contains(&rec_id)
    }

    /// Loads the opened file as the type, boxed, as a typed load would (streamed
    /// past `options`' threshold).
    pub(crate) fn load(
        &self,
        opened: OpenFile,
        options: &LoadOptions,
    ) -> Result<Box<dyn Any>, Error> {
        (self.load)(opened, options)
    }
}

impl Debug for TypeEntry {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypeEntry")
            .field("rec_id", &self.rec_id)
            .field("version", &self.version)
            .field("type_name", &self.type_name())
            .field("aliases", &self.aliases())
            .finish()
    }
}

fn aliases_of<T: Pickleable>() -> &'static [&'static str] {
    T::lineage().aliases
}

/// A typed load of one registered type from an opened file, its value boxed.
type LoadBoxed = fn(OpenFile, &LoadOptions) -> Result<Box<dyn Any>, Error>;

fn load_boxed<T: Pickleable + 'static>(
    opened: OpenFile,
    options: &LoadOptions,
) -> Result<Box<dyn Any>, Error> {
    Ok(Box::new(load_opened::<T>(opened, options)?))
}

/// Whether a typed load of `T` has a route to the file `info` describes, and if
/// not, its error; decided from the header alone.
fn check_route<T: Pickleable>(
    info: &FileInfo,
    origin: &Origin,
    options: &LoadOptions,
) -> Result<(), Error> {
    migrate::route::<T>(info, origin, options).map(drop)
}

inventory::collect!(TypeEntry);

/// An entry for the files of one REC_ID: the type they load as, and a migration
/// step for their state.
///
/// - `RecInfo::new("MyClass").target::<MyClass2>()` sends files saved as "MyClass"
///   to `MyClass2`, both through `MyClass2::load_from(..)` (and
///   `persist::load::<MyClass2>`) and through `load_any`; and when several types
///   could load a file of "MyClass", it says that `MyClass2` wins.
/// - `RecInfo::new("Portfolio").from_version(1).modify_state(v1_to_v2)` upgrades the
///   state of a version-1 file to version 2 (`.to_version(n)` for another target)
///   with a function on [`RecState`], so the Rust type of version 1 need not exist
///   any more. A load walks such steps and the typed `from` links in any mix, from
///   the file's version up to the type's.
///
/// Submit it at link time with [`submit!`](crate::submit), or register it at run time
/// with [`register`](RecInfo::register).
///
/// # Example
///
/// ```
/// use persist_core::registry::{self, RecInfo};
/// use persist_core::{Error, RecState};
/// # use persist_core::schema::{Body, Builder, Definition, Fields, Node, RecordId};
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # struct MyClass2;
/// # impl persist_core::Pickleable for MyClass2 { const REC_ID: &'static str = "MyClass2"; const VERSION: u32 = 1; }
/// # impl persist_core::Schema for MyClass2 {
/// #     fn describe(b: &mut Builder) -> Node {
/// #         b.define::<Self>("MyClass2".into(), |_| Definition::new("", Body::Struct(Fields::Unit)).with_record(RecordId::new("MyClass2", 1)))
/// #     }
/// # }
///
/// // At link time, anywhere in the program:
/// persist_core::submit! { RecInfo::new("MyClass").target::<MyClass2>() }
///
/// fn v1_to_v2(mut state: RecState) -> Result<RecState, Error> {
///     state.rename_field("qty", "quantity")?;
///     Ok(state)
/// }
/// persist_core::submit! { RecInfo::new("Position").from_version(1).modify_state(v1_to_v2) }
///
/// // Or at run time:
/// RecInfo::new("MyClassOld").target::<MyClass2>().register();
///
/// let infos = registry::rec_infos();
/// assert!(infos.iter().any(|info| info.rec_id() == "MyClass"));
/// assert!(infos.iter().any(|info| info.rec_id() == "MyClassOld"));
/// assert!(infos.iter().any(|info| info.step() == Some((1, 2))));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RecInfo {
    rec_id: &'static str,
    target: Option<TypeEntry>,
    from_version: Option<u32>,
    to_version: Option<u32>,
    modify_state: Option<ModifyState>,
}

/// A migration step's function: the state at one version in, the next out.
pub type ModifyState = fn(RecState) -> Result<RecState, Error>;

impl RecInfo {
    /// An entry for files of `rec_id`.
    ///
    /// See [`RecInfo`] for an example.
    pub const fn new(rec_id: &'static str) -> Self {
        RecInfo {
            rec_id,
            target: None,
            from_version: None,
            to_version: None,
            modify_state: None,
        }
    }

    /// Files of this entry's REC_ID load as `T`.
    ///
    /// See [`RecInfo`] for an example.
    pub const fn target<T: Pickleable + 'static>(mut self) -> Self {
        self.target = Some(TypeEntry::of::<T>());
        self
    }

    /// The version whose states `modify_state` upgrades.
    ///
    /// See [`RecInfo`] for an example.
    pub const fn from_version(mut self, version: u32) -> Self {
        self.from_version = Some(version);
        self
    }

    /// The version `modify_state` upgrades to (default: the one after
    /// [`from_version`](Self::from_version)); it must be greater.
    ///
    /// See [`RecInfo`] for an example.
    pub const fn to_version(mut self, version: u32) -> Self {
        self.to_version = Some(version);
        self
    }

    /// The function that upgrades a state of `from_version` to `to_version`. The
    /// state's `version` is set to `to_version` after it returns.
    ///
    /// See [`RecInfo`] for an example.
    pub const fn modify_state(mut self, modify_state: ModifyState) -> Self {
        self.modify_state = Some(modify_state);
        self
    }

    /// The REC_ID whose files this entry routes.
    ///
    /// See [`RecInfo`] for an example.
    pub fn rec_id(&self) -> &'static str {
        self.rec_id
    }

    /// The type the files load as, if the entry names one.
    ///
    /// See [`RecInfo`] for an example.
    pub fn get_target(&self) -> Option<&TypeEntry> {
        self.target.as_ref()
    }

    /// The versions `(from, to)` of the entry's migration step, if it has a
    /// well-formed one: `from_version` and `modify_state` given, `to` above `from`.
    ///
    /// See [`RecInfo`] for an example.
    pub fn step(&self) -> Option<(u32, u32)> {
        let from = self.from_version?;
        self.modify_state?;
        let to = self.to_version.unwrap_or(from.saturating_add(1));
        (to > from).then_some((from, to))
    }

    /// Runs the entry's migration step on `state`.
    pub(crate) fn run_step(&self, state: RecState) -> Option<Result<RecState, Error>> {
        let (_, to) = self.step()?;
        let modify_state = self.modify_state?;
        Some(modify_state(state).map(|mut state| {
            state.version = to;
            state
        }))
    }

    /// Adds this entry to the registry from now on, for this process.
    ///
    /// See [`RecInfo`] for an example.
    pub fn register(self) {
        RUNTIME
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(self);
    }
}

/// The migration step from `version` for files of any of `rec_ids`: the first
/// well-formed one registered (`check` reports duplicates).
pub(crate) fn state_step(rec_ids: &[&str], version: u32) -> Option<RecInfo> {
    rec_infos().into_iter().find(|info| {
        rec_ids.contains(&info.rec_id) && info.step().is_some_and(|(from, _)| from == version)
    })
}

inventory::collect!(RecInfo);

/// RecInfo entries registered at run time.
static RUNTIME: RwLock<Vec<RecInfo>> = RwLock::new(Vec::new());

/// Every RecInfo entry: those submitted at link time, then those registered at run
/// time, in order.
///
/// ```
/// assert!(persist_core::registry::rec_infos().iter().all(|info| !info.rec_id().is_empty()));
/// ```
pub fn rec_infos() -> Vec<RecInfo> {
    let runtime = RUNTIME.read().unwrap_or_else(PoisonError::into_inner);
    inventory::iter::<RecInfo>
        .into_iter()
        .copied()
        .chain(runtime.iter().copied())
        .collect()
}

/// Every record type the registry knows: those the derive submitted, and the
/// targets of RecInfo entries, once each.
///
/// ```
/// for entry in persist_core::registry::types() {
///     println!("{} v{}: {}", entry.rec_id(), entry.version(), entry.type_name());
/// }
/// ```
pub fn types() -> Vec<TypeEntry> {
    let mut seen = Vec::new();
    let mut types = Vec::new();
    let targets = rec_infos().into_iter().filter_map(|info| info.target);
    for entry in inventory::iter::<TypeEntry>
        .into_iter()
        .copied()
        .chain(targets)
    {
        if !seen.contains(&entry.type_key()) {
            seen.push(entry.type_key());
            types.push(entry);
        }
    }
    types
}

/// Whether a RecInfo sends files of `rec_id` to the type whose REC_ID is `family`.
pub(crate) fn redirects(rec_id: &str, family: &str) -> bool {
    rec_infos().iter().any(|info| {
        info.rec_id == rec_id && info.target.is_some_and(|target| target.rec_id == family)
    })
}

/// Why no one type was chosen for a file.
enum Unresolved {
    /// No type reads it.
    Unknown,
    /// Several do; their Rust names.
    Ambiguous(Vec<&'static str>),
}

/// The type `load_any` loads the file `info` describes as; see the module
/// documentation for the rules.
///
/// When no type reads the file but the registry knows its record (by REC_ID, alias
/// or RecInfo), the newest type of the record answers as a typed load of it would,
/// from the header alone: a file of a newer version is [`Error::NewerVersion`] (or,
/// with [`LoadOptions::allow_newer`], loads as that type when it only adds fields),
/// and one its chain cannot reach is [`Error::NoUpgradePath`], naming the missing
/// step.
///
/// # Errors
///
/// [`Error::AmbiguousType`] when several types read the file;
/// [`Error::UnknownRecId`] when the registry knows no type of its record; the
/// errors of the typed load as above.
pub(crate) fn choose(
    info: &FileInfo,
    origin: &Origin,
    options: &LoadOptions,
) -> Result<TypeEntry, Error> {
    let (types, infos) = (types(), rec_infos());
    match resolve_in(&types, &infos, &info.rec_id, info.version) {
        Ok(entry) => Ok(entry),
        Err(Unresolved::Ambiguous(types)) => Err(Error::AmbiguousType {
            origin: origin.clone(),
            rec_id: info.rec_id.clone(),
            version: info.version,
            types,
        }),
        Err(Unresolved::Unknown) => match newest_of_record(&types, &infos, &info.rec_id) {
            Some(entry) => {
                (entry.check_route)(info, origin, options)?;
                Ok(entry)
            }
            None => Err(Error::UnknownRecId {
                origin: origin.clone(),
                rec_id: info.rec_id.clone(),
                version: info.version,
            }),
        },
    }
}

/// The types that RecInfo entries for `rec_id` send its files to.
fn preferred(infos: &[RecInfo], rec_id: &str) -> Vec<TypeId> {
    infos
        .iter()
        .filter(|info| info.rec_id == rec_id)
        .filter_map(|info| info.target.map(|target| target.type_key()))
        .collect()
}

fn resolve_in(
    types: &[TypeEntry],
    infos: &[RecInfo],
    rec_id: &str,
    version: u32,
) -> Result<TypeEntry, Unresolved> {
    let preferred = preferred(infos, rec_id);
    let candidates: Vec<&TypeEntry> = types
        .iter()
        .filter(|entry| entry.claims(rec_id) || preferred.contains(&entry.type_key()))
        .filter(|entry| entry.reaches(rec_id, version))
        .collect();
    let chosen: Vec<&TypeEntry> = candidates
        .iter()
        .copied()
        .filter(|entry| preferred.contains(&entry.type_key()))
        .collect();
    if !chosen.is_empty() {
        return only(&chosen);
    }
    let families: BTreeSet<&str> = candidates.iter().map(|entry| entry.rec_id).collect();
    if families.len() > 1 {
        return Err(Unresolved::Ambiguous(names(&candidates)));
    }
    let newest = candidates.iter().map(|entry| entry.version).max();
    let winners: Vec<&TypeEntry> = candidates
        .into_iter()
        .filter(|entry| Some(entry.version) == newest)
        .collect();
    only(&winners)
}

/// The newest type of the record that files of `rec_id` belong to, whatever
/// versions it reads: the RecInfo targets for `rec_id` if any, else the types that
/// claim it; `None` when there are none, or they are of several records.
fn newest_of_record(types: &[TypeEntry], infos: &[RecInfo], rec_id: &str) -> Option<TypeEntry> {
    let preferred = preferred(infos, rec_id);
    let targets: Vec<&TypeEntry> = types
        .iter()
        .filter(|entry| preferred.contains(&entry.type_key()))
        .collect();
    let pool = if targets.is_empty() {
        types.iter().filter(|entry| entry.claims(rec_id)).collect()
    } else {
        targets
    };
    let records: BTreeSet<&str> = pool.iter().map(|entry| entry.rec_id).collect();
    if records.len() != 1 {
        return None;
    }
    pool.into_iter().max_by_key(|entry| entry.version).copied()
}

/// The one entry of `entries`, or why there is not one.
fn only(entries: &[&TypeEntry]) -> Result<TypeEntry, Unresolved> {
    match entries {
        [] => Err(Unresolved::Unknown),
        [entry] => Ok(**entry),
        _ => Err(Unresolved::Ambiguous(names(entries))),
    }
}

fn names(entries: &[&TypeEntry]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = entries.iter().map(|entry| entry.type_name()).collect();
    names.sort_unstable();
    names
}

/// A problem [`check`] found in the registry.
///
/// ```
/// use persist_core::registry::Problem;
/// let p = Problem::Ambiguous { rec_id: "Portfolio".into(), version: 1, types: vec!["a::Portfolio", "b::Portfolio"] };
/// assert_eq!(p.to_string(), "files of `Portfolio` v1 could load as a::Portfolio or b::Portfolio");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Several types could load the files of this REC_ID and version, and no
    /// RecInfo says which one wins.
    Ambiguous {
        /// The REC_ID of the files.
        rec_id: String,
        /// Their version.
        version: u32,
        /// The Rust names of the types that could load them, sorted.
        types: Vec<&'static str>,
    },
    /// A type's `Schema` impl does not mark its description with the REC_ID and
    /// VERSION its `Pickleable` impl declares (a hand-written impl that forgot, or
    /// disagrees), so its files would be saved under another identity.
    Unmarked {
        /// The Rust name of the type.
        type_name: &'static str,
        /// What `Pickleable` declares.
        declared: RecordId,
        /// What the description carries at its root.
        described: Option<RecordId>,
    },
    /// A RecInfo's migration step cannot run: `modify_state` without
    /// `from_version`, or a `to_version` not above it.
    BadStep {
        /// The RecInfo's REC_ID.
        rec_id: &'static str,
        /// What is wrong.
        detail: &'static str,
    },
    /// Two RecInfo entries migrate the same REC_ID from the same version.
    DuplicateStep {
        /// The REC_ID.
        rec_id: &'static str,
        /// The version both start from.
        from: u32,
    },
}

impl Display for Problem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Ambiguous {
                rec_id,
                version,
                types,
            } => write!(
                f,
                "files of `{rec_id}` v{version} could load as {}",
                types.join(" or ")
            ),
            Problem::Unmarked {
                type_name,
                declared,
                described,
            } => {
                write!(
                    f,
                    "{type_name} is Pickleable as {declared}, but its Schema "
                )?;
                match described {
                    Some(found) => write!(f, "marks it as {found}"),
                    None => f.write_str("does not mark its definition as a record"),
                }
            }
            Problem::BadStep { rec_id, detail } => {
                write!(
                    f,
                    "the migration step of RecInfo `{rec_id}` cannot run: {detail}"
                )
            }
            Problem::DuplicateStep { rec_id, from } => write!(
                f,
                "two RecInfo entries migrate `{rec_id}` from v{from}; keep one"
            ),
        }
    }
}

/// Every problem [`check`] found.
///
/// ```
/// use persist_core::registry::{Problem, Problems};
/// let p = Problems(vec![Problem::Ambiguous { rec_id: "A".into(), version: 1, types: vec!["x::A", "y::A"] }]);
/// assert!(p.to_string().starts_with("the registry has 1 problem:"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Display for Problems {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let plural = if self.0.len() == 1 { "" } else { "s" };
        write!(f, "the registry has {} problem{plural}:", self.0.len())?;
        for problem in &self.0 {
            write!(f, "\n  - {problem}")?;
        }
        if self
            .0
            .iter()
            .any(|problem| matches!(problem, Problem::Ambiguous { .. }))
        {
            write!(
                f,
                "\nsettle each ambiguity with a RecInfo naming the type that wins, e.g. \
                 `persist::submit! {{ RecInfo::new(\"Id\").target::<Type>() }}`"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Checks the registry, as a test of a program should:
///
/// - `load_any` can choose a type for every file the registered types read: for each
///   REC_ID (own, alias or RecInfo) and each version, at most one type wins;
/// - each type's `Schema` marks its description with the REC_ID and VERSION its
///   `Pickleable` impl declares (the derive always does; a hand-written impl may not).
///
/// # Errors
///
/// [`Problems`], listing each problem with the types involved.
///
/// # Example
///
/// ```
/// persist_core::registry::check()?;
/// # Ok::<(), persist_core::registry::Problems>(())
/// ```
pub fn check() -> Result<(), Problems> {
    check_in(&types(), &rec_infos())
}

fn check_in(types: &[TypeEntry], infos: &[RecInfo]) -> Result<(), Problems> {
    let mut problems: Vec<Problem> = types.iter().filter_map(unmarked).collect();
    problems.extend(step_problems(infos));
    let rec_ids: BTreeSet<&str> = types
        .iter()
        .flat_map(|entry| std::iter::once(entry.rec_id).chain(entry.aliases().iter().copied()))
        .chain(infos.iter().map(|info| info.rec_id))
        .collect();
    // Every version some type reads, through its chain too (whose links may not be
    // registered themselves: generic or hand-written ones).
    let versions: BTreeSet<u32> = types
        .iter()
        .flat_map(TypeEntry::versions)
        .chain(
            infos
                .iter()
                .filter_map(RecInfo::step)
                .flat_map(|(from, to)| [from, to]),
        )
        .collect();
    for rec_id in rec_ids {
        for &version in &versions {
            if let Err(Unresolved::Ambiguous(types)) = resolve_in(types, infos, rec_id, version) {
                problems.push(Problem::Ambiguous {
                    rec_id: rec_id.to_string(),
                    version,
                    types,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Problems(problems))
    }
}

/// The RecInfo migration steps that cannot run, and the pairs that collide.
fn step_problems(infos: &[RecInfo]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: Vec<(&str, u32)> = Vec::new();
    for info in infos {
        if info.modify_state.is_none() {
            continue;
        }
        match (info.from_version, info.step()) {
            (None, _) => problems.push(Problem::BadStep {
                rec_id: info.rec_id,
                detail: "it has modify_state but no from_version",
            }),
            (Some(_), None) => problems.push(Problem::BadStep {
                rec_id: info.rec_id,
                detail: "its to_version is not above its from_version",
            }),
            (Some(from), Some(_)) => {
                if seen.contains(&(info.rec_id, from)) {
                    problems.push(Problem::DuplicateStep {
                        rec_id: info.rec_id,
                        from,
                    });
                }
                seen.push((info.rec_id, from));
            }
        }
    }
    problems
}

/// The problem with `entry`'s description, if it does not carry its identity.
fn unmarked(entry: &TypeEntry) -> Option<Problem> {
    let declared = RecordId::new(entry.rec_id, entry.version);
    let description = (entry.describe)();
    let described = description.root_record();
    if described == Some(&declared) {
        return None;
    }
    Some(Problem::Unmarked {
        type_name: entry.type_name(),
        declared,
        described: described.cloned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Body, Builder, Definition, Fields, Node};

    /// A unit record type `$ty` with REC_ID `$id`, VERSION `$version`, aliases and
    /// the previous link of its chain.
    macro_rules! record {
        ($ty:ident, $id:literal, $version:literal, aliases = $aliases:expr, from = $older:ident) => {
            #[derive(serde::Serialize, serde::Deserialize)]
            struct $ty;
            impl Pickleable for $ty {
                const REC_ID: &'static str = $id;
                const VERSION: u32 = $version;
            }
            impl crate::Schema for $ty {
                fn describe(b: &mut Builder) -> Node {
                    b.define::<Self>(stringify!($ty).into(), |_| {
                        Definition::new("", Body::Struct(Fields::Unit))
                            .with_record(RecordId::new($id, $version))
                    })
                }
                fn lineage() -> migrate::Lineage<Self> {
                    migrate::Lineage { aliases: $aliases, older: Some(migrate::link::<$older, Self>()) }
                }
            }
            impl From<$older> for $ty {
                fn from(_: $older) -> Self {
                    $ty
                }
            }
        };
        ($ty:ident, $id:literal, $version:literal $(, aliases = $aliases:expr)?) => {
            #[derive(serde::Serialize, serde::Deserialize)]
            struct $ty;
            impl Pickleable for $ty {
                const REC_ID: &'static str = $id;
                const VERSION: u32 = $version;
            }
            impl crate::Schema for $ty {
                fn describe(b: &mut Builder) -> Node {
                    b.define::<Self>(stringify!($ty).into(), |_| {
                        Definition::new("", Body::Struct(Fields::Unit))
                            .with_record(RecordId::new($id, $version))
                    })
                }
                $(fn lineage() -> migrate::Lineage<Self> {
                    migrate::Lineage { aliases: $aliases, older: None }
                })?
            }
        };
    }

    record!(TradeV1, "Trade", 1);
    record!(TradeV2, "Trade", 2);
    record!(Execution, "Execution", 1, aliases = &["Trade"]);

    record!(QuoteV1, "Quote", 1);
    record!(Quote, "Quote", 2, aliases = &[], from = QuoteV1);
    record!(BidV1, "Bid", 1);
    record!(Bid, "Bid", 3, aliases = &["Quote"], from = BidV1);

    #[test]
    fn versions_read_only_through_unregistered_links_are_checked() {
        // Neither v1 type is registered (say they are generic instantiations), yet
        // both chains read ("Quote", 1): `Quote` by its REC_ID, `Bid` by its alias.
        let types = [TypeEntry::of::<Quote>(), TypeEntry::of::<Bid>()];
        assert_eq!(types[1].versions(), [3, 1]);
        assert_eq!(chosen(&types, &[], "Quote", 1), "ambiguous 2");
        let problems = check_in(&types, &[]).unwrap_err();
        assert!(
            matches!(&problems.0[..], [Problem::Ambiguous { rec_id, version: 1, .. }] if rec_id == "Quote"),
            "{problems}"
        );
    }

    fn chosen(types: &[TypeEntry], infos: &[RecInfo], rec_id: &str, version: u32) -> String {
        match resolve_in(types, infos, rec_id, version) {
            Ok(entry) => entry
                .type_name()
                .rsplit("::")
                .next()
                .unwrap_or("")
                .to_string(),
            Err(Unresolved::Unknown) => "unknown".into(),
            Err(Unresolved::Ambiguous(names)) => format!("ambiguous {}", names.len()),
        }
    }

    #[test]
    fn each_version_goes_to_the_type_of_that_version() {
        let types = [TypeEntry::of::<TradeV1>(), TypeEntry::of::<TradeV2>()];
        assert_eq!(chosen(&types, &[], "Trade", 1), "TradeV1");
        assert_eq!(chosen(&types, &[], "Trade", 2), "TradeV2");
        assert_eq!(chosen(&types, &[], "Trade", 3), "unknown");
        assert_eq!(chosen(&types, &[], "Other", 1), "unknown");
        assert!(check_in(&types, &[]).is_ok());
    }

    #[test]
    fn an_alias_that_another_family_owns_is_ambiguous_until_settled() {
        let types = [TypeEntry::of::<TradeV1>(), TypeEntry::of::<Execution>()];
        assert_eq!(chosen(&types, &[], "Trade", 1), "ambiguous 2");
        assert_eq!(chosen(&types, &[], "Execution", 1), "Execution");
        let problems = check_in(&types, &[]).unwrap_err();
        assert!(
            matches!(&problems.0[..], [Problem::Ambiguous { rec_id, version: 1, .. }] if rec_id == "Trade"),
            "{problems}"
        );

        let settle = [RecInfo::new("Trade").target::<Execution>()];
        assert_eq!(chosen(&types, &settle, "Trade", 1), "Execution");
        assert!(check_in(&types, &settle).is_ok());
    }

    fn newest(types: &[TypeEntry], infos: &[RecInfo], rec_id: &str) -> String {
        newest_of_record(types, infos, rec_id).map_or("none".into(), |entry| {
            entry
                .type_name()
                .rsplit("::")
                .next()
                .unwrap_or("")
                .to_string()
        })
    }

    #[test]
    fn the_newest_type_of_the_record_answers_for_files_no_type_reads() {
        let types = [TypeEntry::of::<TradeV1>(), TypeEntry::of::<TradeV2>()];
        assert_eq!(newest(&types, &[], "Trade"), "TradeV2");
        assert_eq!(newest(&types, &[], "Other"), "none");
        // Two records claim "Trade": neither answers, until a RecInfo settles it.
        let types = [TypeEntry::of::<TradeV2>(), TypeEntry::of::<Execution>()];
        assert_eq!(newest(&types, &[], "Trade"), "none");
        let settle = [RecInfo::new("Trade").target::<Execution>()];
        assert_eq!(newest(&types, &settle, "Trade"), "Execution");
    }

    #[test]
    fn a_rec_info_target_wins_only_for_the_versions_it_reads() {
        let types = [TypeEntry::of::<TradeV1>(), TypeEntry::of::<TradeV2>()];
        let prefer_v1 = [RecInfo::new("Trade").target::<TradeV1>()];
        assert_eq!(chosen(&types, &prefer_v1, "Trade", 1), "TradeV1");
        assert_eq!(chosen(&types, &prefer_v1, "Trade", 2), "TradeV2");
    }

    /// Declares REC_ID "Forgot" v1, but its description carries no record marker.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Forgot;
    impl Pickleable for Forgot {
        const REC_ID: &'static str = "Forgot";
        const VERSION: u32 = 1;
    }
    impl crate::Schema for Forgot {
        fn describe(b: &mut Builder) -> Node {
            b.define::<Self>("Forgot".into(), |_| {
                Definition::new("", Body::Struct(Fields::Unit))
            })
        }
    }

    #[test]
    fn a_schema_without_the_declared_identity_is_a_problem() {
        let problems = check_in(
            &[TypeEntry::of::<Forgot>(), TypeEntry::of::<TradeV1>()],
            &[],
        )
        .unwrap_err();
        assert_eq!(problems.0.len(), 1, "{problems}");
        assert!(
            matches!(&problems.0[0], Problem::Unmarked { described: None, declared, .. } if declared.rec_id == "Forgot"),
            "{problems}"
        );
        assert!(problems.to_string().contains("does not mark"), "{problems}");
    }

    #[test]
    fn two_rec_infos_with_different_targets_conflict() {
        let types = [TypeEntry::of::<TradeV1>(), TypeEntry::of::<Execution>()];
        let both = [
            RecInfo::new("Trade").target::<TradeV1>(),
            RecInfo::new("Trade").target::<Execution>(),
        ];
        assert_eq!(chosen(&types, &both, "Trade", 1), "ambiguous 2");
    }
}
