//! `nalgebra`: statically sized matrices, vectors and points as their elements in
//! column-major order without a count; the geometric types as the matrices they
//! hold, `Isometry` and `Similarity` as the structs serde derives.
//!
//! `DMatrix` and `DVector` (`VecStorage`) have a description but no `Serialize`
//! here: nalgebra compiles their serde impls only with its `serde-serialize`
//! feature, and the workspace turns on `serde-serialize-no-std`.

use nalgebra::{
    DMatrix, DVector, DualQuaternion, Isometry3, IsometryMatrix2, Matrix2x3, Matrix3, Matrix4,
    Orthographic3, Perspective3, Point2, Point3, Quaternion, Rotation2, Rotation3, Scale3,
    Similarity3, Translation3, UnitQuaternion, UnitVector3, Vector2, Vector3, Vector6,
};
use persist::schema::Description;

use super::support::{forged_decode_error, load_as, round_trip, state_get};

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Scene {
        pub basis: Matrix3<f64>,
        pub wide: Matrix2x3<f32>,
        pub projection: Matrix4<f64>,
        pub up: Vector3<f64>,
        pub state: Vector6<i32>,
        pub origin: Point3<f64>,
        pub pixel: Point2<u16>,
        pub spin: Quaternion<f64>,
        pub attitude: UnitQuaternion<f64>,
        pub normal: UnitVector3<f64>,
        pub dual: DualQuaternion<f64>,
        pub shift: Translation3<f64>,
        pub stretch: Scale3<f64>,
        pub turn: Rotation3<f64>,
        pub pose: Isometry3<f64>,
        pub flat_pose: IsometryMatrix2<f32>,
        pub similar: Similarity3<f64>,
        pub path: Vec<Point2<f64>>,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Scene {
        pub basis: Matrix3<f64>,
        pub wide: Matrix2x3<f32>,
        pub projection: Matrix4<f64>,
        pub up: Vector3<f64>,
        pub state: Vector6<i32>,
        pub origin: Point3<f64>,
        pub pixel: Point2<u16>,
        pub spin: Quaternion<f64>,
        pub attitude: UnitQuaternion<f64>,
        pub normal: UnitVector3<f64>,
        pub dual: DualQuaternion<f64>,
        pub shift: Translation3<f64>,
        pub stretch: Scale3<f64>,
        pub turn: Rotation3<f64>,
        pub pose: Isometry3<f64>,
        pub flat_pose: IsometryMatrix2<f32>,
        pub similar: Similarity3<f64>,
        pub path: Vec<Point2<f64>>,
        #[serde(default)]
        pub label: String,
    }
}

fn basis() -> Matrix3<f64> {
    Matrix3::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.5)
}

fn attitude() -> UnitQuaternion<f64> {
    UnitQuaternion::from_euler_angles(0.25, -0.5, 1.0)
}

fn scene() -> v1::Scene {
    let shift = Translation3::new(1.0, -2.0, 3.5);
    v1::Scene {
        basis: basis(),
        wide: Matrix2x3::new(1.0, 2.0, 3.0, 4.0, 5.0, 6.0),
        projection: Perspective3::new(1.5, 0.8, 0.1, 100.0).to_homogeneous(),
        up: Vector3::new(0.0, 0.0, 1.0),
        state: Vector6::new(1, -2, 3, -4, 5, -6),
        origin: Point3::new(0.5, 1.5, 2.5),
        pixel: Point2::new(640, 480),
        spin: Quaternion::new(1.0, 2.0, 3.0, 4.0),
        attitude: attitude(),
        normal: UnitVector3::new_normalize(Vector3::new(1.0, 2.0, 2.0)),
        dual: DualQuaternion::from_real_and_dual(
            Quaternion::new(1.0, 2.0, 3.0, 4.0),
            Quaternion::new(5.0, 6.0, 7.0, 8.0),
        ),
        shift,
        stretch: Scale3::new(1.0, 2.0, 4.0),
        turn: Rotation3::from_euler_angles(0.1, 0.2, 0.3),
        pose: Isometry3::from_parts(shift, attitude()),
        flat_pose: IsometryMatrix2::new(Vector2::new(1.0, 2.0), 0.5),
        similar: Similarity3::from_parts(shift, attitude(), 2.0),
        path: vec![Point2::new(0.0, 0.0), Point2::new(1.0, -1.0)],
    }
}

