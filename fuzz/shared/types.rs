//! The types the fuzz targets load: one of each shape a file can hold, and a few
//! values of each for the seed corpora.

use std::collections::BTreeMap;

use persist::{Pickleable, Schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A type the targets load: what the generic checks need, and values for the seeds.
pub trait FuzzType: Serialize + DeserializeOwned + Schema + 'static {
    /// A few values of the type, small and varied.
    fn samples() -> Vec<Self>;
}

/// Something done with one fuzz type, chosen at run time by [`with_type`].
pub trait PerType {
    /// What the job returns.
    type Output;
    /// Runs the job with `T`.
    fn run<T: FuzzType>(self) -> Self::Output;
}

/// How many fuzz types [`with_type`] chooses from.
pub const TYPE_COUNT: usize = 6;

/// Runs `job` with fuzz type number `index % TYPE_COUNT`, so that any byte of a
/// fuzz input names a type.
pub fn with_type<J: PerType>(index: usize, job: J) -> J::Output {
    match index % TYPE_COUNT {
        0 => job.run::<Flat>(),
        1 => job.run::<Book>(),
        2 => job.run::<Expr>(),
        3 => job.run::<AccountV1>(),
        4 => job.run::<AccountV2>(),
        _ => job.run::<Account>(),
    }
}

/// Scalars side by side: every fixed-width and varint encoding in one flat struct.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
pub struct Flat {
    /// One byte, 0 or 1.
    pub flag: bool,
    /// One raw byte.
    pub small: u8,
    /// A zigzag varint of at most 3 bytes.
    pub short: i16,
    /// A varint of at most 5 bytes.
    pub count: u32,
    /// A varint of at most 10 bytes.
    pub id: u64,
    /// A zigzag varint of at most 10 bytes.
    pub delta: i64,
    /// A varint of at most 19 bytes.
    pub wide: u128,
    /// A zigzag varint of at most 19 bytes.
    pub signed_wide: i128,
    /// Stored as 64 bits on every platform.
    pub size: usize,
    /// Four little-endian bytes.
    pub ratio: f32,
    /// Eight little-endian bytes.
    pub price: f64,
}

impl FuzzType for Flat {
    fn samples() -> Vec<Self> {
        vec![
            Flat {
                flag: true,
                small: 7,
                short: -300,
                count: 70_000,
                id: u64::MAX,
                delta: i64::MIN,
                wide: u128::MAX,
                signed_wide: -1,
                size: 1 << 40,
                ratio: 0.5,
                price: 189.25,
            },
            Flat {
                flag: false,
                small: 0,
                short: 0,
                count: 0,
                id: 0,
                delta: 0,
                wide: 0,
                signed_wide: i128::MIN,
                size: 0,
                ratio: f32::NAN,
                price: f64::NEG_INFINITY,
            },
        ]
    }
}

/// Which way an order goes: an enum of unit variants.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
pub enum Side {
    /// Variant 0.
    Buy,
    /// Variant 1.
    Sell,
}

/// An order: an enum with a variant of each kind.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
pub enum Order {
    /// A newtype variant.
    Market(u32),
    /// A struct variant.
    Limit {
        /// How many.
        quantity: u32,
        /// At what price.
        price: f64,
    },
    /// A tuple variant.
    Spread(i64, i64),
    /// A unit variant.
    Cancel,
}

/// A nested record: strings, options, sequences, a map, a tuple, an array, enums, and
/// a record of another type inside it.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
pub struct Book {
    /// A string.
    pub name: String,
    /// An option.
    pub owner: Option<String>,
    /// A sequence of strings.
    pub tags: Vec<String>,
    /// A map.
    pub limits: BTreeMap<String, i64>,
    /// A sequence of enums with data.
    pub orders: Vec<Order>,
    /// A unit-variant enum.
    pub side: Side,
    /// A tuple with an option in it.
    pub window: (u16, Option<u32>),
    /// A fixed-size array.
    pub grid: [i8; 3],
    /// Options and sequences nested in each other.
    pub notes: Option<Vec<Option<String>>>,
    /// A nested record, with its own version chain.
    pub account: Account,
}

impl FuzzType for Book {
    fn samples() -> Vec<Self> {
        let account = Account::samples().remove(0);
        vec![
            Book {
                name: "main".into(),
                owner: Some("desk 4".into()),
                tags: vec!["equity".into(), "us".into()],
                limits: BTreeMap::from([("AAPL".into(), 500), ("MSFT".into(), -20)]),
                orders: vec![
                    Order::Market(10),
                    Order::Limit {
                        quantity: 5,
                        price: 101.5,
                    },
                    Order::Spread(-1, 1),
                    Order::Cancel,
                ],
                side: Side::Sell,
                window: (9, Some(17)),
                grid: [-1, 0, 1],
                notes: Some(vec![None, Some("hedged".into())]),
                account: account.clone(),
            },
            Book {
                name: String::new(),
                owner: None,
                tags: Vec::new(),
                limits: BTreeMap::new(),
                orders: Vec::new(),
                side: Side::Buy,
                window: (0, None),
                grid: [0; 3],
                notes: None,
                account,
            },
        ]
    }
}

/// A recursive type: an expression tree, through `Box` and `Vec`.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
pub enum Expr {
    /// A leaf.
    Num(i64),
    /// One child.
    Neg(Box<Expr>),
    /// Two children.
    Add(Box<Expr>, Box<Expr>),
    /// Any number of children.
    Call {
        /// The function's name.
        name: String,
        /// Its arguments.
        args: Vec<Expr>,
    },
}

