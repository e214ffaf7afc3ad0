//! The attributes the derives read: serde's, and our own `#[schema(..)]` (read by
//! [`schema_attr`](crate::schema_attr)).
//!
//! serde's attributes are read for three reasons: to give fields and variants the
//! names serde gives them, to notice every key that changes what serde writes, so
//! that [`valid`](crate::valid) can judge it, and to honour serde's `bound`.
//! Everything else in `#[serde(..)]` is skipped without judgement: `serde_derive`
//! itself reports malformed or duplicate serde attributes, so this parser is tolerant
//! and only insists on the values it needs (a `rename` string, a `rename_all` rule).

use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{token, Attribute, LitStr, Token, Type, WherePredicate};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::schema_attr::{self, Place};

/// Container keys that change the encoding, kept for [`valid`](crate::valid) to judge.
const CONTAINER_KEYS: &[&str] = &[
    "tag", "content", "untagged", "from", "try_from", "into", "remote",
];

/// Variant keys that change the encoding or the variant numbering.
const VARIANT_KEYS: &[&str] = &[
    "skip",
    "skip_serializing",
    "skip_deserializing",
    "with",
    "serialize_with",
    "deserialize_with",
    "untagged",
    "other",
];

/// Field keys that change the encoding (plain `skip` is understood, not judged).
const FIELD_KEYS: &[&str] = &[
    "flatten",
    "skip_serializing",
    "skip_deserializing",
    "skip_serializing_if",
    "with",
    "serialize_with",
    "deserialize_with",
    "getter",
];

/// A serde key that changes the encoding, where it was written.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The key, as `flatten` in `#[serde(flatten)]`.
    pub key: &'static str,
    /// The key's span: errors about it point there.
    pub span: Span,
}

/// Attributes of the struct or enum itself.
pub struct Container {
    /// `rename = ".."` (or its `serialize` part).
    pub rename: Option<String>,
    /// `rename_all`: structs apply it to fields, enums to variants.
    pub rename_all: RenameRule,
    /// `rename_all_fields` (enums): the fields of every struct variant.
    pub rename_all_fields: RenameRule,
    /// Where `transparent` was written, if it was.
    pub transparent: Option<Span>,
    /// `#[schema(bound = "..")]`, else the serialize side of serde's `bound`: the
    /// predicates of the `Schema` impl, given instead of the inferred ones.
    pub bound: Option<Vec<WherePredicate>>,
    /// Keys from [`CONTAINER_KEYS`].
    pub seen: Vec<Seen>,
}

/// Attributes of an enum variant.
pub struct Variant {
    /// `rename = ".."` (or its `serialize` part).
    pub rename: Option<String>,
    /// `rename_all`: applies to this variant's fields.
    pub rename_all: RenameRule,
    /// As [`Container::bound`], for this variant: predicates added to the
    /// `Schema` impl instead of the ones its fields would add.
    pub bound: Option<Vec<WherePredicate>>,
    /// Keys from [`VARIANT_KEYS`].
    pub seen: Vec<Seen>,
}

/// Attributes of a field.
pub struct Field {
    /// `rename = ".."` (or its `serialize` part).
    pub rename: Option<String>,
    /// serde neither writes nor reads the field: `skip`, or both `skip_serializing`
    /// and `skip_deserializing` (which is what `skip` means to serde).
    pub skip: bool,
    /// `#[schema(as = Type)]`: describe the field as `Type`.
    pub schema_as: Option<Type>,
    /// As [`Container::bound`], for this field: predicates added to the `Schema`
    /// impl instead of the ones it would add.
    pub bound: Option<Vec<WherePredicate>>,
    /// Keys from [`FIELD_KEYS`], and `skip`.
    pub seen: Vec<Seen>,
}

impl Container {
    /// Reads the attributes of a struct or enum.
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut this = Container {
            rename: None,
            rename_all: RenameRule::None,
            rename_all_fields: RenameRule::None,
            transparent: None,
            bound: None,
            seen: Vec::new(),
        };
        let mut serde_bound = None;
        for_each_serde_key(cx, attrs, |key, meta| {
            match key {
                "rename" => this.rename = serialize_string(meta, key)?.map(|s| s.value()),
                "rename_all" => this.rename_all = rename_rule(meta, key)?,
                "rename_all_fields" => this.rename_all_fields = rename_rule(meta, key)?,
                "transparent" => this.transparent = Some(meta.path.span()),
                "bound" => serde_bound = serde_bound_value(meta)?,
                _ => {
                    note(CONTAINER_KEYS, key, meta, &mut this.seen);
                    return Ok(false);
                }
            }
            Ok(true)
        });
        this.bound = schema_attr::read(cx, attrs, Place::Container)
            .bound
            .or(serde_bound);
        this
    }
}

impl Variant {
    /// Reads the attributes of an enum variant.
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut this = Variant {
            rename: None,
            rename_all: RenameRule::None,
            bound: None,
            seen: Vec::new(),
        };
        let mut serde_bound = None;
        for_each_serde_key(cx, attrs, |key, meta| {
            match key {
                "rename" => this.rename = serialize_string(meta, key)?.map(|s| s.value()),
                "rename_all" => this.rename_all = rename_rule(meta, key)?,
                "bound" => serde_bound = serde_bound_value(meta)?,
                _ => {
                    note(VARIANT_KEYS, key, meta, &mut this.seen);
                    return Ok(false);
                }
            }
            Ok(true)
        });
        this.bound = schema_attr::read(cx, attrs, Place::Variant)
            .bound
            .or(serde_bound);
        this
    }
}

