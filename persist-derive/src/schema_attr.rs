//! Our own attribute, `#[schema(..)]`: `as` on fields, `bound` anywhere.
//!
//! Like [`record_attr`](crate::record_attr), and unlike serde's attributes, this one
//! is ours, so the parser is strict: every key is known, given once, and allowed
//! where it is written. Problems are recorded and the walk goes on, so that one
//! compilation reports them all; a syntax error ends the walk of its attribute.

use syn::punctuated::Punctuated;
use syn::{Attribute, LitStr, Token, Type, WherePredicate};

use crate::ctxt::Ctxt;

/// Where a `#[schema(..)]` is written, which decides the keys it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On the struct or enum.
    Container,
    /// On an enum variant.
    Variant,
    /// On a field.
    Field,
}

impl Place {
    /// The place, as messages name it.
    fn text(self) -> &'static str {
        match self {
            Place::Container => "a struct or enum",
            Place::Variant => "an enum variant",
            Place::Field => "a field",
        }
    }
}

/// What the `#[schema(..)]` attributes of one item say.
#[derive(Default)]
pub struct SchemaAttrs {
    /// `as = Type` (fields only): describe the field as `Type`.
    pub as_type: Option<Type>,
    /// `bound = ".."`: the where-clause predicates the `Schema` impl gets instead of
    /// the ones the derive would infer (see [`bound`](crate::bound)).
    pub bound: Option<Vec<WherePredicate>>,
}

/// Reads every `#[schema(..)]` in `attrs`, written on `place`.
pub fn read(cx: &mut Ctxt, attrs: &[Attribute], place: Place) -> SchemaAttrs {
    let mut found = SchemaAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("schema")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("as") {
                let ty: Type = meta.value()?.parse()?;
                if place != Place::Field {
                    cx.push(meta.error(format!(
                        "`#[schema(as = ..)]` is not supported on {}: it goes on fields, \
                         as in `#[schema(as = SomeType)]`",
                        place.text()
                    )));
                } else if found.as_type.is_some() {
                    cx.push(meta.error(
                        "a second `#[schema(as = ..)]` is not supported: a field is described \
                         by one type; keep only one",
                    ));
                } else {
                    found.as_type = Some(ty);
                }
            } else if meta.path.is_ident("bound") {
                let lit: LitStr = meta.value()?.parse()?;
                let predicates = match parse_predicates(&lit) {
                    Ok(predicates) => predicates,
                    Err(error) => {
                        cx.push(syn::Error::new(
                            lit.span(),
                            format!(
                                "this bound is not a list of where-clause predicates, such as \
                                 \"T: Schema, U: Schema\": {error}"
                            ),
                        ));
                        return Ok(());
                    }
                };
                if found.bound.is_some() {
                    cx.push(meta.error(
                        "a second `#[schema(bound = ..)]` is not supported: give every \
                         predicate in one, as in `#[schema(bound = \"T: Schema, U: Schema\")]`",
                    ));
                } else {
                    found.bound = Some(predicates);
                }
            } else {
                let keys = match place {
                    Place::Field => {
                        "the keys are `as` and `bound`, as in `#[schema(as = SomeType)]`"
                    }
                    Place::Container | Place::Variant => {
                        "the only key here is `bound`, as in `#[schema(bound = \"T: Schema\")]`"
                    }
                };
                cx.push(meta.error(format!(
                    "unknown key `{}` in `#[schema(..)]`: {keys}",
                    path_text(&meta.path)
                )));
                crate::attr::skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.push(error);
        }
    }
    found
}

/// The predicates written in `lit`, as serde reads its own `bound` (an empty
/// string is no predicate at all).
pub fn parse_predicates(lit: &LitStr) -> syn::Result<Vec<WherePredicate>> {
    let parsed = lit.parse_with(Punctuated::<WherePredicate, Token![,]>::parse_terminated)?;
    Ok(parsed.into_iter().collect())
}

/// A path as written, for messages.
fn path_text(path: &syn::Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments.join("::")
}
