//! The refusals: serde attributes whose encoding a description cannot capture.
//!
//! A description is compared, years later, against the bytes postcard wrote. postcard
//! is not self-describing: it stores values by position, with no field names, tags
//! or lengths beyond what the description says. So anything that makes serde write
//! something other than "these fields, in this order" (or read it back differently
//! from how it was written) is refused here, with the reason and a way out, rather
//! than described approximately.

use proc_macro2::Span;
use syn::LitStr;

use crate::ast::{Data, Field, Input, Style, Variant};
use crate::attr::Seen;
use crate::ctxt::Ctxt;
use crate::record_attr::Record;

/// Records in `cx` every attribute of `input` that cannot be described.
pub fn check(cx: &mut Ctxt, input: &Input) {
    for seen in &input.attrs.seen {
        cx.error(seen.span, container_message(seen.key));
    }
    match &input.data {
        Data::Struct(style, fields) => {
            if let Some(span) = input.attrs.transparent {
                check_transparent(cx, span, fields);
            } else if *style == Style::Newtype {
                check_newtype_skip(cx, fields);
            }
            for field in fields {
                check_field(cx, field);
            }
        }
        Data::Enum(variants) => {
            if let Some(span) = input.attrs.transparent {
                cx.error(
                    span,
                    "`#[serde(transparent)]` is for structs with one field; an enum cannot be \
                     transparent (serde refuses it too)",
                );
            }
            for variant in variants {
                check_variant(cx, variant);
            }
        }
    }
}

/// A transparent struct is described as its one field: there must be exactly one
/// that serde writes.
fn check_transparent(cx: &mut Ctxt, span: Span, fields: &[Field]) {
    let written = fields.iter().filter(|field| !field.attrs.skip).count();
    if written != 1 {
        cx.error(
            span,
            format!(
                "`#[serde(transparent)]` needs exactly one field that is not skipped (the \
                 struct is saved as that field), but there are {written}"
            ),
        );
    }
}

/// serde's derive writes and reads the only field of a newtype struct even when it
/// is marked `skip` (newtype *variants* honour it), so the attribute would promise
/// something that does not happen.
fn check_newtype_skip(cx: &mut Ctxt, fields: &[Field]) {
    for field in fields.iter().filter(|field| field.attrs.skip) {
        let span = ["skip", "skip_serializing", "skip_deserializing"]
            .iter()
            .find_map(|key| field.attrs.seen(key))
            .map_or_else(Span::call_site, |seen| seen.span);
        cx.error(
            span,
            "`#[serde(skip)]` on the only field of a newtype struct has no effect: serde's \
             derive writes and reads that field anyway, so it would be saved; remove the \
             attribute, or give the struct named fields",
        );
    }
}

/// Variant keys all change the numbering or the layout of the variant.
fn check_variant(cx: &mut Ctxt, variant: &Variant) {
    for seen in &variant.attrs.seen {
        cx.error(seen.span, variant_message(seen.key));
    }
    for field in &variant.fields {
        check_field(cx, field);
    }
}

/// A skipped field is neither written nor read, so nothing else about it matters.
/// `#[schema(as = ..)]` answers the `with` family: it says what the functions write.
fn check_field(cx: &mut Ctxt, field: &Field) {
    if field.attrs.skip {
        return;
    }
    for Seen { key, span } in &field.attrs.seen {
        let message = match *key {
            "flatten" => String::from(
                "`#[serde(flatten)]` cannot be described: postcard stores fields by position \
                 and cannot read a flattened struct back; remove it, or implement \
                 persist::Schema by hand",
            ),
            "skip_serializing" => String::from(
                "`#[serde(skip_serializing)]` cannot be described: postcard stores fields by \
                 position, and this field would be read back but never written; use \
                 `#[serde(skip)]` to leave it out on both sides, or remove it",
            ),
            "skip_deserializing" => String::from(
                "`#[serde(skip_deserializing)]` cannot be described: postcard stores fields by \
                 position, and this field would be written but never read back; use \
                 `#[serde(skip)]` to leave it out on both sides, or remove it",
            ),
            "skip_serializing_if" => String::from(
                "`#[serde(skip_serializing_if = ..)]` cannot be described: postcard stores \
                 fields by position and records nothing when one is left out, so the value \
                 could not be read back; remove it (an `Option` costs one byte when `None`), \
                 or use `#[serde(skip)]`",
            ),
            "with" | "serialize_with" | "deserialize_with" | "getter"
                if field.attrs.schema_as.is_none() =>
            {
                format!(
                    "`#[serde({key} = ..)]` cannot be described on its own: the functions, not \
                     the field's type, decide what is written; add `#[schema(as = T)]` naming \
                     a type whose Serialize writes the same bytes (for example \
                     `#[schema(as = String)]` for a field written as a string)"
                )
            }
            _ => continue,
        };
        cx.error(*span, message);
    }
}

