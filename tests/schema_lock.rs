//! The schema lock through the facade: `persist::lock::check` creates the lock,
//! leaves it alone when nothing is new, refuses a changed layout, and keeps the
//! entries of types that are gone.

use std::fs;
use std::path::Path;

use persist::lock::{self, LockEntry, LockError};
use persist::schema::Description;
use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Pickleable)]
#[pickle(version = 2)]
struct Portfolio {
    cash: f64,
    positions: Vec<(String, i64)>,
}

#[derive(Serialize, Deserialize, Pickleable)]
#[rec_id = "Trade"]
struct Fill {
    ticker: String,
    quantity: i64,
    price: f64,
}

fn portfolio() -> LockEntry {
    LockEntry {
        rec_id: "Portfolio".into(),
        version: 2,
        fingerprint: Description::of::<Portfolio>().fingerprint(),
    }
}

fn trade() -> LockEntry {
    LockEntry {
        rec_id: "Trade".into(),
        version: 1,
        fingerprint: Description::of::<Fill>().fingerprint(),
    }
}

/// The entry lines of the lock at `path` (without the header).
fn entry_lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#') || line.contains('\t'))
        .map(str::to_string)
        .collect()
}

fn line(entry: &LockEntry) -> String {
    format!(
        "{}\t{}\t{:#018x}",
        entry.rec_id, entry.version, entry.fingerprint
    )
}

#[test]
fn a_missing_lock_is_created_with_every_registered_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persist.lock");

    let report = lock::check(&path).unwrap();
    assert_eq!(report.added, [portfolio(), trade()]);
    assert_eq!(report.unchanged, 0);

    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# persist schema lock"), "{text}");
    assert!(text.contains("do not edit it by hand"), "{text}");
    assert_eq!(entry_lines(&path), [line(&portfolio()), line(&trade())]);
    // Nothing but the lock in the directory: the temporary file was renamed.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_second_check_adds_nothing_and_does_not_rewrite_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persist.lock");
    lock::check(&path).unwrap();
    let before = fs::read(&path).unwrap();
    let meta_before = fs::metadata(&path).unwrap();

    let report = lock::check(&path).unwrap();
    assert!(report.added.is_empty(), "{report:?}");
    assert_eq!(report.unchanged, 2);
    assert_eq!(fs::read(&path).unwrap(), before);
    let meta_after = fs::metadata(&path).unwrap();
    assert_eq!(
        meta_after.modified().unwrap(),
        meta_before.modified().unwrap()
    );
    #[cfg(unix)]
    {
        // A rewrite renames a new file over the lock, which changes its inode.
        use std::os::unix::fs::MetadataExt;
        assert_eq!(meta_after.ino(), meta_before.ino());
    }
}

#[test]
fn a_changed_layout_is_refused_and_the_lock_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persist.lock");
    lock::check(&path).unwrap();

    // The lock remembers another layout for `Portfolio` v2.
    let locked = portfolio().fingerprint ^ 0xdead_beef;
    let text = fs::read_to_string(&path).unwrap().replace(
        &line(&portfolio()),
        &line(&LockEntry {
            fingerprint: locked,
            ..portfolio()
        }),
    );
    fs::write(&path, &text).unwrap();

    let err = lock::check(&path).unwrap_err();
    let LockError::Changed { changed, .. } = &err else {
        panic!("expected LockError::Changed, got {err:?}");
    };
    assert_eq!(changed.len(), 1, "{err}");
    assert_eq!(changed[0].type_name, "schema_lock::Portfolio");
    assert_eq!(
        (changed[0].rec_id.as_str(), changed[0].version),
        ("Portfolio", 2)
    );
    assert_eq!(
        (changed[0].locked, changed[0].current),
        (locked, portfolio().fingerprint)
    );
    assert_eq!(changed[0].claimed_by, None);

    let message = err.to_string();
    for expected in [
        "schema_lock::Portfolio",
        "`Portfolio` v2",
        &format!("{locked:#018x}"),
        &format!("{:#018x}", portfolio().fingerprint),
        "bump its version (#[pickle(version = 3, from = ..)] or a RecInfo migration) instead of \
         changing version 2",
        "persist.lock",
    ] {
        assert!(
            message.contains(expected),
            "missing {expected:?} in:\n{message}"
        );
    }
    assert!(!message.contains("Trade"), "{message}");
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn entries_of_unregistered_types_survive_a_check_that_adds_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persist.lock");
    // Locked long ago: `Order` v1 (its type is gone) and today's `Trade` v1.
    let order = "Order\t1\t0x0123456789abcdef";
    fs::write(
        &path,
        format!("# an old lock\n{}\n{order}\n", line(&trade())),
    )
    .unwrap();

    let report = lock::check(&path).unwrap();
    assert_eq!(report.added, [portfolio()]);
    assert_eq!(report.unchanged, 1);
    // Sorted by REC_ID, each once.
    assert_eq!(
        entry_lines(&path),
        [order.to_string(), line(&portfolio()), line(&trade())]
    );
}

#[test]
fn a_malformed_lock_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("persist.lock");
    let text = format!("# lock\n{}\nPortfolio\t2\n", line(&trade()));
    fs::write(&path, &text).unwrap();

    let err = lock::check(&path).unwrap_err();
    assert!(
        matches!(&err, LockError::Malformed { line_number: 3, line, .. } if line == "Portfolio\t2"),
        "{err:?}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}
