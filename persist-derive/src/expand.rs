//! Code generation for `#[derive(Schema)]` and `#[derive(Pickleable)]`.
//!
//! The generated `describe` names the type (with its generic arguments), then
//! registers its definition through `Builder::define`, describing each written field
//! in declaration order. Everything is reached through `::persist`, the crate users
//! depend on. The pieces ([`name_expr`], [`body_expr`]) are separate so that a
//! derive for records can build the same definition and mark it.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{
    parse_quote, parse_quote_spanned, DeriveInput, GenericParam, Generics, Ident, LitStr, Type,
};

use crate::ast::{Data, Field, Input, Style, Variant};
use crate::bound;
use crate::ctxt::Ctxt;
use crate::record_attr::Record;
use crate::valid;

/// The `impl Schema` for `node`, or its errors (with a stub impl, so that the
/// errors are not buried under "Schema is not implemented" at every use).
pub fn derive_schema(node: &DeriveInput) -> TokenStream {
    match parse_and_check(node) {
        Ok(input) => impl_schema(&input, None),
        Err(error) => {
            let errors = error.to_compile_error();
            let stub = schema_stub(node);
            quote!(#errors #stub)
        }
    }
}

/// The `impl Pickleable` and the `impl Schema` (its definition marked as the record,
/// its `lineage` from `aliases` and `from`, with the compile-time checks of the
/// chain link), and the registration of the type, for `node`; or its errors (with
/// stub impls, as for [`derive_schema`]).
pub fn derive_pickleable(node: &DeriveInput) -> TokenStream {
    match parse_and_check_record(node) {
        Ok((input, record)) => {
            let plan = RecordPlan::new(&input, &record);
            let schema = match record.manual_schema {
                Some(_) => None,
                None => Some(impl_schema(&input, Some(&plan))),
            };
            let pickleable = impl_pickleable(node, &plan.rec_id, plan.version);
            let registration = registration(&input);
            quote!(#schema #pickleable #registration)
        }
        Err(error) => {
            let errors = error.to_compile_error();
            let schema = if node.attrs.iter().any(is_manual_schema) {
                None
            } else {
                Some(schema_stub(node))
            };
            let pickleable = impl_pickleable(node, "", 1);
            quote!(#errors #schema #pickleable)
        }
    }
}

/// Whether `attr` is a `#[pickle(..)]` that says `manual_schema` (looked for without
/// a full parse, to decide whether the stubs emitted beside errors include `Schema`).
fn is_manual_schema(attr: &syn::Attribute) -> bool {
    let mut found = false;
    if attr.path().is_ident("pickle") {
        let _ = attr.parse_nested_meta(|meta| {
            found |= meta.path.is_ident("manual_schema");
            crate::attr::skip_value(&meta)
        });
    }
    found
}

/// What a checked record's impls are made of.
struct RecordPlan<'a> {
    rec_id: String,
    version: u32,
    aliases: Vec<LitStr>,
    /// `#[pickle(from = ..)]`: the previous link of the chain.
    from: Option<&'a Type>,
}

impl<'a> RecordPlan<'a> {
    fn new(input: &Input, record: &'a Record) -> Self {
        RecordPlan {
            rec_id: match &record.rec_id {
                Some(lit) => lit.value(),
                None => crate::ast::unraw(input.ident),
            },
            version: record.version.as_ref().map_or(1, |(version, _)| *version),
            aliases: record
                .aliases
                .as_ref()
                .map(|(_, aliases)| aliases.clone())
                .unwrap_or_default(),
            from: record.from.as_ref().map(|(_, ty)| ty),
        }
    }

    /// The `fn lineage` of the `Schema` impl, when the record has aliases or a chain
    /// (the trait's default says "neither").
    ///
    /// The link of a record without generic parameters is made in a constant,
    /// together with its REC_ID and VERSION checks: a constant item is evaluated by
    /// `cargo check` too, and one body states the `Older: Pickleable` obligation once,
    /// so that a missing impl is reported once.
    fn lineage_fn(&self, input: &Input) -> Option<TokenStream> {
        if self.aliases.is_empty() && self.from.is_none() {
            return None;
        }
        let aliases = &self.aliases;
        let (link_const, older) = match self.from {
            Some(ty) if !has_generics(input) => {
                let check = self.link_check(input, ty);
                let this = input.ident;
                let link = Ident::new("__PERSIST_LINK", Span::mixed_site());
                // A nested item cannot name `Self`: the type is named instead, which
                // has no generics here.
                let link_const = quote_spanned! {ty.span()=>
                    const #link: fn() -> ::persist::migrate::Link<#this> = {
                        #check
                        ::persist::migrate::link::<#ty, #this>
                    };
                };
                let older = quote!(::core::option::Option::Some(#link()));
                (Some(link_const), older)
            }
            Some(ty) => {
                let older = quote_spanned! {ty.span()=>
                    ::core::option::Option::Some(::persist::migrate::link::<#ty, Self>())
                };
                (None, older)
            }
            None => (None, quote!(::core::option::Option::None)),
        };
        Some(quote! {
            fn lineage() -> ::persist::migrate::Lineage<Self> {
                #link_const
                ::persist::migrate::Lineage {
                    aliases: &[#(#aliases),*],
                    older: #older,
                }
            }
        })
    }

    /// For a generic record with a chain, the link's REC_ID and VERSION checks as an
    /// inline constant, for `describe`. They depend on the type arguments, so they
    /// can only be evaluated where the compiler instantiates the record; every save,
    /// load or description of an instantiation goes through `describe`.
    fn generic_link_check(&self, input: &Input) -> Option<TokenStream> {
        let older = self.from?;
        if !has_generics(input) {
            return None;
        }
        let check = self.link_check(input, older);
        Some(quote_spanned!(older.span()=> const { #check };))
    }

    /// A constant expression that fails to compile, with a message naming both
    /// types, unless `older` shares this record's REC_ID and has a smaller VERSION.
    fn link_check(&self, input: &Input, older: &Type) -> TokenStream {
        let (rec_id, version) = (&self.rec_id, self.version);
        let older_name = quote!(#older).to_string().replace(' ', "");
        let this = input.ident;
        let rec_id_message = format!(
            "`{older_name}` cannot be the older version of `{this}`: its REC_ID is not \
             \"{rec_id}\"; the versions of one type share one REC_ID (give it \
             `#[rec_id = \"{rec_id}\"]`)"
        );
        let version_message = format!(
            "`{older_name}` cannot be the older version of `{this}`: its VERSION is not \
             below {version}; each link of a chain has a smaller version than the next"
        );
        quote_spanned! {older.span()=>
            if !::persist::migrate::str_eq(<#older as ::persist::Pickleable>::REC_ID, #rec_id) {
                ::core::panic!("{}", #rec_id_message)
            }
            if <#older as ::persist::Pickleable>::VERSION >= #version {
                ::core::panic!("{}", #version_message)
            }
        }
    }
}

/// The record's entry in the registry `load_any` uses; only a type without generic
/// parameters has one concrete type to register.
fn registration(input: &Input) -> Option<TokenStream> {
    if has_generics(input) {
        return None;
    }
    let ident = input.ident;
    Some(quote! {
        ::persist::__private::inventory::submit! {
            ::persist::registry::TypeEntry::of::<#ident>()
        }
    })
}

fn has_generics(input: &Input) -> bool {
    !input.generics.params.is_empty()
}

/// Parses `node` and its record attributes, and checks that it can be described
/// and be a record, collecting every error (the record attributes' too, for a union).
fn parse_and_check_record(node: &DeriveInput) -> syn::Result<(Input<'_>, Record)> {
    let mut cx = Ctxt::default();
    let record = Record::from_input(&mut cx, node);
    let input = Input::from_syn(&mut cx, node);
    match &input {
        Ok(input) => {
            valid::check(&mut cx, input);
            valid::check_record(&mut cx, input, &record);
        }
        Err(error) => cx.push(error.clone()),
    }
    cx.finish()?;
    Ok((input?, record))
}

/// An `impl Schema` that is never called, emitted beside errors.
fn schema_stub(node: &DeriveInput) -> TokenStream {
    impl_block(
        &node.ident,
        &stub_generics(&node.generics),
        &quote!(_),
        &quote!(::core::unreachable!()),
        None,
    )
}

/// `impl Pickleable`, bounded (when the type has type parameters) by its supertraits.
fn impl_pickleable(node: &DeriveInput, rec_id: &str, version: u32) -> TokenStream {
    let ident = &node.ident;
    let generics = supertrait_bounds(&node.generics);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::persist::Pickleable for #ident #ty_generics #where_clause {
            const REC_ID: &'static str = #rec_id;
            const VERSION: u32 = #version;
        }
    }
}

/// `generics` plus the bounds of the chain link `from` of a generic record (`Older:
/// Pickleable`, `Self: TryFrom<Older>` with a boxable error), which the `Schema`
/// impl's `lineage` needs (and the `Pickleable` impl through its `Self: Schema`). A
/// non-generic record needs no bound: the link's constant checks it, and reports it
/// once.
fn with_link_bound(mut generics: Generics, from: Option<&Type>) -> Generics {
    if generics.params.is_empty() {
        return generics;
    }
    if let Some(older) = from {
        // `link::<Older, Self>()` needs these; stated here, a conversion impl with
        // bounds of its own (`impl<T: Clone> From<V1<T>> for V2<T>`) limits the
        // impls to the instantiations it covers instead of failing to compile.
        let predicates = &mut generics.make_where_clause().predicates;
        predicates.push(parse_quote_spanned!(older.span()=> #older: ::persist::Pickleable));
        predicates
            .push(parse_quote_spanned!(older.span()=> Self: ::core::convert::TryFrom<#older>));
        predicates.push(parse_quote_spanned!(older.span()=>
            <Self as ::core::convert::TryFrom<#older>>::Error: ::core::convert::Into<
                ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Send + ::core::marker::Sync>,
            >
        ));
    }
    generics
}

/// Parses `node` and checks that it can be described, collecting every error.
fn parse_and_check(node: &DeriveInput) -> syn::Result<Input<'_>> {
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&mut cx, node)?;
    valid::check(&mut cx, &input);
    cx.finish()?;
    Ok(input)
}

/// The impl for a checked input; with `record`, the definition is marked with the
/// record's identity (a record is never transparent: `valid` refuses it) and
/// `lineage` is filled in. The identity is written as literals, not read from
/// `Self: Pickleable`, so that `describe` works for any instantiation.
fn impl_schema(input: &Input, record: Option<&RecordPlan>) -> TokenStream {
    // Mixed-site: the generated locals cannot clash with names in the user's types
    // (a const named `builder` in an array length, say).
    let builder = Ident::new("builder", Span::mixed_site());
    let generics = bound::schema_generics(input);
    let body = if let Some(field) = transparent_field(input) {
        // Transparent: no definition, the struct is saved as its field.
        describe_field(field, &builder)
    } else {
        let name = Ident::new("name", Span::mixed_site());
        let name_expr = name_expr(input, &generics, &builder);
        let body = body_expr(input, &builder);
        let mark = record.map(|plan| {
            let (rec_id, version) = (&plan.rec_id, plan.version);
            quote! {
                .with_record(::persist::schema::RecordId::new(#rec_id, #version))
            }
        });
        quote! {
            let #name: ::std::string::String = #name_expr;
            #builder.define::<Self>(::std::clone::Clone::clone(&#name), |#builder| {
                ::persist::schema::Definition::new(#name, #body) #mark
            })
        }
    };
    let generics = with_link_bound(generics, record.and_then(|plan| plan.from));
    let check = record.and_then(|plan| plan.generic_link_check(input));
    let body = quote!(#check #body);
    let lineage = record.and_then(|plan| plan.lineage_fn(input));
    impl_block(input.ident, &generics, &builder, &body, lineage)
}

/// `impl Schema for Type<..> where .. { describe = body }`, with `generics` from
/// [`bound::schema_generics`] (or [`stub_generics`]).
fn impl_block(
    ident: &Ident,
    generics: &Generics,
    builder: &impl ToTokens,
    body: &TokenStream,
    extra: Option<TokenStream>,
) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::persist::Schema for #ident #ty_generics #where_clause {
            fn describe(#builder: &mut ::persist::schema::Builder) -> ::persist::schema::Node {
                #body
            }
            #extra
        }
    }
}

/// `generics` with a `T: Schema` bound on each type parameter: enough for the stub
/// beside errors, which is never called.
fn stub_generics(generics: &Generics) -> Generics {
    let mut generics = generics.clone();
    let type_params: Vec<Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for param in type_params {
        where_clause
            .predicates
            .push(parse_quote!(#param: ::persist::Schema));
    }
    generics
}

/// `generics`, and for a type with type parameters `Self: Schema + Serialize +
/// DeserializeOwned`: `Pickleable`'s supertraits, stated this way so that the
/// `Pickleable` impl holds exactly where they do, whatever bounds the `Schema`
/// impl (derived or, with `manual_schema`, hand-written) and serde's impls have.
fn supertrait_bounds(generics: &Generics) -> Generics {
    let mut generics = generics.clone();
    if generics.type_params().next().is_some() {
        generics.make_where_clause().predicates.push(parse_quote!(
            Self: ::persist::Schema + ::serde::Serialize + ::serde::de::DeserializeOwned
        ));
    }
    generics
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
/// Lifetimes change nothing that is saved and are left out, and so are the type
/// parameters that `generics`, the impl's, do not bound by `Schema` (see
/// [`bound`](crate::bound)).
pub fn name_expr(input: &Input, generics: &Generics, builder: &Ident) -> TokenStream {
    let base = &input.name;
    let params: Vec<&GenericParam> = input
        .generics
        .params
        .iter()
        .filter(|param| match param {
            GenericParam::Lifetime(_) => false,
            GenericParam::Type(param) => bound::bounds_by_schema(generics, &param.ident),
            GenericParam::Const(_) => true,
        })
        .collect();
    if params.is_empty() {
        return quote!(::std::string::String::from(#base));
    }
    // Type arguments by their description, const arguments by their value.
    let args = params.iter().filter_map(|param| match param {
        GenericParam::Type(param) => {
            let ident = &param.ident;
            Some(quote!(::std::string::ToString::to_string(
                &<#ident as ::persist::Schema>::describe(#builder)
            )))
        }
        GenericParam::Const(param) => {
            let ident = &param.ident;
            Some(quote!(::std::string::ToString::to_string(&#ident)))
        }
        GenericParam::Lifetime(_) => None,
    });
    quote!(::persist::schema::generic_name(#base, &[#(#args),*]))
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
