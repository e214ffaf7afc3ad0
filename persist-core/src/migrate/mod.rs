//! The way from the version a file was written by to the type a load asks for.
//!
//! A typed load reads the file's header and picks a `Route` before it reads the
//! payload:
//!
//! 1. the file's REC_ID must be the type's, one of its aliases, or one that a
//!    [`RecInfo`](crate::registry::RecInfo) redirects to the type's REC_ID;
//! 2. same VERSION and schema (or the same shape under renamed types): the payload is
//!    decoded straight into the type, the hot path;
//! 3. same VERSION, another schema: the differences are listed
//!    ([`diff`]); when each is safe (a field added with a
//!    default, removed, reordered, a variant added, a number widened, a nested
//!    record's version changed) the payload is read as a [`Value`](crate::value::Value)
//!    with the file's schema and the type is deserialized from it; otherwise
//!    [`Error::SchemaChanged`] lists them;
//! 4. an older VERSION: the typed chain (`#[pickle(from = Older)]`, module
//!    `chain`) decodes the payload as the link of the file's version and converts
//!    it upward; when the chain alone does not reach that version, the payload is
//!    read as a [`RecState`] and carried up by the registry's
//!    `modify_state` steps, the type's own typed links, and the typed links of the
//!    older types of the record that the registry knows (so `V2 from V1`, then a
//!    step from v2, reaches a `V3` that has no `from`), in any mix (module `dynamic`); a
//!    version none of them leaves is [`Error::NoUpgradePath`], naming the missing
//!    step;
//! 5. a newer VERSION: [`Error::NewerVersion`], unless
//!    [`LoadOptions::allow_newer`] is set and the newer schema only adds fields,
//!    which are then dropped.
//!
//! Whenever the payload is read as a value, records nested in it whose version
//! differs from the program's are upgraded first, through their own chains and
//! steps, so a `Cache { pf: Portfolio }` saved with Portfolio v1 loads after
//! Portfolio moved to v2 without `Cache` changing version.

mod chain;
pub(crate) mod dynamic;

pub use chain::{link, Lineage, Link};
pub(crate) use chain::{reaches, reads, versions};

use serde::de::DeserializeOwned;

use crate::error::{Error, Origin, TypeIdentity};
use crate::format::FileInfo;
use crate::options::LoadOptions;
use crate::schema::diff::{self, Change};
use crate::schema::{Description, Schema};
use crate::state::RecState;
use crate::stream::load::Reading;
use crate::value;

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

    /// Decodes the payload as `T`, which must have the file's VERSION: straight
    /// when the schemas match (up to renamed types), through a value when they
    /// differ only safely.
    ///
    /// # Errors
    ///
    /// [`Error::WrongType`] when `T` is another version; [`Error::SchemaChanged`]
    /// when the schemas differ in a way that is not safe; [`Error::Decode`] when the
    /// payload does not decode.
    ///
    /// See [`Stored`] for an example.
    pub fn decode_as<T: Schema + DeserializeOwned>(&self) -> Result<T, Error> {
        let wanted = Description::of::<T>();
        let identity = identity(&wanted);
        if identity.version != self.info.version {
            return Err(Error::WrongType {
                origin: self.origin.clone(),
                expected: identity,
                found: self.info.identity(),
            });
        }
        same_version_route::<T>(&wanted, &identity, self.info, self.origin)?.run(self)
    }

    /// The payload as a state, read with the file's schema, with the records nested
    /// in it upgraded to the versions `program` has.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the payload does not decode with the file's schema;
    /// the errors of the nested records' migrations.
    ///
    /// See [`Stored`] for an example.
    pub fn state(&self, program: &Description) -> Result<RecState, Error> {
        let mut value =
            value::decode(&self.info.schema, self.raw).map_err(|detail| Error::Decode {
                origin: self.origin.clone(),
                type_name: self.info.rec_id.clone(),
                detail,
            })?;
        dynamic::upgrade_nested(&mut value, &self.info.schema, program, self.origin)?;
        Ok(RecState::new(
            self.info.rec_id.clone(),
            self.info.version,
            value,
        ))
    }

    /// Decodes the payload as `T` without checking its schema (the caller did).
    ///
    /// A type whose `Deserialize` asks the format what comes next
    /// (`deserialize_any`, which postcard cannot answer) is read by the
    /// schema-guided reader instead, which answers from the file's schema; so is
    /// a schema that holds a `char`, which postcard reads from a string of several
    /// characters where every other path refuses it.
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if crate::guided::needed_for(&self.info.schema) {
            return crate::guided::from_slice::<T>(&self.info.schema, self.raw)
                .map_err(|e| decode_error(self.info, self.origin, e.to_string()));
        }
        let (value, rest) = match postcard::take_from_bytes::<T>(self.raw) {
            Ok(decoded) => decoded,
            Err(postcard::Error::WontImplement) => {
                return crate::guided::from_slice::<T>(&self.info.schema, self.raw)
                    .map_err(|e| decode_error(self.info, self.origin, e.to_string()));
            }
            Err(e) => {
                let detail = crate::de_error::detail::<T>(&e, &self.info.schema, self.raw);
                return Err(decode_error(self.info, self.origin, detail));
            }
        };
        if !rest.is_empty() {
            return Err(decode_error(
                self.info,
                self.origin,
                left_over(rest.len() as u64),
            ));
        }
        Ok(value)
    }
}

