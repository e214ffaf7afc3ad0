//! Placeholder: filled in by the indexmap work.
