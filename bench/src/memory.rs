//! Peak memory of saving and loading one large value, each measured in a child
//! process of its own (this program re-run with `mem-child`), from the kernel's
//! high-water mark of resident memory (`VmHWM` in /proc/self/status).

use std::fs;
use std::io;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use persist::{Compression, SaveOptions};

use crate::baseline;
use crate::data;
use crate::rng::Rng;

/// Who saves and loads the large value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemWho {
    /// persist's `save_with` and `load`.
    Persist,
    /// The bare baseline: postcard into a buffer, lz4 into another, one write;
    /// a whole-file read, lz4 out of it, postcard out of that.
    Baseline,
    /// The same bytes streamed: postcard straight into the (lz4 encoder of a)
    /// buffered file, and out of it. What a streaming save can reach.
    Streaming,
}

impl MemWho {
    /// Everyone measured.
    pub const ALL: [MemWho; 3] = [MemWho::Persist, MemWho::Baseline, MemWho::Streaming];

    /// The name in the table and on the child's command line.
    pub fn name(self) -> &'static str {
        match self {
            MemWho::Persist => "persist",
            MemWho::Baseline => "baseline",
            MemWho::Streaming => "streamed baseline",
        }
    }

    fn arg(self) -> &'static str {
        match self {
            MemWho::Persist => "persist",
            MemWho::Baseline => "baseline",
            MemWho::Streaming => "streaming",
        }
    }

    fn from_arg(arg: &str) -> Option<MemWho> {
        MemWho::ALL.into_iter().find(|w| w.arg() == arg)
    }
}

/// One measured save or load.
#[derive(Clone, Debug)]
pub struct MemResult {
    /// Who.
    pub who: MemWho,
    /// The codec.
    pub codec: Compression,
    /// `"save"` or `"load"`.
    pub op: &'static str,
    /// The value's size in memory, bytes.
    pub payload: u64,
    /// Peak resident memory beyond what the process held before the operation
    /// (and, for a load, beyond the loaded value itself), bytes.
    pub extra: i64,
    /// Wall time of the operation, seconds.
    pub secs: f64,
}

/// Saves and loads a `Vec<f64>` of `count` prices with each contender and codec,
/// in `dir`.
pub fn run(count: usize, dir: &Path) -> Vec<MemResult> {
    let mut results = Vec::new();
    for who in MemWho::ALL {
        for codec in [Compression::None, Compression::Lz4] {
            eprintln!("  memory: {} / {codec}", who.name());
            let path = dir.join(format!("memory.{}.{}", who.arg(), codec_arg(codec)));
            let save = spawn(who, "save", codec, &path, count);
            let load = spawn(who, "load", codec, &path, count);
            if let Err(e) = fs::remove_file(&path) {
                eprintln!("could not remove {}: {e}", path.display());
            }
            assert_eq!(
                save.check,
                load.check,
                "{} {codec}: the loaded value differs from the saved one",
                who.name()
            );
            for (op, child) in [("save", save), ("load", load)] {
                let result = child.hwm_after - child.hwm_before;
                // A load's peak holds the loaded value itself: that is not overhead.
                let extra = if op == "load" {
                    result - child.payload as i64
                } else {
                    result
                };
                results.push(MemResult {
                    who,
                    codec,
                    op,
                    payload: child.payload,
                    extra,
                    secs: child.secs,
                });
            }
        }
    }
    results
}

fn codec_arg(codec: Compression) -> &'static str {
    match codec {
        Compression::Lz4 => "lz4",
        _ => "none",
    }
}

/// What a child reports.
struct ChildReport {
    hwm_before: i64,
    hwm_after: i64,
    payload: u64,
    secs: f64,
    check: u64,
}

