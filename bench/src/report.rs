//! The results as Markdown: printed to stdout and written to bench/RESULTS.md.

use std::fmt::Write;
use std::time::Duration;

use crate::contenders::Who;
use crate::machine::Machine;
use crate::memory::{MemResult, MemWho};
use crate::suite::{CodecResult, DatasetResult};

/// Everything one run measured.
pub struct Report<'a> {
    /// The command that produced it.
    pub command: String,
    /// Where and when.
    pub machine: &'a Machine,
    /// The timing tables.
    pub datasets: &'a [DatasetResult],
    /// The peak-memory runs.
    pub memory: &'a [MemResult],
    /// How long the whole run took.
    pub total: Duration,
}

impl Report<'_> {
    /// The whole results file.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.header(&mut out);
        self.targets(&mut out);
        for dataset in self.datasets {
            timing_table(&mut out, dataset);
        }
        self.durability(&mut out);
        self.parts(&mut out);
        self.memory_table(&mut out);
        peers(&mut out);
        out
    }

    fn header(&self, out: &mut String) {
        let m = self.machine;
        let _ = writeln!(out, "# persist benchmark results\n");
        let _ = writeln!(
            out,
            "Written by `{}` on {}, in {:.0} s. Do not edit: run it again.\n",
            self.command,
            m.date,
            self.total.as_secs_f64()
        );
        let _ = writeln!(out, "| machine | |\n| --- | --- |");
        let _ = writeln!(out, "| CPU | {} ({} logical cores) |", m.cpu, m.cores);
        let _ = writeln!(out, "| memory | {} |", m.memory);
        let _ = writeln!(out, "| kernel | {} |", m.kernel);
        let _ = writeln!(out, "| rustc | {} |", m.rustc);
        let _ = writeln!(out, "| persist | {} |", m.commit);
        let _ = writeln!(out, "| files in | {} |", m.filesystem);
        let _ = writeln!(out, "| malloc (timings) | {} |\n", m.malloc);
        let _ = writeln!(
            out,
            "Times are medians of several rounds in which every contender runs once \
             (the machine is shared: absolute times are noisy, ratios less so). \
             `×1.04` is the ratio to the bare **baseline** of the same row group, \
             measured in the same rounds: postcard + lz4_flex (frame format, persist's \
             settings) + a write as durable as persist's save (temporary file, fsync, \
             rename, directory fsync); a load is a plain whole-file read. *encode* / \
             *decode* are in memory, to and from the bytes of a file; *save* / *load* go \
             through a file (loads read from the page cache). Peers go through the same \
             lz4 code and the same durable write as the baseline. The *streamed baseline* \
             writes the same bytes with postcard encoding straight into a buffered (lz4) \
             temporary file, and reads them back the same way (in memory it is the \
             baseline): the reference for a save or load that streams. The timings run \
             with glibc's malloc thresholds fixed (see the table above): with glibc's \
             moving defaults, whether an operation's buffers need fresh pages depended \
             on which contender ran before it. The peak-memory runs use the defaults.\n"
        );
    }

    fn targets(&self, out: &mut String) {
        let _ = writeln!(out, "## Targets\n");
        let _ = writeln!(
            out,
            "The issue's targets, checked against this run. A durable save of a small \
             file is mostly fsync, whose latency on a shared virtual disk comes in steps \
             of milliseconds: the save without fsync shows persist's own overhead better.\n"
        );
        let _ = writeln!(
            out,
            "| dataset | codec | save / baseline (≤ 1.05) | load / baseline (≤ 1.05) | \
             save without fsync / baseline without fsync | save, load / streamed baseline | \
             persist save+load | fastest peer save+load |\n\
             | --- | --- | --- | --- | --- | --- | --- | --- |"
        );
        for dataset in self.datasets {
            for c in &dataset.codecs {
                let p = c.row(Who::Persist);
                let b = c.row(Who::Baseline);
                let s = c.row(Who::Streamed);
                let best = c
                    .rows
                    .iter()
                    .filter(|r| r.who.is_peer())
                    .min_by_key(|r| r.save + r.load)
                    .expect("peers are measured");
                let mine = p.save + p.load;
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {}, {} | {} | {} {} ({}) |",
                    dataset.name,
                    c.codec,
                    verdict(ratio(p.save, b.save), 1.05),
                    verdict(ratio(p.load, b.load), 1.05),
                    times(ratio(c.persist_fast_save, c.baseline_fast_save)),
                    times(ratio(p.save, s.save)),
                    times(ratio(p.load, s.load)),
                    time(mine),
                    best.who.name(),
                    time(best.save + best.load),
                    if mine < best.save + best.load {
                        "persist faster"
                    } else {
                        "**peer faster**"
                    }
                );
            }
        }
        for m in self
            .memory
            .iter()
            .filter(|m| m.who == MemWho::Persist && m.op == "save")
        {
            let share = m.extra as f64 / m.payload as f64;
            let _ = writeln!(
                out,
                "\nPeak extra memory of a persist save ({}): {} of the payload (target ≤ 10%): {}.",
                m.codec,
                percent(share),
                if share <= 0.10 { "met" } else { "**not met**" }
            );
        }
        out.push('\n');
    }

    fn durability(&self, out: &mut String) {
        let _ = writeln!(out, "## Cost of durability\n");
        let _ = writeln!(
            out,
            "Save times with and without the two fsyncs: persist's default against \
             `SaveOptions::durable(false)`, the baseline's durable write against the same \
             write without fsync.\n"
        );
        let _ = writeln!(
            out,
            "| dataset | codec | persist | persist durable(false) | fsync cost | baseline | \
             baseline without fsync | fsync cost |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
        );
        for dataset in self.datasets {
            for c in &dataset.codecs {
                let p = c.row(Who::Persist).save;
                let b = c.row(Who::Baseline).save;
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    dataset.name,
                    c.codec,
                    time(p),
                    time(c.persist_fast_save),
                    cost(p, c.persist_fast_save),
                    time(b),
                    time(c.baseline_fast_save),
                    cost(b, c.baseline_fast_save),
                );
            }
        }
        out.push('\n');
    }

    fn parts(&self, out: &mut String) {
        let _ = writeln!(out, "## Where persist's own time goes\n");
        let _ = writeln!(
            out,
            "Work a persist save or load does that the baseline does not, each piece \
             timed alone, as a share of the baseline's save without fsync / of its load. \
             *schema*: `Description::of::<T>()`, its canonical bytes and fingerprint \
             (built by every save, and by every typed load to compare with the file's). \
             *header*: `inspect_bytes`, reading and verifying a header and its schema \
             (every load). *checksum*: xxh3 over the stored payload (every save and \
             every load).\n"
        );
        let _ = writeln!(
            out,
            "| dataset | codec | schema | header | checksum | baseline save without fsync | \
             baseline load |\n| --- | --- | --- | --- | --- | --- | --- |"
        );
        for dataset in self.datasets {
            for c in &dataset.codecs {
                let save = c.baseline_fast_save;
                let load = c.row(Who::Baseline).load;
                let share = |d: Duration| {
                    format!(
                        "{} ({} / {})",
                        time(d),
                        percent(ratio(d, save)),
                        percent(ratio(d, load))
                    )
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    dataset.name,
                    c.codec,
                    share(c.parts.schema),
                    share(c.parts.header),
                    share(c.parts.checksum),
                    time(save),
                    time(load)
                );
            }
        }
        out.push('\n');
    }

    fn memory_table(&self, out: &mut String) {
        let Some(first) = self.memory.first() else {
            return;
        };
        let _ = writeln!(out, "## Peak memory\n");
        let _ = writeln!(
            out,
            "A `Vec<f64>` of {} prices ({}) saved, then loaded, each in a child process \
             of its own. *Peak extra* is the rise of the process's peak resident memory \
             (`VmHWM`) during the operation; for a load, beyond the loaded value itself. \
             The *streamed baseline* shows what a save and a load that stream can reach.\n",
            grouped(first.payload as usize / 8),
            bytes(first.payload)
        );
        let _ = writeln!(
            out,
            "| contender | codec | operation | peak extra | of the payload | time |\n\
             | --- | --- | --- | --- | --- | --- |"
        );
        for m in self.memory {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {:.2} s |",
                m.who.name(),
                m.codec,
                m.op,
                signed_bytes(m.extra),
                percent(m.extra as f64 / m.payload as f64),
                m.secs
            );
        }
        out.push('\n');
    }
}

