//! The where-clause of the generated `impl Schema`, built the way `serde_derive`'s
//! `bound.rs` builds serde's, with one difference that the saved name imposes.
//!
//! A description names a generic type with its type arguments (`Money<Usd>`), so
//! that instantiations writing the same bytes with different meanings (dollars and
//! euros) are not read as one another. Naming `T` takes `T: Schema`. So where serde
//! bounds only the type parameters its fields use (leaving out skipped fields and
//! `PhantomData<T>`), the inferred bounds here are `T: Schema` on every type
//! parameter, plus serde's `T::Assoc: Schema` for a field whose type is an
//! associated type of a parameter.
//!
//! As with serde, predicates given in an attribute replace the inference: the
//! container's `#[schema(bound = "..")]` (else the serialize side of its
//! `#[serde(bound = "..")]`) replaces it whole, and a field's or variant's adds its
//! predicates instead of the ones that field (or variant) would add. A type
//! parameter that the resulting where-clause does not bound by `Schema` is left out
//! of the name: that is how a phantom parameter whose types have no `Schema` (or
//! no `Serialize`) is allowed, at the price of `Tagged<A>` and `Tagged<B>` reading
//! each other's files.

use syn::{GenericParam, Generics, Ident, Type, TypeParamBound, WherePredicate};

use crate::ast::{Data, Field, Input};

