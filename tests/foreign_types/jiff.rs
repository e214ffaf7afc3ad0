//! Placeholder: filled in by the jiff work.
