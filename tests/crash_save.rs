//! A save killed at any moment (SIGKILL: no destructor runs, nothing is cleaned up)
//! leaves its target holding the old value or the new one, whole; the temporary file
//! it leaves behind is ignored by discovery and by the saves that follow.
//!
//! Each test re-runs its own binary as a child process (`crash_child`, ignored in
//! normal runs) that saves two large values in turn, announcing every save on stdout,
//! and kills it after a delay. The delays are spread from zero to past a save's
//! duration, and the last kill waits for the first save to return, so that over a
//! run kills land before, inside and after a rename; times are never asserted on,
//! only the state of the files is.
//!
//! Stale temporary files are deliberately not cleaned up by later saves: a name like
//! `.NAME.XXXXXX.persist-tmp` does not say whether its writer is dead or is another
//! process saving right now, and deleting a live one would make that save fail. They
//! are harmless (never discovered, never reused) and can be deleted by hand when no
//! save is running.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use persist::Pickleable;
use serde::{Deserialize, Serialize};

#[path = "common/noise.rs"]
mod noise;
use noise::noise;

/// The environment variable that carries the target path to the child.
const CHILD_PATH: &str = "PERSIST_CRASH_TEST_PATH";
/// What starts the child's protocol lines (the test harness may print on the same line).
const MARK: &str = "crash-child:";
/// Kills per codec: enough to land in every phase of a save.
const KILLS: u32 = 12;
/// The child stops after this many saves, so that a child whose parent is gone does
/// not save forever (it normally makes two or three before it is killed).
const CHILD_MAX_SAVES: u64 = 200;
/// Characters of text in each value: with the numbers, a file of about 3.3 MiB.
const TEXT_LEN: usize = 3 << 20;
/// Numbers in each value.
const NUMBERS: usize = 32 << 10;

/// A record large enough that a save takes a while.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct CrashBig {
    generation: u64,
    text: String,
    numbers: Vec<u64>,
}

/// The value of `generation`: pseudo-random text (letters `a` to `p`) and numbers,
/// so that lz4 finds little to compress and values of different generations differ
/// everywhere.
fn value(generation: u64) -> CrashBig {
    let (text, numbers) = noise(generation, TEXT_LEN, NUMBERS);
    CrashBig {
        generation,
        text,
        numbers,
    }
}

/// The values of generations 0 (old), 1 and 2, built once: building one takes a
/// while in a debug build.
fn values() -> &'static [CrashBig; 3] {
    static VALUES: OnceLock<[CrashBig; 3]> = OnceLock::new();
    VALUES.get_or_init(|| [value(0), value(1), value(2)])
}

/// The value the child's save number `k` writes: generations 1 and 2 in turn.
fn generation_of_save(k: u64) -> u64 {
    1 + k % 2
}

/// The old value, in the file before each child starts.
const OLD: u64 = 0;

#[test]
#[ignore = "child process of the crash tests, which run it with PERSIST_CRASH_TEST_PATH set"]
fn crash_child() {
    let Some(path) = std::env::var_os(CHILD_PATH) else {
        eprintln!("{CHILD_PATH} is not set: this only runs as the crash tests' child");
        return;
    };
    let values = [value(1), value(2)];
    for k in 0..CHILD_MAX_SAVES {
        // Printed right before the save, so the parent's delay counts from here.
        // `println!` panics once the parent is gone (broken pipe), which ends the loop.
        println!("{MARK} start {k}");
        let value = &values[(generation_of_save(k) - 1) as usize];
        persist::save(value, &path).expect("the child's save");
        println!("{MARK} done {k}");
    }
}

/// The last thing the child announced before it died.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Last {
    /// Save `k` had started and not returned.
    Started(u64),
    /// Save `k` had returned.
    Done(u64),
}

impl Last {
    /// Parses a protocol line; other lines (the harness's) are `None`.
    fn parse(line: &str) -> Option<Last> {
        let (_, rest) = line.split_once(MARK)?;
        let (word, k) = rest.trim().split_once(' ')?;
        let k = k.parse().ok()?;
        match word {
            "start" => Some(Last::Started(k)),
            "done" => Some(Last::Done(k)),
            _ => None,
        }
    }

    /// The generations the file may hold when the child died here: the save in
    /// progress either had renamed its file or had not.
    fn allowed(self) -> Vec<u64> {
        match self {
            Last::Started(0) => vec![OLD, generation_of_save(0)],
            Last::Started(k) => vec![generation_of_save(k - 1), generation_of_save(k)],
            Last::Done(k) => vec![generation_of_save(k)],
        }
    }
}

/// Starts the child saving to `path`.
fn start_child(path: &Path) -> Child {
    Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "crash_child", "--ignored", "--nocapture"])
        .env(CHILD_PATH, path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the child")
}

/// Reads the child's stdout until it announces `mark`; returns the rest of it.
fn wait_for(child: &mut Child, mark: Last) -> BufReader<ChildStdout> {
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    loop {
        line.clear();
        // A read error is the end of the child's output as far as this is concerned.
        if stdout.read_line(&mut line).unwrap_or(0) == 0 {
            panic!("the child ended before {mark:?}: {}", stderr_of(child));
        }
        if Last::parse(&line) == Some(mark) {
            return stdout;
        }
    }
}

/// What a child wrote to stderr, once it is dead, for assertion messages.
fn stderr_of(child: &mut Child) -> String {
    let _ = child.kill();
    let _ = child.wait();
    let mut text = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut text);
    }
    text
}

