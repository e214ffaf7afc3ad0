//! End-to-end tests of the `persist` program: the built binary, run on the
//! committed fixtures and on files the tests write, checked by exit code, stdout
//! and stderr.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value as Json};

/// The committed fixture `name`, under `tests/fixtures/`.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Runs the program with `args`, its stdin empty, and collects its output.
fn persist<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_persist"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the persist binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts the exit code, showing both streams when it is not `code`.
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

/// Runs `persist dump path`, expects success, and parses stdout as JSON.
fn dump(path: &Path) -> Json {
    let output = persist([OsStr::new("dump"), path.as_os_str()]);
    assert_exit(&output, 0);
    assert!(output.stderr.is_empty(), "stderr: {}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("dump prints JSON")
}

/// A copy of the fixture `name` in `dir`, with `edit` applied to its bytes.
fn edited_copy(dir: &Path, name: &str, edit: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(fixture(name)).expect("reading the fixture");
    edit(&mut bytes);
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("writing the copy");
    path
}

/// Asserts a failure of a bad file: exit `code`, nothing on stdout, and one
/// `persist: ` message on stderr that mentions `needle`.
fn assert_fails(output: &Output, code: i32, needle: &str) {
    assert_exit(output, code);
    assert!(output.stdout.is_empty(), "stdout: {}", stdout(output));
    let err = stderr(output);
    assert!(err.starts_with("persist: "), "stderr: {err}");
    assert!(
        err.contains(needle),
        "stderr should mention {needle:?}: {err}"
    );
    assert!(!err.contains("panicked"), "stderr: {err}");
}

/// Asserts a usage error: exit 2, nothing on stdout, the message and the usage on
/// stderr.
fn assert_usage_error(output: &Output, message: &str) {
    assert_exit(output, 2);
    assert!(output.stdout.is_empty(), "stdout: {}", stdout(output));
    let err = stderr(output);
    assert!(
        err.starts_with(&format!("persist: {message}")),
        "stderr: {err}"
    );
    assert_usage(&err);
}

/// Asserts that `text` holds the usage: the three commands.
fn assert_usage(text: &str) {
    assert!(text.contains("Usage:"), "{text}");
    for command in [
        "persist inspect FILE",
        "persist schema FILE",
        "persist dump FILE",
    ] {
        assert!(text.contains(command), "no `{command}` in:\n{text}");
    }
}

// ---- inspect ----

#[test]
fn inspect_prints_header_sizes_and_schema() {
    let output = persist([OsStr::new("inspect"), fixture("Trade.pickle").as_os_str()]);
    assert_exit(&output, 0);
    assert!(output.stderr.is_empty(), "stderr: {}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("rec_id:      Trade\n"), "{text}");
    assert!(text.contains("version:     1\n"), "{text}");
    assert!(text.contains("codec:       none\n"), "{text}");
    assert!(
        text.contains("struct Trade { sym: String, qty: i64, px_cents: i64 }"),
        "{text}"
    );
    let info = persist::inspect(fixture("Trade.pickle")).expect("the fixture reads");
    assert_eq!(text, format!("{info}\n"));
}

#[test]
fn inspect_names_the_codec_of_a_compressed_file() {
    let output = persist([
        OsStr::new("inspect"),
        fixture("portfolio_v2.pickle.lz4").as_os_str(),
    ]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(text.contains("codec:       lz4\n"), "{text}");
    assert!(text.contains("rec_id:      Portfolio\n"), "{text}");
    assert!(text.contains("version:     2\n"), "{text}");
}

// ---- schema ----

#[test]
fn schema_prints_only_the_stored_schema() {
    for name in ["Trade.pickle", "Vault.pickle", "portfolio_v2.pickle.lz4"] {
        let path = fixture(name);
        let output = persist([OsStr::new("schema"), path.as_os_str()]);
        assert_exit(&output, 0);
        let schema = persist::inspect(&path)
            .expect("the fixture reads")
            .schema
            .to_string();
        assert_eq!(stdout(&output), format!("{schema}\n"), "{name}");
    }
}

// ---- dump ----

#[test]
fn dump_of_trade_gives_its_fields() {
    let doc = dump(&fixture("Trade.pickle"));
    assert_eq!(doc["rec_id"], "Trade");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["value"]["sym"], "AAPL");
    assert_eq!(doc["value"]["qty"], 100);
    assert_eq!(doc["value"]["px_cents"], 18925);
    assert_eq!(
        doc,
        json!({"rec_id": "Trade", "version": 1, "value": {"sym": "AAPL", "qty": 100, "px_cents": 18925}})
    );
}

#[test]
fn dump_of_vault_gives_nested_objects_an_array_and_an_option() {
    let doc = dump(&fixture("Vault.pickle"));
    assert_eq!(
        doc,
        json!({
            "rec_id": "Vault",
            "version": 1,
            "value": {
                "owner": "ada",
                "wallets": [{"cash": 5}, {"cash": -2}],
                "gem": {"carats": 3},
            },
        })
    );
}

#[test]
fn dump_is_pretty_printed_with_fields_in_stored_order() {
    let output = persist([OsStr::new("dump"), fixture("Trade.pickle").as_os_str()]);
    assert_exit(&output, 0);
    assert_eq!(
        stdout(&output),
        r#"{
  "rec_id": "Trade",
  "version": 1,
  "value": {
    "sym": "AAPL",
    "qty": 100,
    "px_cents": 18925
  }
}
"#
    );
    // Settings' fields are not in alphabetical order: they stay as stored.
    let output = persist([OsStr::new("dump"), fixture("Settings.pickle").as_os_str()]);
    assert_exit(&output, 0);
    let text = stdout(&output);
    let at = |field: &str| text.find(&format!("\"{field}\"")).expect(field);
    assert!(
        at("threshold") < at("name") && at("name") < at("legacy") && at("legacy") < at("level")
    );
}

#[test]
fn dump_of_a_compressed_file_and_an_enum() {
    let doc = dump(&fixture("portfolio_v2.pickle.lz4"));
    assert_eq!(doc["rec_id"], "Portfolio");
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["value"]["cash"], 2500.5);
    assert_eq!(doc["value"]["positions"][0], json!(["NVDA", 10]));

    // Mode::Slow(3): a newtype variant is a one-entry object.
    assert_eq!(dump(&fixture("Mode.pickle"))["value"], json!({"Slow": 3}));
}