fn timing_table(out: &mut String, dataset: &DatasetResult) {
    let _ = writeln!(
        out,
        "## {}: {} (postcard: {})\n",
        dataset.name,
        dataset.what,
        bytes(dataset.postcard_size as u64)
    );
    let _ = writeln!(
        out,
        "| codec | contender | encode | decode | save | load | save+load | file |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for c in &dataset.codecs {
        codec_rows(out, c);
    }
    out.push('\n');
}

fn codec_rows(out: &mut String, c: &CodecResult) {
    let b = c.row(Who::Baseline);
    for r in &c.rows {
        let name = if r.who == Who::Persist {
            "**persist**"
        } else {
            r.who.name()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} {} |",
            c.codec,
            name,
            with_ratio(r.encode, b.encode),
            with_ratio(r.decode, b.decode),
            with_ratio(r.save, b.save),
            with_ratio(r.load, b.load),
            with_ratio(r.save + r.load, b.save + b.load),
            bytes(r.size),
            times(r.size as f64 / b.size as f64),
        );
    }
}

fn peers(out: &mut String) {
    let lock = include_str!("../Cargo.lock");
    let version = |name: &str| {
        lock.split("[[package]]")
            .find(|p| p.contains(&format!("name = \"{name}\"\n")))
            .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
            .map_or("?".to_string(), |v| v.trim_matches('"').to_string())
    };
    let _ = writeln!(out, "## Peers\n");
    let list: Vec<String> = [
        "postcard",
        "lz4_flex",
        "native_model",
        "bitcode",
        "savefile",
        "revision",
        "wincode",
    ]
    .iter()
    .map(|n| format!("{n} {}", version(n)))
    .collect();
    let _ = writeln!(out, "Versions: {}.\n", list.join(", "));
    let _ = writeln!(
        out,
        "- native_model uses its default codec, bincode 1.3, and takes the bytes to \
         decode by value (a decode from a borrowed buffer copies it first).\n\
         - savefile writes its schema with the data (`save_to_mem`, version 0).\n\
         - wincode stands for bincode 2: it builds with this rustc. bincode's newest \
         release, 3.0.0, does not build anywhere: its whole source is \
         `compile_error!(\"https://xkcd.com/2347/\");`.\n\
         - The log's IP address is `[u8; 4]` in every format: revision and savefile \
         have no `Ipv4Addr`, and serde writes an `Ipv4Addr` as those four bytes in \
         binary formats anyway."
    );
}

