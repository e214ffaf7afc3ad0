//! A dynamic value tree: any saved payload, decoded with the schema stored in its
//! file, without the Rust type that wrote it.
//!
//! A [`Value`] covers serde's whole data model. It is what migrations edit (through
//! [`RecState`](crate::RecState)), what `persist dump` prints, and what a load
//! deserializes a type from when the file's layout is not the type's own: structs
//! are handed to serde by field name, so serde's own rules (`#[serde(default)]`,
//! ignored unknown fields, any field order) settle added, removed and reordered
//! fields.
//!
//! - [`decode`]: payload bytes + stored schema → `Value`;
//! - [`from_value`]: `Value` → any `Deserialize` type;
//! - [`to_value`]: any `Serialize` value → `Value`.

mod de;
mod decode;
mod ser;

use std::fmt::{self, Display, Formatter};

pub use de::from_value;
pub use decode::decode;
pub use ser::to_value;

/// One value of serde's data model, with the names of its types, fields and
/// variants.
///
/// # Example
///
/// ```
/// use persist_core::value::{to_value, Fields, Value};
///
/// #[derive(serde::Serialize)]
/// struct Point { x: i32, y: i32 }
///
/// let v = to_value(&Point { x: 1, y: -2 })?;
/// assert_eq!(v.field("y"), Some(&Value::I32(-2)));
/// assert!(matches!(v, Value::Struct { ref name, fields: Fields::Named(_) } if name == "Point"));
/// # Ok::<(), persist_core::value::ValueError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `bool`
    Bool(bool),
    /// `u8`
    U8(u8),
    /// `u16`
    U16(u16),
    /// `u32`
    U32(u32),
    /// `u64` (and `usize`, stored as 64 bits)
    U64(u64),
    /// `u128`
    U128(u128),
    /// `i8`
    I8(i8),
    /// `i16`
    I16(i16),
    /// `i32`
    I32(i32),
    /// `i64` (and `isize`, stored as 64 bits)
    I64(i64),
    /// `i128`
    I128(i128),
    /// `f32`
    F32(f32),
    /// `f64`
    F64(f64),
    /// `char`
    Char(char),
    /// A string.
    String(String),
    /// A byte string (serde's `bytes`).
    Bytes(Vec<u8>),
    /// `()`
    Unit,
    /// An `Option`.
    Option(Option<Box<Value>>),
    /// A sequence: a `Vec`, a set, or a fixed-size array.
    Seq(Vec<Value>),
    /// A tuple.
    Tuple(Vec<Value>),
    /// A map, its entries in stored order.
    Map(Vec<(Value, Value)>),
    /// A struct: its type's name and its fields.
    Struct {
        /// The type's name, as its schema gives it.
        name: String,
        /// Its fields.
        fields: Fields,
    },
    /// An enum value: its type's name, the variant and the variant's fields.
    Variant {
        /// The enum's name, as its schema gives it.
        name: String,
        /// The variant's name.
        variant: String,
        /// The variant's index in the enum's declaration (how postcard stores it).
        index: u32,
        /// The variant's fields.
        fields: Fields,
    },
}

/// The fields of a struct or an enum variant, in the four shapes serde knows.
///
/// ```
/// use persist_core::value::{Fields, Value};
/// let f = Fields::Named(vec![("x".into(), Value::U8(1))]);
/// assert_eq!(f.get("x"), Some(&Value::U8(1)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Fields {
    /// No fields.
    Unit,
    /// One unnamed field.
    Newtype(Box<Value>),
    /// Several unnamed fields.
    Tuple(Vec<Value>),
    /// Named fields, in stored order.
    Named(Vec<(String, Value)>),
}

impl Fields {
    /// The named field `name`, if these are named fields and one has that name.
    ///
    /// See [`Fields`] for an example.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Fields::Named(fields) => fields.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The named field `name`, mutably.
    ///
    /// ```
    /// use persist_core::value::{Fields, Value};
    /// let mut f = Fields::Named(vec![("x".into(), Value::U8(1))]);
    /// *f.get_mut("x").unwrap() = Value::U8(2);
    /// assert_eq!(f.get("x"), Some(&Value::U8(2)));
    /// ```
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Fields::Named(fields) => fields.iter_mut().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl Value {
    /// The named field `name` of a struct, or of an enum value's variant.
    ///
    /// See [`Value`] for an example.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields()?.get(name)
    }