/// Why a container key cannot be described.
fn container_message(key: &str) -> String {
    match key {
        "tag" => String::from(
            "`#[serde(tag = ..)]` cannot be described: serde reads an internally tagged type \
             back by looking for its tag among named entries, which postcard does not store; \
             remove it (postcard stores serde's default, externally tagged layout), or \
             implement persist::Schema by hand",
        ),
        "content" => String::from(
            "`#[serde(content = ..)]` cannot be described: serde reads an adjacently tagged \
             type back by matching entry names, which postcard does not store; remove `tag` \
             and `content`, or implement persist::Schema by hand",
        ),
        "untagged" => String::from(
            "`#[serde(untagged)]` cannot be described: serde reads an untagged enum back by \
             trying each variant against a self-describing value, and postcard is not \
             self-describing; remove it, or implement persist::Schema by hand",
        ),
        "from" | "try_from" => format!(
            "`#[serde({key} = ..)]` cannot be described: the type is read back through \
             another type, whose layout this derive cannot see; remove it, or implement \
             persist::Schema by hand, returning the other type's description"
        ),
        "into" => String::from(
            "`#[serde(into = ..)]` cannot be described: the type is written as another type, \
             whose layout this derive cannot see; remove it, or implement persist::Schema by \
             hand, returning the other type's description",
        ),
        _ => format!(
            "`#[serde({key} = ..)]` cannot be described: this definition mirrors a foreign \
             type, whose own Schema is what a save needs; implement persist::Schema by hand \
             for the type that is saved, or describe the fields that hold it with \
             `#[schema(as = ..)]`"
        ),
    }
}

/// Why a variant key cannot be described.
fn variant_message(key: &str) -> String {
    match key {
        "skip" | "skip_deserializing" => format!(
            "`#[serde({key})]` on a variant cannot be described: serde numbers the variants \
             it writes among all variants but the ones it reads among the others, so later \
             variants would be read back as the wrong ones; remove it, or implement \
             persist::Schema by hand"
        ),
        "skip_serializing" => String::from(
            "`#[serde(skip_serializing)]` on a variant cannot be described: serde fails at run \
             time when asked to write this variant, yet the description would promise it; \
             remove it, or implement persist::Schema by hand",
        ),
        "untagged" => String::from(
            "`#[serde(untagged)]` on a variant cannot be described: serde reads an untagged \
             variant back by trying it against a self-describing value, and postcard is not \
             self-describing; remove it, or implement persist::Schema by hand",
        ),
        "other" => String::from(
            "`#[serde(other)]` cannot be described: it catches unknown tags of internally or \
             adjacently tagged enums, which postcard cannot store; remove it, or implement \
             persist::Schema by hand",
        ),
        _ => format!(
            "`#[serde({key} = ..)]` on a variant cannot be described: the functions, not the \
             variant's fields, decide what is written; remove it (and use `with` on the \
             fields, with `#[schema(as = ..)]`), or implement persist::Schema by hand"
        ),
    }
}