fn spawn(who: MemWho, op: &str, codec: Compression, path: &Path, count: usize) -> ChildReport {
    let exe = std::env::current_exe().expect("own executable");
    let output = Command::new(exe)
        // glibc's own malloc settings: what a program that saves and loads has.
        .env_remove("GLIBC_TUNABLES")
        .arg("mem-child")
        .args([who.arg(), op, codec_arg(codec)])
        .arg(path)
        .arg(count.to_string())
        .output()
        .expect("child starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "memory child {} {op} failed: {}{}",
        who.arg(),
        stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    let field = |name: &str| -> &str {
        stdout
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("child output lacks {name}: {stdout}"))
    };
    ChildReport {
        hwm_before: field("hwm_before").parse::<i64>().expect("number") * 1024,
        hwm_after: field("hwm_after").parse::<i64>().expect("number") * 1024,
        payload: field("payload").parse().expect("number"),
        secs: field("secs").parse().expect("number"),
        check: field("check").parse().expect("number"),
    }
}

/// The child: `mem-child WHO save|load none|lz4 PATH COUNT`. Prints one line of
/// `key=value` fields for [`spawn`].
pub fn child(args: &[String]) -> Result<(), String> {
    let [who, op, codec, path, count] = args else {
        return Err("usage: mem-child WHO save|load none|lz4 PATH COUNT".into());
    };
    let who = MemWho::from_arg(who).ok_or_else(|| format!("unknown contender {who}"))?;
    let codec = match codec.as_str() {
        "lz4" => Compression::Lz4,
        "none" => Compression::None,
        other => return Err(format!("unknown codec {other}")),
    };
    let path = Path::new(path);
    let count: usize = count.parse().map_err(|e| format!("count: {e}"))?;
    let payload = (count * std::mem::size_of::<f64>()) as u64;
    let (before, after, secs, check) = match op.as_str() {
        "save" => {
            let values = data::price_walk(&mut Rng::new(5), count);
            // Forget the peak of building the value: only the save is measured.
            // (Resetting needs Linux 4.0; without it, building the Vec in place
            // leaves the peak at what it holds anyway.)
            let _ = fs::write("/proc/self/clear_refs", "5");
            let before = high_water_kib()?;
            let start = Instant::now();
            save(who, &values, path, codec).map_err(|e| format!("save: {e}"))?;
            let secs = start.elapsed().as_secs_f64();
            (before, high_water_kib()?, secs, checksum(&values))
        }
        "load" => {
            let before = high_water_kib()?;
            let start = Instant::now();
            let values = load(who, path, codec).map_err(|e| format!("load: {e}"))?;
            let secs = start.elapsed().as_secs_f64();
            if values.len() != count {
                return Err(format!("loaded {} values, not {count}", values.len()));
            }
            (before, high_water_kib()?, secs, checksum(&values))
        }
        other => return Err(format!("unknown operation {other}")),
    };
    println!(
        "hwm_before={before} hwm_after={after} payload={payload} secs={secs:.3} check={check}"
    );
    Ok(())
}

fn save(who: MemWho, values: &Vec<f64>, path: &Path, codec: Compression) -> io::Result<()> {
    match who {
        MemWho::Persist => persist::save_with(values, path, &SaveOptions::new().compression(codec))
            .map_err(io::Error::other),
        MemWho::Baseline => {
            let raw = postcard::to_stdvec(values).map_err(io::Error::other)?;
            baseline::write_file(path, &baseline::compress(raw, codec), true)
        }
        MemWho::Streaming => baseline::save_streamed(values, path, codec, true),
    }
}

fn load(who: MemWho, path: &Path, codec: Compression) -> io::Result<Vec<f64>> {
    match who {
        MemWho::Persist => persist::load(path).map_err(io::Error::other),
        MemWho::Baseline => {
            let bytes = baseline::read_file(path)?;
            let raw = baseline::decompress(bytes.into(), codec);
            postcard::from_bytes(&raw).map_err(io::Error::other)
        }
        MemWho::Streaming => baseline::load_streamed(path, codec),
    }
}

/// This process's peak resident memory so far, KiB.
fn high_water_kib() -> Result<i64, String> {
    let status = fs::read_to_string("/proc/self/status").map_err(|e| format!("status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc/self/status".to_string())
}

/// A digest of the values, to tell that a load gave back what was saved.
fn checksum(values: &[f64]) -> u64 {
    values.iter().fold(0u64, |acc, v| {
        acc.rotate_left(5) ^ v.to_bits().wrapping_mul(0x9E37_79B9_7F4A_7C15)
    })
}
