use persist::Schema;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

// `bound` is given once, and holds where-clause predicates.
#[derive(Serialize, Deserialize, Schema)]
#[schema(bound = "")]
#[schema(bound = "T: Schema")]
struct Tagged<T> {
    marker: PhantomData<T>,
}

#[derive(Serialize, Deserialize, Schema)]
#[schema(bound = "T Schema")]
struct Wrapped<T> {
    inner: T,
}

// `as` describes a field: on the type itself it is refused.
#[derive(Serialize, Deserialize, Schema)]
#[schema(as = u8)]
struct Level {
    #[schema(bound = "", as = u16)]
    value: u16,
}

fn main() {}
