//! The attributes of a record: `#[rec_id = ".."]` and `#[pickle(..)]`.
//!
//! Unlike serde's attributes, these are ours, so the parser is strict: every key is
//! known, given once, and of the right kind. Semantic errors (a duplicate, an
//! unknown key) are recorded and the walk goes on, so that one compilation reports
//! them all; a syntax error ends the walk of its attribute. What the values mean
//! (a version of 0, a rec_id that cannot name a file) is judged in
//! [`valid`](crate::valid).

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{bracketed, Attribute, DeriveInput, Expr, Lit, LitInt, LitStr, Token, Type};

use crate::attr::skip_value;
use crate::ctxt::Ctxt;

/// The record attributes of a struct or enum.
#[derive(Default)]
pub struct Record {
    /// `#[rec_id = ".."]`: the id files are saved under.
    pub rec_id: Option<LitStr>,
    /// `#[pickle(version = N)]`: the value and its literal (for spans).
    pub version: Option<(u32, LitInt)>,
    /// `#[pickle(from = Type)]`: where the key was written, and the type.
    pub from: Option<(Span, Type)>,
    /// `#[pickle(aliases = [..])]`: where the key was written, and the ids.
    pub aliases: Option<(Span, Vec<LitStr>)>,
    /// `#[pickle(manual_schema)]`: where it was written. The type has its own
    /// `Schema` impl, so the derive writes none.
    pub manual_schema: Option<Span>,
}

impl Record {
    /// Reads the record attributes of `node`, and refuses them on its variants and
    /// fields (where they would be silently ignored).
    pub fn from_input(cx: &mut Ctxt, node: &DeriveInput) -> Self {
        let mut this = Record::default();
        for attr in &node.attrs {
            if attr.path().is_ident("rec_id") {
                this.read_rec_id(cx, attr);
            } else if attr.path().is_ident("pickle") {
                let result = attr.parse_nested_meta(|meta| this.read_pickle_key(cx, &meta));
                if let Err(error) = result {
                    cx.push(error);
                }
            }
        }
        refuse_inside(cx, node);
        this
    }

    /// `#[rec_id = ".."]`, exactly that form.
    fn read_rec_id(&mut self, cx: &mut Ctxt, attr: &Attribute) {
        let syn::Meta::NameValue(name_value) = &attr.meta else {
            cx.push(syn::Error::new_spanned(
                attr,
                "expected `#[rec_id = \"...\"]`: the id files of this type are saved under",
            ));
            return;
        };
        let Some(lit) = string_literal(&name_value.value) else {
            cx.push(syn::Error::new_spanned(
                &name_value.value,
                "expected a string: `#[rec_id = \"...\"]`",
            ));
            return;
        };
        if self.rec_id.is_some() {
            cx.error(
                attr.path().span(),
                "a second `#[rec_id = ..]`: a record has one id; keep only one",
            );
            return;
        }
        self.rec_id = Some(lit);
    }

    /// One key of `#[pickle(..)]`.
    fn read_pickle_key(&mut self, cx: &mut Ctxt, meta: &ParseNestedMeta) -> syn::Result<()> {
        let span = meta.path.span();
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        let duplicate = |cx: &mut Ctxt, key: &str| {
            cx.error(
                span,
                format!("`{key}` is given twice in `#[pickle(..)]`; keep only one"),
            );
        };
        match key.as_str() {
            "version" => {
                let version = version_value(meta)?;
                if self.version.is_some() {
                    duplicate(cx, "version");
                } else {
                    self.version = Some(version);
                }
            }
            "from" => {
                let ty: Type = meta.value()?.parse()?;
                if self.from.is_some() {
                    duplicate(cx, "from");
                } else {
                    self.from = Some((span, ty));
                }
            }
            "aliases" => {
                let aliases = aliases_value(meta)?;
                if self.aliases.is_some() {
                    duplicate(cx, "aliases");
                } else {
                    self.aliases = Some((span, aliases));
                }
            }
            "manual_schema" => {
                if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
                    return Err(meta.error("`manual_schema` takes no value"));
                }
                if self.manual_schema.is_some() {
                    duplicate(cx, "manual_schema");
                } else {
                    self.manual_schema = Some(span);
                }
            }
            _ => {
                cx.error(
                    span,
                    format!(
                        "unknown key `{}` in `#[pickle(..)]`: the keys are `version`, `from`, \
                         `aliases` and `manual_schema`, as in `#[pickle(version = 2)]`",
                        quote::ToTokens::to_token_stream(&meta.path)
                            .to_string()
                            .replace(' ', "")
                    ),
                );
                skip_value(meta)?;
            }
        }
        Ok(())
    }
}

