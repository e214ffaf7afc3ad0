//! Placeholder: filled in by the chrono work.
