//! Placeholder: filled in by the bytes work.
