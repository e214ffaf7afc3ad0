//! Paths into a [`Value`]: their parsing, and the walk to the places they name.
//!
//! Two walks, one over `&mut Value` for the edits and one over `&Value` for `get`,
//! follow the same rules (see the [module documentation](super)): what depends only
//! on the layout is checked, what depends on the data is skipped.

use crate::error::Error;
use crate::value::{Fields, Value};

/// One step of a path.
#[derive(Debug, PartialEq)]
pub(super) enum Step<'p> {
    /// A field, by name (or by index for unnamed fields and tuples).
    Field(&'p str),
    /// Every element of a sequence, or value of a map.
    Each,
    /// Only an enum value of this variant.
    Variant(&'p str),
}

/// Parses `path` into steps: `a.b[]::V.c` → a, b, each, variant V, c.
pub(super) fn steps(path: &str) -> Result<Vec<Step<'_>>, Error> {
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
            if variant.is_empty() || variant.contains(['[', ']', ':']) {
                return Err(state_error(path, "`::` must be followed by a variant name"));
            }
            steps.push(Step::Variant(variant));
        }
    }
    Ok(steps)
}

/// `path` without its last step (which must be a field), and that field.
pub(super) fn split_last(path: &str) -> Result<(&str, &str), Error> {
    steps(path)?;
    let (parent, field) = match path.rsplit_once('.') {
        Some((parent, field)) => (parent, field),
        None => ("", path),
    };
    if !is_field_name(field) {
        return Err(state_error(
            path,
            "the path must end with a field name, as in `positions[].symbol`",
        ));
    }
    Ok((parent, field))
}

/// Whether `name` can name a field in a path.
pub(super) fn is_field_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['.', '[', ']', ':'])
}

/// Whether a final `Option` is looked through (to the struct it holds, for an edit
/// of its fields) or is itself the value wanted (for `map_value` and `get`).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum FinalOption {
    LookThrough,
    Keep,
}

/// A place a path reached, for an edit.
pub(super) struct Place<'v> {
    /// The value there.
    pub(super) value: &'v mut Value,
    /// Its concrete path, as in `orders[2]::Limit`.
    pub(super) at: String,
    /// Whether a `::Variant` step chose it.
    pub(super) chosen: bool,
}

/// Collects every place `steps` reach from `value` (whose path is `at`), skipping
/// the ones the data does not hold (a `None`, another variant).
pub(super) fn reach_mut<'v>(
    value: &'v mut Value,
    steps: &[Step<'_>],
    at: String,
    chosen: bool,
    option: FinalOption,
    out: &mut Vec<Place<'v>>,
) -> Result<(), Error> {
    let look_through = !steps.is_empty() || option == FinalOption::LookThrough;
    if look_through && matches!(value, Value::Option(_)) {
        return match value {
            Value::Option(Some(inner)) => reach_mut(inner, steps, at, chosen, option, out),
            _ => Ok(()),
        };
    }
    let Some((step, rest)) = steps.split_first() else {
        out.push(Place { value, at, chosen });
        return Ok(());
    };
    match step {
        Step::Field(name) => {
            if child(value, name).is_none() {
                return match missing_child(value, &at, name, chosen) {
                    Skip::Data(_) => Ok(()),
                    Skip::Layout(error) => Err(error),
                };
            }
            let next = child_mut(value, name).expect("the child was just found");
            reach_mut(next, rest, join(&at, name), false, option, out)
        }
        Step::Each => {
            let items: Vec<(String, &mut Value)> = match value {
                Value::Seq(items) | Value::Tuple(items) => items
                    .iter_mut()
                    .enumerate()
                    .map(|(i, item)| (format!("{at}[{i}]"), item))
                    .collect(),
                Value::Map(entries) => entries
                    .iter_mut()
                    .map(|(key, item)| (format!("{at}{}", entry_step(key)), &mut *item))
                    .collect(),
                other => return Err(not_a_collection(&at, other)),
            };
            for (at, item) in items {
                reach_mut(item, rest, at, false, option, out)?;
            }
            Ok(())
        }
        Step::Variant(name) => match variant_of(value, &at, name)? {
            Some(at) => reach_mut(value, rest, at, true, option, out),
            None => Ok(()),
        },
    }
}

/// Collects every value `steps` reach from `value` (whose path is `at`). With
/// `strict` (the whole path, when it has no `[]` and so names one value), a place
/// the data does not hold is an error that says why; otherwise it is skipped, as
/// [`reach_mut`] skips it.
pub(super) fn reach_ref<'v>(
    value: &'v Value,
    steps: &[Step<'_>],
    at: String,
    chosen: bool,
    strict: Option<&str>,
    out: &mut Vec<&'v Value>,
) -> Result<(), Error> {
    let skip = |why: String| match strict {
        Some(path) => Err(state_error(path, format!("no value: {why}"))),
        None => Ok(()),
    };
    if let Value::Option(inner) = value {
        if !steps.is_empty() {
            return match inner {
                Some(inner) => reach_ref(inner, steps, at, chosen, strict, out),
                None => skip(format!("{} is None", described(&at))),
            };
        }
    }
    let Some((step, rest)) = steps.split_first() else {
        out.push(value);
        return Ok(());
    };
    match step {
        Step::Field(name) => match child(value, name) {
            Some(next) => reach_ref(next, rest, join(&at, name), false, strict, out),
            None => match missing_child(value, &at, name, chosen) {
                Skip::Data(why) => skip(why),
                Skip::Layout(error) => Err(error),
            },
        },
        Step::Each => {
            let items: Vec<(String, &Value)> = match value {
                Value::Seq(items) | Value::Tuple(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (format!("{at}[{i}]"), item))
                    .collect(),
                Value::Map(entries) => entries
                    .iter()
                    .map(|(key, item)| (format!("{at}{}", entry_step(key)), item))
                    .collect(),
                other => return Err(not_a_collection(&at, other)),
            };
            for (at, item) in items {
                reach_ref(item, rest, at, false, strict, out)?;
            }
            Ok(())
        }
        Step::Variant(name) => match variant_of(value, &at, name) {
            Ok(Some(at)) => reach_ref(value, rest, at, true, strict, out),
            Ok(None) => skip(format!(
                "{} is {}, not `{name}`",
                described(&at),
                value.kind()
            )),
            Err(error) => Err(error),
        },
    }
}

