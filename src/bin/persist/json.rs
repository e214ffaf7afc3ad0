//! The JSON form `persist dump` prints: a [`Value`] converted to a small ordered JSON
//! tree of our own, which serde_json then writes (escaping, number formatting and
//! indentation are serde_json's).
//!
//! Why not `serde_json::Value`: without serde_json's `preserve_order` feature its
//! objects sort their keys, so struct fields would come out in alphabetical order;
//! that feature pulls in indexmap and, through feature unification, would change
//! the map type of every other crate using serde_json in the same build. An
//! object here is a `Vec` of entries, kept in the order the value has them.
//!
//! The conversion rules (also listed in `persist --help`):
//!
//! - structs are objects in field order; tuple structs are arrays, newtype structs
//!   their inner value, unit structs `null`;
//! - unit enum variants are their name; other variants `{"Variant": content}`;
//! - `None` and `()` are `null`, `Some(x)` is `x`;
//! - sequences and tuples are arrays; bytes are arrays of numbers; chars strings;
//! - maps are objects: a key whose JSON form is a string is used as it is, any other
//!   key becomes its compact JSON text (`(1, 2)` → `"[1,2]"`, `7` → `"7"`);
//! - integers of any width whose magnitude exceeds 2^53 (beyond which a JSON number,
//!   read as a double, is no longer exact) are decimal strings;
//! - NaN and the infinities are the strings `"NaN"`, `"inf"` and `"-inf"`.

use persist::value::{Fields, Value};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// The largest magnitude an integer may have to be written as a JSON number: every
/// integer up to 2^53 is exactly a double, as JSON readers commonly parse numbers.
const MAX_EXACT_INT: u64 = 1 << 53;

/// A JSON value whose objects keep their entries in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A negative (or any signed) integer of at most 2^53 in magnitude.
    Int(i64),
    /// An unsigned integer of at most 2^53.
    UInt(u64),
    /// A finite `f32`, kept as one so that it prints with its own shortest digits
    /// (`0.1`, not `0.10000000149011612`).
    F32(f32),
    /// A finite `f64`.
    F64(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, its entries in order.
    Object(Vec<(String, Json)>),
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Int(n) => serializer.serialize_i64(*n),
            Json::UInt(n) => serializer.serialize_u64(*n),
            Json::F32(x) => serializer.serialize_f32(*x),
            Json::F64(x) => serializer.serialize_f64(*x),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// The document `persist dump` prints: `{"rec_id": .., "version": .., "value": ..}`.
pub fn dump_document(rec_id: &str, version: u32, value: &Value) -> Json {
    Json::Object(vec![
        ("rec_id".to_string(), Json::String(rec_id.to_string())),
        ("version".to_string(), Json::UInt(u64::from(version))),
        ("value".to_string(), to_json(value)),
    ])
}

/// Converts `value` to JSON by the rules in this module's documentation.
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::U8(n) => unsigned(u128::from(*n)),
        Value::U16(n) => unsigned(u128::from(*n)),
        Value::U32(n) => unsigned(u128::from(*n)),
        Value::U64(n) => unsigned(u128::from(*n)),
        Value::U128(n) => unsigned(*n),
        Value::I8(n) => signed(i128::from(*n)),
        Value::I16(n) => signed(i128::from(*n)),
        Value::I32(n) => signed(i128::from(*n)),
        Value::I64(n) => signed(i128::from(*n)),
        Value::I128(n) => signed(*n),
        Value::F32(x) if x.is_finite() => Json::F32(*x),
        Value::F32(x) => non_finite(f64::from(*x)),
        Value::F64(x) if x.is_finite() => Json::F64(*x),
        Value::F64(x) => non_finite(*x),
        Value::Char(c) => Json::String(c.to_string()),
        Value::String(s) => Json::String(s.clone()),
        Value::Bytes(bytes) => {
            Json::Array(bytes.iter().map(|b| Json::UInt(u64::from(*b))).collect())
        }
        Value::Unit | Value::Option(None) => Json::Null,
        Value::Option(Some(inner)) => to_json(inner),
        Value::Seq(items) | Value::Tuple(items) => array(items),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, value)| (key_text(key), to_json(value)))
                .collect(),
        ),
        Value::Struct { fields, .. } => fields_json(fields),
        Value::Variant {
            variant,
            fields: Fields::Unit,
            ..
        } => Json::String(variant.clone()),
        Value::Variant {
            variant, fields, ..
        } => Json::Object(vec![(variant.clone(), fields_json(fields))]),
        // `Value` may gain variants: show them as its own serde form says.
        other => fallback(other),
    }
}

