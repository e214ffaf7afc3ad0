//! Benchmarks of persist against a bare postcard + lz4_flex baseline and peer crates.
//!
//! `cargo run --release --manifest-path bench/Cargo.toml` measures everything and
//! writes bench/RESULTS.md; `-- --quick` is a smoke run on a tenth of the data that
//! writes no file unless `--out` says where. See bench/README.md.

#![forbid(unsafe_code)]

mod baseline;
mod contenders;
mod data;
mod machine;
mod measure;
mod memory;
mod parts;
mod report;
mod rng;
mod suite;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use data::Scale;
use measure::Plan;

/// glibc malloc settings of the timed runs: fixed thresholds (the largest mmap
/// threshold glibc accepts, and freed memory kept), because by default glibc moves
/// them as blocks are freed, and then whether a contender's buffers come with fresh
/// pages to fault in depends on what ran before it, not on the contender (it made
/// one load of a few MiB look three times slower than the same bytes' decode).
const MALLOC_TUNABLES: &str =
    "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824";

const USAGE: &str =
    "usage: persist-bench [--quick] [--out FILE] [--dir DIR] [--no-memory] [--only DATASET]...
  --quick      a tenth of the data, shorter timing: a smoke run (writes no file unless --out)
  --out FILE   where to write the results (default: bench/RESULTS.md for a full run)
  --dir DIR    where to write the benchmark's files (default: a new temporary directory)
  --no-memory  skip the peak-memory runs
  --only NAME  measure only this dataset (log, mesh, prices, portfolio; repeatable), and
               write no file unless --out: for a targeted run";

/// The datasets, in the order they run.
const DATASETS: [&str; 4] = ["log", "mesh", "prices", "portfolio"];

/// The command line.
struct Args {
    quick: bool,
    out: Option<PathBuf>,
    dir: Option<PathBuf>,
    memory: bool,
    /// The datasets to measure (all unless `--only`).
    only: Vec<String>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        quick: false,
        out: None,
        dir: None,
        memory: true,
        only: Vec::new(),
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| {
            rest.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--quick" => parsed.quick = true,
            "--out" => parsed.out = Some(value("--out")?),
            "--dir" => parsed.dir = Some(value("--dir")?),
            "--no-memory" => parsed.memory = false,
            "--only" => {
                let name = rest.next().ok_or("--only needs a dataset")?;
                if !DATASETS.contains(&name.as_str()) {
                    return Err(format!("unknown dataset {name}"));
                }
                parsed.only.push(name.clone());
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("mem-child") {
        return match memory::child(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mem-child: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    // malloc reads its settings at start: run again with them, unless the caller
    // chose some.
    if std::env::var_os("GLIBC_TUNABLES").is_none() {
        let exe = std::env::current_exe().expect("own executable");
        return match std::process::Command::new(exe)
            .args(&args)
            .env("GLIBC_TUNABLES", MALLOC_TUNABLES)
            .status()
        {
            Ok(status) => ExitCode::from(status.code().map_or(1, |c| c as u8)),
            Err(e) => {
                eprintln!("could not run the benchmark: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match parse(&args) {
        Ok(parsed) => run(parsed, &args),
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args, raw_args: &[String]) -> ExitCode {
    let start = Instant::now();
    let (scale, plan, memory_count) = if args.quick {
        let plan = Plan {
            budget: Duration::from_millis(150),
            min_rounds: 3,
            max_rounds: 20,
        };
        (Scale::Quick, plan, 16 << 20)
    } else {
        let plan = Plan {
            budget: Duration::from_millis(2_000),
            min_rounds: 5,
            max_rounds: 100,
        };
        // 128 Mi f64: 1 GiB.
        (Scale::Full, plan, 128 << 20)
    };
    let temp;
    let dir = match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).expect("benchmark directory");
            dir.clone()
        }
        None => {
            temp = tempfile::Builder::new()
                .prefix("persist-bench-")
                .tempdir()
                .expect("temporary directory");
            temp.path().to_path_buf()
        }
    };
    let machine = machine::Machine::describe(&dir);

    eprintln!("datasets ({scale:?}) in {}", dir.display());
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|o| o == name);
    let mut datasets = Vec::new();
    if wanted("log") {
        let log = data::log(scale);
        let log_what = format!("{} web-log records", report::grouped(log.records.len()));
        datasets.push(suite::run("log", log_what, &log, &dir, &plan));
    }
    if wanted("mesh") {
        let mesh = data::mesh(scale);
        let mesh_what = format!("{} triangles of f32", report::grouped(mesh.triangles.len()));
        datasets.push(suite::run("mesh", mesh_what, &mesh, &dir, &plan));
    }
    if wanted("prices") {
        let prices = data::prices(scale);
        let prices_what = format!(
            "{} f64 ticks on a 0.01 grid with i64 timestamps",
            report::grouped(prices.prices.len())
        );
        datasets.push(suite::run("prices", prices_what, &prices, &dir, &plan));
    }
    if wanted("portfolio") {
        let portfolio = data::portfolio(scale);
        let positions: usize = portfolio.accounts.iter().map(|a| a.positions.len()).sum();
        let portfolio_what = format!(
            "{} accounts, {} positions (structs and enums, nested)",
            portfolio.accounts.len(),
            report::grouped(positions)
        );
        datasets.push(suite::run(
            "portfolio",
            portfolio_what,
            &portfolio,
            &dir,
            &plan,
        ));
    }

    let memory = if args.memory {
        memory::run(memory_count, &dir)
    } else {
        Vec::new()
    };

    let mut command = "cargo run --release --manifest-path bench/Cargo.toml".to_string();
    if !raw_args.is_empty() {
        command.push_str(" -- ");
        command.push_str(&raw_args.join(" "));
    }
    let text = report::Report {
        command,
        machine: &machine,
        datasets: &datasets,
        memory: &memory,
        total: start.elapsed(),
    }
    .render();
    println!("{text}");
    let out = args.out.or_else(|| {
        (!args.quick && args.only.is_empty())
            .then(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/RESULTS.md")))
    });
    if let Some(out) = out {
        if let Err(e) = std::fs::write(&out, &text) {
            eprintln!("could not write {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
        eprintln!("results written to {}", out.display());
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn only_names_known_datasets_and_repeats() {
        let parsed = parse(&args(&["--quick", "--only", "mesh", "--only", "log"])).unwrap();
        assert!(parsed.quick);
        assert_eq!(parsed.only, ["mesh", "log"]);
        assert!(parse(&args(&[])).unwrap().only.is_empty());
        assert!(parse(&args(&["--only", "meshes"])).is_err());
        assert!(parse(&args(&["--only"])).is_err());
    }
}