/// The payload of the file `info` describes did not decode as the type asked for.
pub(crate) fn decode_error(info: &FileInfo, origin: &Origin, detail: String) -> Error {
    Error::Decode {
        origin: origin.clone(),
        type_name: info.rec_id.clone(),
        detail,
    }
}

/// Why a value that decoded is still refused: `count` payload bytes followed it.
pub(crate) fn left_over(count: u64) -> String {
    format!(
        "{count} bytes are left over after the value; its Schema impl does not match its Serialize impl"
    )
}

/// How a typed load of `T` reaches the file, decided from its header alone.
pub(crate) enum Route<T> {
    /// Same version and schema: decode straight.
    Exact,
    /// An older version the typed chain reads: walk it over the bytes.
    Upgrade(fn(&Stored<'_>) -> Result<T, Error>),
    /// The same version with safe differences (or a newer one that only adds
    /// fields): deserialize `T` from the file's value. The changes explain a failure.
    Resolve(Vec<Change>),
    /// An older version that needs migration steps: walk them over the state.
    Migrate,
}

impl<T: Schema + DeserializeOwned> Route<T> {
    /// How a load may decode the payload of the file `info` describes as it
    /// reads it, with no value in between: postcard for an exact match, the
    /// schema-guided reader for safe changes that need no nested record's
    /// migration; `None` when the route needs the whole payload.
    pub(crate) fn streamed_reading(&self, info: &FileInfo) -> Option<Reading> {
        match self {
            Route::Exact if crate::guided::needed_for(&info.schema) => Some(Reading::Guided),
            Route::Exact => Some(Reading::Postcard),
            Route::Resolve(_)
                if !dynamic::has_nested_upgrades(&info.schema, &Description::of::<T>()) =>
            {
                Some(Reading::Guided)
            }
            _ => None,
        }
    }

    /// The error for a value of the file that `T`'s `Deserialize` refused, saying
    /// `detail`: after safe changes, the changes and the refusal; else a decode
    /// error.
    pub(crate) fn refused(
        &self,
        info: &FileInfo,
        origin: &Origin,
        detail: &dyn std::fmt::Display,
    ) -> Error {
        match self {
            Route::Resolve(changes) => {
                let mut changes: Vec<String> = changes.iter().map(ToString::to_string).collect();
                changes.push(format!("reading the file as today's type failed: {detail}"));
                Error::SchemaChanged {
                    origin: origin.clone(),
                    rec_id: info.rec_id.clone(),
                    version: info.version,
                    changes,
                }
            }
            _ => decode_error(info, origin, detail.to_string()),
        }
    }

    /// Decodes the payload along this route.
    pub(crate) fn run(&self, stored: &Stored<'_>) -> Result<T, Error> {
        match self {
            Route::Exact => stored.decode(),
            Route::Upgrade(upgrade) => upgrade(stored),
            Route::Resolve(_) => {
                let refused =
                    |e: &dyn std::fmt::Display| self.refused(stored.info, stored.origin, e);
                let program = Description::of::<T>();
                if dynamic::has_nested_upgrades(&stored.info.schema, &program) {
                    // A nested record's own migrations edit its state: a tree is
                    // needed for those.
                    let state = stored.state(&program)?;
                    return value::from_value(state.value).map_err(|e| refused(&e));
                }
                // Straight from the bytes, guided by the file's schema: no tree.
                crate::guided::from_slice::<T>(&stored.info.schema, stored.raw).map_err(|e| {
                    if e.is_wire() {
                        decode_error(stored.info, stored.origin, e.to_string())
                    } else {
                        refused(&e)
                    }
                })
            }
            Route::Migrate => {
                let state = stored.state(&Description::of::<T>())?;
                dynamic::from_state::<T>(state, stored.origin)
            }
        }
    }
}

/// Picks the route from the file described by `info` to `T`, or says why there is
/// none; see the module documentation for the order.
pub(crate) fn route<T: Schema + DeserializeOwned>(
    info: &FileInfo,
    origin: &Origin,
    options: &LoadOptions,
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
        return if info.version == identity.version {
            same_version_route(&wanted, &identity, info, origin)
        } else {
            Err(wrong_type(identity))
        };
    }
    match info.version.cmp(&identity.version) {
        std::cmp::Ordering::Equal => same_version_route(&wanted, &identity, info, origin),
        std::cmp::Ordering::Less => {
            let older = lineage.older.filter(|link| link.version < identity.version);
            if let Some(link) = older.filter(|link| link.reads(info.version)) {
                return Ok(Route::Upgrade(link.upgrade));
            }
            match dynamic::plan(
                [&info.rec_id, &identity.rec_id],
                info.version,
                identity.version,
                older.map(|link| link.reaches),
            ) {
                Ok(_) => Ok(Route::Migrate),
                Err(stuck) => Err(dynamic::no_path(
                    origin,
                    &info.rec_id,
                    stuck,
                    identity.version,
                )),
            }
        }
        std::cmp::Ordering::Greater if options.allows_newer() => {
            let changes = diff::changes(&info.schema, &wanted);
            let blocking: Vec<String> = changes
                .iter()
                .filter(|change| !change.only_drops())
                .map(ToString::to_string)
                .collect();
            if blocking.is_empty() {
                Ok(Route::Resolve(changes))
            } else {
                Err(Error::NewerIncompatible {
                    origin: origin.clone(),
                    rec_id: info.rec_id.clone(),
                    found: info.version,
                    newest: identity.version,
                    changes: blocking,
                })
            }
        }
        std::cmp::Ordering::Greater => Err(Error::NewerVersion {
            origin: origin.clone(),
            rec_id: info.rec_id.clone(),
            found: info.version,
            newest: identity.version,
        }),
    }
}

/// The route for a file of `T`'s own version: straight when the schemas match,
/// through a value when every difference is safe, else [`Error::SchemaChanged`].
fn same_version_route<T>(
    wanted: &Description,
    identity: &TypeIdentity,
    info: &FileInfo,
    origin: &Origin,
) -> Result<Route<T>, Error> {
    if identity.fingerprint == info.fingerprint || wanted.same_shape(&info.schema) {
        return Ok(Route::Exact);
    }
    let changes = diff::changes(&info.schema, wanted);
    if changes.iter().all(Change::is_safe) {
        return Ok(Route::Resolve(changes));
    }
    Err(Error::SchemaChanged {
        origin: origin.clone(),
        rec_id: info.rec_id.clone(),
        version: info.version,
        changes: changes.iter().map(ToString::to_string).collect(),
    })
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
    use crate::record::Pickleable;
    use crate::schema::{Body, Builder, Definition, Fields, Node, RecordId};

    /// A unit record `$ty` (`$id`, `$version`) whose chain links to `$older`.
    macro_rules! record {
        ($ty:ident, $id:literal, $version:literal $(, from = $older:ident)?) => {
            #[derive(serde::Serialize, serde::Deserialize, Debug)]
            struct $ty;
            impl Pickleable for $ty {
                const REC_ID: &'static str = $id;
                const VERSION: u32 = $version;
            }
            impl Schema for $ty {
                fn describe(b: &mut Builder) -> Node {
                    b.define::<Self>(stringify!($ty).into(), |_| {
                        Definition::new("", Body::Struct(Fields::Unit))
                            .with_record(RecordId::new($id, $version))
                    })
                }
                $(fn lineage() -> Lineage<Self> {
                    Lineage { aliases: &[], older: Some(link::<$older, Self>()) }
                })?
            }
        };
    }

    // A hand-written loop: A (v2) says it comes from B (v5), which comes from A.
    record!(LoopA, "X", 2, from = LoopB);
    record!(LoopB, "X", 5, from = LoopA);
    record!(Old, "X", 1);
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

    // "Y": v1 reaches v2 by the typed link of a registered older type; nothing
    // leaves v2 on the way to v4.
    record!(YV1, "Y", 1);
    record!(YV2, "Y", 2, from = YV1);
    record!(YV4, "Y", 4);
    impl From<YV1> for YV2 {
        fn from(_: YV1) -> Self {
            YV2
        }
    }
    crate::submit! { crate::registry::TypeEntry::of::<YV2>() }

    #[test]
    fn a_walk_stuck_after_a_typed_hop_reports_where_it_got_to() {
        // YV2 is no hop on the way to v2 itself (only types below the target are).
        assert_eq!(dynamic::plan(["Y", "Y"], 1, 2, None).err(), Some(1));
        // YV2 takes v1 to v2; nothing leaves v2.
        assert_eq!(dynamic::plan(["Y", "Y"], 1, 4, None).err(), Some(2));
        assert!(crate::registry::TypeEntry::of::<YV2>().reaches("Y", 1));
        assert!(!crate::registry::TypeEntry::of::<YV4>().reaches("Y", 1));
    }

    #[test]
    fn a_gap_after_a_typed_link_names_the_version_the_link_reached() {
        let old_file = crate::to_bytes(&YV1).unwrap();
        let err = crate::from_bytes::<YV4>(&old_file).unwrap_err();
        assert_eq!(
            err.to_string(),
            "in-memory bytes: no migration of `Y` from v2 (on the way to v4): add a chain link of version 2 (`#[pickle(from = ..)]`) or a step `RecInfo::new(\"Y\").from_version(2).modify_state(..)`"
        );
        // The older type itself reads it.
        crate::from_bytes::<YV2>(&old_file).unwrap();
    }
}
