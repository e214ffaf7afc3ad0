//! Placeholder: filled in by the smallvec work.
