//! Placeholder: filled in by the nalgebra work.
