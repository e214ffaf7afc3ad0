//! Error collection, so that one compilation reports every problem of an input.
//!
//! Like `serde_derive`'s `Ctxt`: parsing and validation record errors here and carry
//! on, and the derive reports them all together at the end, each at its own span.

use std::fmt::Display;

use proc_macro2::Span;

/// The errors found so far in one derive input.
#[derive(Default)]
pub struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// Records `message` at `span`.
    pub fn error(&mut self, span: Span, message: impl Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// Records an error syn produced (a malformed attribute, say).
    pub fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// `Ok` if nothing was recorded, else every error combined into one.
    pub fn finish(self) -> syn::Result<()> {
        let mut errors = self.errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}
