//! Class-style saves and loads of records: default file names, directories, codecs
//! and discovery. (`save()`/`load()` in `./` are in tests/pickleable_cwd.rs, alone in
//! their binary because they change the working directory.)

use std::fs;
use std::path::Path;

use persist::schema::{Body, Builder, Definition, Field, Fields, Node, RecordId};
use persist::{Compression, Error, Pickleable, SaveOptions, Schema};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
struct Portfolio {
    cash: f64,
    symbols: Vec<String>,
}

#[derive(Serialize, Deserialize, Pickleable, Debug, Clone, PartialEq)]
#[rec_id = "MyClass"]
#[pickle(version = 2)]
struct Renamed {
    value: u32,
}

fn portfolio() -> Portfolio {
    Portfolio {
        cash: 1000.5,
        symbols: vec!["AAPL".into(), "MSFT".into()],
    }
}

#[test]
fn save_with_takes_directory_and_codec() {
    let dir = tempfile::tempdir().unwrap();
    let options = SaveOptions::new()
        .directory(dir.path().join("runs"))
        .compression(Compression::Lz4);
    let path = portfolio().save_with(&options).unwrap();
    assert_eq!(path, dir.path().join("runs/Portfolio.pickle.lz4"));
    let info = persist::inspect(&path).unwrap();
    assert_eq!(info.compression, Compression::Lz4);
    assert_eq!((info.rec_id.as_str(), info.version), ("Portfolio", 1));
    assert_eq!(
        Portfolio::load_from(dir.path().join("runs")).unwrap(),
        portfolio()
    );
}

#[test]
fn save_to_takes_a_directory_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let into_dir = portfolio().save_to(dir.path()).unwrap();
    assert_eq!(into_dir, dir.path().join("Portfolio.pickle"));

    let new_dir = dir.path().join("not-yet/");
    let into_new_dir = portfolio().save_to(&new_dir).unwrap();
    assert_eq!(into_new_dir, dir.path().join("not-yet/Portfolio.pickle"));

    let file = dir.path().join("elsewhere/pf.bin");
    assert_eq!(portfolio().save_to(&file).unwrap(), file);
    assert_eq!(Portfolio::load_from(&file).unwrap(), portfolio());
}

#[test]
fn a_custom_rec_id_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = Renamed { value: 3 }.save_to(dir.path()).unwrap();
    assert_eq!(path, dir.path().join("MyClass.pickle"));
    assert_eq!((Renamed::REC_ID, Renamed::VERSION), ("MyClass", 2));
    let info = persist::inspect(&path).unwrap();
    assert_eq!((info.rec_id.as_str(), info.version), ("MyClass", 2));
    assert_eq!(
        Renamed::load_from(dir.path()).unwrap(),
        Renamed { value: 3 }
    );
}

#[test]
fn discovery_finds_other_known_extensions() {
    let dir = tempfile::tempdir().unwrap();
    persist::save(&portfolio(), dir.path().join("Portfolio.LZ4")).unwrap();
    assert_eq!(Portfolio::load_from(dir.path()).unwrap(), portfolio());
}

#[test]
fn discovery_refuses_to_guess_between_several_files() {
    let dir = tempfile::tempdir().unwrap();
    portfolio().save_to(dir.path()).unwrap();
    portfolio()
        .save_with(
            &SaveOptions::new()
                .directory(dir.path())
                .compression(Compression::Lz4),
        )
        .unwrap();
    let err = Portfolio::load_from(dir.path()).unwrap_err();
    assert!(
        matches!(&err, Error::Ambiguous { candidates, .. } if candidates.len() == 2),
        "{err:?}"
    );
}

#[test]
fn discovery_says_what_it_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let err = Portfolio::load_from(dir.path()).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("Portfolio.pickle"), "{err}");
}

#[test]
fn leftover_temporary_files_are_never_discovered() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path()
            .join(format!(".Portfolio.pickle.abc123{}", persist::TEMP_SUFFIX)),
        b"half a save",
    )
    .unwrap();
    portfolio().save_to(dir.path()).unwrap();
    assert_eq!(Portfolio::load_from(dir.path()).unwrap(), portfolio());
}

/// A hand-written record whose REC_ID would climb out of its directory. The derive
/// refuses such an id at compile time, so only a manual impl can have one, and the
/// run-time checks are what stand in its way.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Escapee {
    value: u8,
}

impl Pickleable for Escapee {
    const REC_ID: &'static str = "../evil";
    const VERSION: u32 = 1;
}

impl Schema for Escapee {
    fn describe(builder: &mut Builder) -> Node {
        builder.define::<Self>("Escapee".into(), |b| {
            let fields = vec![Field::new("value", u8::describe(b))];
            Definition::new("Escapee", Body::Struct(Fields::Named(fields)))
                .with_record(RecordId::new(Self::REC_ID, Self::VERSION))
        })
    }
}

/// Whether `result` is the refusal of Escapee's REC_ID.
fn refused<T: std::fmt::Debug>(result: Result<T, Error>) -> bool {
    matches!(result, Err(Error::InvalidRecId { ref rec_id, .. }) if rec_id == "../evil")
}

#[test]
fn a_rec_id_that_would_leave_the_directory_is_refused() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("inner");
    fs::create_dir(&dir).unwrap();
    let value = Escapee { value: 1 };

    assert!(refused(value.save_to(&dir)));
    assert!(refused(value.save_to(dir.join(""))));
    assert!(refused(
        value.save_with(&SaveOptions::new().directory(&dir))
    ));
    // In `./`, it would have climbed to the parent of the working directory.
    assert!(refused(value.save()));
    assert!(!Path::new("../evil.pickle").exists());
    // Nothing was written, inside the directory or beside it.
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
    let beside: Vec<_> = fs::read_dir(outer.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["inner"]);

    // A file where the id points is not found through it either.
    fs::write(
        outer.path().join("evil.pickle"),
        persist::to_bytes(&value).unwrap(),
    )
    .unwrap();
    assert!(refused(Escapee::load_from(&dir)));
}
