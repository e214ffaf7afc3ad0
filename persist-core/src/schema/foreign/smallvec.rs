//! [`Schema`] for smallvec 1's `SmallVec`, following its serde impl in
//! `smallvec-1.16.6/src/lib.rs` (`impl<A: Array> Serialize for SmallVec<A>`).
//!
//! The inline capacity is not written: a `SmallVec<[u32; 4]>` saves as a
//! `Vec<u32>` does, whether it has spilled or not, and loads any count (spilling
//! past the capacity). Its Deserialize reserves the count it is given, which a
//! load bounds by the payload bytes left.

use smallvec::{Array, SmallVec};

use crate::schema::{Builder, Node, Schema};

// serde: `serialize_seq(Some(len))`, a sequence with its count.
impl<A> Schema for SmallVec<A>
where
    A: Array,
    A::Item: Schema,
{
    fn describe(builder: &mut Builder) -> Node {
        Node::Seq(Box::new(<A::Item>::describe(builder)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Description;

    #[test]
    fn small_vectors_describe_as_vectors() {
        assert_eq!(
            Description::of::<SmallVec<[u32; 4]>>(),
            Description::of::<Vec<u32>>()
        );
    }
}
