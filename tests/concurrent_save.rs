//! Several savers replacing one file at the same time, from threads and from
//! processes, while readers load it: every load returns exactly one of the values
//! written, whole; once the file exists no load fails (a save renames a complete
//! file over it, so there is never a moment without a whole file); afterwards the
//! file holds one of the values and no temporary file is left.
//!
//! The processes are this test binary run again (`concurrent_child`, ignored in
//! normal runs).

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::thread;

use persist::{Compression, Error, Pickleable, SaveOptions};
use serde::{Deserialize, Serialize};

#[path = "common/noise.rs"]
mod noise;
use noise::noise;

/// The environment variables that carry the target path and the writer's number to
/// a child.
const CHILD_PATH: &str = "PERSIST_CONCURRENT_TEST_PATH";
const CHILD_WRITER: &str = "PERSIST_CONCURRENT_TEST_WRITER";
/// What starts the child's protocol lines (the test harness may print on the same line).
const MARK: &str = "concurrent-child:";
/// Writers per test, threads or processes.
const WRITERS: u32 = 3;
/// Saves each writer makes.
const SAVES: u32 = 12;
/// Reader threads per test.
const READERS: usize = 2;
/// Characters of text in each value: about a MiB, so that a save takes long enough
/// for the writers' saves to overlap.
const TEXT_LEN: usize = 1 << 20;
/// The file every writer saves to.
const FILE_NAME: &str = "Contested.pickle";

/// The value each writer saves, different in every byte from the others'.
#[derive(Serialize, Deserialize, Pickleable, Debug, PartialEq)]
struct Contested {
    writer: u32,
    text: String,
    numbers: Vec<u64>,
}

/// The value of `writer`: pseudo-random letters (`a` to `p`) and numbers.
fn value(writer: u32) -> Contested {
    let (text, numbers) = noise(u64::from(writer + 1), TEXT_LEN, 4096);
    Contested {
        writer,
        text,
        numbers,
    }
}

/// How `writer` saves: odd writers compress (the name has no codec extension, so
/// both are allowed), so loads meet both codecs in the same file.
fn options(writer: u32) -> SaveOptions {
    let compression = if writer % 2 == 1 {
        Compression::Lz4
    } else {
        Compression::None
    };
    SaveOptions::new().compression(compression)
}

#[test]
#[ignore = "child process of the concurrent tests, which run it with PERSIST_CONCURRENT_TEST_PATH set"]
fn concurrent_child() {
    let (Some(path), Some(writer)) = (
        std::env::var_os(CHILD_PATH),
        std::env::var(CHILD_WRITER).ok(),
    ) else {
        eprintln!("{CHILD_PATH} is not set: this only runs as the concurrent tests' child");
        return;
    };
    let writer: u32 = writer.parse().expect("a writer number");
    let value = value(writer);
    println!("{MARK} ready");
    // Every child starts saving when the parent says so, once all are ready.
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).expect("read stdin");
    if go.trim() != "go" {
        return;
    }
    for _ in 0..SAVES {
        persist::save_with(&value, &path, &options(writer)).expect("the child's save");
    }
}

/// What the readers saw.
#[derive(Default)]
struct Seen {
    /// Loads that returned a value.
    loads: u64,
    /// Loads that found no file yet (before any save had completed).
    early_misses: u64,
    /// The most temporary files seen in the directory at once.
    most_temporaries: usize,
}

/// Loads the file in a loop until `done`, by path, by bare name and by type in
/// turn, checking every load; returns what it saw. At least one load happens after
/// `done` is set.
fn read_until(done: &AtomicBool, exists: &AtomicBool, dir: &Path, values: &[Contested]) -> Seen {
    let mut seen = Seen::default();
    for i in 0.. {
        let finished = done.load(Ordering::SeqCst);
        // Read before the load: if a load had succeeded, the file existed, and with
        // atomic replacement it exists from then on.
        let existed = exists.load(Ordering::SeqCst);
        let loaded = match i % 3 {
            0 => persist::load::<Contested>(dir.join(FILE_NAME)),
            1 => persist::load::<Contested>(dir.join("Contested")),
            _ => Contested::load_from(dir),
        };
        match loaded {
            Ok(loaded) => {
                assert!(
                    values.get(loaded.writer as usize) == Some(&loaded),
                    "a load returned a value nobody wrote (writer {})",
                    loaded.writer
                );
                exists.store(true, Ordering::SeqCst);
                seen.loads += 1;
            }
            Err(e) => {
                assert!(!existed, "a load failed after the file existed: {e}");
                let not_found = matches!(e, Error::NotFound { .. })
                    || matches!(&e, Error::Io { source, .. }
                        if source.kind() == std::io::ErrorKind::NotFound);
                assert!(not_found, "before the first save, a load failed with: {e}");
                seen.early_misses += 1;
                // Nothing to read yet: leave the cores to the writers.
                thread::yield_now();
            }
        }
        seen.most_temporaries = seen.most_temporaries.max(temporaries(dir));
        if finished {
            break;
        }
    }
    seen
}

