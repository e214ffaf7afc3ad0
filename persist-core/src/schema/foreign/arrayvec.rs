//! [`Schema`] for arrayvec 0.7's `ArrayVec` and `ArrayString`, following its serde
//! impls in `arrayvec-0.7.8/src/arrayvec.rs` and `arrayvec-0.7.8/src/array_string.rs`.
//!
//! The capacity is not written. A load refuses more items (or bytes) than the
//! capacity of the type asked for, with serde's `invalid_length` error: "invalid
//! length N, expected an array with no more than CAP items" or "... a string no
//! more than CAP bytes long".

use arrayvec::{ArrayString, ArrayVec};

use crate::schema::{Builder, Node, Schema};

// serde: `collect_seq`, a sequence with its count.
impl<T: Schema, const CAP: usize> Schema for ArrayVec<T, CAP> {
    fn describe(builder: &mut Builder) -> Node {
        Node::Seq(Box::new(T::describe(builder)))
    }
}

// serde: `serialize_str`, a string.
impl<const CAP: usize> Schema for ArrayString<CAP> {
    fn describe(_: &mut Builder) -> Node {
        Node::String
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Description;

    #[test]
    fn capacities_are_not_written() {
        let d = Description::of::<(ArrayVec<u16, 3>, ArrayString<8>)>();
        assert_eq!(d.root().to_string(), "(Vec<u16>, String)");
    }
}