impl Field {
    /// Reads the attributes of a field.
    pub fn from_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut this = Field {
            rename: None,
            skip: false,
            schema_as: None,
            bound: None,
            seen: Vec::new(),
        };
        let mut serde_bound = None;
        for_each_serde_key(cx, attrs, |key, meta| {
            match key {
                "rename" => this.rename = serialize_string(meta, key)?.map(|s| s.value()),
                "bound" => serde_bound = serde_bound_value(meta)?,
                "skip" => {
                    this.skip = true;
                    // Kept too, so that an error about the skip can point at it.
                    note(&["skip"], key, meta, &mut this.seen);
                }
                _ => {
                    note(FIELD_KEYS, key, meta, &mut this.seen);
                    return Ok(false);
                }
            }
            Ok(true)
        });
        let has = |key: &str| this.seen.iter().any(|seen| seen.key == key);
        this.skip |= has("skip_serializing") && has("skip_deserializing");
        let schema = schema_attr::read(cx, attrs, Place::Field);
        this.schema_as = schema.as_type;
        this.bound = schema.bound.or(serde_bound);
        this
    }

    /// Where `key` (`skip` or one of [`FIELD_KEYS`]) was written, if it was.
    pub fn seen(&self, key: &str) -> Option<&Seen> {
        self.seen.iter().find(|seen| seen.key == key)
    }
}

/// Records `key` in `seen` if it is one of `keys` (its value, if any, is left for
/// the caller to skip).
fn note(keys: &[&'static str], key: &str, meta: &ParseNestedMeta, seen: &mut Vec<Seen>) {
    if let Some(key) = keys.iter().find(|k| **k == key) {
        seen.push(Seen {
            key,
            span: meta.path.span(),
        });
    }
}

/// Calls `each` for every key of every `#[serde(..)]` in `attrs`.
///
/// `each` returns whether it consumed the key's value; when it did not, the value
/// (`= anything` up to the next comma, or a parenthesized group) is skipped, so
/// that keys this crate does not know never stop the walk. A syntax error ends the
/// walk of that one attribute and is recorded.
fn for_each_serde_key(
    cx: &mut Ctxt,
    attrs: &[Attribute],
    mut each: impl FnMut(&str, &ParseNestedMeta) -> syn::Result<bool>,
) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = match meta.path.get_ident() {
                Some(ident) => ident.to_string(),
                None => String::new(),
            };
            if !each(&key, &meta)? {
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
}

/// Skips the value of a key this crate does not need.
pub fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    let input = meta.input;
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        while !input.is_empty() && !input.peek(Token![,]) {
            input.parse::<TokenTree>()?;
        }
    } else if input.peek(token::Paren) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}

/// The serialize-side string of `key = ".."` or `key(serialize = "..", deserialize = "..")`.
///
/// Only the serialize side matters: it is what serde writes (and names what is
/// written); the deserialize side only matters to self-describing formats.
fn serialize_string(meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        return string_value(meta, key).map(Some);
    }
    if meta.input.peek(token::Paren) {
        let mut found = None;
        meta.parse_nested_meta(|inner| {
            if inner.path.is_ident("serialize") {
                found = Some(string_value(&inner, key)?);
            } else {
                skip_value(&inner)?;
            }
            Ok(())
        })?;
        return Ok(found);
    }
    Err(meta.error(format!(
        "expected `{key} = \"...\"` or `{key}(serialize = \"...\")`"
    )))
}

/// The string after `=`, as serde reads it (looking through invisible groups that
/// `macro_rules!` expansions leave around literals).
fn string_value(meta: &ParseNestedMeta, key: &str) -> syn::Result<LitStr> {
    let expr: syn::Expr = meta.value()?.parse()?;
    let mut value = &expr;
    while let syn::Expr::Group(group) = value {
        value = &group.expr;
    }
    match value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) => Ok(lit.clone()),
        _ => Err(syn::Error::new_spanned(
            expr,
            format!("expected serde `{key}` to be a string: `{key} = \"...\"`"),
        )),
    }
}

/// The serialize-side rule of `rename_all` or `rename_all_fields`.
fn rename_rule(meta: &ParseNestedMeta, key: &str) -> syn::Result<RenameRule> {
    match serialize_string(meta, key)? {
        Some(lit) => {
            RenameRule::from_name(&lit.value()).map_err(|m| syn::Error::new(lit.span(), m))
        }
        None => Ok(RenameRule::None),
    }
}

/// The serialize side of serde's `bound = ".."` or `bound(serialize = "..", ..)`, as
/// predicates: the `Schema` describes what `Serialize` writes, and the deserialize
/// side may name the `'de` lifetime, which only serde's `Deserialize` impl has.
///
/// A bound serde cannot parse is left to serde to report; the derive then infers
/// its own predicates, so that its errors do not pile onto serde's.
fn serde_bound_value(meta: &ParseNestedMeta) -> syn::Result<Option<Vec<WherePredicate>>> {
    Ok(serialize_string(meta, "bound")?.and_then(|lit| schema_attr::parse_predicates(&lit).ok()))
}
