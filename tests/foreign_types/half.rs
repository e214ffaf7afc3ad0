//! Placeholder: filled in by the half work.
