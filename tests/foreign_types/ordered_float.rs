//! Placeholder: filled in by the ordered_float work.
