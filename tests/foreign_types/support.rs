//! What every foreign-type test does: save, load through every typed path, read the
//! same file dynamically, and load it as a changed type.

use std::fmt::Debug;
use std::path::PathBuf;

use persist::{Compression, Error, LoadOptions, SaveOptions, Schema};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The codecs every round trip runs with: every codec persist writes.
pub const CODECS: [Compression; 3] = [Compression::None, Compression::Lz4, Compression::Zstd];

/// A file in a new temporary directory (kept alive by the returned guard).
pub fn temp_file(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(name);
    (dir, path)
}

/// Saves `value` with each codec and loads it back through every typed path: a
/// file read whole, a file streamed (`stream_above(0)`), and bytes in memory. Each
/// must give back a value equal to `value`.
#[track_caller]
pub fn round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + Schema + PartialEq + Debug,
{
    for codec in CODECS {
        let (_dir, path) = temp_file("value.pickle");
        let options = SaveOptions::new().compression(codec).durable(false);
        persist::save_with(value, &path, &options).expect("saves");
        let whole: T = persist::load_with(&path, &LoadOptions::new().stream_above(u64::MAX))
            .unwrap_or_else(|e| panic!("{codec:?}: read whole: {e}"));
        assert_eq!(&whole, value, "{codec:?}: read whole");
        let streamed: T = persist::load_with(&path, &LoadOptions::new().stream_above(0))
            .unwrap_or_else(|e| panic!("{codec:?}: streamed: {e}"));
        assert_eq!(&streamed, value, "{codec:?}: streamed");
        let bytes = persist::to_bytes_with(value, &options).expect("encodes");
        let from_bytes: T =
            persist::from_bytes(&bytes).unwrap_or_else(|e| panic!("{codec:?}: from_bytes: {e}"));
        assert_eq!(&from_bytes, value, "{codec:?}: from_bytes");
    }
}

/// Saves `value` and reads the field at `path` back from the file's state, which
/// is decoded with the stored schema alone: it proves the description, since a
/// wrong one misreads the bytes.
#[track_caller]
pub fn state_get<T, F>(value: &T, path: &str) -> F
where
    T: Serialize + Schema,
    F: DeserializeOwned,
{
    let (_dir, file) = temp_file("state.pickle");
    persist::save(value, &file).expect("saves");
    let state = persist::load_state(&file).unwrap_or_else(|e| panic!("load_state: {e}"));
    state
        .get::<F>(path)
        .unwrap_or_else(|e| panic!("state.get({path:?}): {e}"))
}

/// Saves `old` and loads the file as `New`, read whole and streamed; both must
/// agree. For a type changed safely (a field added with a default).
#[track_caller]
pub fn load_as<Old, New>(old: &Old) -> Result<New, Error>
where
    Old: Serialize + Schema,
    New: DeserializeOwned + Schema + PartialEq + Debug,
{
    let (_dir, file) = temp_file("old.pickle");
    persist::save(old, &file).expect("saves");
    let whole = persist::load_with::<New>(&file, &LoadOptions::new().stream_above(u64::MAX));
    let streamed = persist::load_with::<New>(&file, &LoadOptions::new().stream_above(0));
    match (&whole, &streamed) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "read whole and streamed disagree"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("read whole: {whole:?}, streamed: {streamed:?}"),
    }
    whole
}

/// The bytes of a file that `forged` writes, loaded as `Real`: for a twin type
/// that has `Real`'s description (same names, `#[schema(as = ..)]` on the forged
/// field) but writes bytes that `Real`'s `Deserialize` refuses. The file is intact
/// (its checksums are right), so the load must fail with `Error::Decode`, through
/// every path, and the message is returned for the caller to check.
#[track_caller]
pub fn forged_decode_error<Forged, Real>(forged: &Forged) -> String
where
    Forged: Serialize + Schema,
    Real: DeserializeOwned + Schema + Debug,
{
    assert_eq!(
        persist::schema::Description::of::<Forged>().fingerprint(),
        persist::schema::Description::of::<Real>().fingerprint(),
        "the forged twin must have the real type's description"
    );
    let bytes = persist::to_bytes(forged).expect("the forged file encodes");
    let (_dir, file) = temp_file("forged.pickle");
    std::fs::write(&file, &bytes).expect("writes");
    let mut messages = Vec::new();
    let mut details = Vec::new();
    for (path, result) in [
        ("from_bytes", persist::from_bytes::<Real>(&bytes)),
        (
            "read whole",
            persist::load_with::<Real>(&file, &LoadOptions::new().stream_above(u64::MAX)),
        ),
        (
            "streamed",
            persist::load_with::<Real>(&file, &LoadOptions::new().stream_above(0)),
        ),
    ] {
        match &result {
            // The origin (bytes or the file's path) differs between paths; the
            // detail must not.
            Err(e @ Error::Decode { detail, .. }) => {
                details.push(detail.clone());
                messages.push(e.to_string());
            }
            other => panic!("{path}: expected a decode error, got {other:?}"),
        }
    }
    assert!(
        details.windows(2).all(|w| w[0] == w[1]),
        "paths disagree: {messages:#?}"
    );
    messages.swap_remove(0)
}

/// Checks that a decode error's `message` names the field `field` (as `` `field` ``)
/// and carries `crate_text`, the foreign crate's own words.
#[track_caller]
pub fn assert_names(message: &str, field: &str, crate_text: &str) {
    assert!(
        message.contains(&format!("`{field}`")) && message.contains(crate_text),
        "{message}"
    );
}
