//! A `Schema` that does not describe what `Serialize` writes is refused at the
//! first save in builds with debug assertions (every `cargo test`), naming the
//! field, before anything is written; `check_schema` runs the same check anywhere.

use persist::{Error, Schema};
use serde::Serialize;

/// What a byte string of 16 bytes looks like to serde: a `Uuid` in a
/// non-human-readable format writes exactly this.
struct SixteenBytes([u8; 16]);

impl Serialize for SixteenBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

/// A record whose `id` is described as a `String`, as a wrong
/// `#[schema(as = String)]` on a `Uuid` field would describe it.
#[derive(Serialize, Schema)]
struct Misdescribed {
    name: String,
    #[schema(as = String)]
    id: SixteenBytes,
}

fn misdescribed() -> Misdescribed {
    Misdescribed {
        name: "run".into(),
        // Not UTF-8, as almost every real uuid is not.
        id: SixteenBytes([0xa1; 16]),
    }
}

#[test]
fn a_wrong_description_is_refused_at_save_naming_the_field_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.pickle");
    let err = persist::save(&misdescribed(), &path).unwrap_err();
    match &err {
        Error::Misdescribed {
            type_name,
            place,
            described,
            ..
        } => {
            assert_eq!(type_name, "Misdescribed");
            assert_eq!(place, "id");
            assert_eq!(described, "String");
        }
        other => panic!("expected Misdescribed, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("`Misdescribed` at `id`: the Schema describes String"),
        "{err}"
    );
    assert!(!path.exists(), "the save wrote the target");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "the save left files behind: {left:?}");
}

#[test]
fn an_old_file_stays_when_a_misdescribed_save_over_it_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.pickle.lz4");
    persist::save(&1u32, &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(persist::save(&misdescribed(), &path).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn to_bytes_and_check_schema_refuse_it_too() {
    assert!(matches!(
        persist::to_bytes(&misdescribed()),
        Err(Error::Misdescribed { .. })
    ));
    assert!(matches!(
        persist::check_schema(&misdescribed()),
        Err(Error::Misdescribed { .. })
    ));
    persist::check_schema(&(1u8, "right".to_string())).unwrap();
}