/// Why a field step found nothing.
enum Skip {
    /// The data does not hold it here (another variant): skip the place.
    Data(String),
    /// The layout cannot hold it: the path is wrong.
    Layout(Error),
}

/// Why `value` (at `at`) has no child `name`: an enum value that no `::Variant` step
/// chose may be another variant than the one with the field; anything else lacks
/// it whatever the data.
fn missing_child(value: &Value, at: &str, name: &str, chosen: bool) -> Skip {
    let kind = value.kind();
    let detail = match value {
        Value::Variant { .. } if !chosen => {
            return Skip::Data(format!(
                "{} is {kind}, which has no field `{name}`",
                described(at)
            ))
        }
        Value::Struct { .. } | Value::Variant { .. } | Value::Tuple(_) => {
            format!("no such field in {kind}")
        }
        _ => format!("{kind} has no fields{}", each_hint(value)),
    };
    Skip::Layout(state_error(&join(at, name), detail))
}

/// The path of `value` (at `at`) after a `::name` step when it is that variant,
/// `None` when it is another; an error when it is no enum value at all.
fn variant_of(value: &Value, at: &str, name: &str) -> Result<Option<String>, Error> {
    match value {
        Value::Variant { variant, .. } if variant == name => Ok(Some(format!("{at}::{name}"))),
        Value::Variant { .. } => Ok(None),
        other => Err(state_error(
            &format!("{at}::{name}"),
            format!("expected an enum value, found {}", other.kind()),
        )),
    }
}

/// A hint for a path that names a field of a sequence or map, having forgotten `[]`.
pub(super) fn each_hint(value: &Value) -> &'static str {
    match value {
        Value::Seq(_) | Value::Map(_) => " (`[]` steps into each of its elements)",
        _ => "",
    }
}

fn not_a_collection(at: &str, value: &Value) -> Error {
    state_error(
        &format!("{at}[]"),
        format!("expected a sequence or a map, found {}", value.kind()),
    )
}

/// The child `name` of a struct, a variant or a tuple: a named field, or an unnamed
/// one by its index.
fn child<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    match value {
        Value::Struct { fields, .. } | Value::Variant { fields, .. } => match fields {
            Fields::Named(named) => named.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            Fields::Tuple(values) => name.parse::<usize>().ok().and_then(|i| values.get(i)),
            Fields::Newtype(inner) if name == "0" => Some(inner),
            _ => None,
        },
        Value::Tuple(values) => name.parse::<usize>().ok().and_then(|i| values.get(i)),
        _ => None,
    }
}

/// [`child`], mutably.
fn child_mut<'v>(value: &'v mut Value, name: &str) -> Option<&'v mut Value> {
    match value {
        Value::Struct { fields, .. } | Value::Variant { fields, .. } => match fields {
            Fields::Named(named) => named.iter_mut().find(|(n, _)| n == name).map(|(_, v)| v),
            Fields::Tuple(values) => name.parse::<usize>().ok().and_then(|i| values.get_mut(i)),
            Fields::Newtype(inner) if name == "0" => Some(inner),
            _ => None,
        },
        Value::Tuple(values) => name.parse::<usize>().ok().and_then(|i| values.get_mut(i)),
        _ => None,
    }
}

/// The step that names a map entry in a concrete path, `{key}`, as
/// [`ValueError`](crate::value::ValueError) paths name it.
fn entry_step(key: &Value) -> String {
    match key {
        Value::String(s) => format!("{{{s}}}"),
        Value::Char(c) => format!("{{{c}}}"),
        Value::Bool(b) => format!("{{{b}}}"),
        Value::U8(n) => format!("{{{n}}}"),
        Value::U16(n) => format!("{{{n}}}"),
        Value::U32(n) => format!("{{{n}}}"),
        Value::U64(n) => format!("{{{n}}}"),
        Value::I8(n) => format!("{{{n}}}"),
        Value::I16(n) => format!("{{{n}}}"),
        Value::I32(n) => format!("{{{n}}}"),
        Value::I64(n) => format!("{{{n}}}"),
        _ => "{..}".to_string(),
    }
}

/// A concrete path for a message: `` `orders[0]` ``, or "the value" for the root.
pub(super) fn described(at: &str) -> String {
    if at.is_empty() {
        "the value".to_string()
    } else {
        format!("`{at}`")
    }
}

/// `path.field`, or `field` at the root.
pub(super) fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

pub(super) fn state_error(path: &str, detail: impl Into<String>) -> Error {
    Error::State {
        path: path.to_string(),
        detail: detail.into(),
    }
}
