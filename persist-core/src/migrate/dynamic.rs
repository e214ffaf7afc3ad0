//! Migrations over [`RecState`]: the registry's `modify_state` steps, mixed with
//! typed links, and the upgrade of nested records to the versions the program has.

use std::collections::HashMap;

use serde::de::DeserializeOwned;

use super::chain::older_link;
use super::rec_id_and_version;
use crate::error::{Error, Origin};
use crate::record::Pickleable;
use crate::registry;
use crate::schema::{Description, Schema};
use crate::state::RecState;
use crate::value::{self, Fields, Value};

/// Builds `T` from `state`: while the state is older than `T`, it takes `T`'s typed
/// chain if that reaches the state's version, else the registry's migration step
/// from that version; at `T`'s version, `T` is deserialized from the value.
///
/// Every step raises the version and every link lowers it, so the walk ends.
pub(crate) fn from_state<T: Schema + DeserializeOwned>(
    mut state: RecState,
    origin: &Origin,
) -> Result<T, Error> {
    let (rec_id, version) = rec_id_and_version(&Description::of::<T>());
    let older = T::lineage()
        .older
        .filter(|link| version == 0 || link.version < version);
    loop {
        if state.version == version {
            return value::from_value(state.value).map_err(|e| Error::Decode {
                origin: origin.clone(),
                type_name: rec_id.clone(),
                detail: e.to_string(),
            });
        }
        if state.version > version {
            return Err(Error::NewerVersion {
                origin: origin.clone(),
                rec_id: state.rec_id,
                found: state.version,
                newest: version,
            });
        }
        if let Some(link) = older.filter(|link| (link.reaches)(&state.rec_id, state.version)) {
            return (link.upgrade_state)(state, origin);
        }
        let Some(step) = registry::state_step(&[&state.rec_id, &rec_id], state.version) else {
            return Err(no_path(origin, &state.rec_id, state.version, version));
        };
        let (from, to) = step.step().unwrap_or((state.version, version));
        let file_rec_id = state.rec_id.clone();
        state = match step.run_step(state) {
            Some(result) => result.map_err(|source| Error::Migration {
                origin: origin.clone(),
                rec_id: file_rec_id,
                from,
                to,
                source: Box::new(source),
            })?,
            None => return Err(no_path(origin, &rec_id, from, version)),
        };
    }
}

/// The version at which the walk from `version` (of a file saved as `rec_id`) to
/// `T` gets stuck, or `None` when it reaches `T`. Mirrors [`from_state`] without
/// running anything.
pub(crate) fn gap<T: Pickleable>(rec_id: &str, mut version: u32) -> Option<u32> {
    let older = older_link::<T>();
    loop {
        if version == T::VERSION {
            return None;
        }
        if version > T::VERSION {
            return Some(version);
        }
        if older.is_some_and(|link| (link.reaches)(rec_id, version)) {
            return None;
        }
        match registry::state_step(&[rec_id, T::REC_ID], version).and_then(|step| step.step()) {
            Some((_, to)) => version = to,
            None => return Some(version),
        }
    }
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
pub(crate) fn upgrade_nested(
    value: &mut Value,
    file: &Description,
    program: &Description,
    origin: &Origin,
) -> Result<(), Error> {
    let wanted: HashMap<&str, u32> = program
        .definitions()
        .iter()
        .filter_map(|definition| definition.record.as_ref())
        .map(|record| (record.rec_id.as_str(), record.version))
        .collect();
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