#[test]
fn every_matrix_and_geometric_type_round_trips() {
    round_trip(&scene());
}

#[test]
fn the_description_follows_nalgebra() {
    let d = Description::of::<v1::Scene>();
    assert_eq!(
        d.to_string(),
        "type Scene\n\
         struct Scene { basis: [f64; 9], wide: [f32; 6], projection: [f64; 16], \
         up: [f64; 3], state: [i32; 6], origin: [f64; 3], pixel: [u16; 2], \
         spin: [f64; 4], attitude: [f64; 4], normal: [f64; 3], dual: [f64; 8], \
         shift: [f64; 3], stretch: [f64; 3], turn: [f64; 9], \
         pose: Isometry<f64, [f64; 4], 3>, flat_pose: Isometry<f32, [f32; 4], 2>, \
         similar: Similarity<f64, [f64; 4], 3>, path: Vec<[f64; 2]> }\n\
         struct Isometry<f64, [f64; 4], 3> { rotation: [f64; 4], translation: [f64; 3] }\n\
         struct Isometry<f32, [f32; 4], 2> { rotation: [f32; 4], translation: [f32; 2] }\n\
         struct Similarity<f64, [f64; 4], 3> { isometry: Isometry<f64, [f64; 4], 3>, scaling: f64 }"
    );
    // The dynamically sized storage, as nalgebra's `serde-serialize` writes it.
    assert_eq!(
        Description::of::<DMatrix<f64>>().root().to_string(),
        "(Vec<f64>, usize, usize)"
    );
    assert_eq!(
        Description::of::<DVector<f32>>().root().to_string(),
        "(Vec<f32>, usize, ())"
    );
    assert_eq!(
        Description::of::<Orthographic3<f64>>().root().to_string(),
        "[f64; 16]"
    );
}

#[test]
fn the_state_reads_each_field_back() {
    let value = scene();
    assert_eq!(state_get::<_, Matrix3<f64>>(&value, "basis"), value.basis);
    assert_eq!(state_get::<_, Matrix2x3<f32>>(&value, "wide"), value.wide);
    assert_eq!(
        state_get::<_, Matrix4<f64>>(&value, "projection"),
        value.projection
    );
    assert_eq!(state_get::<_, Vector3<f64>>(&value, "up"), value.up);
    assert_eq!(state_get::<_, Vector6<i32>>(&value, "state"), value.state);
    assert_eq!(state_get::<_, Point3<f64>>(&value, "origin"), value.origin);
    assert_eq!(state_get::<_, Point2<u16>>(&value, "pixel"), value.pixel);
    assert_eq!(state_get::<_, Quaternion<f64>>(&value, "spin"), value.spin);
    assert_eq!(
        state_get::<_, UnitQuaternion<f64>>(&value, "attitude"),
        value.attitude
    );
    assert_eq!(
        state_get::<_, UnitVector3<f64>>(&value, "normal"),
        value.normal
    );
    assert_eq!(
        state_get::<_, DualQuaternion<f64>>(&value, "dual"),
        value.dual
    );
    assert_eq!(
        state_get::<_, Translation3<f64>>(&value, "shift"),
        value.shift
    );
    assert_eq!(
        state_get::<_, Scale3<f64>>(&value, "stretch"),
        value.stretch
    );
    assert_eq!(state_get::<_, Rotation3<f64>>(&value, "turn"), value.turn);
    assert_eq!(state_get::<_, Isometry3<f64>>(&value, "pose"), value.pose);
    assert_eq!(
        state_get::<_, IsometryMatrix2<f32>>(&value, "flat_pose"),
        value.flat_pose
    );
    assert_eq!(
        state_get::<_, Similarity3<f64>>(&value, "similar"),
        value.similar
    );
    assert_eq!(state_get::<_, Vec<Point2<f64>>>(&value, "path"), value.path);
    // The stored elements are in column-major order, as nalgebra keeps them.
    assert_eq!(
        state_get::<_, [f64; 9]>(&value, "basis"),
        [1.0, 4.0, 7.0, 2.0, 5.0, 8.0, 3.0, 6.0, 9.5]
    );
    assert_eq!(
        state_get::<_, [f64; 3]>(&value, "pose.translation"),
        [1.0, -2.0, 3.5]
    );
    assert_eq!(state_get::<_, f64>(&value, "similar.scaling"), 2.0);
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = scene();
    let new: v2::Scene = load_as::<v1::Scene, v2::Scene>(&old).expect("resolves");
    assert_eq!(new.basis, old.basis);
    assert_eq!(new.origin, old.origin);
    assert_eq!(new.attitude, old.attitude);
    assert_eq!(new.pose, old.pose);
    assert_eq!(new.similar, old.similar);
    assert_eq!(new.path, old.path);
    assert_eq!(new.label, "");
}

