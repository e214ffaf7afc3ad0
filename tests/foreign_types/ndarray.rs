//! `ndarray`: every array as `struct Array { v: u8, dim, data }`, `dim` a tuple of
//! `usize` (a sequence for `IxDyn`), `data` the elements with their count.

use ndarray::{
    arr0, arr2, ArcArray2, Array0, Array1, Array2, Array3, ArrayD, Ix2, Ix3, IxDyn, ShapeBuilder,
};
use persist::schema::Description;

use super::support::{forged_decode_error, load_as, round_trip, state_get};

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Grids {
        pub scalar: Array0<f64>,
        pub line: Array1<i32>,
        pub plane: Array2<f64>,
        pub transposed: Array2<f64>,
        pub cube: Array3<u8>,
        pub dynamic: ArrayD<f32>,
        pub empty: Array2<f64>,
        pub shared: ArcArray2<f64>,
        pub shape: Ix3,
        pub dyn_shape: IxDyn,
        pub many: Vec<Array1<u16>>,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Grids {
        pub scalar: Array0<f64>,
        pub line: Array1<i32>,
        pub plane: Array2<f64>,
        pub transposed: Array2<f64>,
        pub cube: Array3<u8>,
        pub dynamic: ArrayD<f32>,
        pub empty: Array2<f64>,
        pub shared: ArcArray2<f64>,
        pub shape: Ix3,
        pub dyn_shape: IxDyn,
        pub many: Vec<Array1<u16>>,
        #[serde(default)]
        pub label: String,
    }
}

fn plane() -> Array2<f64> {
    arr2(&[[1.0, 2.0, 3.0], [4.0, 5.5, -6.25]])
}

fn grids() -> v1::Grids {
    v1::Grids {
        scalar: arr0(2.5),
        line: Array1::from(vec![-1, 0, 7]),
        plane: plane(),
        // Not in standard layout: saved in logical order, loaded back equal.
        transposed: plane().reversed_axes(),
        cube: Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as u8),
        dynamic: ArrayD::from_shape_vec(IxDyn(&[2, 1, 2, 1]), vec![0.5, 1.5, 2.5, 3.5])
            .expect("4 elements"),
        empty: Array2::zeros((0, 3).f()),
        shared: plane().into_shared(),
        shape: Ix3(4, 5, 6),
        dyn_shape: IxDyn(&[1, 2, 3, 4, 5]),
        many: vec![Array1::from(vec![1, 2]), Array1::from(vec![])],
    }
}

#[test]
fn every_array_type_round_trips() {
    round_trip(&grids());
}

#[test]
fn the_description_names_each_element_type_and_dimension() {
    let d = Description::of::<v1::Grids>();
    let names: Vec<_> = d.definitions().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Grids",
            "Array<f64, Ix0>",
            "Array<i32, Ix1>",
            "Array<f64, Ix2>",
            "Array<u8, Ix3>",
            "Array<f32, IxDyn>",
            "Array<u16, Ix1>",
        ]
    );
    assert_eq!(
        d.definition("Array<f64, Ix2>")
            .expect("defined")
            .to_string(),
        "struct Array<f64, Ix2> { v: u8, dim: [usize; 2], data: Vec<f64> }"
    );
}

#[test]
fn the_state_reads_each_field_back() {
    let value = grids();
    assert_eq!(state_get::<_, Array0<f64>>(&value, "scalar"), value.scalar);
    assert_eq!(state_get::<_, Array1<i32>>(&value, "line"), value.line);
    assert_eq!(state_get::<_, Array2<f64>>(&value, "plane"), value.plane);
    assert_eq!(
        state_get::<_, Array2<f64>>(&value, "transposed"),
        value.transposed
    );
    assert_eq!(state_get::<_, Array3<u8>>(&value, "cube"), value.cube);
    assert_eq!(
        state_get::<_, ArrayD<f32>>(&value, "dynamic"),
        value.dynamic
    );
    assert_eq!(state_get::<_, Array2<f64>>(&value, "empty"), value.empty);
    assert_eq!(
        state_get::<_, ArcArray2<f64>>(&value, "shared"),
        value.shared
    );
    assert_eq!(state_get::<_, Ix3>(&value, "shape"), value.shape);
    assert_eq!(state_get::<_, IxDyn>(&value, "dyn_shape"), value.dyn_shape);
    assert_eq!(state_get::<_, Vec<Array1<u16>>>(&value, "many"), value.many);
    // The stored fields are ndarray's: the format version, the shape, the
    // elements in logical order.
    assert_eq!(state_get::<_, u8>(&value, "plane.v"), 1);
    assert_eq!(state_get::<_, [usize; 2]>(&value, "transposed.dim"), [3, 2]);
    assert_eq!(
        state_get::<_, Vec<f64>>(&value, "transposed.data"),
        [1.0, 4.0, 2.0, 5.5, 3.0, -6.25]
    );
    assert_eq!(
        state_get::<_, Vec<usize>>(&value, "dynamic.dim"),
        [2, 1, 2, 1]
    );
    assert!(state_get::<_, Vec<usize>>(&value, "scalar.dim").is_empty());
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = grids();
    let new: v2::Grids = load_as::<v1::Grids, v2::Grids>(&old).expect("resolves");
    assert_eq!(new.scalar, old.scalar);
    assert_eq!(new.plane, old.plane);
    assert_eq!(new.transposed, old.transposed);
    assert_eq!(new.cube, old.cube);
    assert_eq!(new.dynamic, old.dynamic);
    assert_eq!(new.shared, old.shared);
    assert_eq!(new.dyn_shape, old.dyn_shape);
    assert_eq!(new.many, old.many);
    assert_eq!(new.label, "");
}

#[test]
fn bare_arrays_round_trip() {
    round_trip(&plane());
    round_trip(&grids().cube);
    round_trip(&grids().dynamic);
    round_trip(&arr0(String::from("zero-dimensional")));
    round_trip(&Array2::<f64>::zeros((0, 0)));
    round_trip(&Ix2(3, 4));
    round_trip(&IxDyn(&[3, 0, 2]));
}

/// What ndarray writes for a two-dimensional array, with any content.
#[derive(serde::Serialize)]
#[serde(rename = "Array")]
pub struct RawArray2 {
    pub v: u8,
    pub dim: (usize, usize),
    pub data: Vec<f64>,
}

mod forged {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Sheet {
        pub title: String,
        #[schema(as = ndarray::Array2<f64>)]
        pub cells: RawArray2,
    }
}

mod real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Sheet {
        pub title: String,
        pub cells: Array2<f64>,
    }
}

#[test]
fn a_shape_that_does_not_match_the_data_is_a_decode_error_naming_the_field() {
    let message = forged_decode_error::<forged::Sheet, real::Sheet>(&forged::Sheet {
        title: "t".into(),
        cells: RawArray2 {
            v: 1,
            dim: (2, 3),
            data: vec![1.0, 2.0, 3.0, 4.0, 5.0],
        },
    });
    assert!(message.contains("at `cells`"), "{message}");
    assert!(
        message.contains("data and dimension must match in size"),
        "{message}"
    );
}

#[test]
fn an_unknown_format_version_is_a_decode_error_naming_the_field() {
    let message = forged_decode_error::<forged::Sheet, real::Sheet>(&forged::Sheet {
        title: "t".into(),
        cells: RawArray2 {
            v: 2,
            dim: (1, 1),
            data: vec![1.0],
        },
    });
    assert!(message.contains("at `cells`"), "{message}");
    assert!(message.contains("unknown array version: 2"), "{message}");
}
