//! [`Schema`] for indexmap 2's `IndexMap` and `IndexSet`, following its serde impls
//! in `indexmap-2.14.2/src/serde.rs`.
//!
//! Both write their entries in insertion order, which a load keeps. Neither
//! Deserialize refuses anything of its own: a key met twice keeps its first place
//! and takes the last value (an `IndexSet` keeps one copy), as `insert` does.

use indexmap::{IndexMap, IndexSet};

use crate::schema::{Builder, Node, Schema};

// serde: `collect_map`, a map with its count (as `HashMap`), whatever the hasher `S`.
impl<K: Schema, V: Schema, S> Schema for IndexMap<K, V, S> {
    fn describe(builder: &mut Builder) -> Node {
        let key = K::describe(builder);
        Node::Map(Box::new(key), Box::new(V::describe(builder)))
    }
}

// serde: `collect_seq`, a sequence with its count (as `HashSet`), whatever the hasher `S`.
impl<T: Schema, S> Schema for IndexSet<T, S> {
    fn describe(builder: &mut Builder) -> Node {
        Node::Seq(Box::new(T::describe(builder)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Description;

    #[test]
    fn maps_and_sets_describe_as_std_ones() {
        let d = Description::of::<(IndexMap<String, f64>, IndexSet<u32>)>();
        assert_eq!(d.root().to_string(), "(Map<String, f64>, Vec<u32>)");
    }
}
