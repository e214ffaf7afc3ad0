//! `RecState`: a saved record as data, for migrations to edit when the Rust type
//! that wrote it no longer exists.
//!
//! Edits name their place with a path: field names joined by `.`, `[]` for every
//! element of a sequence (or every value of a map), and `::Variant` to enter an enum
//! value only when it is that variant. An `Option` is looked through (a `None` has
//! nothing to edit). Examples: `cash`, `positions[].qty`, `orders[]::Limit.price`.
//!
//! Where a path passes through an enum value without `::Variant`, the variants that
//! lack the field are left alone; a struct that lacks it is an error, since that is
//! a mistake in the path.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;
use crate::value::{self, Fields, Value};

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
        let (parent, field) = split_last(path)?;
        for_each_holder(
            &mut self.value,
            parent,
            field,
            Missing::Fail,
            &mut |fields, at| {
                let named = named_fields(fields, at)?;
                if named.iter().any(|(name, _)| name == new_name) {
                    return Err(state_error(
                        at,
                        format!("a field `{new_name}` exists already"),
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
            &mut |fields, at| {
                let named = named_fields(fields, at)?;
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
            &mut |fields, at| {
                let named = named_fields(fields, at)?;
                if named.iter().any(|(name, _)| name == field) {
                    return Err(state_error(at, format!("a field `{field}` exists already")));
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
    /// [`Error::State`] when the path leads nowhere, or a value is not an `A`.
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
    /// a message.
    ///
    /// # Errors
    ///
    /// [`Error::State`] when the path leads nowhere or `f` refuses.
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
        let (parent, field) = split_last(path)?;
        for_each_holder(
            &mut self.value,
            parent,
            field,
            Missing::Fail,
            &mut |fields, at| {
                let slot = match fields {
                    Fields::Named(named) => named
                        .iter_mut()
                        .find(|(name, _)| name == field)
                        .map(|(_, v)| v),
                    Fields::Tuple(values) => {
                        field.parse::<usize>().ok().and_then(|i| values.get_mut(i))
                    }
                    Fields::Newtype(value) if field == "0" => Some(&mut **value),
                    _ => None,
                };
                if let Some(slot) = slot {
                    let old = std::mem::replace(slot, Value::Unit);
                    *slot = f(old).map_err(|message| state_error(&join(at, field), message))?;
                }
                Ok(())
            },
        )?;
        Ok(self)
    }

    /// The value at `path`, read as `T`. A path through `[]` reads the values it
    /// reaches as a sequence (so `positions[].symbol` reads as a `Vec<String>`).
    ///
    /// # Errors
    ///
    /// [`Error::State`] when the path leads nowhere, or the value is not a `T`.
    ///
    /// See [`RecState`] for an example.
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let found = collect(&self.value, &steps(path)?, path)?;
        value::from_value(found).map_err(|e| state_error(path, e.to_string()))
    }
}

/// One step of a path.
#[derive(Debug, PartialEq)]
enum Step<'p> {
    /// A field, by name (or by index for unnamed fields).
    Field(&'p str),
    /// Every element of a sequence, or value of a map.
    Each,
    /// Only an enum value of this variant.
    Variant(&'p str),
}

/// Parses `path` into steps: `a.b[]::V.c` → a, b, each, variant V, c.
fn steps(path: &str) -> Result<Vec<Step<'_>>, Error> {
    let mut steps = Vec::new();
    if path.is_empty() {
        return Ok(steps);
    }
    for part in path.split('.') {
        let (mut head, variant) = match part.split_once("::") {
            Some((head, variant)) => (head, Some(variant)),
            None => (part, None),
        };
        let mut each = 0;
        while let Some(rest) = head.strip_suffix("[]") {
            head = rest;
            each += 1;
        }
        if !head.is_empty() {
            if head.contains(['[', ']', ':']) {
                return Err(state_error(path, format!("`{part}` is not a path step")));
            }
            steps.push(Step::Field(head));
        } else if each == 0 && variant.is_none() {
            return Err(state_error(
                path,
                "an empty step (`..`, or a `.` at an end)",
            ));
        }
        steps.extend((0..each).map(|_| Step::Each));
        if let Some(variant) = variant {
            if variant.is_empty() {
                return Err(state_error(path, "`::` names no variant"));
            }
            steps.push(Step::Variant(variant));
        }
    }
    Ok(steps)
}

/// `path` without its last step (which must be a field), and that field.
fn split_last(path: &str) -> Result<(&str, &str), Error> {
    let (parent, field) = match path.rsplit_once('.') {
        Some((parent, field)) => (parent, field),
        None => ("", path),
    };
    if field.is_empty() || field.contains(['[', ']', ':']) {
        return Err(state_error(
            path,
            "the path must end with a field name, as in `positions[].symbol`",
        ));
    }
    steps(parent)?;
    Ok((parent, field))
}

/// What to do with a struct the parent path reaches that lacks the field.
#[derive(Clone, Copy, PartialEq)]
enum Missing {
    /// An error: the path is wrong (used by edits of an existing field).
    Fail,
    /// Fine: the field is to be added.
    Insert,
}

/// Calls `edit` on the fields of every struct or variant that `parent` reaches
/// under `root`, with the path to it. Enum values whose variant lacks `field` are
/// skipped, unless the path said which variant.
fn for_each_holder(
    root: &mut Value,
    parent: &str,
    field: &str,
    missing: Missing,
    edit: &mut dyn FnMut(&mut Fields, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    let steps = steps(parent)?;
    let mut holders = Vec::new();
    reach(root, &steps, parent.to_string(), false, &mut holders)?;
    let mut found = false;
    for (value, at, chosen_variant) in holders {
        let is_variant = matches!(value, Value::Variant { .. });
        let fields = match value {
            Value::Struct { fields, .. } | Value::Variant { fields, .. } => fields,
            other => {
                return Err(state_error(
                    &at,
                    format!("expected a struct, found {}", other.kind()),
                ))
            }
        };
        let has = has_field(fields, field);
        match missing {
            Missing::Insert if is_variant && !chosen_variant => {
                return Err(state_error(
                    &at,
                    "an enum value: say which variant gets the field, as in `path::Variant.field`",
                ))
            }
            Missing::Insert => {}
            Missing::Fail if has => {}
            // Other variants of an enum may lack the field: leave them alone.
            Missing::Fail if is_variant && !chosen_variant => continue,
            Missing::Fail => {
                return Err(state_error(&join(&at, field), "no such field"));
            }
        }
        found = true;
        edit(fields, &at)?;
    }
    if !found && missing == Missing::Fail && parent_has_no_wildcards(parent) {
        return Err(state_error(
            &join(parent, field),
            "no such field in any variant",
        ));
    }
    Ok(())
}

/// A path with no `[]` reaches exactly one place, so finding nothing there is an
/// error; through `[]` it may reach none (an empty sequence).
fn parent_has_no_wildcards(parent: &str) -> bool {
    !parent.contains("[]")
}

fn has_field(fields: &Fields, field: &str) -> bool {
    match fields {
        Fields::Named(named) => named.iter().any(|(name, _)| name == field),
        Fields::Tuple(values) => field.parse::<usize>().is_ok_and(|i| i < values.len()),
        Fields::Newtype(_) => field == "0",
        Fields::Unit => false,
    }
}

/// Collects mutable references to every value `steps` reach from `value`, with
/// their paths and whether a `::Variant` step chose them.
fn reach<'v>(
    value: &'v mut Value,
    steps: &[Step<'_>],
    at: String,
    chosen: bool,
    out: &mut Vec<(&'v mut Value, String, bool)>,
) -> Result<(), Error> {
    // An option is looked through: `None` holds nothing to edit.
    if let Value::Option(inner) = value {
        return match inner {
            Some(inner) => reach(inner, steps, at, chosen, out),
            None => Ok(()),
        };
    }
    let Some((step, rest)) = steps.split_first() else {
        out.push((value, at, chosen));
        return Ok(());
    };
    match step {
        Step::Field(name) => {
            let kind = value.kind();
            let is_variant = matches!(value, Value::Variant { .. });
            let next = match value.fields_mut() {
                Some(Fields::Named(named)) => {
                    named.iter_mut().find(|(n, _)| n == name).map(|(_, v)| v)
                }
                Some(Fields::Tuple(values)) => {
                    name.parse::<usize>().ok().and_then(|i| values.get_mut(i))
                }
                Some(Fields::Newtype(inner)) if *name == "0" => Some(&mut **inner),
                _ => None,
            };
            match next {
                Some(next) => reach(next, rest, join(&at, name), false, out),
                // Another variant of an enum: nothing of this path is here.
                None if is_variant && !chosen => Ok(()),
                None => Err(state_error(
                    &join(&at, name),
                    format!("no such field in {kind}"),
                )),
            }
        }
        Step::Each => {
            let items: Vec<&mut Value> = match value {
                Value::Seq(items) | Value::Tuple(items) => items.iter_mut().collect(),
                Value::Map(entries) => entries.iter_mut().map(|(_, v)| v).collect(),
                other => {
                    return Err(state_error(
                        &format!("{at}[]"),
                        format!("expected a sequence or a map, found {}", other.kind()),
                    ))
                }
            };
            for (i, item) in items.into_iter().enumerate() {
                reach(item, rest, format!("{at}[{i}]"), false, out)?;
            }
            Ok(())
        }
        Step::Variant(name) => match value {
            Value::Variant { variant, .. } if variant == name => {
                reach(value, rest, format!("{at}::{name}"), true, out)
            }
            Value::Variant { .. } => Ok(()),
            other => Err(state_error(
                &at,
                format!("expected an enum value, found {}", other.kind()),
            )),
        },
    }
}

/// The value `steps` reach from `value`, cloned; through `[]`, a sequence of them.
fn collect(value: &Value, steps: &[Step<'_>], path: &str) -> Result<Value, Error> {
    if let Value::Option(inner) = value {
        return match inner {
            Some(inner) => collect(inner, steps, path),
            None => Ok(Value::Option(None)),
        };
    }
    let Some((step, rest)) = steps.split_first() else {
        return Ok(value.clone());
    };
    match step {
        Step::Field(name) => {
            let next = match value.fields() {
                Some(Fields::Named(named)) => named.iter().find(|(n, _)| n == name).map(|(_, v)| v),
                Some(Fields::Tuple(values)) => {
                    name.parse::<usize>().ok().and_then(|i| values.get(i))
                }
                Some(Fields::Newtype(inner)) if *name == "0" => Some(&**inner),
                _ => None,
            };
            match next {
                Some(next) => collect(next, rest, path),
                None => Err(state_error(
                    path,
                    format!("no field `{name}` in {}", value.kind()),
                )),
            }
        }
        Step::Each => {
            let items: Vec<&Value> = match value {
                Value::Seq(items) | Value::Tuple(items) => items.iter().collect(),
                Value::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
                other => {
                    return Err(state_error(
                        path,
                        format!("expected a sequence or a map, found {}", other.kind()),
                    ))
                }
            };
            let collected = items
                .into_iter()
                .map(|item| collect(item, rest, path))
                .collect::<Result<_, _>>()?;
            Ok(Value::Seq(collected))
        }
        Step::Variant(name) => match value {
            Value::Variant { variant, .. } if variant == name => collect(value, rest, path),
            other => Err(state_error(
                path,
                format!("expected the variant `{name}`, found {}", other.kind()),
            )),
        },
    }
}

/// The named fields of a struct, or an error saying it has none.
fn named_fields<'f>(
    fields: &'f mut Fields,
    at: &str,
) -> Result<&'f mut Vec<(String, Value)>, Error> {
    match fields {
        Fields::Named(named) => Ok(named),
        _ => Err(state_error(
            at,
            "only named fields can be renamed, added or removed",
        )),
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

fn state_error(path: &str, detail: impl Into<String>) -> Error {
    Error::State {
        path: path.to_string(),
        detail: detail.into(),
    }
}
