//! Derive macros of [persist](https://docs.rs/persist). Use them through the
//! `persist` crate, which re-exports them; the generated code refers to `::persist`.
//!
//! `#[derive(Schema)]` describes a type's serialized shape exactly as serde's
//! derived `Serialize` writes it in postcard, following serde's attributes, and
//! refuses (at the attribute, with the reason) what it cannot describe faithfully.
//!
//! ```ignore
//! use persist::Schema;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Schema)]
//! #[serde(rename_all = "camelCase")]
//! struct Trade {
//!     trade_id: u64,
//!     price: f64,
//! }
//!
//! let d = persist::schema::Description::of::<Trade>();
//! assert_eq!(d.to_string(), "type Trade\nstruct Trade { tradeId: u64, price: f64 }");
//! ```
//!
//! The modules, one concern each (as in `serde_derive` and `thiserror-impl`):
//!
//! - `ast`: the parsed input, with serde names worked out;
//! - `attr`: reading `#[serde(..)]`;
//! - `schema_attr`: reading `#[schema(..)]`;
//! - `record_attr`: reading `#[rec_id = ..]` and `#[pickle(..)]`;
//! - `case`: serde's `rename_all` rules;
//! - `ctxt`: collecting every error before reporting;
//! - `valid`: the refusals;
//! - `bound`: the where-clause of the generated `impl Schema`;
//! - `expand`: the generated `impl Schema` (and `impl Pickleable`).

#![forbid(unsafe_code)]

mod ast;
mod attr;
mod bound;
mod case;
mod ctxt;
mod expand;
mod record_attr;
mod schema_attr;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `persist::Schema`: the description of what the type's derived
/// `Serialize` writes, which every saved file carries and every load checks.
///
/// ```ignore
/// use persist::Schema;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Schema)]
/// enum Order {
///     Market,
///     #[serde(rename = "limit")]
///     Limit(f64),
///     Stop { at: f64, #[serde(skip)] note: String },
/// }
///
/// assert_eq!(
///     persist::schema::Description::of::<Order>().to_string(),
///     "type Order\nenum Order { Market, limit(f64), Stop { at: f64 } }",
/// );
/// ```
///
/// Followed: `rename` (also `rename(serialize = ..)`), `rename_all`,
/// `rename_all_fields`, variant `rename_all`, field `skip` (or both
/// `skip_serializing` and `skip_deserializing`), `transparent`, and `bound` (below).
///
/// `#[schema(as = Type)]` on a field describes it as `Type`: the way to describe a
/// field written by `#[serde(with = ..)]`, or of a type without a `Schema` impl,
/// provided `Type`'s `Serialize` writes the same bytes.
///
/// # Generic types and bounds
///
/// A generic type is described per instantiation, its name carrying the type
/// arguments (`Pair<u32, String>`) and const arguments: `Money<Usd>` and
/// `Money<Eur>` may write the same bytes, but one does not load as the other. Naming
/// `T` takes `T: Schema`, so the inferred where-clause is `T: Schema` on every type
/// parameter, even one that only a skipped field or a `PhantomData<T>` uses (where
/// serde would infer no bound), plus, as serde does, `T::Assoc: Schema` for a field
/// whose type is an associated type of a parameter.
///
/// Given predicates replace the inference, as serde's `bound` does: on the struct
/// or enum, `#[schema(bound = "T: Schema, ..")]`, else the serialize side of
/// `#[serde(bound = "..")]` / `#[serde(bound(serialize = ".."))]` (a `Schema`
/// describes what `Serialize` writes, and the deserialize side may name `'de`,
/// which the `Schema` impl does not have) replaces it whole. On a field or variant,
/// the same attributes add their predicates instead of the ones that field (or
/// variant) adds. serde's bound is used as written, so one that only says
/// `T: Serialize` leaves `T` without `Schema`: add `#[schema(bound = ..)]`.
///
/// A type parameter the resulting where-clause does not bound by `Schema` (written
/// `Schema`, `persist::Schema` or `persist::schema::Schema`) is left out of the
/// name. That is the way for a phantom parameter whose arguments have no `Schema`
/// or no `Serialize`:
///
/// ```ignore
/// #[derive(Serialize, Deserialize, Schema)]
/// #[schema(bound = "")]
/// struct Id<T> { raw: u64, marker: PhantomData<T> }
/// ```
///
/// at a price: `Id<User>` and `Id<Order>` are then the same type to persist, and
/// read each other's files.
///
/// Refused, with an error at the attribute: unions; `tag`, `content`, `untagged`,
/// `from`, `try_from`, `into`, `remote`; field `flatten`, `skip_serializing`,
/// `skip_deserializing` or `skip_serializing_if` (without `skip`), and `with`,
/// `serialize_with`, `deserialize_with` or `getter` (without `#[schema(as = ..)]`);
/// variant `skip*`, `with` family, `untagged` and `other`; `skip` on the field of a
/// newtype struct (serde writes it anyway). Other serde attributes (`default`,
/// `alias`, ...) do not change what postcard stores and are ignored.
#[proc_macro_derive(Schema, attributes(schema))]
pub fn derive_schema(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_schema(&input).into()
}

