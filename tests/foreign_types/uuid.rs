//! Placeholder: filled in by the uuid work.