/// The string literal `expr` is, looking through invisible groups that
/// `macro_rules!` expansions leave around literals.
fn string_literal(expr: &Expr) -> Option<LitStr> {
    match expr {
        Expr::Group(group) => string_literal(&group.expr),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => Some(lit.clone()),
        _ => None,
    }
}

/// The `N` of `version = N`: an integer literal that fits a `u32`.
fn version_value(meta: &ParseNestedMeta) -> syn::Result<(u32, LitInt)> {
    let expr: Expr = meta.value()?.parse()?;
    let mut value = &expr;
    while let Expr::Group(group) = value {
        value = &group.expr;
    }
    let Expr::Lit(syn::ExprLit {
        lit: Lit::Int(lit), ..
    }) = value
    else {
        return Err(syn::Error::new_spanned(
            expr,
            "expected an integer: `#[pickle(version = 2)]`",
        ));
    };
    if !matches!(lit.suffix(), "" | "u32") {
        return Err(syn::Error::new(
            lit.span(),
            "the version is a `u32`: write it without a suffix, as in `version = 2`",
        ));
    }
    let version = lit
        .base10_parse::<u32>()
        .map_err(|_| syn::Error::new(lit.span(), "the version must fit in a `u32`"))?;
    Ok((version, lit.clone()))
}

/// The ids of `aliases = ["A", "B"]`.
fn aliases_value(meta: &ParseNestedMeta) -> syn::Result<Vec<LitStr>> {
    let input = meta.value()?;
    let content;
    bracketed!(content in input);
    let ids = content.parse_terminated(|input| input.parse::<LitStr>(), Token![,])?;
    Ok(ids.into_iter().collect())
}