/// Derives `persist::Pickleable` and `persist::Schema`: a record type, saved under
/// its own REC_ID and VERSION, which its description carries (so do not derive
/// `Schema` as well; a hand-written `Schema` impl needs `#[pickle(manual_schema)]`).
///
/// ```ignore
/// use persist::Pickleable;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Pickleable)]
/// #[rec_id = "MyClass"]
/// #[pickle(version = 2)]
/// struct Portfolio {
///     cash: f64,
/// }
///
/// assert_eq!(Portfolio::REC_ID, "MyClass");
/// assert_eq!(Portfolio::VERSION, 2);
/// assert_eq!(
///     persist::schema::Description::of::<Portfolio>().to_string(),
///     "type Portfolio\n#[rec_id = \"MyClass\"] #[pickle(version = 2)]\nstruct Portfolio { cash: f64 }",
/// );
/// let path = Portfolio { cash: 1.5 }.save()?; // ./MyClass.pickle
/// ```
///
/// Attributes, on the struct or enum:
///
/// - `#[rec_id = "..."]`: the REC_ID, checked at compile time to be a usable file
///   name (not empty, no leading `.`, no `/`, `\`, `<>:"|?*` or control characters,
///   no trailing space, at most 244 bytes). Default: the type's identifier, without
///   generics (not its serde `rename`).
/// - `#[pickle(version = N)]`: the VERSION, an integer from 1 (default 1); 0 is
///   refused, as it means "not a record" in saved files.
/// - `#[pickle(from = Older)]`: a typed upgrade. A file of `Older`'s version (or of
///   any version `Older`'s own chain reads) is decoded as `Older` and converted with
///   `TryFrom<Older>` (which a `From` impl provides). Checked at compile time: `Older`
///   must be Pickleable, have the same REC_ID and a smaller VERSION, and the
///   conversion must exist; the type's own version must be above 1. For a generic
///   record (`G<T>` from `GV1<T>`), `GV1<T>`'s REC_ID and VERSION may depend on
///   `T`, so those two checks run when the compiler instantiates the record: a
///   build (not `cargo check`) of code that saves, loads or describes `G<u8>`
///   fails with the message. A generic chain never instantiated is never checked.
/// - `#[pickle(aliases = ["OldId", ..])]`: other REC_IDs whose files the type reads
///   (the ids it was saved under before a rename); each must be a usable file name,
///   given once, and not the type's own REC_ID.
///
/// - `#[pickle(manual_schema)]`: the type implements `Schema` by hand (its
///   `Serialize` is hand-written, say), so the derive writes no `Schema` impl. That
///   impl must mark its definition with `RecordId::new(Self::REC_ID, Self::VERSION)`
///   (`persist::registry::check()` verifies it), and `from`/`aliases` are refused:
///   they belong in its `Schema::lineage`.
///
/// A record without generic parameters is also entered in the registry that
/// `persist::load_any` chooses from; a generic one is entered by naming an
/// instantiation with a `RecInfo`.
///
/// Each key is given once; unknown keys are refused. Everything `#[derive(Schema)]`
/// follows or refuses, this derive follows or refuses too, and it also refuses
/// `#[serde(transparent)]`: a record needs its own definition to carry its identity.
/// The `Schema` impl of a generic record is bounded as `#[derive(Schema)]` bounds
/// (`#[schema(bound = "..")]` included; see there), and by `Older: Pickleable` and
/// the conversion with `from`; the `Pickleable` impl by its supertraits, `Self:
/// Schema + serde::Serialize + serde::de::DeserializeOwned` (so the generated code
/// names `::serde`).
#[proc_macro_derive(Pickleable, attributes(rec_id, pickle, schema))]
pub fn derive_pickleable(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_pickleable(&input).into()
}
