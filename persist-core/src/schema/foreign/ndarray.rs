//! [`Schema`] for ndarray 0.17's arrays and dimensions, following its serde impls in
//! `ndarray-0.17.2/src/array_serde.rs` (the format version from `src/arraytraits.rs`).
//!
//! ndarray writes every array as `serialize_struct("Array", 3)` with the fields
//! `v` (its format version, a `u8`, always 1), `dim` (the shape) and `data` (the
//! elements in logical order, with their count). serde's struct name is `Array`
//! for every element type and dimension; the definition is named
//! `Array<ELEM, DIM>` (`Array<f64, Ix2>`, `Array<u8, IxDyn>`), so that two arrays
//! of different types get distinct definitions. The name is shared by every
//! storage (`Array`, `ArcArray`, a view or a `CowArray` write the same bytes),
//! so one description stands for all of them.

use std::marker::PhantomData;

use ndarray::{ArrayBase, Data, Dim, Dimension, IxDyn};

use crate::schema::{generic_name, Body, Builder, Definition, Field, Fields, Node, Schema};

/// Stands for every storage of one element type and dimension, so that `Array`,
/// `ArcArray` and the views of the same `A` and `D` share one definition.
struct ArrayOf<A, D>(PhantomData<(A, D)>);

/// The dimension's name in a definition's name: `Ix0`..`Ix6` or `IxDyn`.
fn dimension_name<D: Dimension>() -> String {
    match D::NDIM {
        Some(n) => format!("Ix{n}"),
        None => "IxDyn".to_string(),
    }
}

// serde: `Dim<I>` writes its index pattern `I`; for `Ix0`..`Ix6` that is
// `[usize; N]`, which serde writes as a tuple of N `usize` (no length).
impl<const N: usize> Schema for Dim<[usize; N]> {
    fn describe(builder: &mut Builder) -> Node {
        <[usize; N]>::describe(builder)
    }
}

// serde: `IxDyn` writes its indices as the slice `[usize]`, a sequence with its
// length (and reads them back as a `Vec<usize>`).
impl Schema for IxDyn {
    fn describe(_: &mut Builder) -> Node {
        Node::Seq(Box::new(Node::Usize))
    }
}

// serde: `struct Array { v: u8, dim: D, data: [A] }`, `data` written with
// `serialize_seq` (its count first). Deserialize (owned storages only) refuses a
// version other than 1 and a `data` whose count is not the shape's product.
impl<A, D, S> Schema for ArrayBase<S, D>
where
    A: Schema,
    D: Dimension + Schema,
    S: Data<Elem = A>,
{
    fn describe(builder: &mut Builder) -> Node {
        let elem = A::describe(builder);
        let dim = D::describe(builder);
        let name = generic_name("Array", &[elem.to_string(), dimension_name::<D>()]);
        builder.define::<ArrayOf<A, D>>(name, |_| {
            Definition::new(
                "Array",
                Body::Struct(Fields::Named(vec![
                    Field::new("v", Node::U8),
                    Field::new("dim", dim),
                    Field::new("data", Node::Seq(Box::new(elem))),
                ])),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array0, Array2, ArrayD, ArrayView2, Ix3};

    use crate::schema::Description;

    #[test]
    fn arrays_are_named_by_element_and_dimension() {
        let d = Description::of::<(Array2<f64>, Array0<u8>, ArrayD<f32>)>();
        assert_eq!(
            d.to_string(),
            "type (Array<f64, Ix2>, Array<u8, Ix0>, Array<f32, IxDyn>)\n\
             struct Array<f64, Ix2> { v: u8, dim: [usize; 2], data: Vec<f64> }\n\
             struct Array<u8, Ix0> { v: u8, dim: [usize; 0], data: Vec<u8> }\n\
             struct Array<f32, IxDyn> { v: u8, dim: Vec<usize>, data: Vec<f32> }"
        );
    }

    #[test]
    fn every_storage_shares_the_definition() {
        let d = Description::of::<(
            Array2<f64>,
            ndarray::ArcArray2<f64>,
            ArrayView2<'static, f64>,
        )>();
        assert_eq!(d.definitions().len(), 1);
        assert_eq!(Description::of::<Ix3>().root().to_string(), "[usize; 3]");
    }
}
