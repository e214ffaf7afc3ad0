//! `num-complex`: `Complex<T>` as the tuple `(re, im)`.
//!
//! `Complex<T>`'s `Deserialize` accepts any pair of `T`s, so it refuses nothing of
//! its own: there is no damaged-field test.

use num_complex::{Complex, Complex32, Complex64};

use super::support::{load_as, round_trip, state_get};

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Signal {
        pub single: Complex32,
        pub double: Complex64,
        pub integer: Complex<i32>,
        pub negative_zero: Complex64,
        pub samples: Vec<Complex<f32>>,
        pub maybe: Option<Complex<u8>>,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Signal {
        pub single: Complex32,
        pub double: Complex64,
        pub integer: Complex<i32>,
        pub negative_zero: Complex64,
        pub samples: Vec<Complex<f32>>,
        pub maybe: Option<Complex<u8>>,
        #[serde(default)]
        pub gain: f64,
    }
}

fn signal() -> v1::Signal {
    v1::Signal {
        single: Complex32::new(1.5, -2.25),
        double: Complex64::new(std::f64::consts::PI, f64::MIN_POSITIVE),
        integer: Complex::new(i32::MIN, i32::MAX),
        negative_zero: Complex64::new(-0.0, 0.0),
        samples: vec![Complex::new(0.0, 1.0), Complex::new(f32::INFINITY, -1e-30)],
        maybe: Some(Complex::new(0, 255)),
    }
}

#[test]
fn every_complex_field_round_trips() {
    let value = signal();
    round_trip(&value);
    let bytes = persist::to_bytes(&value).expect("encodes");
    let back: v1::Signal = persist::from_bytes(&bytes).expect("decodes");
    assert!(back.negative_zero.re.is_sign_negative(), "-0.0 is kept");
}

#[test]
fn the_state_reads_each_field_back() {
    let value = signal();
    assert_eq!(state_get::<_, Complex32>(&value, "single"), value.single);
    assert_eq!(state_get::<_, Complex64>(&value, "double"), value.double);
    assert_eq!(
        state_get::<_, Complex<i32>>(&value, "integer"),
        value.integer
    );
    let zero = state_get::<_, Complex64>(&value, "negative_zero");
    assert_eq!(zero.re.to_bits(), (-0.0f64).to_bits());
    assert_eq!(
        state_get::<_, Vec<Complex<f32>>>(&value, "samples"),
        value.samples
    );
    assert_eq!(
        state_get::<_, Option<Complex<u8>>>(&value, "maybe"),
        value.maybe
    );
    // Stored as the tuple `Complex`'s `Serialize` writes.
    assert_eq!(state_get::<_, (f32, f32)>(&value, "single"), (1.5, -2.25));
}

#[test]
fn the_description_is_a_tuple_of_the_parts() {
    let d = persist::schema::Description::of::<(Complex<f32>, Complex<i64>)>();
    assert_eq!(d.root().to_string(), "((f32, f32), (i64, i64))");
    assert!(d.definitions().is_empty());
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = signal();
    let new: v2::Signal = load_as::<v1::Signal, v2::Signal>(&old).expect("resolves");
    assert_eq!(new.single, old.single);
    assert_eq!(new.double, old.double);
    assert_eq!(new.integer, old.integer);
    assert_eq!(new.samples, old.samples);
    assert_eq!(new.maybe, old.maybe);
    assert_eq!(new.gain, 0.0);
}

#[test]
fn a_bare_complex_round_trips() {
    round_trip(&Complex64::new(-1.0, 2.0));
    round_trip(&Complex::new(7u16, 9u16));
}
