//! Recovering the message of a `Deserialize` impl's custom error.
//!
//! postcard's `serde::de::Error::custom` drops its message and returns
//! `Error::SerdeDeCustom` ("Serde Deserialization Error"), so a type that validates
//! what it reads (`#[serde(try_from = ..)]`, a hand-written impl) and refuses a
//! stored value with a helpful message would be reported without it. [`explain`]
//! decodes the payload again as a [`Value`](crate::value::Value), with the file's
//! schema, and deserializes the type from it: the same impl refuses the same data,
//! and the value's deserializer keeps the message and the path to where it was
//! raised.

//!
//! A [`Value`](crate::value::Value) takes far more memory than the bytes it was
//! decoded from (up to some 40 bytes for a one-byte item), so this is done only for
//! payloads up to [`EXPLAIN_LIMIT`]; past it, the error says how to find the cause.

use serde::de::DeserializeOwned;

use crate::schema::Description;
use crate::value;

/// The largest payload whose custom decode errors are explained: a 1 MiB payload
/// makes a value of some tens of MiB at worst.
const EXPLAIN_LIMIT: usize = 1 << 20;

/// Why `T`'s `Deserialize` refused `raw`, the payload of a file whose schema is
/// `schema`, after postcard reported only that it did (`SerdeDeCustom`). Only
/// called after a failed decode, so successful loads pay nothing.
///
/// Returns `` at `levels[1]`: <message> ``, or the bare message when the error was
/// raised at the root, or `None` when the payload does not decode as a value or the
/// second decode succeeds (an impl that does not fail the same way twice).
fn explain<T: DeserializeOwned>(schema: &Description, raw: &[u8]) -> Option<String> {
    let value = value::decode(schema, raw).ok()?;
    value::from_value::<T>(value).err().map(|e| e.to_string())
}

/// The detail of a failed postcard decode of `T` from `raw`: postcard's message, or
/// for a custom error, the impl's own message and where it was raised.
pub(crate) fn detail<T: DeserializeOwned>(
    error: &postcard::Error,
    schema: &Description,
    raw: &[u8],
) -> String {
    match error {
        postcard::Error::SerdeDeCustom if raw.len() > EXPLAIN_LIMIT => format!(
            "{error}: the type's Deserialize refused the data (its message is recovered for payloads up to {EXPLAIN_LIMIT} bytes; `persist dump` shows the stored value)"
        ),
        postcard::Error::SerdeDeCustom => {
            explain::<T>(schema, raw).unwrap_or_else(|| error.to_string())
        }
        other => other.to_string(),
    }
}