/// How many temporary files of saves are in `dir` now.
fn temporaries(dir: &Path) -> usize {
    fs::read_dir(dir)
        .expect("list the directory")
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .ends_with(persist::TEMP_SUFFIX)
        })
        .count()
}

/// Sets its flag when dropped, also while unwinding.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Runs `writers` (which returns once every writer has finished) while reader
/// threads load the file, then checks what is left.
fn race(dir: &Path, values: &[Contested], writers: impl FnOnce(&AtomicBool)) {
    let done = AtomicBool::new(false);
    let exists = AtomicBool::new(false);
    let seen: Vec<Seen> = thread::scope(|scope| {
        let readers: Vec<_> = (0..READERS)
            .map(|_| scope.spawn(|| read_until(&done, &exists, dir, values)))
            .collect();
        // Set even when a writer panics, or the readers would never stop.
        let stop_readers = SetOnDrop(&done);
        writers(&exists);
        drop(stop_readers);
        readers
            .into_iter()
            .map(|reader| reader.join().expect("a reader failed"))
            .collect()
    });
    let loads: u64 = seen.iter().map(|s| s.loads).sum();
    let misses: u64 = seen.iter().map(|s| s.early_misses).sum();
    let most = seen.iter().map(|s| s.most_temporaries).max().unwrap_or(0);
    println!("{loads} loads, {misses} before the first save; at most {most} saves in flight");
    // The loads after the writers finished succeeded at least.
    assert!(loads >= READERS as u64);

    let last = persist::load::<Contested>(dir.join(FILE_NAME)).unwrap();
    assert!(values.get(last.writer as usize) == Some(&last));
    let names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [FILE_NAME], "no temporary file may be left");
}

#[test]
fn threads_saving_to_one_path_leave_one_whole_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let values: Vec<Contested> = (0..WRITERS).map(value).collect();
    let start = Barrier::new(WRITERS as usize);
    race(dir.path(), &values, |exists| {
        thread::scope(|scope| {
            for writer in 0..WRITERS {
                let (path, value, start) = (&path, &values[writer as usize], &start);
                scope.spawn(move || {
                    start.wait();
                    for _ in 0..SAVES {
                        persist::save_with(value, path, &options(writer)).unwrap();
                        exists.store(true, Ordering::SeqCst);
                    }
                });
            }
        });
    });
}

#[test]
fn processes_saving_to_one_path_leave_one_whole_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let values: Vec<Contested> = (0..WRITERS).map(value).collect();
    race(dir.path(), &values, |_| {
        let mut children: Vec<Child> = (0..WRITERS)
            .map(|writer| {
                Command::new(std::env::current_exe().expect("the test binary"))
                    .args(["--exact", "concurrent_child", "--ignored", "--nocapture"])
                    .env(CHILD_PATH, &path)
                    .env(CHILD_WRITER, writer.to_string())
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start a child")
            })
            .collect();
        // Kept open until the children end: the harness in them prints to it.
        let _stdouts: Vec<_> = children.iter_mut().map(wait_ready).collect();
        for child in &mut children {
            let mut stdin = child.stdin.take().expect("piped stdin");
            stdin.write_all(b"go\n").expect("start a child's saves");
        }
        for mut child in children {
            let status = child.wait().expect("wait for a child");
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                pipe.read_to_string(&mut stderr).ok();
            }
            assert!(status.success(), "a child failed ({status}): {stderr}");
        }
    });
}

/// Waits until `child` has built its value and waits for the go; returns its stdout.
fn wait_ready(child: &mut Child) -> BufReader<ChildStdout> {
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    loop {
        line.clear();
        let read = stdout.read_line(&mut line).expect("read a child's stdout");
        assert!(read > 0, "a child ended before it was ready");
        if line.contains(&format!("{MARK} ready")) {
            return stdout;
        }
    }
}