/// Records in `cx` what makes `input` unfit to be the record `record` (on top of
/// [`check`], which the record's `Schema` goes through as well).
pub fn check_record(cx: &mut Ctxt, input: &Input, record: &Record) {
    if let Some(span) = input.attrs.transparent {
        cx.error(
            span,
            "a record cannot be `#[serde(transparent)]`: a transparent type has no \
             definition of its own (it is saved as its field), and a record's definition \
             is what carries its REC_ID and VERSION; remove `transparent`, or derive \
             Schema instead of Pickleable",
        );
    }
    match &record.rec_id {
        Some(lit) => {
            if let Some(reason) = rec_id_problem(&lit.value()) {
                cx.error(
                    lit.span(),
                    format!("this rec_id cannot name a file: {reason}"),
                );
            }
        }
        None => {
            let rec_id = crate::ast::unraw(input.ident);
            if let Some(reason) = rec_id_problem(&rec_id) {
                cx.error(
                    input.ident.span(),
                    format!(
                        "the type's name, the default rec_id, cannot name a file: {reason}; \
                         set one with `#[rec_id = \"...\"]`"
                    ),
                );
            }
        }
    }
    if let Some((0, lit)) = &record.version {
        cx.error(
            lit.span(),
            "a record's version starts at 1: version 0 means \"not a record\" in saved files",
        );
    }
    if let Some((_, older)) = &record.from {
        if names_itself(older, input.ident) {
            cx.push(syn::Error::new_spanned(
                older,
                "a type cannot be the older version of itself: `from` names the type whose \
                 files this version upgrades, such as `PortfolioV2`",
            ));
        }
    }
    if let Some((span, _)) = &record.from {
        if !matches!(record.version, Some((version, _)) if version > 1) {
            cx.error(
                *span,
                "a type with `from = ..` reads files of an older version, so its own version \
                 must be above 1: add `version = N` to `#[pickle(..)]`",
            );
        }
    }
    if let Some((_, aliases)) = &record.aliases {
        check_aliases(cx, input, record, aliases);
    }
    if record.manual_schema.is_some() {
        // The chain and the aliases live in `Schema::lineage`, which the user's
        // impl writes: here they would be silently ignored.
        for (key, span) in [
            ("from", record.from.as_ref().map(|(span, _)| *span)),
            ("aliases", record.aliases.as_ref().map(|(span, _)| *span)),
        ] {
            if let Some(span) = span {
                cx.error(
                    span,
                    format!(
                        "with `manual_schema`, `{key}` goes in your own `Schema` impl: return \
                         it from `Schema::lineage` (see `persist::migrate::link`)"
                    ),
                );
            }
        }
    }
}

/// Whether `ty` is `Self` or the type's own name (with any generic arguments).
fn names_itself(ty: &syn::Type, ident: &syn::Ident) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    path.qself.is_none()
        && path.path.segments.len() == 1
        && (path.path.segments[0].ident == "Self" || path.path.segments[0].ident == *ident)
}

/// Each alias must be a usable REC_ID, given once, and not the type's own.
fn check_aliases(cx: &mut Ctxt, input: &Input, record: &Record, aliases: &[LitStr]) {
    let own = match &record.rec_id {
        Some(lit) => lit.value(),
        None => crate::ast::unraw(input.ident),
    };
    let mut seen = Vec::new();
    for alias in aliases {
        let value = alias.value();
        if let Some(reason) = rec_id_problem(&value) {
            cx.error(
                alias.span(),
                format!("this alias cannot name a file: {reason}"),
            );
        } else if value == own {
            cx.error(
                alias.span(),
                "this alias is the type's own rec_id; aliases are the other ids whose files \
                 it reads",
            );
        } else if seen.contains(&value) {
            cx.error(alias.span(), "this alias is given twice; keep only one");
        }
        seen.push(value);
    }
}

