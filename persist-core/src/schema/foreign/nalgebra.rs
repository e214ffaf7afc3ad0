//! [`Schema`] for nalgebra 0.35's matrices, vectors and geometric types, following
//! its serde impls in `nalgebra-0.35.0/src/`: `base/matrix.rs` (a matrix writes its
//! storage), `base/array_storage.rs`, `base/vec_storage.rs`, `base/dimension.rs`
//! (`Dyn`, `Const`), `base/unit.rs`, and under `geometry/`: `point.rs`,
//! `quaternion.rs`, `dual_quaternion.rs`, `translation.rs`, `scale.rs`,
//! `rotation.rs`, `isometry.rs`, `similarity.rs`, `transform.rs`,
//! `orthographic.rs`, `perspective.rs`.
//!
//! A statically sized matrix is its R×C elements in column-major order, without a
//! count (`Matrix3<f64>` is `[f64; 9]`, `Vector3<f64>` is `[f64; 3]`). A
//! dynamically sized one (`DMatrix`, `DVector`) is the tuple `(data, nrows,
//! ncols)`, where a `Dyn` dimension is a `usize` and a `Const` one is `()`, so
//! nothing: `DMatrix<f64>` is `(Vec<f64>, usize, usize)` and `DVector<f64>` is
//! `(Vec<f64>, usize, ())`. nalgebra compiles the `VecStorage` impls only with its
//! `serde-serialize` feature (`serde-serialize-no-std` leaves them out); the
//! description here is ready for them either way.
//!
//! `Unit<T>` writes its `T`, so `UnitQuaternion` is `[T; 4]`; `UnitComplex` is
//! described once `Complex` is (the `num-complex` feature). `Isometry` and
//! `Similarity` are serde-derived structs, named with their arguments as the
//! derive names generic types: `Isometry<f64, [f64; 4], 3>` for `Isometry3<f64>`.

use nalgebra::allocator::Allocator;
use nalgebra::dimension::{DimNameAdd, DimNameSum, U1};
use nalgebra::{
    ArrayStorage, Const, DefaultAllocator, Dim, DualQuaternion, Dyn, Isometry, Matrix, OMatrix,
    Orthographic3, Perspective3, Point, Quaternion, RealField, Rotation, SMatrix, SVector, Scalar,
    Scale, Similarity, TCategory, Transform, Translation, Unit, VecStorage, Vector4,
};

use crate::schema::{generic_name, Body, Builder, Definition, Field, Fields, Node, Schema};

// serde: a `Matrix` writes its storage and nothing else.
impl<T, R, C, S: Schema> Schema for Matrix<T, R, C, S> {
    fn describe(builder: &mut Builder) -> Node {
        S::describe(builder)
    }
}

// serde: `serialize_tuple(R * C)` of the elements in column-major order (no count).
impl<T: Schema, const R: usize, const C: usize> Schema for ArrayStorage<T, R, C> {
    fn describe(builder: &mut Builder) -> Node {
        let len = (R as u64).saturating_mul(C as u64);
        Node::Array(len, Box::new(T::describe(builder)))
    }
}

// serde (`serde-serialize` feature): the tuple `(data, nrows, ncols)`, `data` a
// `Vec` with its count. Deserialize refuses a count other than `nrows * ncols`.
impl<T: Schema, R: Dim + Schema, C: Dim + Schema> Schema for VecStorage<T, R, C> {
    fn describe(builder: &mut Builder) -> Node {
        let data = Node::Seq(Box::new(T::describe(builder)));
        let nrows = R::describe(builder);
        Node::Tuple(vec![data, nrows, C::describe(builder)])
    }
}

// serde: a `Dyn` dimension writes its value as a `usize`.
impl Schema for Dyn {
    fn describe(_: &mut Builder) -> Node {
        Node::Usize
    }
}

// serde: a `Const` dimension writes `()`, which takes no bytes.
impl<const D: usize> Schema for Const<D> {
    fn describe(_: &mut Builder) -> Node {
        Node::Unit
    }
}

// serde: `Unit<T>` (`UnitQuaternion`, `UnitVector3`, ...) writes the `T` it wraps.
impl<T: Schema> Schema for Unit<T> {
    fn describe(builder: &mut Builder) -> Node {
        T::describe(builder)
    }
}

// serde: a point writes its coordinates, an `SVector<T, D>`.
impl<T: Scalar + Schema, const D: usize> Schema for Point<T, D> {
    fn describe(builder: &mut Builder) -> Node {
        SVector::<T, D>::describe(builder)
    }
}

// serde: a quaternion writes its coordinates, a `Vector4<T>` (i, j, k, w).
impl<T: Schema> Schema for Quaternion<T> {
    fn describe(builder: &mut Builder) -> Node {
        Vector4::<T>::describe(builder)
    }
}

// serde: a dual quaternion writes itself as `[T; 8]` (real, then dual, each i, j, k, w).
impl<T: Schema> Schema for DualQuaternion<T> {
    fn describe(builder: &mut Builder) -> Node {
        <[T; 8]>::describe(builder)
    }
}

