//! `RecState`: a saved record as data, for migrations to edit when the Rust type
//! that wrote it no longer exists.
//!
//! Edits name their place with a path: field names (or indexes of unnamed fields and
//! tuples) joined by `.`, `[]` for every element of a sequence (or every value of a
//! map), and `::Variant` to enter an enum value only when it is that variant. An
//! `Option` on the way is looked through. Examples: `cash`, `positions[].qty`,
//! `orders[]::Limit.price`, `by_symbol[].0`.
//!
//! One migration runs on every old file, whatever data each holds, so a path fails
//! only for reasons of layout, never of data:
//!
//! - where the data does not hold what the rest of the path names (a `None`; an
//!   enum value of another variant than a `::Variant` step names; without
//!   `::Variant`, a variant that lacks the field), that place is skipped: edits leave
//!   it alone and [`get`](RecState::get) through `[]` leaves it out;
//! - a struct (or a variant a `::Variant` step chose) that lacks the field, a `[]`
//!   on a value that is no sequence or map, a `::Variant` on a value that is no enum,
//!   are mistakes in the path, and errors ([`Error::State`], naming the concrete
//!   place, as in `orders[2]::Limit.px`).
//!
//! An edit that fails stops at the failing place, which keeps its value; the places
//! before it keep their edits (a failing migration step fails the load anyway).
//!
//! A path without `[]` names one value, so [`get`](RecState::get) of it fails when
//! that value is skipped (saying why); read the enclosing value instead when it may
//! be absent.

mod path;
#[cfg(test)]
mod tests;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;
use crate::value::{self, Fields, Value};
use path::{join, reach_mut, reach_ref, split_last, state_error, steps, FinalOption, Place, Step};

/// A record's state: its REC_ID, the version it is at, and its fields as a
/// [`Value`]. `modify_state` functions take one and return it one version newer.
///
/// # Example
///
/// ```
/// use persist_core::value::to_value;
/// use persist_core::RecState;
///
/// #[derive(serde::Serialize)]
/// struct Position { sym: String, qty: i64 }
/// #[derive(serde::Serialize)]
/// struct PortfolioV1 { cash: i64, positions: Vec<Position> }
///
/// let old = PortfolioV1 { cash: 100, positions: vec![Position { sym: "AAPL".into(), qty: 5 }] };
/// let mut state = RecState::new("Portfolio", 1, to_value(&old)?);
///
/// state.rename_field("positions[].sym", "symbol")?;
/// state.map_field("cash", |cents: i64| cents as f64 / 100.0)?;
/// state.insert_field("currency", "USD")?;
/// state.remove_field("positions[].qty")?;
///
/// assert_eq!(state.get::<f64>("cash")?, 1.0);
/// assert_eq!(state.get::<String>("currency")?, "USD");
/// assert_eq!(state.get::<Vec<String>>("positions[].symbol")?, ["AAPL"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RecState {
    /// The REC_ID of the record.
    pub rec_id: String,
    /// The version whose layout `value` has.
    pub version: u32,
    /// The record's value.
    pub value: Value,
}

impl RecState {
    /// A state from its parts.
    ///
    /// See [`RecState`] for an example.
    pub fn new(rec_id: impl Into<String>, version: u32, value: Value) -> Self {
        RecState {
            rec_id: rec_id.into(),
            version,
            value,
        }
    }

    /// Renames the field at `path` (whose last step is the field) to `new_name`.
    ///
    /// # Errors
    ///
    /// [`Error::State`] when the path does not lead to structs with that field, or
    /// one of them already has a field `new_name`.
    ///
    /// See [`RecState`] for an example.
    pub fn rename_field(&mut self, path: &str, new_name: &str) -> Result<&mut Self, Error> {
        if !path::is_field_name(new_name) {
            return Err(state_error(
                path,
                format!("`{new_name}` is not a field name"),
            ));
        }
        let (parent, field) = split_last(path)?;
        for_each_holder(
            &mut self.value,
            parent,
            field,
            Missing::Fail,
            &mut |holder, here| {
                let named = named_fields(holder, here)?;
                if named.iter().any(|(name, _)| name == new_name) {
                    return Err(state_error(
                        here,
                        format!("cannot rename it: a field `{new_name}` exists already"),
                    ));
                }
                if let Some(entry) = named.iter_mut().find(|(name, _)| name == field) {
                    entry.0 = new_name.to_string();
                }
                Ok(())
            },
        )?;
        Ok(self)
    }