/// An array of the JSON forms of `items`.
fn array(items: &[Value]) -> Json {
    Json::Array(items.iter().map(to_json).collect())
}

/// The JSON form of a struct's or a variant's fields.
fn fields_json(fields: &Fields) -> Json {
    match fields {
        Fields::Unit => Json::Null,
        Fields::Newtype(inner) => to_json(inner),
        Fields::Tuple(items) => array(items),
        Fields::Named(named) => Json::Object(
            named
                .iter()
                .map(|(name, value)| (name.clone(), to_json(value)))
                .collect(),
        ),
    }
}

/// An unsigned integer: a number up to 2^53, a decimal string above.
fn unsigned(n: u128) -> Json {
    match u64::try_from(n) {
        Ok(n) if n <= MAX_EXACT_INT => Json::UInt(n),
        _ => Json::String(n.to_string()),
    }
}

/// A signed integer: a number up to 2^53 in magnitude, a decimal string beyond.
fn signed(n: i128) -> Json {
    match i64::try_from(n) {
        Ok(n) if n.unsigned_abs() <= MAX_EXACT_INT => Json::Int(n),
        _ => Json::String(n.to_string()),
    }
}

/// A float JSON has no number for: `"NaN"`, `"inf"` or `"-inf"`.
fn non_finite(x: f64) -> Json {
    let text = if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    };
    Json::String(text.to_string())
}

/// The object key for a map key: its JSON form if that is a string, otherwise its
/// compact JSON text.
fn key_text(key: &Value) -> String {
    match to_json(key) {
        Json::String(s) => s,
        other => compact(&other),
    }
}

/// `json` as compact JSON text.
fn compact(json: &Json) -> String {
    // Cannot fail: a `Json` has only string keys and finite numbers, and a `String`
    // is written to in memory. Should it ever, its debug form still names the key.
    serde_json::to_string(json).unwrap_or_else(|_| format!("{json:?}"))
}

/// The JSON form of a `Value` variant this program does not know (one added to
/// persist after it was written): what `Value`'s own `Serialize` gives, or its
/// debug text if serde_json cannot hold that.
fn fallback(value: &Value) -> Json {
    match serde_json::to_value(value) {
        Ok(json) => from_serde(json),
        Err(_) => Json::String(format!("{value:?}")),
    }
}

