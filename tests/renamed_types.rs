//! Renamed types read the files their old names wrote, through each of the three
//! ways: the same `#[rec_id]`, an alias, and a RecInfo (at link time and at run
//! time). The files are fixtures committed under `tests/fixtures/`, written by the
//! old types in `tests/old_types.rs`, which this program does not have.

use std::path::{Path, PathBuf};

use persist::registry::RecInfo;
use persist::{Error, Pickleable, Schema};
use serde::{Deserialize, Serialize};

/// Was `MyClass1`; keeps its REC_ID.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[rec_id = "MyClass"]
struct MyClass2 {
    value: i64,
    tags: Vec<Label>,
}

/// Was `Tag`.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Label {
    name: String,
}

/// Was `Positions`, saved under that REC_ID; saves under its own name today.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
#[pickle(aliases = ["Positions"])]
struct Holdings {
    symbols: Vec<String>,
    quantities: Vec<i64>,
}

/// Was `Client`, and before that `Customer`.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Account {
    id: u64,
    name: String,
}

persist::submit! { RecInfo::new("Client").target::<Account>() }

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A directory holding a copy of the fixture `name`, as a user's run directory would.
fn dir_with(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    dir
}

fn my_class() -> MyClass2 {
    MyClass2 {
        value: -42,
        tags: vec![
            Label {
                name: "alpha".into(),
            },
            Label {
                name: "beta".into(),
            },
        ],
    }
}

#[test]
fn a_renamed_type_with_the_old_rec_id_reads_the_old_files() {
    let path = fixture("MyClass.pickle");
    // The file's schema names the old types; the layout is the same.
    let schema = persist::inspect(&path).unwrap().schema.to_string();
    assert!(
        schema.contains("MyClass1") && schema.contains("Tag"),
        "{schema}"
    );

    assert_eq!(MyClass2::load_from(&path).unwrap(), my_class());
    assert_eq!(persist::load::<MyClass2>(&path).unwrap(), my_class());
    assert_eq!(
        MyClass2::load_from(dir_with("MyClass.pickle").path()).unwrap(),
        my_class()
    );
    let any = persist::load_any(&path).unwrap();
    assert_eq!(any.downcast::<MyClass2>().unwrap(), my_class());
}

#[test]
fn an_alias_reads_the_files_of_the_old_rec_id() {
    let expected = Holdings {
        symbols: vec!["AAPL".into(), "IBM".into()],
        quantities: vec![100, -20],
    };
    let path = fixture("Positions.pickle");
    assert_eq!(Holdings::load_from(&path).unwrap(), expected);
    // In a directory, the file named after the alias is found.
    let dir = dir_with("Positions.pickle");
    assert_eq!(Holdings::load_from(dir.path()).unwrap(), expected);
    let any = persist::load_any(&path).unwrap();
    assert_eq!(any.rec_id(), "Holdings");
    assert_eq!(any.downcast::<Holdings>().unwrap(), expected);

    // Saved again, it goes under its own name, and the own name wins discovery.
    let mut changed = expected;
    changed.quantities[0] = 150;
    assert_eq!(
        changed.save_to(dir.path()).unwrap(),
        dir.path().join("Holdings.pickle")
    );
    assert_eq!(Holdings::load_from(dir.path()).unwrap(), changed);
}

#[test]
fn a_rec_info_submitted_at_link_time_sends_old_files_to_the_new_type() {
    let expected = Account {
        id: 7,
        name: "Ada".into(),
    };
    let path = fixture("Client.pickle");
    assert_eq!(Account::load_from(&path).unwrap(), expected);
    assert_eq!(persist::load::<Account>(&path).unwrap(), expected);
    assert_eq!(
        Account::load_from(dir_with("Client.pickle").path()).unwrap(),
        expected
    );
    let any = persist::load_any(&path).unwrap();
    assert_eq!(any.downcast::<Account>().unwrap(), expected);
}