    /// Removes the field at `path` and returns its values (one per place the path
    /// reaches).
    ///
    /// # Errors
    ///
    /// [`Error::State`] when the path does not lead to structs with that field.
    ///
    /// See [`RecState`] for an example.
    pub fn remove_field(&mut self, path: &str) -> Result<Vec<Value>, Error> {
        let (parent, field) = split_last(path)?;
        let mut removed = Vec::new();
        for_each_holder(
            &mut self.value,
            parent,
            field,
            Missing::Fail,
            &mut |holder, here| {
                let named = named_fields(holder, here)?;
                if let Some(index) = named.iter().position(|(name, _)| name == field) {
                    removed.push(named.remove(index).1);
                }
                Ok(())
            },
        )?;
        Ok(removed)
    }

    /// Adds the field at `path` with `value` (any `Serialize` value) to every
    /// struct the path's parent reaches.
    ///
    /// # Errors
    ///
    /// [`Error::State`] when a struct already has the field, or the path reaches an
    /// enum value without saying which variant (`::Variant`).
    ///
    /// See [`RecState`] for an example.
    pub fn insert_field<T: Serialize + ?Sized>(
        &mut self,
        path: &str,
        value: &T,
    ) -> Result<&mut Self, Error> {
        let (parent, field) = split_last(path)?;
        let value = value::to_value(value).map_err(|e| state_error(path, e.to_string()))?;
        for_each_holder(
            &mut self.value,
            parent,
            field,
            Missing::Insert,
            &mut |holder, here| {
                let named = named_fields(holder, here)?;
                if named.iter().any(|(name, _)| name == field) {
                    return Err(state_error(here, "the field exists already"));
                }
                named.push((field.to_string(), value.clone()));
                Ok(())
            },
        )?;
        Ok(self)
    }

    /// Replaces each value at `path` by `f` of it, read as `A` and written from `B`.
    ///
    /// # Errors
    ///
    /// [`Error::State`] when the path is wrong for the layout, or a value is not an
    /// `A`.
    ///
    /// See [`RecState`] for an example.
    pub fn map_field<A, B, F>(&mut self, path: &str, mut f: F) -> Result<&mut Self, Error>
    where
        A: DeserializeOwned,
        B: Serialize,
        F: FnMut(A) -> B,
    {
        self.map_value(path, |old| {
            let typed = value::from_value::<A>(old).map_err(|e| e.to_string())?;
            value::to_value(&f(typed)).map_err(|e| e.to_string())
        })
    }

    /// Replaces each value at `path` by `f` of it, as [`Value`]s; `f` may refuse with
    /// a message. A path ending in `[]` maps each element.
    ///
    /// # Errors
    ///
    /// [`Error::State`] when the path is wrong for the layout, or `f` refuses.
    ///
    /// ```
    /// use persist_core::value::{to_value, Value};
    /// use persist_core::RecState;
    ///
    /// #[derive(serde::Serialize)]
    /// struct S { side: String }
    /// let mut state = RecState::new("S", 1, to_value(&S { side: "B".into() })?);
    /// state.map_value("side", |v| match v {
    ///     Value::String(s) if s == "B" => Ok(Value::String("Buy".into())),
    ///     other => Err(format!("unexpected side {other:?}")),
    /// })?;
    /// assert_eq!(state.get::<String>("side")?, "Buy");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_value<F>(&mut self, path: &str, mut f: F) -> Result<&mut Self, Error>
    where
        F: FnMut(Value) -> Result<Value, String>,
    {
        let steps = steps(path)?;
        let mut places = Vec::new();
        reach_mut(
            &mut self.value,
            &steps,
            String::new(),
            false,
            FinalOption::Keep,
            &mut places,
        )?;
        for Place { value, at, .. } in places {
            // `f` takes the value; a copy keeps it in place if `f` refuses, so a
            // caller that recovers from the error still has the data.
            *value = f(value.clone()).map_err(|message| state_error(&at, message))?;
        }
        Ok(self)
    }