/// A `serde_json::Value` as a [`Json`].
fn from_serde(json: serde_json::Value) -> Json {
    match json {
        serde_json::Value::Null => Json::Null,
        serde_json::Value::Bool(b) => Json::Bool(b),
        serde_json::Value::Number(n) => {
            if let Some(n) = n.as_u64() {
                unsigned(u128::from(n))
            } else if let Some(n) = n.as_i64() {
                signed(i128::from(n))
            } else {
                n.as_f64()
                    .map_or_else(|| Json::String(n.to_string()), Json::F64)
            }
        }
        serde_json::Value::String(s) => Json::String(s),
        serde_json::Value::Array(items) => Json::Array(items.into_iter().map(from_serde).collect()),
        serde_json::Value::Object(map) => Json::Object(
            map.into_iter()
                .map(|(key, value)| (key, from_serde(value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compact JSON text of `value`'s conversion.
    fn text(value: &Value) -> String {
        compact(&to_json(value))
    }

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn integers_are_numbers_up_to_2_pow_53_and_strings_beyond() {
        assert_eq!(text(&Value::U64(1 << 53)), "9007199254740992");
        assert_eq!(text(&Value::U64((1 << 53) + 1)), r#""9007199254740993""#);
        assert_eq!(text(&Value::I64(-(1 << 53))), "-9007199254740992");
        assert_eq!(text(&Value::I64(-(1 << 53) - 1)), r#""-9007199254740993""#);
        assert_eq!(text(&Value::I64(i64::MIN)), r#""-9223372036854775808""#);
        assert_eq!(text(&Value::U128(7)), "7");
        assert_eq!(
            text(&Value::U128(u128::MAX)),
            r#""340282366920938463463374607431768211455""#
        );
        assert_eq!(text(&Value::I128(-5)), "-5");
        assert_eq!(
            text(&Value::I128(i128::MIN)),
            r#""-170141183460469231731687303715884105728""#
        );
        assert_eq!(text(&Value::U8(255)), "255");
        assert_eq!(text(&Value::I8(-128)), "-128");
    }

    #[test]
    fn floats_keep_their_digits_and_non_finite_ones_are_strings() {
        assert_eq!(text(&Value::F32(0.1)), "0.1");
        assert_eq!(text(&Value::F64(-2.5)), "-2.5");
        assert_eq!(text(&Value::F64(f64::NAN)), r#""NaN""#);
        assert_eq!(text(&Value::F32(f32::INFINITY)), r#""inf""#);
        assert_eq!(text(&Value::F64(f64::NEG_INFINITY)), r#""-inf""#);
    }

    #[test]
    fn scalars_options_and_sequences() {
        assert_eq!(text(&Value::Bool(true)), "true");
        assert_eq!(text(&Value::Char('é')), r#""é""#);
        assert_eq!(text(&s("a\"b")), r#""a\"b""#);
        assert_eq!(text(&Value::Bytes(vec![0, 255])), "[0,255]");
        assert_eq!(text(&Value::Unit), "null");
        assert_eq!(text(&Value::Option(None)), "null");
        assert_eq!(text(&Value::Option(Some(Box::new(Value::U8(3))))), "3");
        assert_eq!(
            text(&Value::Tuple(vec![Value::U8(1), s("x")])),
            r#"[1,"x"]"#
        );
        assert_eq!(text(&Value::Seq(vec![])), "[]");
    }

    #[test]
    fn map_keys_that_are_not_strings_become_their_json_text() {
        let map = Value::Map(vec![
            (
                Value::Tuple(vec![Value::U8(1), Value::U8(2)]),
                Value::U128(u128::MAX),
            ),
            (Value::U32(7), s("seven")),
            (s("plain"), Value::Bool(false)),
            (Value::Char('c'), Value::Unit),
            (Value::U128(u128::MAX), Value::U8(0)),
        ]);
        assert_eq!(
            text(&map),
            r#"{"[1,2]":"340282366920938463463374607431768211455","7":"seven","plain":false,"c":null,"340282366920938463463374607431768211455":0}"#
        );
    }

    #[test]
    fn structs_keep_field_order() {
        let point = Value::Struct {
            name: "P".into(),
            fields: Fields::Named(vec![
                ("z".into(), Value::I32(1)),
                ("a".into(), Value::I32(2)),
            ]),
        };
        assert_eq!(text(&point), r#"{"z":1,"a":2}"#);
        let newtype = Value::Struct {
            name: "Meters".into(),
            fields: Fields::Newtype(Box::new(Value::F64(2.0))),
        };
        assert_eq!(text(&newtype), "2.0");
        let tuple = Value::Struct {
            name: "Pair".into(),
            fields: Fields::Tuple(vec![Value::U8(1), Value::U8(2)]),
        };
        assert_eq!(text(&tuple), "[1,2]");
        let unit = Value::Struct {
            name: "Marker".into(),
            fields: Fields::Unit,
        };
        assert_eq!(text(&unit), "null");
    }

    #[test]
    fn variants_are_a_name_or_a_one_entry_object() {
        let variant = |variant: &str, fields| Value::Variant {
            name: "Shape".into(),
            variant: variant.into(),
            index: 0,
            fields,
        };
        assert_eq!(text(&variant("Empty", Fields::Unit)), r#""Empty""#);
        assert_eq!(
            text(&variant(
                "Circle",
                Fields::Newtype(Box::new(Value::F64(1.5)))
            )),
            r#"{"Circle":1.5}"#
        );
        assert_eq!(
            text(&variant(
                "Rect",
                Fields::Tuple(vec![Value::U32(1), Value::U32(2)])
            )),
            r#"{"Rect":[1,2]}"#
        );
        assert_eq!(
            text(&variant(
                "Poly",
                Fields::Named(vec![("closed".into(), Value::Bool(true))])
            )),
            r#"{"Poly":{"closed":true}}"#
        );
    }

    #[test]
    fn the_document_has_rec_id_version_and_value_in_that_order() {
        let doc = dump_document("Trade", 1, &Value::U8(1));
        assert_eq!(compact(&doc), r#"{"rec_id":"Trade","version":1,"value":1}"#);
    }
}
