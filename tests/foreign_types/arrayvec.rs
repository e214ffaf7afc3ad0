//! Placeholder: filled in by the arrayvec work.
