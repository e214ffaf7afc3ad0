//! Migrations over [`RecState`]: the registry's `modify_state` steps, mixed with
//! typed links, and the upgrade of nested records to the versions the program has.

use std::cmp::Reverse;
use std::collections::HashMap;

use serde::de::DeserializeOwned;

use super::chain::older_link;
use super::rec_id_and_version;
use crate::error::{Error, Origin};
use crate::record::Pickleable;
use crate::registry::{self, RecInfo, TypeEntry};
use crate::schema::{Description, Schema};
use crate::state::RecState;
use crate::value::{self, Fields, Value};

/// Builds `T` from `state`, walking the hops [`plan`] finds from the state's
/// version up to `T`'s: `T`'s own typed chain, the registry's migration steps, and
/// the typed links of the older types the registry knows, in any mix. At `T`'s
/// version, `T` is deserialized from the value.
pub(crate) fn from_state<T: Schema + DeserializeOwned>(
    mut state: RecState,
    origin: &Origin,
) -> Result<T, Error> {
    let (rec_id, version) = rec_id_and_version(&Description::of::<T>());
    if state.version > version {
        return Err(Error::NewerVersion {
            origin: origin.clone(),
            rec_id: state.rec_id,
            found: state.version,
            newest: version,
        });
    }
    let older = T::lineage()
        .older
        .filter(|link| version == 0 || link.version < version);
    let file_rec_id = state.rec_id.clone();
    let hops = plan(
        [&file_rec_id, &rec_id],
        state.version,
        version,
        older.map(|link| link.reaches),
    )
    .map_err(|stuck| no_path(origin, &file_rec_id, stuck, version))?;
    for hop in hops {
        state = match hop {
            Hop::Own => {
                return match older {
                    Some(link) => (link.upgrade_state)(state, origin),
                    // `plan` ends in `Own` only when there is a link.
                    None => Err(no_path(origin, &file_rec_id, state.version, version)),
                };
            }
            Hop::Step(step) => {
                let from = state.version;
                let to = step.step().map_or(version, |(_, to)| to);
                match step.run_step(state) {
                    Some(result) => result.map_err(|source| Error::Migration {
                        origin: origin.clone(),
                        rec_id: file_rec_id.clone(),
                        from,
                        to,
                        source: Box::new(source),
                    })?,
                    None => return Err(no_path(origin, &file_rec_id, from, version)),
                }
            }
            Hop::Typed(entry) => {
                let value = entry.upgraded_value(state, origin)?;
                RecState::new(file_rec_id.clone(), entry.version(), value)
            }
        };
    }
    value::from_value(state.value).map_err(|e| Error::Decode {
        origin: origin.clone(),
        type_name: rec_id.clone(),
        detail: e.to_string(),
    })
}

/// One hop of a walk up the versions of a record.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Hop {
    /// The wanted type's own typed chain reads the state from here: the walk ends
    /// through it.
    Own,
    /// A migration step of the registry.
    Step(RecInfo),
    /// An older type of the record, known to the registry, whose typed chain reads
    /// the state: the state is built as that type, and the walk goes on from its
    /// version.
    Typed(TypeEntry),
}

/// The hops from `version` up to `wanted`, for the state of a file saved as
/// `rec_ids[0]` on its way to a type whose REC_ID is `rec_ids[1]`; or the version
/// at which the walk gets stuck. `own` says whether the wanted type's own typed
/// chain reaches a version.
///
/// At each version the wanted type's own chain is taken if it reaches the state,
/// else the registry's migration step from that version, else the typed link of the
/// newest older type of the record (registered, below `wanted`) whose chain reads
/// that version and from whose version the rest of the walk gets through. Steps
/// raise the version and a typed hop lands on a newer type, so the walk ends; a
/// typed hop's own walk aims below `wanted`, so the search ends too.
pub(crate) fn plan(
    rec_ids: [&str; 2],
    mut version: u32,
    wanted: u32,
    own: Option<fn(&str, u32) -> bool>,
) -> Result<Vec<Hop>, u32> {
    let mut hops = Vec::new();
    loop {
        if version == wanted {
            return Ok(hops);
        }
        if version > wanted {
            return Err(version);
        }
        if own.is_some_and(|reaches| reaches(rec_ids[0], version)) {
            hops.push(Hop::Own);
            return Ok(hops);
        }
        if let Some((step, (_, to))) = registry::state_step(&rec_ids, version)
            .and_then(|step| step.step().map(|versions| (step, versions)))
        {
            hops.push(Hop::Step(step));
            version = to;
            continue;
        }
        let mut typed: Vec<TypeEntry> = registry::types()
            .into_iter()
            .filter(|entry| {
                rec_ids.contains(&entry.rec_id())
                    && version < entry.version()
                    && entry.version() < wanted
                    && entry.reads(version)
            })
            .collect();
        typed.sort_by_key(|entry| Reverse(entry.version()));
        // Stuck as far up as any typed hop got, so the error names the step that
        // is really missing.
        let mut stuck = version;
        for entry in typed {
            match plan(rec_ids, entry.version(), wanted, own) {
                Ok(rest) => {
                    hops.push(Hop::Typed(entry));
                    hops.extend(rest);
                    return Ok(hops);
                }
                Err(at) => stuck = stuck.max(at),
            }
        }
        return Err(stuck);
    }
}

