//! Helpers shared by the integration tests that read committed fixture files.

use std::path::{Path, PathBuf};

/// The path of the committed fixture `name`, under `tests/fixtures/`.
///
/// With `PERSIST_BLESS=1` in the environment, `write` first (re)creates it: run
/// `PERSIST_BLESS=1 cargo test --test <name>` once when adding a fixture, and commit
/// the file. Without it, the committed bytes are read as they are, which is the
/// point: they were written by an earlier build, and must still load.
pub fn fixture(name: &str, write: impl FnOnce(&Path) -> persist::Result<()>) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name);
    if std::env::var_os("PERSIST_BLESS").is_some_and(|v| v == "1") {
        write(&path).expect("writing a fixture");
    }
    assert!(
        path.is_file(),
        "missing fixture {}: run with PERSIST_BLESS=1 once and commit it",
        path.display()
    );
    path
}
