//! Any `Serialize` value → [`Value`], and [`Value`]'s own JSON-friendly `Serialize`.

use serde::ser::{self, Serialize, SerializeMap, Serializer};

use super::de::map_step;
use super::{Fields, Value, ValueError};

/// Builds the [`Value`] of `value`, with the names of its types, fields and
/// variants, as serde's data model describes it.
///
/// Like postcard, this serializer is not human-readable, so types that serialize
/// differently for people (`IpAddr`, for one) take the compact form a saved file
/// holds. A failing `Serialize` impl's error says where it was raised.
///
/// # Example
///
/// ```
/// use persist_core::value::{to_value, Fields, Value};
///
/// #[derive(serde::Serialize)]
/// enum Order { Market { qty: u32 }, Cancel }
///
/// let v = to_value(&vec![Order::Market { qty: 5 }, Order::Cancel])?;
/// let Value::Seq(items) = v else { panic!("a Vec becomes a Seq") };
/// assert_eq!(items[0].field("qty"), Some(&Value::U32(5)));
/// assert!(matches!(&items[1], Value::Variant { variant, fields: Fields::Unit, index: 1, .. } if variant == "Cancel"));
/// # Ok::<(), persist_core::value::ValueError>(())
/// ```
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, ValueError> {
    value.serialize(ValueSerializer)
}

/// A capacity from a length hint, bounded: the hint comes from a `Serialize` impl
/// and could be wrong; the vectors grow past it as needed.
fn capacity(len: Option<usize>) -> usize {
    len.unwrap_or(0).min(1024)
}

/// The serializer behind [`to_value`].
struct ValueSerializer;

impl Serializer for ValueSerializer {
    type Ok = Value;
    type Error = ValueError;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = SeqBuilder;
    type SerializeMap = MapBuilder;
    type SerializeStruct = StructBuilder;
    type SerializeStructVariant = StructBuilder;