/// The version at which the walk from `version` (of a file saved as `rec_id`) to
/// `T` gets stuck, or `None` when it reaches `T`: what [`from_state`] would walk,
/// without running anything.
pub(crate) fn gap<T: Pickleable>(rec_id: &str, version: u32) -> Option<u32> {
    plan(
        [rec_id, T::REC_ID],
        version,
        T::VERSION,
        older_link::<T>().map(|link| link.reaches),
    )
    .err()
}

/// The error for a walk stuck at `found` on its way to `wanted`.
pub(crate) fn no_path(origin: &Origin, rec_id: &str, found: u32, wanted: u32) -> Error {
    Error::NoUpgradePath {
        origin: origin.clone(),
        rec_id: rec_id.to_string(),
        found,
        wanted,
    }
}

/// Builds `T` from `state` and turns it back into a value: how a nested record is
/// upgraded inside the value of the record holding it.
pub(crate) fn upgraded_value<T: Pickleable>(
    state: RecState,
    origin: &Origin,
) -> Result<Value, Error> {
    let built = from_state::<T>(state, origin)?;
    value::to_value(&built).map_err(|e| Error::Decode {
        origin: origin.clone(),
        type_name: T::REC_ID.to_string(),
        detail: e.to_string(),
    })
}

/// Upgrades, in place, every record nested in `value` (read with the file's schema
/// `file`) whose version differs from the one `program` has, innermost first, so
/// that each record's migrations see today's versions of what it holds. The root
/// itself is left to the caller.
/// Whether a record nested in a value of the file's schema `file` has another
/// version in `program`, so that [`upgrade_nested`] has something to do.
pub(crate) fn has_nested_upgrades(file: &Description, program: &Description) -> bool {
    let wanted = wanted_versions(program);
    !wanted.is_empty()
        && file
            .definitions()
            .iter()
            .filter_map(|definition| definition.record.as_ref())
            .any(|record| {
                wanted
                    .get(record.rec_id.as_str())
                    .is_some_and(|&version| version != record.version)
            })
}

/// The version of each record type `program` holds, by REC_ID.
fn wanted_versions(program: &Description) -> HashMap<&str, u32> {
    program
        .definitions()
        .iter()
        .filter_map(|definition| definition.record.as_ref())
        .map(|record| (record.rec_id.as_str(), record.version))
        .collect()
}

pub(crate) fn upgrade_nested(
    value: &mut Value,
    file: &Description,
    program: &Description,
    origin: &Origin,
) -> Result<(), Error> {
    let wanted = wanted_versions(program);
    if wanted.is_empty() {
        return Ok(());
    }
    walk(value, file, &wanted, origin, true)
}

fn walk(
    value: &mut Value,
    file: &Description,
    wanted: &HashMap<&str, u32>,
    origin: &Origin,
    is_root: bool,
) -> Result<(), Error> {
    match value {
        Value::Option(Some(inner)) => walk(inner, file, wanted, origin, false)?,
        Value::Seq(items) | Value::Tuple(items) => {
            for item in items {
                walk(item, file, wanted, origin, false)?;
            }
        }
        Value::Map(entries) => {
            for (key, item) in entries {
                walk(key, file, wanted, origin, false)?;
                walk(item, file, wanted, origin, false)?;
            }
        }
        Value::Struct { fields, .. } | Value::Variant { fields, .. } => match fields {
            Fields::Unit => {}
            Fields::Newtype(inner) => walk(inner, file, wanted, origin, false)?,
            Fields::Tuple(items) => {
                for item in items {
                    walk(item, file, wanted, origin, false)?;
                }
            }
            Fields::Named(named) => {
                for (_, item) in named {
                    walk(item, file, wanted, origin, false)?;
                }
            }
        },
        _ => {}
    }
    if is_root {
        return Ok(());
    }
    let name = match value {
        Value::Struct { name, .. } | Value::Variant { name, .. } => name,
        _ => return Ok(()),
    };
    let Some(record) = file.definition(name).and_then(|d| d.record.as_ref()) else {
        return Ok(());
    };
    let Some(&to) = wanted.get(record.rec_id.as_str()) else {
        return Ok(());
    };
    if record.version == to {
        return Ok(());
    }
    let Some(entry) = registry::types()
        .into_iter()
        .find(|entry| entry.rec_id() == record.rec_id && entry.version() == to)
    else {
        return Err(no_path(origin, &record.rec_id, record.version, to));
    };
    let state = RecState::new(
        record.rec_id.clone(),
        record.version,
        std::mem::replace(value, Value::Unit),
    );
    *value = entry.upgraded_value(state, origin)?;
    Ok(())
}