#[test]
fn dump_turns_non_string_keys_and_wide_integers_into_strings() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("wide.pickle");
    let map: BTreeMap<(u8, u8), u128> = BTreeMap::from([((1, 2), u128::MAX), ((3, 4), 7)]);
    persist::save(&map, &path).expect("saving the map");

    let doc = dump(&path);
    assert_eq!(
        doc["value"],
        json!({"[1,2]": "340282366920938463463374607431768211455", "[3,4]": 7})
    );
}

#[test]
fn dump_turns_inexact_integers_and_non_finite_floats_into_strings() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("edges.pickle");
    let exact = 1u64 << 53;
    let edges = (
        (exact, exact + 1, -(exact as i64), -(exact as i64) - 1),
        (f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.1f32),
        (None::<u8>, Some(5u8), (), 'é'),
    );
    persist::save(&edges, &path).expect("saving the edge cases");

    let doc = dump(&path);
    assert_eq!(
        doc["value"],
        json!([
            [
                9007199254740992u64,
                "9007199254740993",
                -9007199254740992i64,
                "-9007199254740993"
            ],
            ["NaN", "inf", "-inf", 0.1],
            [null, 5, null, "é"],
        ])
    );
}

// ---- FILE as a name without extensions ----

#[test]
fn a_bare_name_finds_its_file() {
    let dir = fixture("");
    let output = persist([OsStr::new("inspect"), dir.join("Trade").as_os_str()]);
    assert_exit(&output, 0);
    assert!(stdout(&output).contains("rec_id:      Trade\n"));

    let output = persist([OsStr::new("schema"), dir.join("Trade").as_os_str()]);
    assert_exit(&output, 0);

    // `portfolio_v2` → `portfolio_v2.pickle.lz4`.
    assert_eq!(dump(&dir.join("portfolio_v2"))["rec_id"], "Portfolio");
}

#[test]
fn a_bare_name_with_two_files_is_ambiguous() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    persist::save(&1u8, dir.path().join("x.pickle")).expect("saving");
    persist::save(&2u8, dir.path().join("x.pickle.lz4")).expect("saving");
    let output = persist([OsStr::new("dump"), dir.path().join("x").as_os_str()]);
    assert_fails(&output, 3, "several files");
}

// ---- bad files ----

#[test]
fn a_text_file_is_not_a_persist_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n",
    )
    .expect("writing");
    for command in ["inspect", "schema", "dump"] {
        let output = persist([OsStr::new(command), path.as_os_str()]);
        assert_fails(&output, 1, "not a persist file");
    }
}

#[test]
fn a_truncated_file_says_truncated() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = edited_copy(dir.path(), "Vault.pickle", |bytes| {
        bytes.truncate(bytes.len() - 12)
    });
    let output = persist([OsStr::new("dump"), path.as_os_str()]);
    assert_fails(&output, 1, "truncated");

    // Cut inside the header, inspect fails too.
    let path = edited_copy(dir.path(), "Trade.pickle", |bytes| bytes.truncate(40));
    let output = persist([OsStr::new("inspect"), path.as_os_str()]);
    assert_fails(&output, 1, "truncated");
}

#[test]
fn a_flipped_payload_byte_fails_the_checksum() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let info = persist::inspect(fixture("Vault.pickle")).expect("the fixture reads");
    let at = usize::try_from(info.header_len).expect("a small header");
    let path = edited_copy(dir.path(), "Vault.pickle", |bytes| bytes[at] ^= 0x01);
    let output = persist([OsStr::new("dump"), path.as_os_str()]);
    assert_fails(&output, 1, "checksum");
}