impl FuzzType for Expr {
    fn samples() -> Vec<Self> {
        let mut deep = Expr::Num(1);
        for _ in 0..20 {
            deep = Expr::Neg(Box::new(deep));
        }
        vec![
            Expr::Call {
                name: "max".into(),
                args: vec![
                    Expr::Add(Box::new(Expr::Num(2)), Box::new(Expr::Num(-3))),
                    Expr::Neg(Box::new(Expr::Num(i64::MAX))),
                    Expr::Call {
                        name: "nil".into(),
                        args: Vec::new(),
                    },
                ],
            },
            deep,
        ]
    }
}

/// Version 1 of the `Account` chain.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[rec_id = "Account"]
pub struct AccountV1 {
    /// Who owns it.
    pub owner: String,
    /// Whole dollars.
    pub balance: i64,
}

impl FuzzType for AccountV1 {
    fn samples() -> Vec<Self> {
        vec![AccountV1 {
            owner: "ada".into(),
            balance: -12,
        }]
    }
}

/// Version 2 of the `Account` chain: cents, and a history.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[rec_id = "Account"]
#[pickle(version = 2, from = AccountV1)]
pub struct AccountV2 {
    /// Who owns it.
    pub owner: String,
    /// The balance in cents, wide enough for any v1 balance.
    pub balance_cents: i128,
    /// Past balances, in cents.
    pub history: Vec<i64>,
}

impl From<AccountV1> for AccountV2 {
    fn from(old: AccountV1) -> Self {
        AccountV2 {
            owner: old.owner,
            balance_cents: i128::from(old.balance) * 100,
            history: Vec::new(),
        }
    }
}

impl FuzzType for AccountV2 {
    fn samples() -> Vec<Self> {
        vec![AccountV2 {
            owner: "bob".into(),
            balance_cents: -9_876_543_210,
            history: vec![1, -2, 3],
        }]
    }
}

/// The currency of an account.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
pub enum Currency {
    /// US dollars.
    Usd,
    /// Euros.
    Eur,
    /// Anything else, by code.
    Other(String),
}

/// Today's `Account` (version 3): cents in an `i64`, which a v2 balance may not fit,
/// so the upgrade from v2 can refuse.
#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[pickle(version = 3, from = AccountV2)]
pub struct Account {
    /// Who owns it.
    pub owner: String,
    /// The balance in cents.
    pub cents: i64,
    /// Past balances, in cents.
    pub history: Vec<i64>,
    /// Its currency.
    pub currency: Currency,
}

impl TryFrom<AccountV2> for Account {
    type Error = String;

    fn try_from(old: AccountV2) -> Result<Self, String> {
        let cents = i64::try_from(old.balance_cents)
            .map_err(|_| format!("{} cents do not fit in an i64", old.balance_cents))?;
        Ok(Account {
            owner: old.owner,
            cents,
            history: old.history,
            currency: Currency::Usd,
        })
    }
}

impl FuzzType for Account {
    fn samples() -> Vec<Self> {
        vec![
            Account {
                owner: "cy".into(),
                cents: 250,
                history: vec![100, 250],
                currency: Currency::Other("CHF".into()),
            },
            Account {
                owner: String::new(),
                cents: i64::MIN,
                history: Vec::new(),
                currency: Currency::Eur,
            },
        ]
    }
}

/// A record with fields of other crates (the `chrono`, `uuid`, `rust_decimal` and
/// `ndarray` features): text that its type validates on load (a date, a decimal
/// whose `Deserialize` calls `deserialize_any`, read through the schema-guided
/// reader), a byte string of fixed length (the uuid) and an ndarray struct whose
/// shape must match its data. Loaded by the `foreign_fields` target only.
#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "ndarray"
))]
// Not a record, so that `load_any` (whose target checks that it builds one of the
// types `with_type` knows) never builds it.
#[derive(Serialize, Deserialize, Schema, Debug, Clone, PartialEq)]
pub struct Run {
    /// 16 bytes, refused at any other length.
    pub id: uuid::Uuid,
    /// RFC 3339 text.
    pub started: chrono::DateTime<chrono::Utc>,
    /// Decimal text.
    pub fee: rust_decimal::Decimal,
    /// `{ v, dim, data }`.
    pub weights: ndarray::Array2<f64>,
}

#[cfg(all(
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "ndarray"
))]
impl FuzzType for Run {
    fn samples() -> Vec<Self> {
        use chrono::TimeZone;
        vec![
            Run {
                id: uuid::Uuid::from_u128(0x6f9619ff_8b86_d011_b42d_00c04fc964ff),
                started: chrono::Utc
                    .with_ymd_and_hms(2026, 12, 3, 9, 30, 0)
                    .single()
                    .expect("a valid time"),
                fee: rust_decimal::Decimal::new(-12_345, 4),
                weights: ndarray::Array2::from_shape_vec((2, 2), vec![0.6, 0.4, 0.55, 0.45])
                    .expect("a 2x2 shape"),
            },
            Run {
                id: uuid::Uuid::nil(),
                started: chrono::DateTime::UNIX_EPOCH,
                fee: rust_decimal::Decimal::ZERO,
                weights: ndarray::Array2::zeros((0, 3)),
            },
        ]
    }
}
