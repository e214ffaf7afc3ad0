//! [`Schema`](super::Schema) for the field types of other crates, one cargo feature
//! (and one module) per crate, each named after it.
//!
//! The orphan rule leaves users no way to write these impls themselves, so persist
//! owns them. Each description is what that crate's `Serialize` writes in a
//! non-human-readable format such as postcard (`is_human_readable() == false`),
//! read from the crate's source; each module says which source it follows, and
//! `tests/foreign_types` proves every description by a save, a typed load and a
//! dynamic read of the same file.

/// `Schema` for types whose `Serialize` is `serializer.collect_str(..)`: a plain
/// string, read back with `deserialize_str` (dates and times of several crates).
/// Expects `Builder`, `Node` and `Schema` in scope.
#[allow(unused_macros)]
macro_rules! string {
    ($($ty:ty),* $(,)?) => {
        $(impl Schema for $ty {
            fn describe(_: &mut Builder) -> Node {
                Node::String
            }
        })*
    };
}

#[cfg(feature = "arrayvec")]
mod arrayvec;
#[cfg(feature = "bytes")]
mod bytes;
#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "half")]
mod half;
#[cfg(feature = "indexmap")]
mod indexmap;
#[cfg(feature = "jiff")]
mod jiff;
#[cfg(feature = "nalgebra")]
mod nalgebra;
#[cfg(feature = "ndarray")]
mod ndarray;
#[cfg(feature = "num-complex")]
mod num_complex;
#[cfg(feature = "ordered-float")]
mod ordered_float;
#[cfg(feature = "rust_decimal")]
mod rust_decimal;
#[cfg(feature = "smallvec")]
mod smallvec;
#[cfg(feature = "time")]
mod time;
#[cfg(feature = "uuid")]
mod uuid;
