//! The registry behind `persist::load_any`: how it chooses a type, how it reports
//! the cases it cannot settle, and how a RecInfo settles them.

use persist::registry::{self, Problem, RecInfo};
use persist::{Error, Pickleable};
use serde::{Deserialize, Serialize};

/// Two unrelated programs' types that both save as "Quote" v1: typed loads of
/// either work, but `load_any` cannot choose between them on its own.
mod desk_a {
    use super::*;

    #[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
    #[rec_id = "Quote"]
    pub struct Quote {
        pub bid: f64,
        pub ask: f64,
    }
}

mod desk_b {
    use super::*;

    #[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
    #[rec_id = "Quote"]
    pub struct Quote {
        pub bid: f64,
        pub ask: f64,
    }
}

#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq, Clone)]
struct Fill {
    price: f64,
    quantity: u32,
}

/// Generic: the derive cannot register it, so `load_any` does not know it.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Tagged<T> {
    tag: String,
    value: T,
}

#[test]
fn an_ambiguous_rec_id_is_reported_until_a_rec_info_settles_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quote.pickle");
    let quote = desk_a::Quote {
        bid: 99.5,
        ask: 100.0,
    };
    persist::save(&quote, &path).unwrap();

    // Typed loads never fail because another type shares the REC_ID.
    assert_eq!(persist::load::<desk_a::Quote>(&path).unwrap(), quote);
    let b = desk_b::Quote::load_from(&path).unwrap();
    assert_eq!((b.bid, b.ask), (99.5, 100.0));

    // load_any and check() name both types.
    let problems = registry::check().unwrap_err();
    assert_eq!(
        problems.0,
        vec![Problem::Ambiguous {
            rec_id: "Quote".into(),
            version: 1,
            types: vec!["registry::desk_a::Quote", "registry::desk_b::Quote"],
        }]
    );
    assert!(problems.to_string().contains("RecInfo"), "{problems}");
    let err = persist::load_any(&path).unwrap_err();
    let Error::AmbiguousType { types, .. } = &err else {
        panic!("expected AmbiguousType, got {err:?}");
    };
    assert_eq!(types.len(), 2);
    let message = err.to_string();
    assert!(
        message.contains("registry::desk_a::Quote or registry::desk_b::Quote"),
        "{message}"
    );

    RecInfo::new("Quote").target::<desk_b::Quote>().register();

    registry::check().unwrap();
    let any = persist::load_any(&path).unwrap();
    assert_eq!(any.type_name(), "registry::desk_b::Quote");
    assert_eq!(any.downcast::<desk_b::Quote>().unwrap(), b);
}

#[test]
fn load_any_returns_a_record_to_downcast() {
    let dir = tempfile::tempdir().unwrap();
    let fill = Fill {
        price: 12.5,
        quantity: 300,
    };
    let path = fill.save_to(dir.path()).unwrap();

    let mut any = persist::load_any(&path).unwrap();
    assert_eq!(any.rec_id(), "Fill");
    assert_eq!(any.version(), 1);
    assert!(any.is::<Fill>() && !any.is::<desk_a::Quote>());
    assert!(format!("{any:?}").contains("registry::Fill"));
    any.downcast_mut::<Fill>().unwrap().quantity += 1;
    // A wrong downcast gives the record back, intact.
    let any = any.downcast::<desk_a::Quote>().unwrap_err();
    assert_eq!(any.downcast_ref::<Fill>().unwrap().quantity, 301);
    assert_eq!(any.downcast::<Fill>().unwrap().price, 12.5);
}

#[test]
fn load_any_finds_a_file_by_its_bare_name() {
    let dir = tempfile::tempdir().unwrap();
    let fill = Fill {
        price: 1.0,
        quantity: 1,
    };
    persist::save(&fill, dir.path().join("my_fill.pickle.lz4")).unwrap();
    let any = persist::load_any(dir.path().join("my_fill")).unwrap();
    assert_eq!(any.downcast::<Fill>().unwrap(), fill);
    // The typed load finds it the same way.
    assert_eq!(
        persist::load::<Fill>(dir.path().join("my_fill")).unwrap(),
        fill
    );

    let err = persist::load_any(dir.path().join("nothing")).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing.pickle"), "{err}");
}

#[test]
fn load_any_refuses_files_no_registered_type_reads() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.pickle");
    persist::save(&vec![1u8, 2], &plain).unwrap();
    let err = persist::load_any(&plain).unwrap_err();
    assert!(
        matches!(&err, Error::UnknownRecId { rec_id, version: 0, .. } if rec_id == "Vec<u8>"),
        "{err:?}"
    );

    let tagged = dir.path().join("tagged.pickle");
    let value = Tagged {
        tag: "x".into(),
        value: 5u16,
    };
    persist::save(&value, &tagged).unwrap();
    let err = persist::load_any(&tagged).unwrap_err();
    assert!(
        err.to_string().contains("no registered type reads"),
        "{err}"
    );
    // The typed load needs no registry.
    assert_eq!(persist::load::<Tagged<u16>>(&tagged).unwrap(), value);
}

#[test]
fn the_registry_lists_every_derived_type_without_generics() {
    let types = registry::types();
    let names: Vec<&str> = types.iter().map(|t| t.type_name()).collect();
    for expected in [
        "registry::desk_a::Quote",
        "registry::desk_b::Quote",
        "registry::Fill",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("Tagged")), "{names:?}");
}
