//! The types of an older program, kept here only to write the fixture files that
//! `tests/renamed_types.rs` loads with today's types (which are renamed, and no
//! longer know these). Run `PERSIST_BLESS=1 cargo test --test old_types` to rewrite
//! the fixtures; without it, these tests check that each committed fixture is what
//! its old type wrote.

mod common;

use std::path::PathBuf;

use persist::{Pickleable, Schema};
use serde::{Deserialize, Serialize};

/// Renamed to `MyClass2` today, which keeps the REC_ID with `#[rec_id = "MyClass"]`.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "MyClass"]
struct MyClass1 {
    value: i64,
    tags: Vec<Tag>,
}

/// Renamed to `Label` today: a renamed nested type.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Tag {
    name: String,
}

/// Renamed to `Holdings` today, which reads this REC_ID through an alias.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Positions {
    symbols: Vec<String>,
    quantities: Vec<i64>,
}

/// Renamed to `Account` today, which a link-time RecInfo sends "Client" files to.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Client {
    id: u64,
    name: String,
}

/// Also renamed to `Account`; a RecInfo registered at run time sends it there.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Customer {
    id: u64,
    name: String,
}

fn my_class() -> MyClass1 {
    MyClass1 {
        value: -42,
        tags: vec![
            Tag {
                name: "alpha".into(),
            },
            Tag {
                name: "beta".into(),
            },
        ],
    }
}

fn positions() -> Positions {
    Positions {
        symbols: vec!["AAPL".into(), "IBM".into()],
        quantities: vec![100, -20],
    }
}

fn client() -> Client {
    Client {
        id: 7,
        name: "Ada".into(),
    }
}

fn customer() -> Customer {
    Customer {
        id: 8,
        name: "Grace".into(),
    }
}

fn fixture<T: Pickleable>(value: &T) -> PathBuf {
    let name = format!("{}.pickle", T::REC_ID);
    common::fixture(&name, |path| persist::save(value, path))
}

#[test]
fn each_fixture_is_what_its_old_type_wrote() {
    assert_eq!(
        MyClass1::load_from(fixture(&my_class())).unwrap(),
        my_class()
    );
    assert_eq!(
        Positions::load_from(fixture(&positions())).unwrap(),
        positions()
    );
    assert_eq!(Client::load_from(fixture(&client())).unwrap(), client());
    assert_eq!(
        Customer::load_from(fixture(&customer())).unwrap(),
        customer()
    );
}
