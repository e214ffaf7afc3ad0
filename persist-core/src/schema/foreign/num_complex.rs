//! Placeholder: filled in by the num_complex work.
