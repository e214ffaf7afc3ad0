//! The derive input, parsed: the container, its variants and fields, each with its
//! attributes read and its serde name worked out.
//!
//! This knows nothing of what the `Schema` derive generates, so a second derive
//! can build on it.

use syn::{DeriveInput, Generics, Ident, Type};

use crate::attr;
use crate::case::RenameRule;
use crate::ctxt::Ctxt;

/// A struct or enum that derives.
pub struct Input<'a> {
    /// The type's identifier.
    pub ident: &'a Ident,
    /// The type's generics, as written.
    pub generics: &'a Generics,
    /// The type's name as serde sees it: `rename`, else the identifier.
    pub name: String,
    /// The container attributes.
    pub attrs: attr::Container,
    /// The fields or variants.
    pub data: Data<'a>,
}

/// What the container holds.
pub enum Data<'a> {
    /// A struct: its shape and fields.
    Struct(Style, Vec<Field<'a>>),
    /// An enum: its variants in declaration order.
    Enum(Vec<Variant<'a>>),
}

/// The syntactic shape of a struct or variant, as `serde_derive` classifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `{ a: A, .. }`
    Struct,
    /// `(A, B, ..)` with a number of fields other than one.
    Tuple,
    /// `(A)`: exactly one unnamed field, written before any `skip` is considered.
    Newtype,
    /// No fields at all.
    Unit,
}

/// An enum variant.
pub struct Variant<'a> {
    /// The variant's name as serde sees it.
    pub name: String,
    /// The variant attributes.
    pub attrs: attr::Variant,
    /// The variant's shape.
    pub style: Style,
    /// The variant's fields.
    pub fields: Vec<Field<'a>>,
}

/// A field of a struct or variant.
pub struct Field<'a> {
    /// The field's name as serde sees it; for unnamed fields, its position.
    pub name: String,
    /// The declared type.
    pub ty: &'a Type,
    /// The field attributes.
    pub attrs: attr::Field,
}

impl<'a> Input<'a> {
    /// Parses `node`, recording attribute errors in `cx`.
    ///
    /// A union is refused here, at once: there is nothing further to say about it.
    pub fn from_syn(cx: &mut Ctxt, node: &'a DeriveInput) -> syn::Result<Self> {
        let attrs = attr::Container::from_attrs(cx, &node.attrs);
        let data = match &node.data {
            syn::Data::Struct(data) => {
                let (style, fields) = fields_from_syn(cx, &data.fields, attrs.rename_all);
                Data::Struct(style, fields)
            }
            syn::Data::Enum(data) => Data::Enum(
                data.variants
                    .iter()
                    .map(|variant| Variant::from_syn(cx, variant, &attrs))
                    .collect(),
            ),
            syn::Data::Union(data) => {
                return Err(syn::Error::new(
                    data.union_token.span,
                    "a union cannot be described: serde does not derive for unions, and \
                     nothing says which field a saved value holds; use an enum, or \
                     implement persist::Schema by hand",
                ));
            }
        };
        let name = attrs.rename.clone().unwrap_or_else(|| unraw(&node.ident));
        Ok(Input {
            ident: &node.ident,
            generics: &node.generics,
            name,
            attrs,
            data,
        })
    }
}

impl<'a> Variant<'a> {
    /// Parses `variant`, naming it by the container's `rename_all` and its fields by
    /// its own `rename_all`, else the container's `rename_all_fields` (serde's order).
    fn from_syn(cx: &mut Ctxt, variant: &'a syn::Variant, container: &attr::Container) -> Self {
        let attrs = attr::Variant::from_attrs(cx, &variant.attrs);
        let field_rule = attrs.rename_all.or(container.rename_all_fields);
        let (style, fields) = fields_from_syn(cx, &variant.fields, field_rule);
        let name = match &attrs.rename {
            Some(name) => name.clone(),
            None => container
                .rename_all
                .apply_to_variant(&unraw(&variant.ident)),
        };
        Variant {
            name,
            attrs,
            style,
            fields,
        }
    }
}

/// The style and fields of a struct or variant, named fields renamed by `rule`.
fn fields_from_syn<'a>(
    cx: &mut Ctxt,
    fields: &'a syn::Fields,
    rule: RenameRule,
) -> (Style, Vec<Field<'a>>) {
    let style = match fields {
        syn::Fields::Named(_) => Style::Struct,
        syn::Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => Style::Newtype,
        syn::Fields::Unnamed(_) => Style::Tuple,
        syn::Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let attrs = attr::Field::from_attrs(cx, &field.attrs);
            let name = match (&attrs.rename, &field.ident) {
                (Some(name), _) => name.clone(),
                (None, Some(ident)) => rule.apply_to_field(&unraw(ident)),
                (None, None) => index.to_string(),
            };
            Field {
                name,
                ty: &field.ty,
                attrs,
            }
        })
        .collect();
    (style, fields)
}

/// An identifier as serde names it: without the `r#` of a raw identifier.
pub fn unraw(ident: &Ident) -> String {
    let text = ident.to_string();
    match text.strip_prefix("r#") {
        Some(stripped) => stripped.to_owned(),
        None => text,
    }
}
