//! A save replaces its target atomically; a save that fails leaves the old file as it
//! was and no temporary file behind.

use std::cell::Cell;
use std::fs;
use std::path::Path;

use persist::{Error, SaveOptions};
use serde::ser::{Error as _, SerializeSeq, Serializer};
use serde::Serialize;

/// A sequence whose `Serialize` fails after writing `fail_after` items: a save that
/// breaks half way through encoding.
struct FailsHalfWay {
    items: Vec<u64>,
    fail_after: usize,
    written: Cell<usize>,
}

impl Serialize for FailsHalfWay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for (i, item) in self.items.iter().enumerate() {
            if i == self.fail_after {
                return Err(S::Error::custom("the disk of values ran dry half way"));
            }
            seq.serialize_element(item)?;
            self.written.set(i + 1);
        }
        seq.end()
    }
}

impl persist::Schema for FailsHalfWay {
    fn describe(builder: &mut persist::schema::Builder) -> persist::schema::Node {
        <Vec<u64> as persist::Schema>::describe(builder)
    }
}

/// Every entry in `dir`, sorted, to show nothing was left behind.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_serialize_error_half_way_leaves_the_old_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("series.pickle");
    let old: Vec<u64> = (0..1000).collect();
    persist::save(&old, &path).unwrap();
    let old_bytes = fs::read(&path).unwrap();

    let failing = FailsHalfWay {
        items: (0..100_000).collect(),
        fail_after: 50_000,
        written: Cell::new(0),
    };
    let err = persist::save(&failing, &path).unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    // postcard drops a custom error's message; persist recovers it.
    assert_eq!(
        err.to_string(),
        "cannot encode `Vec<u64>`: the disk of values ran dry half way"
    );
    assert_eq!(
        failing.written.get(),
        50_000,
        "the failure came half way through"
    );

    assert_eq!(fs::read(&path).unwrap(), old_bytes, "old file untouched");
    assert_eq!(persist::load::<Vec<u64>>(&path).unwrap(), old);
    assert_eq!(
        entries(dir.path()),
        ["series.pickle"],
        "no temporary file left"
    );
}

#[test]
fn a_failed_rename_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // The target is a non-empty directory: the final rename cannot replace it.
    let target = dir.path().join("taken.pickle");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep.txt"), b"keep").unwrap();

    let err = persist::save(&vec![1u8, 2, 3], &target).unwrap_err();
    assert!(
        matches!(&err, Error::Io { action: "replace", path, .. } if path == &target),
        "{err:?}"
    );
    assert_eq!(entries(dir.path()), ["taken.pickle"]);
    assert_eq!(fs::read(target.join("keep.txt")).unwrap(), b"keep");
}

#[test]
fn a_save_replaces_the_old_value_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.pickle");
    persist::save(&"a long old value ".repeat(1000), &path).unwrap();
    persist::save(&"new".to_string(), &path).unwrap();
    assert_eq!(persist::load::<String>(&path).unwrap(), "new");
    assert_eq!(entries(dir.path()), ["v.pickle"]);
}

#[test]
fn a_save_creates_missing_parent_directories() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs/2026/11/result.pickle.lz4");
    persist::save(&(1u32, 2u32), &path).unwrap();
    assert_eq!(persist::load::<(u32, u32)>(&path).unwrap(), (1, 2));
}

#[test]
fn a_parent_that_is_a_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    fs::write(&blocker, b"x").unwrap();
    let err = persist::save(&1u8, blocker.join("v.pickle")).unwrap_err();
    assert!(
        matches!(&err, Error::Io { action: "create directory", path, .. } if path == &blocker),
        "{err:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_replaced_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.pickle");
    persist::save(&1u8, &path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    persist::save(&2u8, &path).unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn saves_without_fsync_are_still_complete_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fast.pickle");
    persist::save_with(
        &vec![3.5f64; 100],
        &path,
        &SaveOptions::new().durable(false),
    )
    .unwrap();
    assert_eq!(persist::load::<Vec<f64>>(&path).unwrap(), vec![3.5f64; 100]);
}

#[test]
fn a_file_name_near_the_length_limit_can_be_saved() {
    let dir = tempfile::tempdir().unwrap();
    // 250 bytes: the temporary file beside it must not need more than 255.
    let name = format!("{}.pickle", "é".repeat(121));
    assert_eq!(name.len(), 249);
    let path = dir.path().join(&name);
    persist::save(&1u8, &path).unwrap();
    assert_eq!(persist::load::<u8>(&path).unwrap(), 1);
    assert_eq!(entries(dir.path()), [name]);
}