    /// The named field `name` of a struct or variant, mutably.
    ///
    /// ```
    /// use persist_core::value::{to_value, Value};
    /// #[derive(serde::Serialize)]
    /// struct A { n: u8 }
    /// let mut v = to_value(&A { n: 1 })?;
    /// *v.field_mut("n").unwrap() = Value::U8(9);
    /// assert_eq!(v.field("n"), Some(&Value::U8(9)));
    /// # Ok::<(), persist_core::value::ValueError>(())
    /// ```
    pub fn field_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.fields_mut()?.get_mut(name)
    }

    /// The fields of a struct or of an enum value's variant.
    ///
    /// ```
    /// use persist_core::value::{Fields, Value};
    /// assert!(Value::U8(1).fields().is_none());
    /// ```
    pub fn fields(&self) -> Option<&Fields> {
        match self {
            Value::Struct { fields, .. } | Value::Variant { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// The fields of a struct or variant, mutably.
    ///
    /// ```
    /// use persist_core::value::Value;
    /// assert!(Value::Unit.fields_mut().is_none());
    /// ```
    pub fn fields_mut(&mut self) -> Option<&mut Fields> {
        match self {
            Value::Struct { fields, .. } | Value::Variant { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// What kind of value this is, for messages: "a struct `Point`", "a u32", ...
    ///
    /// ```
    /// use persist_core::value::Value;
    /// assert_eq!(Value::U32(1).kind(), "a u32");
    /// ```
    pub fn kind(&self) -> String {
        match self {
            Value::Bool(_) => "a bool".into(),
            Value::U8(_) => "a u8".into(),
            Value::U16(_) => "a u16".into(),
            Value::U32(_) => "a u32".into(),
            Value::U64(_) => "a u64".into(),
            Value::U128(_) => "a u128".into(),
            Value::I8(_) => "an i8".into(),
            Value::I16(_) => "an i16".into(),
            Value::I32(_) => "an i32".into(),
            Value::I64(_) => "an i64".into(),
            Value::I128(_) => "an i128".into(),
            Value::F32(_) => "an f32".into(),
            Value::F64(_) => "an f64".into(),
            Value::Char(_) => "a char".into(),
            Value::String(_) => "a string".into(),
            Value::Bytes(_) => "a byte string".into(),
            Value::Unit => "a unit".into(),
            Value::Option(_) => "an option".into(),
            Value::Seq(_) => "a sequence".into(),
            Value::Tuple(_) => "a tuple".into(),
            Value::Map(_) => "a map".into(),
            Value::Struct { name, .. } => format!("a struct `{name}`"),
            Value::Variant { name, variant, .. } => format!("the variant `{name}::{variant}`"),
        }
    }
}

/// A value that does not fit what it was asked to become, or a type whose
/// `Serialize` failed while building a value; with the place in the value.
///
/// ```
/// use persist_core::value::{from_value, Value};
/// let err = from_value::<u8>(Value::String("x".into())).unwrap_err();
/// assert!(err.to_string().contains("string"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    /// What went wrong.
    pub message: String,
    /// Where in the value: `positions[2].symbol`, or empty for the root.
    pub path: String,
}

impl ValueError {
    /// An error at the root of the value.
    ///
    /// ```
    /// use persist_core::value::ValueError;
    /// assert_eq!(ValueError::new("bad").to_string(), "bad");
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
            path: String::new(),
        }
    }

    /// The same error, one step further from the root: `step` is a field name,
    /// `[3]` for a sequence element, or `{key}` for a map entry.
    ///
    /// ```
    /// use persist_core::value::ValueError;
    /// let e = ValueError::new("bad").inside("[2]").inside("positions");
    /// assert_eq!(e.to_string(), "at `positions[2]`: bad");
    /// ```
    pub fn inside(mut self, step: &str) -> Self {
        let joiner = if self.path.is_empty() || self.path.starts_with(['[', '{']) {
            ""
        } else {
            "."
        };
        self.path = format!("{step}{joiner}{}", self.path);
        self
    }
}

impl Display for ValueError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ValueError {}

impl serde::de::Error for ValueError {
    fn custom<T: Display>(message: T) -> Self {
        ValueError::new(message.to_string())
    }
}

impl serde::ser::Error for ValueError {
    fn custom<T: Display>(message: T) -> Self {
        ValueError::new(message.to_string())
    }
}
