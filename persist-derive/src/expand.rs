//! Code generation for `#[derive(Schema)]`.
//!
//! The generated `describe` names the type (with its generic arguments), then
//! registers its definition through `Builder::define`, describing each written field
//! in declaration order. Everything is reached through `::persist`, the crate users
//! depend on. The pieces ([`name_expr`], [`body_expr`]) are separate so that a
//! derive for records can build the same definition and mark it.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{parse_quote, DeriveInput, GenericParam, Generics, Ident};

use crate::ast::{Data, Field, Input, Style, Variant};
use crate::ctxt::Ctxt;
use crate::valid;

/// The `impl Schema` for `node`, or its errors (with a stub impl, so that the
/// errors are not buried under "Schema is not implemented" at every use).
pub fn derive_schema(node: &DeriveInput) -> TokenStream {
    match parse_and_check(node) {
        Ok(input) => impl_schema(&input),
        Err(error) => {
            let errors = error.to_compile_error();
            let stub = impl_block(
                &node.ident,
                &node.generics,
                &quote!(_),
                &quote!(::core::unreachable!()),
            );
            quote!(#errors #stub)
        }
    }
}

/// Parses `node` and checks that it can be described, collecting every error.
fn parse_and_check(node: &DeriveInput) -> syn::Result<Input<'_>> {
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&mut cx, node)?;
    valid::check(&mut cx, &input);
    cx.finish()?;
    Ok(input)
}

/// The impl for a checked input.
fn impl_schema(input: &Input) -> TokenStream {
    // Mixed-site: the generated locals cannot clash with names in the user's types
    // (a const named `builder` in an array length, say).
    let builder = Ident::new("builder", Span::mixed_site());
    let body = if let Some(field) = transparent_field(input) {
        // Transparent: no definition, the struct is saved as its field.
        describe_field(field, &builder)
    } else {
        let name = Ident::new("name", Span::mixed_site());
        let name_expr = name_expr(input, &builder);
        let body = body_expr(input, &builder);
        quote! {
            let #name: ::std::string::String = #name_expr;
            #builder.define::<Self>(::std::clone::Clone::clone(&#name), |#builder| {
                ::persist::schema::Definition::new(#name, #body)
            })
        }
    };
    impl_block(input.ident, input.generics, &builder, &body)
}

/// `impl Schema for Type<..> where each type parameter: Schema { describe = body }`.
fn impl_block(
    ident: &Ident,
    generics: &Generics,
    builder: &impl ToTokens,
    body: &TokenStream,
) -> TokenStream {
    let mut generics = generics.clone();
    let type_params: Vec<Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for param in type_params {
        where_clause
            .predicates
            .push(parse_quote!(#param: ::persist::Schema));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::persist::Schema for #ident #ty_generics #where_clause {
            fn describe(#builder: &mut ::persist::schema::Builder) -> ::persist::schema::Node {
                #body
            }
        }
    }
}

/// The one written field of a transparent struct (`valid` made sure there is one).
fn transparent_field<'i, 'a>(input: &'i Input<'a>) -> Option<&'i Field<'a>> {
    input.attrs.transparent?;
    match &input.data {
        Data::Struct(_, fields) => fields.iter().find(|field| !field.attrs.skip),
        Data::Enum(_) => None,
    }
}

/// The definition's name, a `String`: the serde name, with the generic arguments
/// (type parameters by their descriptions, const parameters by their values) so
/// that `Pair<u8, u8>` and `Pair<u32, String>` get definitions of their own.
/// Lifetimes change nothing that is saved and are left out.
pub fn name_expr(input: &Input, builder: &Ident) -> TokenStream {
    let base = &input.name;
    let params: Vec<&GenericParam> = input
        .generics
        .params
        .iter()
        .filter(|param| !matches!(param, GenericParam::Lifetime(_)))
        .collect();
    if params.is_empty() {
        return quote!(::std::string::String::from(#base));
    }
    let describe = |ident: &Ident| quote!(<#ident as ::persist::Schema>::describe(#builder));
    if params
        .iter()
        .all(|param| matches!(param, GenericParam::Type(_)))
    {
        let args = input
            .generics
            .type_params()
            .map(|param| describe(&param.ident));
        return quote!(::persist::schema::generic_name(#base, &[#(#args),*]));
    }
    // `generic_name` only takes nodes; with const parameters, build the same
    // `Base<A, B>` text from strings.
    let args = params.iter().filter_map(|param| match param {
        GenericParam::Type(param) => {
            let node = describe(&param.ident);
            Some(quote!(::std::string::ToString::to_string(&#node)))
        }
        GenericParam::Const(param) => {
            let ident = &param.ident;
            Some(quote!(::std::string::ToString::to_string(&#ident)))
        }
        GenericParam::Lifetime(_) => None,
    });
    quote!(::std::format!("{}<{}>", #base, [#(#args),*].join(", ")))
}

/// The definition's `Body`.
pub fn body_expr(input: &Input, builder: &Ident) -> TokenStream {
    match &input.data {
        Data::Struct(style, fields) => {
            let fields = fields_expr(*style, fields, builder);
            quote!(::persist::schema::Body::Struct(#fields))
        }
        Data::Enum(variants) => {
            let variants = variants.iter().map(|variant| {
                let name = &variant.name;
                let fields = fields_expr(effective_style(variant), &variant.fields, builder);
                quote!(::persist::schema::Variant::new(#name, #fields))
            });
            quote!(::persist::schema::Body::Enum(::std::vec![#(#variants),*]))
        }
    }
}

/// serde writes a newtype variant whose field is skipped as a unit variant (its
/// `effective_style`); a newtype struct's field is written regardless (`valid`
/// refuses `skip` there).
fn effective_style(variant: &Variant) -> Style {
    match (variant.style, variant.fields.as_slice()) {
        (Style::Newtype, [field]) if field.attrs.skip => Style::Unit,
        (style, _) => style,
    }
}

/// The `Fields` of a struct or variant: skipped fields are neither written nor
/// read, so they are left out.
fn fields_expr(style: Style, fields: &[Field], builder: &Ident) -> TokenStream {
    let written = fields.iter().filter(|field| !field.attrs.skip);
    match (style, fields) {
        (Style::Unit, _) => quote!(::persist::schema::Fields::Unit),
        (Style::Newtype, [field]) => {
            let node = describe_field(field, builder);
            quote!(::persist::schema::Fields::Newtype(#node))
        }
        (Style::Struct, _) => {
            let fields = written.map(|field| {
                let name = &field.name;
                let node = describe_field(field, builder);
                quote!(::persist::schema::Field::new(#name, #node))
            });
            quote!(::persist::schema::Fields::Named(::std::vec![#(#fields),*]))
        }
        (Style::Tuple | Style::Newtype, _) => {
            let nodes = written.map(|field| describe_field(field, builder));
            quote!(::persist::schema::Fields::Tuple(::std::vec![#(#nodes),*]))
        }
    }
}

/// The node of one field: its `#[schema(as = ..)]` type, else its declared type.
/// Spanned at the type, so a missing `Schema` impl is reported there.
fn describe_field(field: &Field, builder: &Ident) -> TokenStream {
    let ty = field.attrs.schema_as.as_ref().unwrap_or(field.ty);
    quote_spanned!(ty.span()=> <#ty as ::persist::Schema>::describe(#builder))
}
