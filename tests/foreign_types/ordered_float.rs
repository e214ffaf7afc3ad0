//! `ordered-float`: `OrderedFloat<T>` and `NotNan<T>` as the float they hold.

use ordered_float::{NotNan, OrderedFloat};

use super::support::{forged_decode_error, load_as, round_trip, state_get};

/// A quiet NaN with a payload: must come back bit for bit.
const NAN_64: u64 = 0x7ff8_0000_0000_beef;
const NAN_32: u32 = 0xffc0_0123;

fn not_nan(x: f64) -> NotNan<f64> {
    NotNan::new(x).expect("not NaN")
}

macro_rules! ordered {
    ($($extra:tt)*) => {
        #[derive(serde::Serialize, serde::Deserialize, persist::Schema, Debug)]
        pub struct Prices {
            pub ordered: OrderedFloat<f64>,
            pub single: OrderedFloat<f32>,
            pub nan: OrderedFloat<f64>,
            pub nan_single: OrderedFloat<f32>,
            pub negative_zero: OrderedFloat<f64>,
            pub checked: NotNan<f64>,
            pub checked_single: NotNan<f32>,
            pub checked_negative_zero: NotNan<f64>,
            pub sorted: Vec<OrderedFloat<f64>>,
            pub maybe: Option<NotNan<f64>>,
            $($extra)*
        }

        /// Equality of the bits: `OrderedFloat` says every NaN is equal and
        /// -0 == 0.
        impl PartialEq for Prices {
            fn eq(&self, other: &Self) -> bool {
                let wide = |p: &Self| {
                    let mut v = vec![
                        p.ordered.0,
                        p.nan.0,
                        p.negative_zero.0,
                        p.checked.into_inner(),
                        p.checked_negative_zero.into_inner(),
                    ];
                    v.extend(p.sorted.iter().map(|x| x.0));
                    v.extend(p.maybe.map(NotNan::into_inner));
                    v.into_iter().map(f64::to_bits).collect::<Vec<_>>()
                };
                let narrow = |p: &Self| {
                    [p.single.0, p.nan_single.0, p.checked_single.into_inner()]
                        .map(f32::to_bits)
                };
                wide(self) == wide(other)
                    && self.maybe.is_some() == other.maybe.is_some()
                    && narrow(self) == narrow(other)
                    && self.extra_eq(other)
            }
        }
    };
}

mod v1 {
    use super::*;

    ordered!();

    impl Prices {
        fn extra_eq(&self, _: &Self) -> bool {
            true
        }
    }
}

mod v2 {
    use super::*;

    ordered! {
        #[serde(default)]
        pub venue: String,
    }

    impl Prices {
        fn extra_eq(&self, other: &Self) -> bool {
            self.venue == other.venue
        }
    }
}

fn prices() -> v1::Prices {
    v1::Prices {
        ordered: OrderedFloat(101.25),
        single: OrderedFloat(-7.5),
        nan: OrderedFloat(f64::from_bits(NAN_64)),
        nan_single: OrderedFloat(f32::from_bits(NAN_32)),
        negative_zero: OrderedFloat(-0.0),
        checked: not_nan(0.125),
        checked_single: NotNan::new(f32::INFINITY).expect("not NaN"),
        checked_negative_zero: not_nan(-0.0),
        sorted: vec![OrderedFloat(f64::NEG_INFINITY), OrderedFloat(f64::MAX)],
        maybe: Some(not_nan(-1e-300)),
    }
}

#[test]
fn every_ordered_float_round_trips_bit_for_bit() {
    round_trip(&prices());
}

#[test]
fn the_state_reads_each_field_back() {
    let value = prices();
    let bits = |name: &str| state_get::<_, OrderedFloat<f64>>(&value, name).0.to_bits();
    assert_eq!(bits("ordered"), value.ordered.0.to_bits());
    assert_eq!(bits("nan"), NAN_64);
    assert_eq!(bits("negative_zero"), (-0.0f64).to_bits());
    assert_eq!(
        state_get::<_, OrderedFloat<f32>>(&value, "nan_single")
            .0
            .to_bits(),
        NAN_32
    );
    assert_eq!(
        state_get::<_, OrderedFloat<f32>>(&value, "single"),
        value.single
    );
    assert_eq!(
        state_get::<_, NotNan<f64>>(&value, "checked"),
        value.checked
    );
    assert_eq!(
        state_get::<_, NotNan<f32>>(&value, "checked_single"),
        value.checked_single
    );
    assert_eq!(
        state_get::<_, NotNan<f64>>(&value, "checked_negative_zero")
            .into_inner()
            .to_bits(),
        (-0.0f64).to_bits()
    );
    assert_eq!(
        state_get::<_, Vec<OrderedFloat<f64>>>(&value, "sorted"),
        value.sorted
    );
    assert_eq!(
        state_get::<_, Option<NotNan<f64>>>(&value, "maybe"),
        value.maybe
    );
    // Stored as the bare float, as their `Serialize` writes it.
    assert_eq!(state_get::<_, f64>(&value, "checked"), 0.125);
    assert_eq!(state_get::<_, f32>(&value, "single"), -7.5);
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = prices();
    let new: v2::Prices = load_as::<v1::Prices, v2::Prices>(&old).expect("resolves");
    assert_eq!(new.nan.0.to_bits(), NAN_64);
    assert_eq!(new.nan_single.0.to_bits(), NAN_32);
    assert_eq!(new.negative_zero.0.to_bits(), (-0.0f64).to_bits());
    assert_eq!(new.checked, old.checked);
    assert_eq!(new.sorted, old.sorted);
    assert_eq!(new.maybe, old.maybe);
    assert_eq!(new.venue, "");
}

#[test]
fn bare_ordered_floats_round_trip() {
    round_trip(&OrderedFloat(2.5f64));
    round_trip(&OrderedFloat(f32::NAN));
    round_trip(&not_nan(-3.0));
    round_trip(&NotNan::new(1.0f32).expect("not NaN"));
}

mod forged {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Bid {
        pub size: u32,
        #[schema(as = NotNan<f64>)]
        pub price: f64,
    }
}

mod real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Bid {
        pub size: u32,
        pub price: NotNan<f64>,
    }
}

#[test]
fn a_nan_not_nan_is_a_decode_error_naming_the_field() {
    let message = forged_decode_error::<forged::Bid, real::Bid>(&forged::Bid {
        size: 10,
        price: f64::NAN,
    });
    assert!(message.contains("price"), "{message}");
    assert!(
        message.contains("expected float (but not NaN)"),
        "{message}"
    );
}