/// `a / b`.
fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

fn with_ratio(value: Duration, baseline: Duration) -> String {
    format!("{} {}", time(value), times(ratio(value, baseline)))
}

fn times(r: f64) -> String {
    format!("×{r:.2}")
}

fn verdict(r: f64, limit: f64) -> String {
    if r <= limit {
        format!("×{r:.2} met")
    } else {
        format!("**×{r:.2} not met**")
    }
}

fn cost(durable: Duration, fast: Duration) -> String {
    let d = durable.as_secs_f64() - fast.as_secs_f64();
    format!(
        "{}{} ({})",
        if d < 0.0 { "-" } else { "" },
        time(Duration::from_secs_f64(d.abs())),
        percent(d / durable.as_secs_f64().max(1e-12))
    )
}

fn percent(share: f64) -> String {
    if share.abs() < 0.1 {
        format!("{:.1}%", share * 100.0)
    } else {
        format!("{:.0}%", share * 100.0)
    }
}

/// A duration with a unit that keeps about three significant digits.
pub fn time(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.1 {
        format!("{:.0} ms", s * 1e3)
    } else if s >= 0.01 {
        format!("{:.1} ms", s * 1e3)
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else if s >= 1e-4 {
        format!("{:.0} µs", s * 1e6)
    } else if s >= 1e-6 {
        format!("{:.1} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}

/// A size in B, KiB, MiB or GiB.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", n / (1024.0 * 1024.0 * 1024.0))
    } else if n >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", n / (1024.0 * 1024.0))
    } else if n >= 1024.0 {
        format!("{:.1} KiB", n / 1024.0)
    } else {
        format!("{n} B")
    }
}

fn signed_bytes(n: i64) -> String {
    if n < 0 {
        format!("-{}", bytes(n.unsigned_abs()))
    } else {
        bytes(n as u64)
    }
}

/// `n` with thousands separators: 10,000,000.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_units() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(10_000), "10,000");
        assert_eq!(grouped(134_217_728), "134,217,728");
        assert_eq!(time(Duration::from_micros(812)), "812 µs");
        assert_eq!(time(Duration::from_nanos(2_460)), "2.5 µs");
        assert_eq!(time(Duration::from_nanos(450)), "450 ns");
        assert_eq!(time(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(time(Duration::from_millis(1_234)), "1.23 s");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(signed_bytes(-2 * 1024 * 1024), "-2.0 MiB");
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(1.32), "132%");
    }
}