// serde: a translation writes its vector, an `SVector<T, D>`.
impl<T: Schema, const D: usize> Schema for Translation<T, D> {
    fn describe(builder: &mut Builder) -> Node {
        SVector::<T, D>::describe(builder)
    }
}

// serde: a scale writes its vector, an `SVector<T, D>`.
impl<T: Schema, const D: usize> Schema for Scale<T, D> {
    fn describe(builder: &mut Builder) -> Node {
        SVector::<T, D>::describe(builder)
    }
}

// serde: a rotation writes its matrix, an `SMatrix<T, D, D>`.
impl<T: Schema, const D: usize> Schema for Rotation<T, D> {
    fn describe(builder: &mut Builder) -> Node {
        SMatrix::<T, D, D>::describe(builder)
    }
}

// serde (derived): `struct Isometry { rotation: R, translation: Translation<T, D> }`.
impl<T: Schema, R: Schema, const D: usize> Schema for Isometry<T, R, D> {
    fn describe(builder: &mut Builder) -> Node {
        let t = T::describe(builder);
        let rotation = R::describe(builder);
        let translation = Translation::<T, D>::describe(builder);
        let name = generic_name(
            "Isometry",
            &[t.to_string(), rotation.to_string(), D.to_string()],
        );
        builder.define::<Self>(name, |_| {
            Definition::new(
                "Isometry",
                Body::Struct(Fields::Named(vec![
                    Field::new("rotation", rotation),
                    Field::new("translation", translation),
                ])),
            )
        })
    }
}

// serde (derived): `struct Similarity { isometry: Isometry<T, R, D>, scaling: T }`.
impl<T: Schema, R: Schema, const D: usize> Schema for Similarity<T, R, D> {
    fn describe(builder: &mut Builder) -> Node {
        let t = T::describe(builder);
        let rotation = R::describe(builder);
        let isometry = Isometry::<T, R, D>::describe(builder);
        let name = generic_name(
            "Similarity",
            &[t.to_string(), rotation.to_string(), D.to_string()],
        );
        builder.define::<Self>(name, |_| {
            Definition::new(
                "Similarity",
                Body::Struct(Fields::Named(vec![
                    Field::new("isometry", isometry),
                    Field::new("scaling", t),
                ])),
            )
        })
    }
}

// serde: a transform writes its homogeneous matrix, an `OMatrix<T, D + 1, D + 1>`
// (its category `C` is a type marker and writes nothing).
impl<T, C, const D: usize> Schema for Transform<T, C, D>
where
    T: RealField + Schema,
    C: TCategory,
    Const<D>: DimNameAdd<U1>,
    DefaultAllocator: Allocator<DimNameSum<Const<D>, U1>, DimNameSum<Const<D>, U1>>,
    OMatrix<T, DimNameSum<Const<D>, U1>, DimNameSum<Const<D>, U1>>: Schema,
{
    fn describe(builder: &mut Builder) -> Node {
        OMatrix::<T, DimNameSum<Const<D>, U1>, DimNameSum<Const<D>, U1>>::describe(builder)
    }
}

// serde: an orthographic projection writes its `Matrix4<T>`.
impl<T: Schema> Schema for Orthographic3<T> {
    fn describe(builder: &mut Builder) -> Node {
        SMatrix::<T, 4, 4>::describe(builder)
    }
}

// serde: a perspective projection writes its `Matrix4<T>`.
impl<T: Schema> Schema for Perspective3<T> {
    fn describe(builder: &mut Builder) -> Node {
        SMatrix::<T, 4, 4>::describe(builder)
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::{
        DMatrix, DVector, Isometry3, Matrix2x3, Matrix3, Point2, Transform2, UnitQuaternion,
        Vector3,
    };

    use super::*;
    use crate::schema::Description;

    fn root<T: Schema>() -> String {
        Description::of::<T>().root().to_string()
    }

    #[test]
    fn matrices_describe_as_their_storage() {
        assert_eq!(root::<Matrix3<f64>>(), "[f64; 9]");
        assert_eq!(root::<Matrix2x3<f32>>(), "[f32; 6]");
        assert_eq!(root::<Vector3<f64>>(), "[f64; 3]");
        assert_eq!(root::<Point2<i32>>(), "[i32; 2]");
        assert_eq!(root::<DMatrix<f64>>(), "(Vec<f64>, usize, usize)");
        assert_eq!(root::<DVector<f64>>(), "(Vec<f64>, usize, ())");
        assert_eq!(root::<UnitQuaternion<f64>>(), "[f64; 4]");
        assert_eq!(root::<Transform2<f64>>(), "[f64; 9]");
    }

    #[test]
    fn isometries_are_structs_named_by_their_arguments() {
        let d = Description::of::<Isometry3<f64>>();
        assert_eq!(
            d.to_string(),
            "type Isometry<f64, [f64; 4], 3>\n\
             struct Isometry<f64, [f64; 4], 3> { rotation: [f64; 4], translation: [f64; 3] }"
        );
    }
}