#[test]
fn bare_matrices_round_trip() {
    round_trip(&basis());
    round_trip(&Vector3::new(1u8, 2, 3));
    round_trip(&attitude());
    round_trip(&Isometry3::from_parts(
        Translation3::new(1.0, 2.0, 3.0),
        attitude(),
    ));
    round_trip(&Rotation2::new(0.75f32));
    round_trip(&vec![Point3::new(1i64, 2, 3); 3]);
}

/// What nalgebra writes for an `Isometry3`, with any content (a rotation that is
/// not a unit quaternion).
#[derive(serde::Serialize)]
#[serde(rename = "Isometry")]
pub struct RawIsometry {
    pub rotation: [f64; 4],
    pub translation: [f64; 3],
}

mod forged {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Body {
        #[schema(as = Matrix3<f64>)]
        pub inertia: [f64; 9],
        #[schema(as = Isometry3<f64>)]
        pub pose: RawIsometry,
    }
}

mod real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Body {
        pub inertia: Matrix3<f64>,
        pub pose: Isometry3<f64>,
    }
}

/// nalgebra refuses nothing in a statically sized matrix: its count is the
/// type's, and the elements are whatever they are. A unit quaternion is not
/// checked either: a forged one of norm zero loads as it was written.
#[test]
fn static_storage_has_no_content_to_refuse() {
    let bytes = persist::to_bytes(&forged::Body {
        inertia: [0.0; 9],
        pose: RawIsometry {
            rotation: [0.0; 4],
            translation: [1.0, 2.0, 3.0],
        },
    })
    .expect("encodes");
    let body: real::Body = persist::from_bytes(&bytes).expect("nalgebra checks nothing");
    assert_eq!(body.inertia, Matrix3::zeros());
    assert_eq!(
        body.pose.rotation.into_inner(),
        Quaternion::new(0.0, 0.0, 0.0, 0.0)
    );
    assert_eq!(body.pose.translation.vector, Vector3::new(1.0, 2.0, 3.0));
}

mod forged_steps {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Track {
        #[schema(as = Vector2<std::num::NonZeroU32>)]
        pub step: [u32; 2],
    }
}

mod real_steps {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Track {
        pub step: Vector2<std::num::NonZeroU32>,
    }
}

/// nalgebra has no error of its own to give for a static matrix, but an element
/// type that refuses its value is named by the path through the matrix.
#[test]
fn a_refused_element_inside_a_matrix_is_a_decode_error_naming_the_field() {
    let message =
        forged_decode_error::<forged_steps::Track, real_steps::Track>(&forged_steps::Track {
            step: [1, 0],
        });
    assert!(message.contains("at `step[1]`"), "{message}");
    assert!(message.contains("nonzero"), "{message}");
}