#[test]
fn a_file_from_a_newer_format_says_so() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Bytes 8..10 are the format version; a newer one is refused before anything
    // else is read, checksums included.
    let path = edited_copy(dir.path(), "Trade.pickle", |bytes| {
        bytes[8..10].copy_from_slice(&7u16.to_le_bytes())
    });
    for command in ["inspect", "schema", "dump"] {
        let output = persist([OsStr::new(command), path.as_os_str()]);
        assert_fails(&output, 1, "file format 7");
    }
}

/// A value whose `Serialize` writes a string while its schema claims a `u8`: the
/// file's checksums are right, but its payload does not decode with its schema.
struct Mislabelled(String);

impl serde::Serialize for Mislabelled {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl persist::Schema for Mislabelled {
    fn describe(builder: &mut persist::schema::Builder) -> persist::schema::Node {
        <u8 as persist::Schema>::describe(builder)
    }
}

#[test]
fn a_payload_that_does_not_fit_its_schema_is_a_decode_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("mislabelled.pickle");
    // Written on purpose: a debug build's save would refuse the wrong description.
    let options = persist::SaveOptions::new().check_description(false);
    persist::save_with(&Mislabelled("not a byte".into()), &path, &options).expect("saving");

    // The header and schema are fine, so inspect works...
    let output = persist([OsStr::new("inspect"), path.as_os_str()]);
    assert_exit(&output, 0);
    // ...but the value cannot be read.
    let output = persist([OsStr::new("dump"), path.as_os_str()]);
    assert_fails(&output, 1, "cannot decode");
}

#[test]
fn a_missing_file_exits_3() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for name in ["absent.pickle", "absent"] {
        let output = persist([OsStr::new("inspect"), dir.path().join(name).as_os_str()]);
        assert_fails(&output, 3, "absent");
        let output = persist([OsStr::new("dump"), dir.path().join(name).as_os_str()]);
        assert_fails(&output, 3, "absent");
    }
}

// ---- the command line ----

#[test]
fn no_arguments_is_a_usage_error() {
    assert_usage_error(&persist::<[&str; 0], &str>([]), "no command given");
}

#[test]
fn an_unknown_command_is_a_usage_error() {
    assert_usage_error(
        &persist(["frobnicate", "x"]),
        "unknown command `frobnicate`",
    );
}

#[test]
fn a_missing_file_argument_is_a_usage_error() {
    assert_usage_error(&persist(["inspect"]), "`inspect` needs a FILE");
}

#[test]
fn an_extra_argument_is_a_usage_error() {
    assert_usage_error(&persist(["inspect", "a", "b"]), "unexpected argument `b`");
}

#[test]
fn an_unknown_option_is_a_usage_error() {
    assert_usage_error(
        &persist(["dump", "--pretty", "x"]),
        "unknown option `--pretty`",
    );
}

#[test]
fn help_prints_the_usage_on_stdout() {
    for flag in ["--help", "-h"] {
        let output = persist([flag]);
        assert_exit(&output, 0);
        assert!(output.stderr.is_empty(), "stderr: {}", stderr(&output));
        let text = stdout(&output);
        assert_usage(&text);
        assert!(text.contains("runs/my_obj.pickle.lz4"), "{text}");
        assert!(text.contains("Exit codes:"), "{text}");
        assert!(text.contains("2^53"), "{text}");
    }
}

#[test]
fn version_prints_the_crate_version() {
    for flag in ["--version", "-V"] {
        let output = persist([flag]);
        assert_exit(&output, 0);
        assert_eq!(
            stdout(&output),
            format!("persist {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

// ---- output ----

/// Runs `persist dump path` with its stdout closed before it writes, and returns
/// its exit status and stderr.
fn dump_into_closed_pipe(path: &Path) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_persist"))
        .arg("dump")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the persist binary runs");
    // Close the read end before the program writes (or while it does).
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut err)
        .expect("reading stderr");
    let status = child.wait().expect("the program ends");
    (status, err)
}

#[test]
fn an_output_that_cannot_be_written_exits_4() {
    // /dev/full refuses every write with "no space left on device".
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let output = Command::new(env!("CARGO_BIN_EXE_persist"))
        .arg("inspect")
        .arg(fixture("Trade.pickle"))
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .expect("the persist binary runs");
    assert_exit(&output, 4);
    let err = stderr(&output);
    assert!(
        err.starts_with("persist: cannot write the output: "),
        "stderr: {err}"
    );
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    // Whether the small output meets the closed pipe or a pipe buffer that nobody
    // reads, the run is a success with nothing said.
    let (status, err) = dump_into_closed_pipe(&fixture("Vault.pickle"));
    assert_eq!(err, "");
    assert_eq!(status.code(), Some(0));

    // An output far larger than a pipe's buffer surely meets the closed pipe: the
    // program stops writing and exits 0 without a word.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("big.pickle");
    persist::save(&(0..200_000u64).collect::<Vec<_>>(), &path).expect("saving");
    let (status, err) = dump_into_closed_pipe(&path);
    assert_eq!(err, "");
    assert_eq!(status.code(), Some(0));
}
