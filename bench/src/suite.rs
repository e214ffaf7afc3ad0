//! Measures one dataset: encode, decode, save and load for every contender and
//! codec, and the saves without fsync for the durability line.

use std::borrow::Cow;
use std::fs;
use std::path::Path;
use std::time::Duration;

use persist::Compression;

use crate::contenders::Who;
use crate::data::Data;
use crate::measure::{medians, timed, Op, Plan};
use crate::parts::{self, Parts};

/// The figures of one contender for one dataset and codec.
#[derive(Clone, Debug)]
pub struct Row {
    /// Who was measured.
    pub who: Who,
    /// Value to the bytes of a file, in memory.
    pub encode: Duration,
    /// Those bytes back to a value.
    pub decode: Duration,
    /// Value to a durable file.
    pub save: Duration,
    /// File back to a value.
    pub load: Duration,
    /// The file's size in bytes.
    pub size: u64,
}

/// The figures of one dataset with one codec.
#[derive(Clone, Debug)]
pub struct CodecResult {
    /// The codec.
    pub codec: Compression,
    /// One row per contender, in [`Who::ALL`] order.
    pub rows: Vec<Row>,
    /// persist's save with `SaveOptions::durable(false)`.
    pub persist_fast_save: Duration,
    /// The baseline's save without its two fsyncs.
    pub baseline_fast_save: Duration,
    /// persist's own pieces of work, timed alone.
    pub parts: Parts,
}

impl CodecResult {
    /// The row of `who`.
    pub fn row(&self, who: Who) -> &Row {
        self.rows
            .iter()
            .find(|r| r.who == who)
            .expect("every contender is measured")
    }
}

/// The figures of one dataset.
#[derive(Clone, Debug)]
pub struct DatasetResult {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub what: String,
    /// Its size as bare postcard bytes.
    pub postcard_size: usize,
    /// One result per codec.
    pub codecs: Vec<CodecResult>,
}

/// Measures `value` for every contender with both codecs, saving files into `dir`.
pub fn run<T: Data>(
    name: &'static str,
    what: String,
    value: &T,
    dir: &Path,
    plan: &Plan,
) -> DatasetResult {
    let codecs = [Compression::None, Compression::Lz4]
        .into_iter()
        .map(|codec| {
            eprintln!("  {name} / {codec}");
            run_codec(name, value, codec, dir, plan)
        })
        .collect();
    DatasetResult {
        name,
        what,
        postcard_size: postcard::to_stdvec(value).expect("postcard encodes").len(),
        codecs,
    }
}

fn run_codec<T: Data>(
    name: &str,
    value: &T,
    codec: Compression,
    dir: &Path,
    plan: &Plan,
) -> CodecResult {
    let everyone = Who::ALL;

    let mut ops: Vec<Op<'_>> = everyone
        .iter()
        .map(|&who| -> Op<'_> { Box::new(move || timed(|| who.encode(value, codec)).0) })
        .collect();
    let encode = medians(&mut ops, plan);
    drop(ops);

    let stored: Vec<Vec<u8>> = everyone.iter().map(|w| w.encode(value, codec)).collect();
    let mut ops: Vec<Op<'_>> = everyone
        .iter()
        .zip(&stored)
        .map(|(&who, bytes)| -> Op<'_> {
            let mut checked = false;
            Box::new(move || {
                let (time, back) = timed(|| who.decode::<T>(Cow::Borrowed(bytes), codec));
                check(&mut checked, who, "decode", &back, value);
                time
            })
        })
        .collect();
    let decode = medians(&mut ops, plan);
    drop(ops);
    drop(stored);

    let save = measure_saves(name, value, codec, dir, plan, &everyone, true);
    // Apart, so that the data they leave unflushed falls on none of the durable saves
    // (the `sync` after them clears it before the next group).
    let fast = measure_saves(
        name,
        value,
        codec,
        dir,
        plan,
        &[Who::Persist, Who::Baseline],
        false,
    );
    for who in [Who::Persist, Who::Baseline] {
        remove(&who.path(dir, name, codec, false));
    }

    let mut ops: Vec<Op<'_>> = everyone
        .iter()
        .map(|&who| -> Op<'_> {
            let path = who.path(dir, name, codec, true);
            let mut checked = false;
            Box::new(move || {
                let (time, back) = timed(|| who.load::<T>(&path, codec));
                check(&mut checked, who, "load", &back, value);
                time
            })
        })
        .collect();
    let load = medians(&mut ops, plan);
    drop(ops);

    let rows = everyone
        .iter()
        .enumerate()
        .map(|(i, &who)| {
            let path = who.path(dir, name, codec, true);
            let size = fs::metadata(&path).expect("saved file").len();
            remove(&path);
            Row {
                who,
                encode: encode[i],
                decode: decode[i],
                save: save[i],
                load: load[i],
                size,
            }
        })
        .collect();
    CodecResult {
        codec,
        rows,
        persist_fast_save: fast[0],
        baseline_fast_save: fast[1],
        parts: parts::measure(value, codec, plan),
    }
}

/// The medians of `who`'s saves of `value`, durable or not; leaves the files.
fn measure_saves<T: Data>(
    name: &str,
    value: &T,
    codec: Compression,
    dir: &Path,
    plan: &Plan,
    who: &[Who],
    durable: bool,
) -> Vec<Duration> {
    let mut ops: Vec<Op<'_>> = who
        .iter()
        .map(|&who| -> Op<'_> {
            let path = who.path(dir, name, codec, durable);
            Box::new(move || timed(|| who.save(value, &path, codec, durable)).0)
        })
        .collect();
    let times = medians(&mut ops, plan);
    drop(ops);
    flush_everything();
    times
}

/// Writes every file system's unflushed data to disk (`sync`), so that the next
/// measurements start from a clean page cache.
fn flush_everything() {
    match std::process::Command::new("sync").status() {
        Ok(status) if status.success() => {}
        other => eprintln!("sync failed: {other:?}"),
    }
}

/// Stops the benchmark if a contender read back something else than was written
/// (checked once per contender and operation, outside the timed part).
fn check<T: Data>(checked: &mut bool, who: Who, what: &str, back: &T, value: &T) {
    if !*checked {
        assert!(
            back == value,
            "{} {what} gave a different value back",
            who.name()
        );
        *checked = true;
    }
}

fn remove(path: &Path) {
    if let Err(e) = fs::remove_file(path) {
        eprintln!("could not remove {}: {e}", path.display());
    }
}