/// Why `rec_id` cannot name a file: the run-time rules themselves, so the two
/// can never disagree.
pub use persist_core::naming::rec_id_problem;

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages `#[derive(Schema)]` reports for `src`, in order.
    fn errors(src: &str) -> Vec<String> {
        let node: syn::DeriveInput = syn::parse_str(src).expect("test input is Rust");
        let mut cx = Ctxt::default();
        match Input::from_syn(&mut cx, &node) {
            Ok(input) => check(&mut cx, &input),
            Err(error) => cx.push(error),
        }
        match cx.finish() {
            Ok(()) => Vec::new(),
            Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn attributes_that_do_not_change_the_bytes_are_ignored() {
        let src = r#"
            #[serde(deny_unknown_fields, default, crate = "serde", expecting = "a thing")]
            #[serde(bound(serialize = "T: Clone", deserialize = "T: Clone"))]
            #[serde(rename_all(deserialize = "camelCase"), some_future_key(a, b = "c"))]
            struct S<'a, T> {
                #[serde(default = "make", alias = "b", alias = "c", borrow = "'a")]
                a: &'a str,
                #[serde(skip, skip_serializing_if = "never", with = "m", flatten)]
                skipped: T,
                #[serde(with = "m")]
                #[schema(as = String)]
                described: u8,
                #[serde(skip_serializing, skip_deserializing)]
                both: u8,
                #[serde(another = 1 + 2, bound = "T: Default")]
                future: u8,
            }
        "#;
        assert_eq!(errors(src), Vec::<String>::new());
    }

    #[test]
    fn every_refused_key_is_reported_at_once() {
        let src = r#"
            #[serde(tag = "t", content = "c", untagged, from = "A", try_from = "B")]
            #[serde(into = "C", remote = "D")]
            enum E {
                #[serde(skip)] A,
                #[serde(skip_serializing)] B,
                #[serde(skip_deserializing)] C,
                #[serde(with = "m")] D(u8),
                #[serde(serialize_with = "f", deserialize_with = "g")] F(u8),
                #[serde(untagged)] G(u8),
                #[serde(other)] H,
                I {
                    #[serde(flatten)] a: X,
                    #[serde(skip_serializing)] b: u8,
                    #[serde(skip_deserializing)] c: u8,
                    #[serde(skip_serializing_if = "f")] d: u8,
                    #[serde(with = "m")] e: u8,
                    #[serde(serialize_with = "f")] f: u8,
                    #[serde(deserialize_with = "f")] g: u8,
                    #[serde(getter = "f")] h: u8,
                },
            }
        "#;
        let errors = errors(src);
        let keys = [
            "tag",
            "content",
            "untagged",
            "from",
            "try_from",
            "into",
            "remote",
            "skip",
            "skip_serializing",
            "skip_deserializing",
            "with",
            "serialize_with",
            "deserialize_with",
            "untagged",
            "other",
            "flatten",
            "skip_serializing",
            "skip_deserializing",
            "skip_serializing_if",
            "with",
            "serialize_with",
            "deserialize_with",
            "getter",
        ];
        assert_eq!(errors.len(), keys.len(), "{errors:#?}");
        for (error, key) in errors.iter().zip(keys) {
            assert!(error.starts_with(&format!("`#[serde({key}")), "{error}");
            assert!(error.contains("cannot be described"), "{error}");
            // Every message is finished text: no unfilled `{placeholder}`.
            assert!(!error.contains('{'), "{error}");
        }
    }

    #[test]
    fn transparent_needs_a_struct_with_one_written_field() {
        let ok = "#[serde(transparent)] struct S { #[serde(skip)] a: u8, b: u8 }";
        assert_eq!(errors(ok), Vec::<String>::new());
        for src in [
            "#[serde(transparent)] struct S { a: u8, b: u8 }",
            "#[serde(transparent)] struct S(#[serde(skip)] u8);",
            "#[serde(transparent)] struct S;",
            "#[serde(transparent)] enum E { A(u8) }",
        ] {
            let errors = errors(src);
            assert_eq!(errors.len(), 1, "{src}: {errors:?}");
            assert!(
                errors[0].starts_with("`#[serde(transparent)]`"),
                "{errors:?}"
            );
        }
    }

    #[test]
    fn skip_on_a_newtype_struct_is_refused_but_not_on_a_variant() {
        let errors = errors("struct S(#[serde(skip)] u8);");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("newtype struct has no effect"));
        assert_eq!(
            errors_of_enum("enum E { A(#[serde(skip)] u8) }"),
            Vec::<String>::new()
        );
    }

    fn errors_of_enum(src: &str) -> Vec<String> {
        errors(src)
    }

    #[test]
    fn malformed_attributes_are_reported() {
        for (src, expected) in [
            (
                "struct S { #[schema] a: u8 }",
                "expected attribute arguments",
            ),
            ("struct S { #[schema(as)] a: u8 }", "expected `=`"),
            ("struct S { #[schema(as = 5)] a: u8 }", "expected one of"),
            (
                "struct S { #[schema(type = u8)] a: u8 }",
                "unknown key `type`",
            ),
            (
                "struct S { #[schema(as = u8, as = u16)] a: u8 }",
                "a second `#[schema(as = ..)]`",
            ),
            (
                "#[schema(as = u8)] struct S;",
                "not supported on a struct or enum",
            ),
            (
                "enum E { #[schema(as = u8)] A }",
                "not supported on an enum variant",
            ),
            (
                "#[serde(rename = 5)] struct S;",
                "expected serde `rename` to be a string",
            ),
            (
                "#[serde(rename_all = \"Bogus\")] struct S;",
                "unknown rename rule",
            ),
            ("union U { a: u8 }", "a union cannot be described"),
        ] {
            let errors = errors(src);
            assert_eq!(errors.len(), 1, "{src}: {errors:?}");
            assert!(errors[0].contains(expected), "{src}: {errors:?}");
        }
    }
}
