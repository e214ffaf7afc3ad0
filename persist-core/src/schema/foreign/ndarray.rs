//! Placeholder: filled in by the ndarray work.
