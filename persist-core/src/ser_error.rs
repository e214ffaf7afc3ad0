//! Recovering the message of a `Serialize` impl's custom error.
//!
//! postcard's `serde::ser::Error::custom` drops its message and returns
//! `Error::SerdeSerCustom` ("Serde Serialization Error"), so a user whose impl fails
//! with a helpful message would never see it. [`explain`] re-runs the impl into
//! [`Probe`], a serializer that writes nothing but keeps the message and the path to
//! where it was raised.

use std::fmt;

use serde::ser::{self, Serialize};

/// Re-runs `value`'s Serialize into a serializer that writes nothing, to recover the
/// message (and the path) of the custom error postcard discarded. Only called after
/// postcard failed, so successful saves pay nothing.
///
/// Returns `` at `.positions[3].price`: <message> ``, or the bare message when the
/// error was raised at the root, or `None` when the re-run succeeds (an impl that does
/// not fail the same way twice).
pub(crate) fn explain<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    value.serialize(Probe::VALUE).err().map(|e| e.to_string())
}

/// A custom error with the path from the root to where it was raised.
#[derive(Debug)]
struct Error {
    /// Segments such as `.price`, `[3]`, `[AAPL]`, `::Limit`, outermost first.
    path: Vec<String>,
    message: String,
}

impl Error {
    /// Prepends `segment`: each compound adds its own as the error passes out through it,
    /// so the path is the one of the place the error was raised.
    fn at(mut self, segment: String) -> Self {
        self.path.insert(0, segment);
        self
    }

    /// Prepends `segment`, then `::Variant` when the compound is an enum variant's.
    fn within(self, variant: Option<&'static str>, segment: String) -> Self {
        let inner = self.at(segment);
        match variant {
            Some(name) => inner.at(format!("::{name}")),
            None => inner,
        }
    }
}

impl ser::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error {
            path: Vec::new(),
            message: msg.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path.concat(), self.message)
        }
    }
}

impl std::error::Error for Error {}

/// The no-op serializer.
///
/// Its `Ok` is the text of a scalar when serializing a map key (`key` set), so the path
/// can name the entry (`[AAPL]`); otherwise `None`, so values cost no formatting.
#[derive(Clone, Copy)]
struct Probe {
    key: bool,
}

impl Probe {
    const VALUE: Probe = Probe { key: false };
    const KEY: Probe = Probe { key: true };

    /// The text of a scalar, if it is a map key.
    fn show(self, v: impl fmt::Display) -> Result<Option<String>, Error> {
        Ok(self.key.then(|| v.to_string()))
    }
}

/// The scalars a map key is shown by: strings, integers, chars and bools.
macro_rules! shown {
    ($($method:ident: $ty:ty),* $(,)?) => {$(
        fn $method(self, v: $ty) -> Result<Self::Ok, Error> {
            self.show(v)
        }
    )*};
}

impl ser::Serializer for Probe {
    type Ok = Option<String>;
    type Error = Error;
    type SerializeSeq = Elements;
    type SerializeTuple = Elements;
    type SerializeTupleStruct = Elements;
    type SerializeTupleVariant = Elements;
    type SerializeMap = Entries;
    type SerializeStruct = Fields;
    type SerializeStructVariant = Fields;

    shown! {
        serialize_bool: bool, serialize_char: char, serialize_str: &str,
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128,
    }