/// The generics of the `Schema` impl of `input`: the type's own, plus the given or
/// inferred predicates.
pub fn schema_generics(input: &Input) -> Generics {
    let mut predicates: Vec<WherePredicate> = Vec::new();
    // Field and variant bounds apply whatever the container says, as in serde.
    if let Data::Enum(variants) = &input.data {
        for variant in variants {
            predicates.extend(variant.attrs.bound.iter().flatten().cloned());
        }
    }
    for_each_field(input, |field, _| {
        predicates.extend(field.attrs.bound.iter().flatten().cloned());
    });
    match &input.attrs.bound {
        Some(given) => predicates.extend(given.iter().cloned()),
        None => {
            for param in input.generics.type_params() {
                let ident = &param.ident;
                predicates.push(syn::parse_quote!(#ident: ::persist::Schema));
            }
            for ty in associated_types(input) {
                predicates.push(syn::parse_quote!(#ty: ::persist::Schema));
            }
        }
    }
    let mut generics = input.generics.clone();
    generics.make_where_clause().predicates.extend(predicates);
    generics
}

/// Calls `each` with every field and whether its variant gives its own bound.
fn for_each_field<'i, 'a>(input: &'i Input<'a>, mut each: impl FnMut(&'i Field<'a>, bool)) {
    match &input.data {
        Data::Struct(_, fields) => fields.iter().for_each(|field| each(field, false)),
        Data::Enum(variants) => {
            for variant in variants {
                let bounded = variant.attrs.bound.is_some();
                variant.fields.iter().for_each(|field| each(field, bounded));
            }
        }
    }
}

/// serde's rule for associated types: a written field whose type is `T::Assoc`, for
/// a type parameter `T`, needs `T::Assoc: Schema` (which `T: Schema` does not give).
/// Only the field's whole type counts, as in serde: `Vec<T::Assoc>` needs a `bound`.
fn associated_types<'i>(input: &'i Input) -> Vec<&'i Type> {
    let params: Vec<&Ident> = input.generics.type_params().map(|p| &p.ident).collect();
    let mut found = Vec::new();
    for_each_field(input, |field, variant_bounded| {
        if field.attrs.skip || field.attrs.bound.is_some() || variant_bounded {
            return;
        }
        let ty = field.attrs.schema_as.as_ref().unwrap_or(field.ty);
        if let Type::Path(path) = ungroup(ty) {
            let segments = &path.path.segments;
            if path.qself.is_none()
                && segments.len() > 1
                && params.iter().any(|param| segments[0].ident == **param)
            {
                found.push(ty);
            }
        }
    });
    found
}

/// `ty` without the invisible groups `macro_rules!` expansions leave around types.
fn ungroup(mut ty: &Type) -> &Type {
    while let Type::Group(group) = ty {
        ty = &group.elem;
    }
    ty
}

/// Whether `generics` bound the type parameter `param` by `Schema`, in its
/// declaration or in the where-clause, so that the name can describe it.
///
/// Read from the tokens: `Schema`, `persist::Schema` or `persist_core::Schema`
/// (with or without a leading `::`, or with `schema::` before it). A trait that
/// only has `Schema` as a supertrait does not count: the parameter is then left out
/// of the name, which compiles either way.
pub fn bounds_by_schema(generics: &Generics, param: &Ident) -> bool {
    let declared = generics.params.iter().any(|p| match p {
        GenericParam::Type(p) => p.ident == *param && p.bounds.iter().any(is_schema),
        _ => false,
    });
    let in_where = generics.where_clause.iter().any(|clause| {
        clause.predicates.iter().any(|predicate| match predicate {
            WherePredicate::Type(predicate) => {
                is_param(&predicate.bounded_ty, param) && predicate.bounds.iter().any(is_schema)
            }
            _ => false,
        })
    });
    declared || in_where
}

/// Whether `ty` is exactly the type parameter `param`.
fn is_param(ty: &Type, param: &Ident) -> bool {
    match ungroup(ty) {
        Type::Path(path) => path.qself.is_none() && path.path.is_ident(param),
        _ => false,
    }
}

/// Whether `bound` is persist's `Schema` trait (not `?Schema`).
fn is_schema(bound: &TypeParamBound) -> bool {
    let TypeParamBound::Trait(bound) = bound else {
        return false;
    };
    if !matches!(bound.modifier, syn::TraitBoundModifier::None) {
        return false;
    }
    let names: Vec<String> = bound
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    matches!(
        names.as_slice(),
        ["Schema"]
            | ["persist" | "persist_core", "Schema"]
            | ["persist" | "persist_core", "schema", "Schema"]
    )
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;
    use crate::ast::Input;
    use crate::ctxt::Ctxt;

    /// The where-clause `#[derive(Schema)]` writes for `src`, as text without spaces.
    fn where_clause(src: &str) -> String {
        let node: syn::DeriveInput = syn::parse_str(src).expect("test input is Rust");
        let mut cx = Ctxt::default();
        let input = Input::from_syn(&mut cx, &node).expect("parses");
        assert!(cx.finish().is_ok());
        let generics = schema_generics(&input);
        let text = generics.where_clause.to_token_stream().to_string();
        text.replace(' ', "")
    }

    /// `text` without spaces, to compare with [`where_clause`].
    fn squeezed(text: &str) -> String {
        text.replace(' ', "")
    }

    /// Which type parameters of `src` its name would describe.
    fn named(src: &str) -> Vec<String> {
        let node: syn::DeriveInput = syn::parse_str(src).expect("test input is Rust");
        let mut cx = Ctxt::default();
        let input = Input::from_syn(&mut cx, &node).expect("parses");
        let generics = schema_generics(&input);
        node.generics
            .type_params()
            .filter(|p| bounds_by_schema(&generics, &p.ident))
            .map(|p| p.ident.to_string())
            .collect()
    }

    #[test]
    fn every_type_parameter_is_bounded_by_default() {
        let src = "struct S<T, U, P> { a: Vec<T>, #[serde(skip)] b: U, c: PhantomData<P> }";
        assert_eq!(
            where_clause(src),
            squeezed("where T: ::persist::Schema, U: ::persist::Schema, P: ::persist::Schema")
        );
        assert_eq!(named(src), ["T", "U", "P"]);
    }

    #[test]
    fn associated_types_of_written_fields_are_bounded_as_serde_does() {
        let src = "enum E<T: Source> { A(T::Item), B { #[serde(skip)] c: T::Other }, \
                   D(Vec<T::Nested>), F(#[schema(as = T::Shown)] u8) }";
        assert_eq!(
            where_clause(src),
            squeezed(
                "where T: ::persist::Schema, T::Item: ::persist::Schema, \
                 T::Shown: ::persist::Schema"
            )
        );
    }

    #[test]
    fn a_container_bound_replaces_the_inference() {
        for (src, clause, names) in [
            (
                "#[schema(bound = \"\")] struct S<T> { m: PhantomData<T> }",
                "",
                &[][..],
            ),
            (
                "#[serde(bound = \"\")] struct S<T> { m: PhantomData<T> }",
                "",
                &[],
            ),
            (
                "#[schema(bound = \"T: Schema\")] struct S<T, U> { a: T, m: PhantomData<U> }",
                "where T: Schema",
                &["T"],
            ),
            // The serialize side of serde's bound: the other may name `'de`.
            (
                "#[serde(bound(serialize = \"T: persist::Schema + Serialize\", \
                 deserialize = \"T: Deserialize<'de>\"))] struct S<T> { a: T }",
                "where T: persist::Schema + Serialize",
                &["T"],
            ),
            // Only a deserialize side: the inference stands.
            (
                "#[serde(bound(deserialize = \"T: Deserialize<'de>\"))] struct S<T> { a: T }",
                "where T: ::persist::Schema",
                &["T"],
            ),
            // Ours wins over serde's.
            (
                "#[serde(bound = \"T: Serialize\")] #[schema(bound = \"T: Schema\")] \
                 struct S<T> { a: T }",
                "where T: Schema",
                &["T"],
            ),
            // A bound in the declaration names the parameter too.
            (
                "#[schema(bound = \"\")] struct S<T: Schema, U> where U: ::persist::Schema \
                 { a: T, b: U }",
                "where U: ::persist::Schema",
                &["T", "U"],
            ),
            // A look-alike trait does not.
            (
                "#[schema(bound = \"T: MySchema, U: other::Schema\")] struct S<T, U>(T, U);",
                "where T: MySchema, U: other::Schema",
                &[],
            ),
        ] {
            assert_eq!(where_clause(src), squeezed(clause), "{src}");
            assert_eq!(named(src), names, "{src}");
        }
    }

    #[test]
    fn field_and_variant_bounds_add_to_the_inference_and_replace_their_own() {
        let src = "enum E<T: Source> { \
                   #[schema(bound = \"T::Item: Clone\")] A(T::Item), \
                   B(#[serde(bound = \"T::Key: Schema\")] T::Key), \
                   C(T::Value) }";
        assert_eq!(
            where_clause(src),
            squeezed(
                "where T::Item: Clone, T::Key: Schema, T: ::persist::Schema, \
                 T::Value: ::persist::Schema"
            )
        );
    }
}