    fn serialize_bool(self, v: bool) -> Result<Value, ValueError> {
        Ok(Value::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Value, ValueError> {
        Ok(Value::I8(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Value, ValueError> {
        Ok(Value::I16(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Value, ValueError> {
        Ok(Value::I32(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Value, ValueError> {
        Ok(Value::I64(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Value, ValueError> {
        Ok(Value::I128(v))
    }

    fn serialize_u8(self, v: u8) -> Result<Value, ValueError> {
        Ok(Value::U8(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Value, ValueError> {
        Ok(Value::U16(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Value, ValueError> {
        Ok(Value::U32(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Value, ValueError> {
        Ok(Value::U64(v))
    }

    fn serialize_u128(self, v: u128) -> Result<Value, ValueError> {
        Ok(Value::U128(v))
    }

    fn serialize_f32(self, v: f32) -> Result<Value, ValueError> {
        Ok(Value::F32(v))
    }

    fn serialize_f64(self, v: f64) -> Result<Value, ValueError> {
        Ok(Value::F64(v))
    }

    fn serialize_char(self, v: char) -> Result<Value, ValueError> {
        Ok(Value::Char(v))
    }

    fn serialize_str(self, v: &str) -> Result<Value, ValueError> {
        Ok(Value::String(v.to_owned()))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Value, ValueError> {
        Ok(Value::Bytes(v.to_vec()))
    }

    fn serialize_none(self) -> Result<Value, ValueError> {
        Ok(Value::Option(None))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, ValueError> {
        Ok(Value::Option(Some(Box::new(to_value(value)?))))
    }

    fn serialize_unit(self) -> Result<Value, ValueError> {
        Ok(Value::Unit)
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<Value, ValueError> {
        Ok(Value::Struct {
            name: name.to_owned(),
            fields: Fields::Unit,
        })
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        variant_index: u32,
        variant: &'static str,
    ) -> Result<Value, ValueError> {
        Ok(Value::Variant {
            name: name.to_owned(),
            variant: variant.to_owned(),
            index: variant_index,
            fields: Fields::Unit,
        })
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, ValueError> {
        Ok(Value::Struct {
            name: name.to_owned(),
            fields: Fields::Newtype(Box::new(to_value(value)?)),
        })
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        variant_index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, ValueError> {
        Ok(Value::Variant {
            name: name.to_owned(),
            variant: variant.to_owned(),
            index: variant_index,
            fields: Fields::Newtype(Box::new(to_value(value)?)),
        })
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder, ValueError> {
        Ok(SeqBuilder::new(SeqKind::Seq, len))
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder, ValueError> {
        Ok(SeqBuilder::new(SeqKind::Tuple, Some(len)))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<SeqBuilder, ValueError> {
        Ok(SeqBuilder::new(SeqKind::Struct { name }, Some(len)))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        variant_index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqBuilder, ValueError> {
        let kind = SeqKind::Variant {
            name,
            variant,
            index: variant_index,
        };
        Ok(SeqBuilder::new(kind, Some(len)))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder, ValueError> {
        Ok(MapBuilder {
            entries: Vec::with_capacity(capacity(len)),
            pending_key: None,
        })
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<StructBuilder, ValueError> {
        Ok(StructBuilder {
            name,
            variant: None,
            fields: Vec::with_capacity(capacity(Some(len))),
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        variant_index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<StructBuilder, ValueError> {
        Ok(StructBuilder {
            name,
            variant: Some((variant, variant_index)),
            fields: Vec::with_capacity(capacity(Some(len))),
        })
    }

    fn is_human_readable(&self) -> bool {
        // The value must have the shape postcard gives the same type in a file.
        false
    }
}

/// What a [`SeqBuilder`] builds.
enum SeqKind {
    Seq,
    Tuple,
    Struct {
        name: &'static str,
    },
    Variant {
        name: &'static str,
        variant: &'static str,
        index: u32,
    },
}

/// Collects the elements of a sequence, a tuple, a tuple struct or a tuple variant.
struct SeqBuilder {
    kind: SeqKind,
    items: Vec<Value>,
}

impl SeqBuilder {
    fn new(kind: SeqKind, len: Option<usize>) -> Self {
        SeqBuilder {
            kind,
            items: Vec::with_capacity(capacity(len)),
        }
    }

    /// Adds an element; its error names its index.
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        let index = self.items.len();
        let item = to_value(value).map_err(|e| e.inside(&format!("[{index}]")))?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Value {
        match self.kind {
            SeqKind::Seq => Value::Seq(self.items),
            SeqKind::Tuple => Value::Tuple(self.items),
            SeqKind::Struct { name } => Value::Struct {
                name: name.to_owned(),
                fields: Fields::Tuple(self.items),
            },
            SeqKind::Variant {
                name,
                variant,
                index,
            } => Value::Variant {
                name: name.to_owned(),
                variant: variant.to_owned(),
                index,
                fields: Fields::Tuple(self.items),
            },
        }
    }
}

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }

    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }

    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }

    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for SeqBuilder {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }

    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

/// Collects the entries of a map, in the order they are given.
struct MapBuilder {
    entries: Vec<(Value, Value)>,
    /// The key whose value comes next.
    pending_key: Option<Value>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ValueError> {
        if self.pending_key.is_some() {
            return Err(ValueError::new("a map key was given twice without a value"));
        }
        let key = to_value(key).map_err(|e| e.inside("{..}"))?;
        self.pending_key = Some(key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        let key = self
            .pending_key
            .take()
            .ok_or_else(|| ValueError::new("a map value was given before its key"))?;
        let value = to_value(value).map_err(|e| e.inside(&map_step(&key)))?;
        self.entries.push((key, value));
        Ok(())
    }

    fn end(self) -> Result<Value, ValueError> {
        match self.pending_key {
            Some(key) => {
                Err(ValueError::new("a map key was given without a value").inside(&map_step(&key)))
            }
            None => Ok(Value::Map(self.entries)),
        }
    }
}

/// Collects the named fields of a struct or a struct variant.
struct StructBuilder {
    name: &'static str,
    /// The variant's name and index, for a struct variant.
    variant: Option<(&'static str, u32)>,
    fields: Vec<(String, Value)>,
}

impl StructBuilder {
    /// Adds a field; its error names the field.
    fn push<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ValueError> {
        let value = to_value(value).map_err(|e| e.inside(key))?;
        self.fields.push((key.to_owned(), value));
        Ok(())
    }

    fn finish(self) -> Value {
        let fields = Fields::Named(self.fields);
        match self.variant {
            None => Value::Struct {
                name: self.name.to_owned(),
                fields,
            },
            Some((variant, index)) => Value::Variant {
                name: self.name.to_owned(),
                variant: variant.to_owned(),
                index,
                fields,
            },
        }
    }
}

impl ser::SerializeStruct for StructBuilder {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ValueError> {
        self.push(key, value)
    }

    // `skip_field`'s default does nothing: a skipped field is simply absent, as in a
    // file, and `#[serde(default)]` brings it back on the way in.

    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for StructBuilder {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ValueError> {
        self.push(key, value)
    }

    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

/// A JSON-friendly form, for tools that print values (`persist dump` writes it with
/// serde_json): structs become maps from field name to value, newtypes their inner
/// value, unit variants their name, other variants a one-entry map from their name
/// to their fields. Type names and variant indexes are left out.
///
/// This is not the inverse of [`from_value`](super::from_value): serializing a value
/// this way and reading it back does not give the original type.
///
/// ```
/// use persist_core::value::{to_value, Value};
///
/// #[derive(serde::Serialize)]
/// enum Side { Buy }
///
/// let v = to_value(&Side::Buy)?;
/// assert_eq!(to_value(&v)?, Value::String("Buy".into()));
/// # Ok::<(), persist_core::value::ValueError>(())
/// ```
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(v) => serializer.serialize_bool(*v),
            Value::U8(v) => serializer.serialize_u8(*v),
            Value::U16(v) => serializer.serialize_u16(*v),
            Value::U32(v) => serializer.serialize_u32(*v),
            Value::U64(v) => serializer.serialize_u64(*v),
            Value::U128(v) => serializer.serialize_u128(*v),
            Value::I8(v) => serializer.serialize_i8(*v),
            Value::I16(v) => serializer.serialize_i16(*v),
            Value::I32(v) => serializer.serialize_i32(*v),
            Value::I64(v) => serializer.serialize_i64(*v),
            Value::I128(v) => serializer.serialize_i128(*v),
            Value::F32(v) => serializer.serialize_f32(*v),
            Value::F64(v) => serializer.serialize_f64(*v),
            Value::Char(v) => serializer.serialize_char(*v),
            Value::String(v) => serializer.serialize_str(v),
            Value::Bytes(v) => serializer.serialize_bytes(v),
            Value::Unit => serializer.serialize_unit(),
            Value::Option(None) => serializer.serialize_none(),
            Value::Option(Some(v)) => serializer.serialize_some(v.as_ref()),
            Value::Seq(items) | Value::Tuple(items) => serializer.collect_seq(items),
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            Value::Struct { fields, .. } => FieldsForm(fields).serialize(serializer),
            Value::Variant {
                variant,
                fields: Fields::Unit,
                ..
            } => serializer.serialize_str(variant),
            Value::Variant {
                variant, fields, ..
            } => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(variant, &FieldsForm(fields))?;
                map.end()
            }
        }
    }
}

/// The JSON-friendly form of a struct's or a variant's fields.
struct FieldsForm<'a>(&'a Fields);

impl Serialize for FieldsForm<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Fields::Unit => serializer.serialize_unit(),
            Fields::Newtype(inner) => inner.serialize(serializer),
            Fields::Tuple(items) => serializer.collect_seq(items),
            Fields::Named(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (name, value) in fields {
                    map.serialize_entry(name.as_str(), value)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::{Serialize, Serializer};

    use super::to_value;
    use crate::value::{Fields, Value};

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    #[derive(Serialize)]
    struct Point {
        x: i32,
        y: i32,
    }

    #[derive(Serialize)]
    struct Pair(u8, char);

    #[derive(Serialize)]
    struct Marker;

    #[derive(Serialize)]
    struct Meters(f64);

    #[derive(Serialize)]
    enum Shape {
        Empty,
        Circle(f64),
        Rect(u32, u32),
        Poly { closed: bool },
    }

    #[test]
    fn primitives_map_to_their_variants() {
        assert_eq!(to_value(&true).unwrap(), Value::Bool(true));
        assert_eq!(to_value(&1u8).unwrap(), Value::U8(1));
        assert_eq!(to_value(&1u16).unwrap(), Value::U16(1));
        assert_eq!(to_value(&1u32).unwrap(), Value::U32(1));
        assert_eq!(to_value(&1u64).unwrap(), Value::U64(1));
        assert_eq!(to_value(&7usize).unwrap(), Value::U64(7));
        assert_eq!(to_value(&u128::MAX).unwrap(), Value::U128(u128::MAX));
        assert_eq!(to_value(&-1i8).unwrap(), Value::I8(-1));
        assert_eq!(to_value(&-1i16).unwrap(), Value::I16(-1));
        assert_eq!(to_value(&-1i32).unwrap(), Value::I32(-1));
        assert_eq!(to_value(&-1i64).unwrap(), Value::I64(-1));
        assert_eq!(to_value(&-7isize).unwrap(), Value::I64(-7));
        assert_eq!(to_value(&i128::MIN).unwrap(), Value::I128(i128::MIN));
        assert_eq!(to_value(&1.5f32).unwrap(), Value::F32(1.5));
        assert_eq!(to_value(&1.5f64).unwrap(), Value::F64(1.5));
        assert_eq!(to_value(&'é').unwrap(), Value::Char('é'));
        assert_eq!(to_value("日本").unwrap(), s("日本"));
        assert_eq!(to_value(&()).unwrap(), Value::Unit);
    }

    #[test]
    fn containers_keep_their_shape() {
        assert_eq!(
            to_value(&vec![1u8, 2]).unwrap(),
            Value::Seq(vec![Value::U8(1), Value::U8(2)])
        );
        assert_eq!(
            to_value(&[1u8, 2]).unwrap(),
            Value::Tuple(vec![Value::U8(1), Value::U8(2)]),
            "serde writes fixed-size arrays as tuples"
        );
        assert_eq!(
            to_value(&(1u8, "a")).unwrap(),
            Value::Tuple(vec![Value::U8(1), s("a")])
        );
        assert_eq!(
            to_value(&Some(None::<u8>)).unwrap(),
            Value::Option(Some(Box::new(Value::Option(None))))
        );
        assert_eq!(
            to_value(&BTreeMap::from([("k", 1u8)])).unwrap(),
            Value::Map(vec![(s("k"), Value::U8(1))])
        );
        assert_eq!(to_value(&Box::new(3u8)).unwrap(), Value::U8(3));
    }

    #[test]
    fn structs_carry_their_names() {
        assert_eq!(
            to_value(&Point { x: 1, y: -2 }).unwrap(),
            Value::Struct {
                name: "Point".into(),
                fields: Fields::Named(vec![
                    ("x".into(), Value::I32(1)),
                    ("y".into(), Value::I32(-2))
                ]),
            }
        );
        assert_eq!(
            to_value(&Pair(1, 'c')).unwrap(),
            Value::Struct {
                name: "Pair".into(),
                fields: Fields::Tuple(vec![Value::U8(1), Value::Char('c')]),
            }
        );
        assert_eq!(
            to_value(&Marker).unwrap(),
            Value::Struct {
                name: "Marker".into(),
                fields: Fields::Unit,
            }
        );
        assert_eq!(
            to_value(&Meters(2.0)).unwrap(),
            Value::Struct {
                name: "Meters".into(),
                fields: Fields::Newtype(Box::new(Value::F64(2.0))),
            }
        );
    }

    #[test]
    fn variants_carry_name_variant_and_index() {
        let variant = |variant: &str, index, fields| Value::Variant {
            name: "Shape".into(),
            variant: variant.into(),
            index,
            fields,
        };
        assert_eq!(
            to_value(&Shape::Empty).unwrap(),
            variant("Empty", 0, Fields::Unit)
        );
        assert_eq!(
            to_value(&Shape::Circle(1.0)).unwrap(),
            variant("Circle", 1, Fields::Newtype(Box::new(Value::F64(1.0))))
        );
        assert_eq!(
            to_value(&Shape::Rect(1, 2)).unwrap(),
            variant("Rect", 2, Fields::Tuple(vec![Value::U32(1), Value::U32(2)]))
        );
        assert_eq!(
            to_value(&Shape::Poly { closed: true }).unwrap(),
            variant(
                "Poly",
                3,
                Fields::Named(vec![("closed".into(), Value::Bool(true))])
            )
        );
    }

    #[test]
    fn skipped_fields_are_absent() {
        #[derive(Serialize)]
        struct Sparse {
            a: u8,
            #[serde(skip_serializing_if = "Option::is_none")]
            b: Option<u8>,
        }
        let v = to_value(&Sparse { a: 1, b: None }).unwrap();
        assert_eq!(
            v.fields(),
            Some(&Fields::Named(vec![("a".into(), Value::U8(1))]))
        );
    }

    /// Fails to serialize, with a message.
    struct Broken;

    impl Serialize for Broken {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot save a Broken"))
        }
    }

    #[test]
    fn serialize_errors_say_where() {
        #[derive(Serialize)]
        struct Holder {
            items: Vec<BTreeMap<&'static str, Broken>>,
        }
        let holder = Holder {
            items: vec![BTreeMap::new(), BTreeMap::from([("AAPL", Broken)])],
        };
        let err = to_value(&holder).unwrap_err();
        assert_eq!(err.to_string(), "at `items[1]{AAPL}`: cannot save a Broken");
    }

    /// The JSON-friendly form, read back as a `Value` to look at its shape.
    fn json_form(value: &Value) -> Value {
        to_value(value).unwrap()
    }

    #[test]
    fn json_form_of_structs_is_a_map_by_field_name() {
        let point = to_value(&Point { x: 1, y: 2 }).unwrap();
        assert_eq!(
            json_form(&point),
            Value::Map(vec![(s("x"), Value::I32(1)), (s("y"), Value::I32(2))])
        );
        assert_eq!(
            json_form(&to_value(&Pair(1, 'c')).unwrap()),
            Value::Seq(vec![Value::U8(1), Value::Char('c')])
        );
        assert_eq!(json_form(&to_value(&Marker).unwrap()), Value::Unit);
        assert_eq!(json_form(&to_value(&Meters(2.0)).unwrap()), Value::F64(2.0));
    }

    #[test]
    fn json_form_of_variants_is_a_name_or_a_one_entry_map() {
        assert_eq!(json_form(&to_value(&Shape::Empty).unwrap()), s("Empty"));
        assert_eq!(
            json_form(&to_value(&Shape::Circle(1.0)).unwrap()),
            Value::Map(vec![(s("Circle"), Value::F64(1.0))])
        );
        assert_eq!(
            json_form(&to_value(&Shape::Rect(1, 2)).unwrap()),
            Value::Map(vec![(
                s("Rect"),
                Value::Seq(vec![Value::U32(1), Value::U32(2)])
            )])
        );
        assert_eq!(
            json_form(&to_value(&Shape::Poly { closed: false }).unwrap()),
            Value::Map(vec![(
                s("Poly"),
                Value::Map(vec![(s("closed"), Value::Bool(false))])
            )])
        );
    }

    #[test]
    fn json_form_of_the_rest_is_itself() {
        let plain = [
            Value::Bool(false),
            Value::U128(u128::MAX),
            Value::I128(i128::MIN),
            Value::F32(0.5),
            Value::Char('x'),
            s("s"),
            Value::Bytes(vec![1, 2]),
            Value::Unit,
            Value::Option(None),
            Value::Option(Some(Box::new(Value::U8(1)))),
            Value::Seq(vec![Value::U8(1)]),
            Value::Map(vec![(Value::U32(1), s("one"))]),
        ];
        for value in plain {
            assert_eq!(json_form(&value), value);
        }
        // Tuples have no JSON form of their own: a sequence.
        assert_eq!(
            json_form(&Value::Tuple(vec![Value::U8(1)])),
            Value::Seq(vec![Value::U8(1)])
        );
        // Nested names go too.
        let nested = to_value(&vec![Some(Point { x: 0, y: 0 })]).unwrap();
        assert_eq!(
            json_form(&nested),
            Value::Seq(vec![Value::Option(Some(Box::new(Value::Map(vec![
                (s("x"), Value::I32(0)),
                (s("y"), Value::I32(0))
            ]))))])
        );
    }
}