    /// The value at `path`, read as `T`. A path through `[]` reads the values it
    /// reaches, in order, as one sequence (so `positions[].symbol` reads as a
    /// `Vec<String>`, leaving out the places the module documentation says are
    /// skipped).
    ///
    /// # Errors
    ///
    /// [`Error::State`] when the path is wrong for the layout, names one value that
    /// the data does not hold, or the value is not a `T`.
    ///
    /// See [`RecState`] for an example.
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let steps = steps(path)?;
        let strict = !steps.contains(&Step::Each);
        let mut found = Vec::new();
        reach_ref(
            &self.value,
            &steps,
            String::new(),
            false,
            strict.then_some(path),
            &mut found,
        )?;
        let value = match (strict, found.as_slice()) {
            (true, [one]) => (*one).clone(),
            _ => Value::Seq(found.into_iter().cloned().collect()),
        };
        value::from_value(value).map_err(|e| state_error(path, e.to_string()))
    }
}

/// What to do with a struct the parent path reaches that lacks the field.
#[derive(Clone, Copy, PartialEq)]
enum Missing {
    /// An error: the path is wrong (used by edits of an existing field).
    Fail,
    /// Fine: the field is to be added.
    Insert,
}

/// Calls `edit` on every struct or enum value that `parent` reaches, with the
/// concrete path of `field` in it; see the module documentation for the places
/// skipped and the errors.
fn for_each_holder(
    root: &mut Value,
    parent: &str,
    field: &str,
    missing: Missing,
    edit: &mut dyn FnMut(&mut Value, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut places = Vec::new();
    reach_mut(
        root,
        &steps(parent)?,
        String::new(),
        false,
        FinalOption::LookThrough,
        &mut places,
    )?;
    for Place { value, at, chosen } in places {
        let here = join(&at, field);
        let has = match value.fields() {
            Some(fields) => has_field(fields, field),
            None => {
                return Err(state_error(
                    &here,
                    format!(
                        "the value holding it is {}, not a struct{}",
                        value.kind(),
                        path::each_hint(value)
                    ),
                ))
            }
        };
        let unchosen_variant = !chosen && matches!(value, Value::Variant { .. });
        match missing {
            Missing::Insert if unchosen_variant => {
                return Err(which_variant(value, parent, field, &here))
            }
            Missing::Insert => {}
            Missing::Fail if has => {}
            // Another variant may be the one with the field: leave this one alone.
            Missing::Fail if unchosen_variant => continue,
            Missing::Fail => {
                return Err(state_error(
                    &here,
                    format!("no such field in {}", value.kind()),
                ))
            }
        }
        edit(value, &here)?;
    }
    Ok(())
}

fn has_field(fields: &Fields, field: &str) -> bool {
    match fields {
        Fields::Named(named) => named.iter().any(|(name, _)| name == field),
        Fields::Tuple(values) => field.parse::<usize>().is_ok_and(|i| i < values.len()),
        Fields::Newtype(_) => field == "0",
        Fields::Unit => false,
    }
}

/// The error for adding a field to an enum value no `::Variant` step chose (the
/// field would land in whichever variant each value happens to be).
fn which_variant(value: &Value, parent: &str, field: &str, here: &str) -> Error {
    let variant = match value {
        Value::Variant { variant, .. } => variant.as_str(),
        _ => "Variant",
    };
    state_error(
        here,
        format!(
            "the value holding it is {}: say which variant gets the field, as in `{parent}::{variant}.{field}`",
            value.kind()
        ),
    )
}

/// The named fields of a struct or variant (at `here`, the field's path), or an
/// error saying it has none.
fn named_fields<'f>(
    holder: &'f mut Value,
    here: &str,
) -> Result<&'f mut Vec<(String, Value)>, Error> {
    if !matches!(holder.fields(), Some(Fields::Named(_))) {
        return Err(state_error(
            here,
            format!(
                "{} has no named fields; only named fields can be renamed, added or removed",
                holder.kind()
            ),
        ));
    }
    match holder.fields_mut() {
        Some(Fields::Named(named)) => Ok(named),
        _ => unreachable!("checked just above"),
    }
}
