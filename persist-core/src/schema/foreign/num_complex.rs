//! [`Schema`] for the `num-complex` crate (0.4), feature `num-complex`.
//!
//! Follows `num-complex` 0.4.6, `src/lib.rs` (the `serde` impls near its end):
//! [`Complex<T>`] writes the tuple `(&self.re, &self.im)` — `serialize_tuple(2)`,
//! not a struct — and reads it back the same way. postcard writes a tuple as its
//! items without a length, so a `Complex<f64>` is sixteen bytes. No cargo feature
//! of `num-complex` changes this layout.

use num_complex::Complex;

use crate::schema::{Builder, Node, Schema};

impl<T: Schema> Schema for Complex<T> {
    /// serde: the tuple `(re, im)`, items without a length.
    fn describe(builder: &mut Builder) -> Node {
        let re = T::describe(builder);
        let im = T::describe(builder);
        Node::Tuple(vec![re, im])
    }
}