/// `#[rec_id]` and `#[pickle]` describe the record itself: on a variant or a field
/// they would be ignored, so they are refused.
fn refuse_inside(cx: &mut Ctxt, node: &DeriveInput) {
    let mut refuse = |attrs: &[Attribute], place: &str| {
        for attr in attrs {
            let path = attr.path();
            if path.is_ident("rec_id") || path.is_ident("pickle") {
                cx.push(syn::Error::new_spanned(
                    attr,
                    format!(
                        "`#[rec_id]` and `#[pickle(..)]` are not supported on {place}: they go \
                         on the struct or enum"
                    ),
                ));
            }
        }
    };
    match &node.data {
        syn::Data::Struct(data) => {
            for field in &data.fields {
                refuse(&field.attrs, "a field");
            }
        }
        syn::Data::Enum(data) => {
            for variant in &data.variants {
                refuse(&variant.attrs, "an enum variant");
                for field in &variant.fields {
                    refuse(&field.attrs, "a field");
                }
            }
        }
        syn::Data::Union(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::Input;
    use crate::ctxt::Ctxt;
    use crate::valid;

    use super::Record;

    /// The messages `#[derive(Pickleable)]` reports for `src`, in order.
    fn errors(src: &str) -> Vec<String> {
        let node: syn::DeriveInput = syn::parse_str(src).expect("test input is Rust");
        let mut cx = Ctxt::default();
        let record = Record::from_input(&mut cx, &node);
        match Input::from_syn(&mut cx, &node) {
            Ok(input) => {
                valid::check(&mut cx, &input);
                valid::check_record(&mut cx, &input, &record);
            }
            Err(error) => cx.push(error),
        }
        match cx.finish() {
            Ok(()) => Vec::new(),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn well_formed_records_pass() {
        for src in [
            "struct S;",
            "#[rec_id = \"My.Class-2\"] #[pickle(version = 4)] struct S { a: u8 }",
            "#[pickle(version = 4u32)] enum E { A }",
            "#[pickle()] struct S<T>(T, u8);",
            "#[pickle(version = 2, from = Old, aliases = [\"Older\", \"Oldest\"])] struct S;",
            "#[pickle(aliases = [])] struct S;",
            "#[pickle(manual_schema, version = 3)] struct S;",
        ] {
            assert_eq!(errors(src), Vec::<String>::new(), "{src}");
        }
    }

    #[test]
    fn every_problem_is_reported() {
        for (src, expected) in [
            (
                "#[pickle(version = 0)] struct S;",
                &["version starts at 1"][..],
            ),
            (
                "#[pickle(version = \"1\")] struct S;",
                &["expected an integer"],
            ),
            ("#[pickle(version = 1u8)] struct S;", &["is a `u32`"]),
            (
                "#[pickle(version = 4294967296)] struct S;",
                &["fit in a `u32`"],
            ),
            ("#[pickle(version)] struct S;", &["expected `=`"]),
            (
                "#[pickle(version = 1, version = 2)] #[pickle(version = 3, bogus)] struct S;",
                &["given twice", "given twice", "unknown key `bogus`"],
            ),
            (
                "#[rec_id = \"A\"] #[rec_id = \"B\"] struct S;",
                &["a second `#[rec_id = ..]`"],
            ),
            (
                "#[rec_id(\"A\")] struct S;",
                &["expected `#[rec_id = \"...\"]`"],
            ),
            ("#[rec_id = 5] struct S;", &["expected a string"]),
            ("#[rec_id = \"a b \"] struct S;", &["ends with a space"]),
            ("#[rec_id = \"a\\\\b\"] struct S;", &["path separator"]),
            ("#[rec_id = \"a?\"] struct S;", &["not portable"]),
            ("#[rec_id = \"\"] struct S;", &["it is empty"]),
            (
                "#[pickle(from = Old)] struct S;",
                &["its own version must be above 1"],
            ),
            (
                "#[pickle(version = 1, from = Old)] struct S;",
                &["its own version must be above 1"],
            ),
            (
                "#[pickle(aliases = [\"S\", \"A\", \"a/b\", \"A\"])] struct S;",
                &["the type's own rec_id", "cannot name a file", "given twice"],
            ),
            (
                "#[rec_id = \"Mine\"] #[pickle(aliases = [\"Mine\"])] struct S;",
                &["the type's own rec_id"],
            ),
            (
                "#[pickle(version = 2, from = Self)] struct S;",
                &["cannot be the older version of itself"],
            ),
            (
                "#[pickle(version = 2, from = S<u8>)] struct S<T>(T);",
                &["cannot be the older version of itself"],
            ),
            (
                "#[pickle(manual_schema = true)] struct S;",
                &["takes no value"],
            ),
            (
                "#[pickle(manual_schema, manual_schema)] struct S;",
                &["given twice"],
            ),
            (
                "#[pickle(manual_schema, version = 2, from = Old, aliases = [\"A\"])] struct S;",
                &["in your own `Schema` impl", "in your own `Schema` impl"],
            ),
            (
                "#[pickle(aliases = [A])] struct S;",
                &["expected string literal"],
            ),
            ("#[pickle(from = 5)] struct S;", &["expected one of"]),
            (
                "#[serde(transparent)] struct S(u8);",
                &["a record cannot be `#[serde(transparent)]`"],
            ),
            (
                "struct S { #[pickle(version = 2)] a: u8 }",
                &["not supported on a field"],
            ),
            (
                "enum E { #[rec_id = \"A\"] A }",
                &["not supported on an enum variant"],
            ),
            // The Schema refusals apply to records too.
            (
                "#[serde(tag = \"t\")] enum E { A }",
                &["cannot be described"],
            ),
            (
                "#[pickle(version = 1, version = 2)] union U { a: u8 }",
                &["given twice", "a union cannot be described"],
            ),
        ] {
            let errors = errors(src);
            assert_eq!(errors.len(), expected.len(), "{src}: {errors:?}");
            for (error, expected) in errors.iter().zip(expected) {
                assert!(error.contains(expected), "{src}: {errors:?}");
            }
        }
    }

    #[test]
    fn the_rec_id_rules_match_the_runtime_ones() {
        let max = "x".repeat(244);
        let too_long = "x".repeat(245);
        for (rec_id, ok) in [
            ("Portfolio", true),
            ("Überblick", true),
            ("a.b", true),
            (max.as_str(), true),
            (too_long.as_str(), false),
            ("..", false),
            (".hidden", false),
            ("a/b", false),
            ("a:b", false),
            ("tab\there", false),
        ] {
            assert_eq!(valid::rec_id_problem(rec_id).is_none(), ok, "{rec_id:?}");
        }
    }
}