#[test]
fn a_rec_info_registered_at_run_time_takes_effect_from_then_on() {
    let path = fixture("Customer.pickle");
    // Before: nothing sends "Customer" anywhere.
    assert!(matches!(
        Account::load_from(&path),
        Err(Error::WrongType { .. })
    ));
    assert!(matches!(
        persist::load_any(&path),
        Err(Error::UnknownRecId { .. })
    ));

    RecInfo::new("Customer").target::<Account>().register();

    let expected = Account {
        id: 8,
        name: "Grace".into(),
    };
    assert_eq!(Account::load_from(&path).unwrap(), expected);
    let any = persist::load_any(&path).unwrap();
    assert_eq!(any.downcast::<Account>().unwrap(), expected);
}

/// Same REC_ID as the old `MyClass1`, but `value` may be of another type. (Generic,
/// so that it is not registered: a second non-generic type reading "MyClass" v1
/// would make `load_any` ambiguous, as `registry::check` would say.)
#[derive(Serialize, Deserialize, Pickleable, Debug)]
#[rec_id = "MyClass"]
struct MyClassWide<T> {
    value: T,
    tags: Vec<Label>,
}

#[test]
fn a_renamed_type_with_another_layout_is_still_refused() {
    let path = fixture("MyClass.pickle");
    // Same REC_ID and version, another schema: refused, naming what changed.
    let err = persist::load::<MyClassWide<i128>>(&path).unwrap_err();
    assert!(matches!(err, Error::SchemaChanged { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("MyClass1 became MyClassWide<i128>"),
        "{err}"
    );
    // Even with the same bytes: generic arguments are part of a type's identity
    // (they may be phantom, or constants), so a type that became generic is not
    // taken for a rename.
    let err = persist::load::<MyClassWide<i64>>(&path).unwrap_err();
    assert!(matches!(err, Error::SchemaChanged { .. }), "{err:?}");
}

/// A later version of the old `Positions`, which `Holdings` (through its alias)
/// does not know.
#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "Positions"]
#[pickle(version = 2)]
struct PositionsV2 {
    symbols: Vec<String>,
}

/// A plain type, not a record, that happens to be named like the old `Client`.
mod plain {
    #[derive(serde::Deserialize, persist::Schema, Debug)]
    #[allow(dead_code)] // Never built: only its refusal is tested.
    pub struct Client {
        pub id: u64,
        pub name: String,
    }
}

#[test]
fn version_errors_name_the_rec_id_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pickle");
    persist::save(&PositionsV2 { symbols: vec![] }, &path).unwrap();
    let err = Holdings::load_from(&path).unwrap_err();
    assert!(
        matches!(&err, Error::NewerVersion { rec_id, found: 2, newest: 1, .. } if rec_id == "Positions"),
        "{err:?}"
    );
    // A plain type has no versions: a record's file is simply another type.
    let err = persist::load::<plain::Client>(fixture("Client.pickle")).unwrap_err();
    assert!(matches!(err, Error::WrongType { .. }), "{err:?}");
}

/// Currencies, as phantom type arguments: they change no byte of a `Money`.
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Usd;
#[derive(Serialize, Deserialize, Schema, Debug, PartialEq)]
struct Eur;

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Money<C> {
    cents: i64,
    #[serde(skip)]
    currency: std::marker::PhantomData<C>,
}

#[test]
fn other_generic_arguments_are_not_a_rename() {
    let dollars = Money::<Usd> {
        cents: 500,
        currency: std::marker::PhantomData,
    };
    let bytes = persist::to_bytes(&dollars).unwrap();
    // The same bytes, but dollars are not euros.
    let err = persist::from_bytes::<Money<Eur>>(&bytes).unwrap_err();
    assert!(matches!(err, Error::SchemaChanged { .. }), "{err:?}");
    assert!(
        err.to_string().contains("Money<Usd> became Money<Eur>"),
        "{err}"
    );
    assert_eq!(persist::from_bytes::<Money<Usd>>(&bytes).unwrap(), dollars);
}

#[test]
fn the_registry_of_this_program_is_clean() {
    persist::registry::check().unwrap();
}
