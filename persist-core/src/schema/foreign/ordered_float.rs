//! [`Schema`] for the `ordered-float` crate (5.x), feature `ordered-float`.
//!
//! Follows `ordered-float` 5.5.1, `src/lib.rs`, module `impl_serde`: both
//! [`OrderedFloat<T>`] and [`NotNan<T>`] write the float they hold
//! (`self.0.serialize(s)`), with no newtype around it. `OrderedFloat` reads any
//! float back; `NotNan` refuses a NaN ("invalid value: floating point `NaN`,
//! expected float (but not NaN)"). No cargo feature of `ordered-float` changes this
//! layout (the `rand` samplers `UniformNotNan` and `UniformOrdered` are not
//! described: `rand`'s own types have no description).

use ordered_float::{NotNan, OrderedFloat};

use crate::schema::{Builder, Node, Schema};

impl<T: Schema> Schema for OrderedFloat<T> {
    /// serde: the float itself.
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}

impl<T: Schema> Schema for NotNan<T> {
    /// serde: the float itself.
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}
