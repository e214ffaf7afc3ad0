//! `half`: `f16` and `bf16` as newtypes around their `u16` bits.
//!
//! Every `u16` is an `f16` and a `bf16`, so no stored value can be refused: there
//! is no damaged-field test.

use half::{bf16, f16};

use super::support::{load_as, round_trip, state_get};

/// A NaN with a payload: must come back bit for bit.
const F16_NAN: u16 = 0x7e01;
const BF16_NAN: u16 = 0xffc1;

/// Equality of the bits: IEEE `==` says NaN != NaN and -0 == 0.
fn same_f16(a: &[f16], b: &[f16]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn same_bf16(a: &[bf16], b: &[bf16]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

macro_rules! floats {
    ($($extra:tt)*) => {
        #[derive(serde::Serialize, serde::Deserialize, persist::Schema, Debug)]
        pub struct Halves {
            pub half: f16,
            pub brain: bf16,
            pub half_nan: f16,
            pub brain_nan: bf16,
            pub half_neg_zero: f16,
            pub brain_neg_zero: bf16,
            pub halves: Vec<f16>,
            pub brains: [bf16; 3],
            pub maybe: Option<f16>,
            $($extra)*
        }

        impl PartialEq for Halves {
            fn eq(&self, other: &Self) -> bool {
                let mut a = vec![self.half, self.half_nan, self.half_neg_zero];
                a.extend(&self.halves);
                a.extend(self.maybe);
                let mut b = vec![other.half, other.half_nan, other.half_neg_zero];
                b.extend(&other.halves);
                b.extend(other.maybe);
                let mut c = vec![self.brain, self.brain_nan, self.brain_neg_zero];
                c.extend(self.brains);
                let mut d = vec![other.brain, other.brain_nan, other.brain_neg_zero];
                d.extend(other.brains);
                same_f16(&a, &b)
                    && self.maybe.is_some() == other.maybe.is_some()
                    && same_bf16(&c, &d)
                    && self.extra_eq(other)
            }
        }
    };
}

mod v1 {
    use super::*;

    floats!();

    impl Halves {
        fn extra_eq(&self, _: &Self) -> bool {
            true
        }
    }
}

mod v2 {
    use super::*;

    floats! {
        #[serde(default)]
        pub note: String,
    }

    impl Halves {
        fn extra_eq(&self, other: &Self) -> bool {
            self.note == other.note
        }
    }
}

fn halves() -> v1::Halves {
    v1::Halves {
        half: f16::from_f32(1.5),
        brain: bf16::from_f32(-3.25),
        half_nan: f16::from_bits(F16_NAN),
        brain_nan: bf16::from_bits(BF16_NAN),
        half_neg_zero: f16::NEG_ZERO,
        brain_neg_zero: bf16::NEG_ZERO,
        halves: vec![f16::INFINITY, f16::MIN_POSITIVE_SUBNORMAL, f16::MAX],
        brains: [bf16::NEG_INFINITY, bf16::EPSILON, bf16::MIN],
        maybe: Some(f16::from_f32(0.1)),
    }
}

#[test]
fn every_half_float_round_trips_bit_for_bit() {
    round_trip(&halves());
}

#[test]
fn the_state_reads_each_field_back() {
    let value = halves();
    let bits = |name: &str| state_get::<_, f16>(&value, name).to_bits();
    let brain_bits = |name: &str| state_get::<_, bf16>(&value, name).to_bits();
    assert_eq!(bits("half"), value.half.to_bits());
    assert_eq!(bits("half_nan"), F16_NAN);
    assert_eq!(bits("half_neg_zero"), 0x8000);
    assert_eq!(brain_bits("brain"), value.brain.to_bits());
    assert_eq!(brain_bits("brain_nan"), BF16_NAN);
    assert_eq!(brain_bits("brain_neg_zero"), 0x8000);
    let halves: Vec<u16> = state_get::<_, Vec<f16>>(&value, "halves")
        .iter()
        .map(|h| h.to_bits())
        .collect();
    assert_eq!(halves, [0x7c00, 0x0001, 0x7bff]);
    let brains = state_get::<_, [bf16; 3]>(&value, "brains");
    assert!(same_bf16(&brains, &value.brains));
    let maybe = state_get::<_, Option<f16>>(&value, "maybe");
    assert_eq!(maybe.map(f16::to_bits), value.maybe.map(f16::to_bits));
}

#[test]
fn the_description_is_the_u16_bits_in_a_newtype() {
    let d = persist::schema::Description::of::<(f16, bf16)>();
    assert_eq!(
        d.to_string(),
        "type (f16, bf16)\nstruct f16(u16);\nstruct bf16(u16);"
    );
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = halves();
    let new: v2::Halves = load_as::<v1::Halves, v2::Halves>(&old).expect("resolves");
    assert_eq!(new.half_nan.to_bits(), F16_NAN);
    assert_eq!(new.brain_nan.to_bits(), BF16_NAN);
    assert_eq!(new.half_neg_zero.to_bits(), 0x8000);
    assert!(same_f16(&new.halves, &old.halves));
    assert!(same_bf16(&new.brains, &old.brains));
    assert_eq!(new.note, "");
}

#[test]
fn bare_half_floats_round_trip() {
    round_trip(&f16::from_f32(-2.5));
    round_trip(&bf16::from_f32(1e30));
    round_trip(&ByBits(f16::NEG_ZERO));
    round_trip(&ByBits(f16::from_bits(F16_NAN)));
}

/// A bare `f16` (`#[serde(transparent)]`: the root is the `f16` itself), compared
/// by its bits.
#[derive(serde::Serialize, serde::Deserialize, persist::Schema, Debug)]
#[serde(transparent)]
struct ByBits(f16);

impl PartialEq for ByBits {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
