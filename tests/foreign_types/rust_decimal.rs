//! `rust_decimal`: `Decimal` as its text.
//!
//! With `rust_decimal`'s `serde` feature alone, `Decimal`'s `Deserialize` calls
//! `deserialize_any`, which postcard does not support: the typed loads here fail
//! until loads are guided by the schema (dynamic reads, which go through a
//! `Value`, work).

use std::str::FromStr;

use rust_decimal::Decimal;

use super::support::{forged_decode_error, load_as, round_trip, state_get};

mod v1 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Ledger {
        pub price: Decimal,
        pub debt: Decimal,
        pub trailing: Decimal,
        pub negative_zero: Decimal,
        pub max: Decimal,
        pub tiny: Decimal,
        pub maybe: Option<Decimal>,
        pub history: Vec<Decimal>,
    }
}

mod v2 {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, persist::Schema, PartialEq, Debug)]
    pub struct Ledger {
        pub price: Decimal,
        pub debt: Decimal,
        pub trailing: Decimal,
        pub negative_zero: Decimal,
        pub max: Decimal,
        pub tiny: Decimal,
        pub maybe: Option<Decimal>,
        pub history: Vec<Decimal>,
        #[serde(default)]
        pub currency: String,
    }
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal")
}

fn ledger() -> v1::Ledger {
    v1::Ledger {
        price: Decimal::new(12_345_678, 4),
        debt: dec("-98765.4321"),
        trailing: dec("1.500"),
        negative_zero: -Decimal::ZERO,
        max: Decimal::MAX,
        tiny: dec("0.0000000000000000000000000001"),
        maybe: Some(dec("-0.01")),
        history: vec![Decimal::ONE, dec("2.50"), Decimal::MIN],
    }
}

/// The text of every field but `negative_zero`: `Decimal`'s `==` is numeric, so
/// `1.5 == 1.500`; the text tells the scales apart. (`-0` is written as `"-0"`,
/// but `rust_decimal`'s parser gives every zero a positive sign, so it reads back
/// as `0`.)
fn texts(l: &v1::Ledger) -> Vec<String> {
    let mut all = vec![
        l.price.to_string(),
        l.debt.to_string(),
        l.trailing.to_string(),
        l.max.to_string(),
        l.tiny.to_string(),
        format!("{:?}", l.maybe.map(|d| d.to_string())),
    ];
    all.extend(l.history.iter().map(ToString::to_string));
    all
}

#[test]
fn every_decimal_field_round_trips() {
    let value = ledger();
    round_trip(&value);
    let bytes = persist::to_bytes(&value).expect("encodes");
    let back: v1::Ledger = persist::from_bytes(&bytes).expect("decodes");
    assert_eq!(texts(&back), texts(&value), "scale and sign are kept");
}

#[test]
fn the_state_reads_each_field_back() {
    let value = ledger();
    assert_eq!(state_get::<_, Decimal>(&value, "price"), value.price);
    assert_eq!(state_get::<_, Decimal>(&value, "debt"), value.debt);
    assert_eq!(state_get::<_, Decimal>(&value, "trailing"), value.trailing);
    assert_eq!(state_get::<_, Decimal>(&value, "max"), value.max);
    assert_eq!(state_get::<_, Decimal>(&value, "tiny"), value.tiny);
    assert_eq!(
        state_get::<_, Option<Decimal>>(&value, "maybe"),
        value.maybe
    );
    assert_eq!(
        state_get::<_, Vec<Decimal>>(&value, "history"),
        value.history
    );
    // Stored as `Decimal`'s `Serialize` writes it: the text, scale and sign included.
    assert_eq!(state_get::<_, String>(&value, "price"), "1234.5678");
    assert_eq!(state_get::<_, String>(&value, "debt"), "-98765.4321");
    assert_eq!(state_get::<_, String>(&value, "trailing"), "1.500");
    // `-0` is written as such; `rust_decimal` parses it as a positive zero.
    assert!(value.negative_zero.is_sign_negative());
    assert_eq!(state_get::<_, String>(&value, "negative_zero"), "-0");
    let zero = state_get::<_, Decimal>(&value, "negative_zero");
    assert!(zero.is_zero() && !zero.is_sign_negative());
}

#[test]
fn a_field_added_with_a_default_resolves() {
    let old = ledger();
    let new: v2::Ledger = load_as::<v1::Ledger, v2::Ledger>(&old).expect("resolves");
    assert_eq!(new.price, old.price);
    assert_eq!(new.debt, old.debt);
    assert_eq!(new.trailing.to_string(), "1.500");
    assert_eq!(new.history, old.history);
    assert_eq!(new.currency, "");
}

#[test]
fn a_bare_decimal_round_trips() {
    round_trip(&Decimal::new(12_345_678, 4));
    round_trip(&dec("-1234.5678"));
}

mod forged {
    use super::*;

    #[derive(serde::Serialize, persist::Schema)]
    pub struct Quote {
        pub symbol: String,
        #[schema(as = Decimal)]
        pub bid: String,
    }
}

mod real {
    use super::*;

    #[derive(serde::Deserialize, persist::Schema, Debug)]
    pub struct Quote {
        pub symbol: String,
        pub bid: Decimal,
    }
}

#[test]
fn text_that_is_not_a_decimal_is_a_decode_error_naming_the_field() {
    let message = forged_decode_error::<forged::Quote, real::Quote>(&forged::Quote {
        symbol: "ACME".into(),
        bid: "not a number".into(),
    });
    assert!(message.contains("bid"), "{message}");
    assert!(
        message.contains("expected a Decimal type representing a fixed-point number"),
        "{message}"
    );
}
