//! Placeholder: filled in by the rust_decimal work.