/// The generation of the value at `dir`'s `CrashBig` file, found by discovery,
/// checked to be exactly one of the values ever written (never a mix).
fn generation_found(dir: &Path) -> u64 {
    let loaded = CrashBig::load_from(dir)
        .unwrap_or_else(|e| panic!("the file must load after a kill, but: {e}"));
    assert!(
        values().get(loaded.generation as usize) == Some(&loaded),
        "the file holds a value nobody wrote (generation {})",
        loaded.generation
    );
    loaded.generation
}

/// The names in `dir` of temporary files of saves to `file_name`, sorted, with
/// their sizes; asserts that nothing else but the target is there.
fn temporaries(dir: &Path, file_name: &str) -> Vec<(String, u64)> {
    let prefix = format!(".{file_name}.");
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).expect("list the directory") {
        let entry = entry.expect("list the directory");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == file_name {
            continue;
        }
        assert!(
            name.starts_with(&prefix) && name.ends_with(persist::TEMP_SUFFIX),
            "unexpected file {name:?} beside {file_name:?}"
        );
        found.push((name, entry.metadata().expect("stat").len()));
    }
    found.sort();
    found
}

/// Where the kills landed, counted over a run.
#[derive(Default, Debug)]
struct Tally {
    /// Before the first save's rename: the file still held the old value.
    before: u32,
    /// Inside a save (not the first, or the first after its rename): the file held
    /// a value the child wrote.
    during: u32,
    /// Between two saves: the last save had returned.
    after: u32,
    /// Of `during`: the save in progress had renamed its file but not returned.
    renamed_not_returned: u32,
    /// Temporary files left by killed children (besides the planted one).
    leftovers: usize,
}

/// Kills a child saving to `dir/file_name` at `KILLS` moments, and checks the file
/// and its directory after each.
fn kill_saves(file_name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file_name);
    let old = &values()[OLD as usize];

    // The old file, kept aside to be put back before each child; and how long one
    // save takes here, only to spread the delays over it.
    let scratch = tempfile::tempdir().unwrap();
    let old_copy = scratch.path().join(file_name);
    let started = Instant::now();
    persist::save(old, &old_copy).unwrap();
    let save_time = started.elapsed();

    // A stale temporary file like a crashed save's, half written, planted so that
    // every run has one whatever the kills leave.
    let bytes = fs::read(&old_copy).unwrap();
    let planted = dir
        .path()
        .join(format!(".{file_name}.planted{}", persist::TEMP_SUFFIX));
    fs::write(&planted, &bytes[..bytes.len() / 2]).unwrap();

    let mut tally = Tally::default();
    for i in 0..KILLS {
        // Each child starts over the old value, with the leftovers of the children
        // before it around: its saves must succeed all the same (it dies by the
        // kill, not by a failed save).
        fs::copy(&old_copy, &path).unwrap();

        // Delays from zero to two and a half saves' time after the first save
        // starts; the last kill comes right after the first save returns, so that
        // whatever the machine's load, at least one lands after a rename.
        let (mark, delay) = if i + 1 < KILLS {
            (Last::Started(0), save_time * 5 * i / (2 * (KILLS - 2)))
        } else {
            (Last::Done(0), Duration::ZERO)
        };
        let mut child = start_child(&path);
        let mut stdout = wait_for(&mut child, mark);
        std::thread::sleep(delay);
        child.kill().expect("kill the child");
        let status = child.wait().expect("wait for the child");
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        let last = rest
            .lines()
            .filter_map(Last::parse)
            .next_back()
            .unwrap_or(mark);
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                status.signal(),
                Some(9),
                "the child must die by the kill, not by itself ({status}): {}",
                stderr_of(&mut child)
            );
        }
        #[cfg(not(unix))]
        assert!(!status.success(), "the child ended by itself");

        // The file is whole, and is the old or the new value of the save the kill
        // interrupted; discovery by type, `find_file` and the resolution of a bare
        // name all see it and none of the leftovers.
        let found = generation_found(dir.path());
        assert!(
            last.allowed().contains(&found),
            "after {last:?}, the file holds generation {found}, not one of {:?}",
            last.allowed()
        );
        assert_eq!(
            persist::naming::find_file(dir.path(), "CrashBig").unwrap(),
            path
        );
        assert_eq!(
            persist::naming::resolve_load_path(&dir.path().join("CrashBig")).unwrap(),
            path
        );

        match (last, found) {
            (_, OLD) => tally.before += 1,
            (Last::Started(k), found) => {
                tally.during += 1;
                if found == generation_of_save(k) {
                    tally.renamed_not_returned += 1;
                }
            }
            (Last::Done(_), _) => tally.after += 1,
        }
    }
    tally.leftovers = temporaries(dir.path(), file_name).len() - 1;
    println!("{file_name}: one save takes about {save_time:?}; kills: {tally:?}");
    assert!(
        tally.before > 0,
        "no kill landed before the first save's rename: {tally:?}"
    );
    assert!(
        tally.during + tally.after > 0,
        "no kill landed after the first save's rename: {tally:?}"
    );

    // The next save ignores the leftovers: it succeeds, and neither removes nor
    // changes any of them (one might be a running saver's); a load by bare name
    // finds what it wrote.
    let leftovers = temporaries(dir.path(), file_name);
    persist::save(old, &path).unwrap();
    assert_eq!(temporaries(dir.path(), file_name), leftovers);
    assert_eq!(fs::read(&planted).unwrap(), &bytes[..bytes.len() / 2]);
    let loaded = persist::load::<CrashBig>(dir.path().join("CrashBig")).unwrap();
    assert!(&loaded == old, "the last save's value must load back");
}

#[test]
fn a_killed_save_leaves_the_old_or_the_new_value() {
    kill_saves("CrashBig.pickle");
}

#[test]
fn a_killed_compressed_save_leaves_the_old_or_the_new_value() {
    kill_saves("CrashBig.pickle.lz4");
}