    fn serialize_f32(self, _: f32) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    fn serialize_f64(self, _: f64) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    fn serialize_none(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    /// Transparent, like in the path a reader would write: `Some(x)` adds no segment.
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<Self::Ok, Error> {
        Ok(None)
    }

    /// Transparent, so a newtype around a string still names its map entry.
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Error> {
        value
            .serialize(Probe::VALUE)
            .map_err(|e| e.at(format!("::{variant}")))?;
        Ok(None)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Elements, Error> {
        Ok(Elements::new(None))
    }

    fn serialize_tuple(self, _: usize) -> Result<Elements, Error> {
        Ok(Elements::new(None))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Elements, Error> {
        Ok(Elements::new(None))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Elements, Error> {
        Ok(Elements::new(Some(variant)))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Entries, Error> {
        Ok(Entries { next: 0, key: None })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields, Error> {
        Ok(Fields { variant: None })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Fields, Error> {
        Ok(Fields {
            variant: Some(variant),
        })
    }

    /// Like postcard, so impls take the same (compact) branches as in the failed save.
    fn is_human_readable(&self) -> bool {
        false
    }
}

/// The elements of a sequence, tuple, tuple struct or tuple variant, named by index.
struct Elements {
    variant: Option<&'static str>,
    next: usize,
}

impl Elements {
    fn new(variant: Option<&'static str>) -> Self {
        Elements { variant, next: 0 }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.next;
        self.next += 1;
        value
            .serialize(Probe::VALUE)
            .map_err(|e| e.within(self.variant, format!("[{index}]")))?;
        Ok(())
    }
}

impl ser::SerializeSeq for Elements {
    type Ok = Option<String>;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }
}

impl ser::SerializeTuple for Elements {
    type Ok = Option<String>;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }
}

impl ser::SerializeTupleStruct for Elements {
    type Ok = Option<String>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }
}

impl ser::SerializeTupleVariant for Elements {
    type Ok = Option<String>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }
}

/// The fields of a struct or struct variant, named by field name.
struct Fields {
    variant: Option<&'static str>,
}

impl Fields {
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        value
            .serialize(Probe::VALUE)
            .map_err(|e| e.within(self.variant, format!(".{name}")))?;
        Ok(())
    }
}

impl ser::SerializeStruct for Fields {
    type Ok = Option<String>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(name, value)
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }
}

impl ser::SerializeStructVariant for Fields {
    type Ok = Option<String>;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(name, value)
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }
}

/// The entries of a map, named by their key when it is a plain scalar, else by number.
struct Entries {
    /// The number of the entry the next key starts.
    next: usize,
    /// How the current entry is named in the path, set by its key.
    key: Option<String>,
}

impl ser::SerializeMap for Entries {
    type Ok = Option<String>;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let number = self.next;
        self.next += 1;
        let shown = key
            .serialize(Probe::KEY)
            .map_err(|e| e.at(format!("[#{number}]")))?;
        self.key = Some(shown.unwrap_or_else(|| format!("#{number}")));
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        // A value without a key is an impl bug serde allows; name it by its number.
        let key = self.key.take().unwrap_or_else(|| format!("#{}", self.next));
        value
            .serialize(Probe::VALUE)
            .map_err(|e| e.at(format!("[{key}]")))?;
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::ser::Error as _;
    use serde::{Serialize, Serializer};

    use super::explain;

    /// A price whose Serialize fails when it is negative.
    struct Price(i64);

    impl Serialize for Price {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            if self.0 < 0 {
                return Err(S::Error::custom("negative price"));
            }
            serializer.serialize_i64(self.0)
        }
    }

    #[derive(Serialize)]
    struct Position {
        qty: u32,
        price: Price,
    }

    #[derive(Serialize)]
    enum Order {
        Limit { price: Price },
        Pair(Price, Price),
    }

    #[derive(Serialize)]
    struct Book {
        positions: BTreeMap<String, Vec<Position>>,
        orders: Vec<Order>,
    }

    fn book(bad: bool) -> Book {
        let position = |price| Position {
            qty: 1,
            price: Price(price),
        };
        Book {
            positions: BTreeMap::from([
                ("AAPL".to_string(), vec![position(10)]),
                (
                    "MSFT".to_string(),
                    vec![position(20), position(if bad { -1 } else { 30 })],
                ),
            ]),
            orders: vec![Order::Limit { price: Price(5) }],
        }
    }

    #[test]
    fn a_deep_failure_gives_its_message_and_path() {
        assert_eq!(
            explain(&book(true)).as_deref(),
            Some("at `.positions[MSFT][1].price`: negative price")
        );
    }

    #[test]
    fn variants_integer_keys_and_other_keys_are_named() {
        let mut book = book(false);
        book.orders.push(Order::Pair(Price(1), Price(-2)));
        assert_eq!(
            explain(&book).as_deref(),
            Some("at `.orders[1]::Pair[1]`: negative price")
        );
        let by_id = BTreeMap::from([(7u32, Order::Limit { price: Price(-3) })]);
        assert_eq!(
            explain(&by_id).as_deref(),
            Some("at `[7]::Limit.price`: negative price")
        );
        let by_pair = BTreeMap::from([((1u8, 2u8), Price(-4))]);
        assert_eq!(
            explain(&by_pair).as_deref(),
            Some("at `[#0]`: negative price")
        );
    }

    #[test]
    fn a_failure_at_the_root_gives_the_bare_message() {
        assert_eq!(explain(&Price(-1)).as_deref(), Some("negative price"));
    }

    #[test]
    fn a_value_that_serializes_gives_none() {
        assert_eq!(explain(&book(false)), None);
    }
}
