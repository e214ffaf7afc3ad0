//! The fuzz targets' findings, kept: every input under `tests/fuzz_regressions/<target>/`
//! (crashes the fuzzers found, and hand-made hard cases), every seed under
//! `fuzz/seeds/<target>/` and every committed fixture replays here, under plain
//! `cargo test`, through the very code the fuzz binaries run (`fuzz/shared/`, whose
//! bodies panic when a load panics or two ways of reading the same bytes disagree).
//!
//! To keep a new finding: copy the input from `fuzz/artifacts/<target>/` into
//! `tests/fuzz_regressions/<target>/`. To rewrite the seeds after adding a fuzz type:
//! `PERSIST_BLESS=1 cargo test --test fuzz_regressions`, then commit `fuzz/seeds/`.

#[path = "../fuzz/shared/lib.rs"]
mod shared;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use shared::envelope;
use shared::seeds::seeds;
use shared::targets::{Target, TARGETS};

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The files of `dir`, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable directory").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `target` on the file at `path`: how many loads accepted it, or the panic's
/// message.
fn replay(target: Target, path: &Path) -> Result<usize, String> {
    let bytes = std::fs::read(path).expect("a readable input");
    catch_unwind(AssertUnwindSafe(|| target(&bytes))).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}

/// Fails listing every input whose replay panicked.
fn assert_no_panics(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} inputs make a fuzz target panic:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_saved_input_replays_without_a_panic() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for &(name, target) in TARGETS {
        for path in files_in(&repo_path("tests/fuzz_regressions").join(name)) {
            replayed += 1;
            if let Err(panic) = replay(target, &path) {
                failures.push(format!("{}: {panic}", path.display()));
            }
        }
    }
    assert!(
        replayed > 0,
        "tests/fuzz_regressions/<target>/ holds no inputs"
    );
    assert_no_panics(failures);
}

#[test]
fn every_seed_is_accepted_by_its_target() {
    for &(name, target) in TARGETS {
        let dir = repo_path("fuzz/seeds").join(name);
        if std::env::var_os("PERSIST_BLESS").is_some_and(|v| v == "1") {
            std::fs::create_dir_all(&dir).unwrap();
            for (file_name, bytes) in seeds(name) {
                std::fs::write(dir.join(file_name), bytes).unwrap();
            }
        }
        let files = files_in(&dir);
        assert!(
            !files.is_empty(),
            "no seeds in {}: run with PERSIST_BLESS=1 once and commit them",
            dir.display()
        );
        for path in files {
            // A seed every load refuses would start the fuzzer at the front door.
            assert!(
                matches!(replay(target, &path), Ok(accepted) if accepted > 0),
                "{} is not accepted by {name}",
                path.display()
            );
        }
    }
}

#[test]
fn committed_fixtures_make_no_target_panic() {
    let fixtures = files_in(&repo_path("tests/fixtures"));
    assert!(!fixtures.is_empty());
    let mut failures = Vec::new();
    for &(name, target) in TARGETS {
        for path in &fixtures {
            match replay(target, path) {
                // Fixtures are valid files, whatever their type: the header parser
                // accepts each of them.
                Ok(0) if name == "inspect_bytes" => {
                    failures.push(format!("{} refused by inspect_bytes", path.display()))
                }
                Ok(_) => {}
                Err(panic) => failures.push(format!("{name} {}: {panic}", path.display())),
            }
        }
    }
    assert_no_panics(failures);
}

/// The targets rely on `repair` to get past the checksums: if it stopped matching
/// the format, the fuzzers would silently test nothing but the checksum checks.
#[test]
fn repair_makes_a_file_with_damaged_checksums_load_again() {
    let (_, file) = seeds("from_bytes")
        .into_iter()
        .find(|(name, _)| name == "book-0.pickle.lz4")
        .expect("a Book seed");
    assert_eq!(
        envelope::repair(&file),
        None,
        "a valid file needs no repair"
    );

    let last = file.len() - 1;
    // The fingerprint, the header checksum's first byte, the payload checksum's last.
    let header_checksum = persist::inspect_bytes(&file).unwrap().header_len as usize - 8;
    for at in [16, header_checksum, last] {
        let mut damaged = file.clone();
        damaged[at] ^= 0x40;
        assert!(
            matches!(
                persist::from_bytes::<shared::types::Book>(&damaged),
                Err(persist::Error::ChecksumMismatch { .. })
            ),
            "damage at byte {at} is detected"
        );
        let repaired = envelope::repair(&damaged).expect("a repair");
        assert_eq!(repaired, file, "damage at byte {at} is undone");
    }
}

/// `with_payload` rebuilds a file around a payload the way the writer lays it out.
#[test]
fn a_file_rebuilt_around_its_own_payload_is_unchanged() {
    for (name, file) in seeds("inspect_bytes") {
        let (payload, raw_len) = envelope::payload_of(&file);
        assert_eq!(
            envelope::with_payload(&file, payload, raw_len),
            file,
            "{name}"
        );
    }
}
