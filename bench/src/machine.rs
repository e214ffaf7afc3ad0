//! A description of the machine and the code measured, for the results file.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where and when the benchmark ran.
pub struct Machine {
    /// Logical processors.
    pub cores: usize,
    /// CPU model from /proc/cpuinfo.
    pub cpu: String,
    /// Total memory from /proc/meminfo.
    pub memory: String,
    /// The kernel's release.
    pub kernel: String,
    /// `rustc --version`.
    pub rustc: String,
    /// UTC date and time of the run.
    pub date: String,
    /// The commit of persist measured, and whether its sources had changes.
    pub commit: String,
    /// The file system the benchmark's files were written to.
    pub filesystem: String,
    /// The glibc malloc settings of the timed runs.
    pub malloc: String,
}

impl Machine {
    /// Describes this machine; `dir` is where the files are written.
    pub fn describe(dir: &Path) -> Machine {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let commit = match run(
            "git",
            &["-C", &path_str(&repo), "rev-parse", "--short", "HEAD"],
        ) {
            Some(hash) => {
                let changed = run(
                    "git",
                    &[
                        "-C",
                        &path_str(&repo),
                        "status",
                        "--porcelain",
                        "--",
                        "persist-core",
                        "src",
                        "Cargo.toml",
                    ],
                )
                .is_some_and(|s| !s.is_empty());
                if changed {
                    format!("{hash} + uncommitted changes to persist")
                } else {
                    hash
                }
            }
            None => "unknown".to_string(),
        };
        let filesystem = run("df", &["-PT", &path_str(dir)])
            .and_then(|out| {
                let line = out.lines().nth(1)?.to_string();
                Some(line.split_whitespace().nth(1)?.to_string())
            })
            .map(|fs| format!("{} ({fs})", dir.display()))
            .unwrap_or_else(|| dir.display().to_string());
        Machine {
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu: proc_field("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown".into()),
            memory: proc_field("/proc/meminfo", "MemTotal")
                .and_then(|kb| kb.trim_end_matches("kB").trim().parse::<u64>().ok())
                .map_or("unknown".into(), |kb| {
                    format!("{:.1} GiB", kb as f64 / 1048576.0)
                }),
            kernel: fs::read_to_string("/proc/sys/kernel/osrelease")
                .map_or("unknown".into(), |s| s.trim().to_string()),
            rustc: run(
                &std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()),
                &["--version"],
            )
            .unwrap_or_else(|| "unknown".into()),
            date: utc_now(),
            commit,
            filesystem,
            malloc: std::env::var("GLIBC_TUNABLES").map_or("glibc's defaults".into(), |t| {
                format!("`GLIBC_TUNABLES={t}`")
            }),
        }
    }
}

fn path_str(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The trimmed standard output of a command that succeeded.
fn run(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The value of the first `key: value` line of a /proc file.
fn proc_field(file: &str, key: &str) -> Option<String> {
    fs::read_to_string(file).ok()?.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The current UTC time as `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Days since 1970-01-01 to a (year, month, day) of the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn dates_from_day_numbers() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
