//! `persist`: look inside persist files from the command line, without the Rust
//! types that wrote them.
//!
//! - `persist inspect FILE` prints the file's header, sizes and stored schema;
//! - `persist schema FILE` prints only the stored schema;
//! - `persist dump FILE` prints the saved value as JSON, decoded with the schema
//!   stored in the file (see [`json`] for how values map to JSON).
//!
//! Output goes to stdout, errors to stderr as `persist: <message>`, and the exit
//! code says what went wrong (see [`HELP`]). Arguments are parsed by hand: three
//! subcommands with one positional argument each do not need a parser crate.

#![forbid(unsafe_code)]

// A crate root's modules sit beside it (`src/bin/`), where every `.rs` file is a
// program of its own: this one's live in `src/bin/persist/`.
#[path = "persist/json.rs"]
mod json;

use std::ffi::OsString;
use std::fmt::Display;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code: the file is not a readable persist file.
const EXIT_UNREADABLE: u8 = 1;
/// Exit code: the command line is wrong.
const EXIT_USAGE: u8 = 2;
/// Exit code: the file cannot be found or opened.
const EXIT_CANNOT_OPEN: u8 = 3;
/// Exit code: the output could not be written (other than to a closed pipe).
const EXIT_OUTPUT: u8 = 4;

/// The usage lines, shared by [`USAGE`] and [`HELP`] (a macro, so that `concat!`
/// can use them).
macro_rules! usage {
    () => {
        "\
Usage:
  persist inspect FILE   print the file's header, sizes and stored schema
  persist schema FILE    print only the stored schema
  persist dump FILE      print the saved value as JSON: {\"rec_id\", \"version\", \"value\"}
  persist --help | -h    print this help
  persist --version | -V print the version"
    };
}

/// The short usage, printed to stderr after a usage error.
const USAGE: &str = usage!();

/// The full help text, printed to stdout by `--help`.
const HELP: &str = concat!(
    "persist ",
    env!("CARGO_PKG_VERSION"),
    ": show what a persist file holds, without the Rust type that wrote it.

",
    usage!(),
    "

FILE is a path to a file, or a name without extensions that discovery completes
in its directory: `runs/my_obj` reads `runs/my_obj.pickle` or
`runs/my_obj.pickle.lz4`. A FILE that starts with `-` goes after `--`.

dump writes the value as pretty JSON (2-space indent), converted this way:
  - structs are objects with their fields in the order the file stores them
    (their declared order); tuple structs are arrays, newtype structs their
    inner value, unit structs null;
  - unit enum variants are their name (\"Buy\"); other variants are an object
    with one entry, {\"Variant\": content};
  - None and () are null, Some(x) is x (so Some(None) is null too);
    sequences and tuples are arrays;
    bytes are arrays of numbers; chars are strings;
  - map keys that are strings stay as they are; other keys become their
    compact JSON text: {\"[1,2]\": ..}, {\"7\": ..};
  - integers (of any width) beyond 2^53 in magnitude, which a JSON number
    cannot hold exactly, are decimal strings: \"18446744073709551615\";
  - NaN and the infinities are the strings \"NaN\", \"inf\" and \"-inf\".

Exit codes:
  0  success
  1  FILE is not a readable persist file: not one at all, truncated, corrupt
     (checksum mismatch), or written by a newer persist
  2  usage error: unknown command, missing or extra argument
  3  FILE cannot be found or opened
  4  the output could not be written (a closed pipe is not an error: exit 0)"
);

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Request {
    /// Print the help text.
    Help,
    /// Print the version.
    Version,
    /// Run a command on a file.
    Run(Command, PathBuf),
}

/// The three commands.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Command {
    /// Header, sizes and schema.
    Inspect,
    /// The stored schema only.
    Schema,
    /// The value as JSON.
    Dump,
}

impl Command {
    /// The command named `name`, if there is one.
    fn from_name(name: &str) -> Option<Command> {
        match name {
            "inspect" => Some(Command::Inspect),
            "schema" => Some(Command::Schema),
            "dump" => Some(Command::Dump),
            _ => None,
        }
    }
}

/// Why the program stops without success.
#[derive(Debug)]
enum Failure {
    /// The command line is wrong; the message says how.
    Usage(String),
    /// persist could not read the file.
    Persist(persist::Error),
    /// Writing the output failed.
    Output(io::Error),
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Failure::Output(error)
    }
}

impl From<persist::Error> for Failure {
    fn from(error: persist::Error) -> Self {
        Failure::Persist(error)
    }
}

/// Parses the arguments (without the program name) into a [`Request`].
///
/// `-h`/`--help` anywhere before `--` asks for the help, `-V`/`--version` for the
/// version; any other argument starting with `-` is an error. The rest must be a
/// command and one FILE.
fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Request, Failure> {
    let mut positional = Vec::new();
    let (mut help, mut version, mut options_done) = (false, false, false);
    for arg in args {
        if options_done || !arg.to_string_lossy().starts_with('-') || arg == "-" {
            positional.push(arg);
            continue;
        }
        match arg.to_string_lossy().as_ref() {
            "-h" | "--help" => help = true,
            "-V" | "--version" => version = true,
            "--" => options_done = true,
            other => return Err(usage_error(format!("unknown option `{other}`"))),
        }
    }
    if help {
        return Ok(Request::Help);
    }
    if version {
        return Ok(Request::Version);
    }
    let mut positional = positional.into_iter();
    let Some(name) = positional.next() else {
        return Err(usage_error("no command given"));
    };
    let command = name
        .to_str()
        .and_then(Command::from_name)
        .ok_or_else(|| usage_error(format!("unknown command `{}`", name.to_string_lossy())))?;
    let Some(file) = positional.next() else {
        return Err(usage_error(format!(
            "`{}` needs a FILE",
            name.to_string_lossy()
        )));
    };
    if let Some(extra) = positional.next() {
        return Err(usage_error(format!(
            "unexpected argument `{}`: give one FILE",
            extra.to_string_lossy()
        )));
    }
    Ok(Request::Run(command, PathBuf::from(file)))
}

/// A usage error with `message`.
fn usage_error(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

/// Carries out `request`, writing its output to `out`.
fn run(request: Request, out: &mut impl Write) -> Result<(), Failure> {
    match request {
        Request::Help => writeln!(out, "{HELP}")?,
        Request::Version => writeln!(out, "persist {}", env!("CARGO_PKG_VERSION"))?,
        Request::Run(command, file) => {
            let file = resolve(&file)?;
            match command {
                Command::Inspect => writeln!(out, "{}", persist::inspect(&file)?)?,
                Command::Schema => writeln!(out, "{}", persist::inspect(&file)?.schema)?,
                Command::Dump => dump(&file, out)?,
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The file FILE names: itself if it exists, else the file discovery finds for a
/// name without extensions (`runs/my_obj` → `runs/my_obj.pickle.lz4`).
///
/// `load_state` would do this by itself, but `inspect` opens its path as given, so
/// every command resolves first and they all accept the same FILEs.
fn resolve(file: &Path) -> Result<PathBuf, Failure> {
    Ok(persist::naming::resolve_load_path(file)?)
}

/// Writes the value saved in `file` as pretty JSON, then a newline.
fn dump(file: &Path, out: &mut impl Write) -> Result<(), Failure> {
    let state = persist::load_state(file)?;
    let document = json::dump_document(&state.rec_id, state.version, &state.value);
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// The exit code for a persist error: 3 when the file cannot be found or opened,
/// 1 when it was opened but is not a readable persist file.
fn persist_exit_code(error: &persist::Error) -> u8 {
    use persist::Error as E;
    match error {
        E::Io { .. }
        | E::NotFound { .. }
        | E::Ambiguous { .. }
        | E::InvalidPath { .. }
        | E::InvalidRecId { .. } => EXIT_CANNOT_OPEN,
        E::NotPersistFile { .. }
        | E::FormatFromFuture { .. }
        | E::UnknownCodec { .. }
        | E::Truncated { .. }
        | E::ChecksumMismatch { .. }
        | E::Corrupt { .. }
        | E::LimitExceeded { .. }
        | E::TooDeep { .. }
        | E::Decode { .. } => EXIT_UNREADABLE,
        // Other errors (and any variant added later) do not come from reading a
        // file as data; should one arise, the file could not be read: 1.
        _ => EXIT_UNREADABLE,
    }
}

/// Writes `persist: <message>` to stderr; if even that fails there is nowhere
/// left to report it, so the failure is ignored.
fn report(message: impl Display) {
    let _ = writeln!(io::stderr().lock(), "persist: {message}");
}

/// Reports `failure` on stderr and returns the exit code for it. A closed stdout
/// (`persist dump f | head -1`) is not reported: the reader had what it wanted.
fn fail(failure: Failure) -> u8 {
    match failure {
        Failure::Usage(message) => {
            let _ = writeln!(
                io::stderr().lock(),
                "persist: {message}\n\n{USAGE}\n\nRun `persist --help` for FILE, the JSON form and the exit codes."
            );
            EXIT_USAGE
        }
        Failure::Persist(error) => {
            report(&error);
            persist_exit_code(&error)
        }
        Failure::Output(error) if error.kind() == io::ErrorKind::BrokenPipe => 0,
        Failure::Output(error) => {
            report(format_args!("cannot write the output: {error}"));
            EXIT_OUTPUT
        }
    }
}

/// Parses the command line, runs it with a buffered, locked stdout, and turns the
/// outcome into the exit code.
fn main() -> ExitCode {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let outcome =
        parse_args(std::env::args_os().skip(1)).and_then(|request| run(request, &mut out));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // What is buffered for a failed run is dropped, not written: an error
            // leaves stdout with nothing partial from the buffer.
            let _ = out.into_parts();
            ExitCode::from(fail(failure))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Request, Failure> {
        parse_args(args.iter().map(OsString::from))
    }

    fn usage_message(args: &[&str]) -> String {
        match parse(args) {
            Err(Failure::Usage(message)) => message,
            other => panic!("{args:?}: expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn commands_take_one_file() {
        assert_eq!(
            parse(&["inspect", "a.pickle"]).ok(),
            Some(Request::Run(Command::Inspect, "a.pickle".into()))
        );
        assert_eq!(
            parse(&["schema", "a"]).ok(),
            Some(Request::Run(Command::Schema, "a".into()))
        );
        assert_eq!(
            parse(&["dump", "--", "-odd"]).ok(),
            Some(Request::Run(Command::Dump, "-odd".into()))
        );
        assert_eq!(
            parse(&["dump", "-"]).ok(),
            Some(Request::Run(Command::Dump, "-".into()))
        );
    }

    #[test]
    fn help_and_version_win() {
        assert_eq!(parse(&["--help"]).ok(), Some(Request::Help));
        assert_eq!(parse(&["-h"]).ok(), Some(Request::Help));
        assert_eq!(parse(&["dump", "x", "--help"]).ok(), Some(Request::Help));
        assert_eq!(parse(&["--version"]).ok(), Some(Request::Version));
        assert_eq!(parse(&["-V"]).ok(), Some(Request::Version));
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        assert_eq!(usage_message(&[]), "no command given");
        assert_eq!(
            usage_message(&["frobnicate", "x"]),
            "unknown command `frobnicate`"
        );
        assert_eq!(usage_message(&["inspect"]), "`inspect` needs a FILE");
        assert_eq!(
            usage_message(&["inspect", "a", "b"]),
            "unexpected argument `b`: give one FILE"
        );
        assert_eq!(
            usage_message(&["dump", "--json", "x"]),
            "unknown option `--json`"
        );
    }
}
