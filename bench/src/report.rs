//! The figures of one run and their Markdown table.

use std::fmt::Write;
use std::process::Command;

use crate::load::LoadResult;
use crate::microbench::ValidateResult;

#[derive(Debug, Default, Clone)]
pub struct Throughput {
    pub concurrency: usize,
    pub ceiling: Vec<LoadResult>,
    pub emulator: Vec<LoadResult>,
}

#[derive(Debug, Default, Clone)]
pub struct Seeding {
    pub records: u64,
    pub target: String,
    pub secs: Vec<f64>,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Ceiling runs at concurrency 64 with busy work per answer: (µs, runs).
    pub calibration: Vec<(u64, Vec<LoadResult>)>,
    pub quick: bool,
    pub pinned_cpu: Option<usize>,
    pub rounds: usize,
    pub secs: f64,
    pub warmup: f64,
    pub lookup_concurrency: usize,
    pub machine: String,
    pub load_before: String,
    pub load_after: String,
    pub total_secs: f64,
    pub body_bytes: usize,
    pub validation: Vec<ValidateResult>,
    pub cold_listen_ms: Vec<f64>,
    pub cold_answer_ms: Vec<f64>,
    pub rss_idle_kib: Vec<u64>,
    pub rss_load_kib: Vec<u64>,
    pub throughput: Vec<Throughput>,
    pub seeding: Vec<Seeding>,
    /// (records, per-round results, RSS under load).
    pub lookups: Vec<(u64, Vec<LoadResult>, Option<u64>)>,
    pub lookup_rss_idle_kib: Vec<(u64, u64)>,
    pub db_bytes: Vec<(u64, u64)>,
}

pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

pub fn med_by(v: &[LoadResult], f: impl Fn(&LoadResult) -> f64) -> f64 {
    median(&v.iter().map(f).collect::<Vec<_>>())
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn records(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n.is_multiple_of(1_000_000) => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n.is_multiple_of(1_000) => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn with_thousands(x: f64) -> String {
    let n = x.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**missed**" }
}

/// CPU model, cores, kernel, and the commit measured.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    // What the emulator binary is built from (not bench/ or the workspace section).
    let dirty = git(&[
        "status",
        "--porcelain",
        "--",
        "../src",
        "../migrations",
        "../fixtures",
        "../spec",
    ])
    .is_some_and(|s| !s.is_empty());
    format!(
        "{cpu}, {cores} cores, Linux {kernel}; emulator at commit {commit}{}",
        if dirty {
            " plus uncommitted changes"
        } else {
            ""
        }
    )
}

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    let _ = writeln!(o, "# tcss-emulator benchmark\n");
    let _ = writeln!(
        o,
        "{} of `bench/run.sh{}` on {date}, {:.0} s in all.  ",
        if r.quick { "Quick smoke" } else { "Full run" },
        if r.quick { " --quick" } else { "" },
        r.total_secs
    );
    let _ = writeln!(o, "Machine: {}.  ", r.machine);
    let _ = writeln!(
        o,
        "Load average (1/5/15 min) before: {}, after: {}.  ",
        r.load_before, r.load_after
    );
    let _ = writeln!(
        o,
        "Server and load generator are separate processes{}; loopback, keep-alive HTTP/1.1. \
         Each load figure is the median of {} round(s) of {} s (after {} s of warm-up), \
         rounds interleaved.\n",
        match r.pinned_cpu {
            Some(cpu) => format!(", both pinned to CPU {cpu} (taskset)"),
            None => ", not pinned".into(),
        },
        r.rounds,
        r.secs,
        r.warmup
    );

    // Figures the targets read.
    let row64 = r.throughput.iter().find(|t| t.concurrency == 64);
    let ratio64 = row64.map(|t| med_by(&t.emulator, |x| x.rps) / med_by(&t.ceiling, |x| x.rps));
    let row8 = r.throughput.iter().find(|t| t.concurrency == 8);
    let p99_8 = row8.map(|t| med_by(&t.emulator, |x| x.p99_us));
    let cold = median(&r.cold_answer_ms);
    let rss_idle = median(&r.rss_idle_kib.iter().map(|&k| k as f64).collect::<Vec<_>>());
    let seed100k = r
        .seeding
        .iter()
        .find(|s| s.records == 100_000 && s.target.starts_with("in memory"))
        .map(|s| median(&s.secs));
    let seed100k_file = r
        .seeding
        .iter()
        .find(|s| s.target.starts_with("file db"))
        .map(|s| median(&s.secs));
    let lookup_rps: Vec<(u64, f64)> = r
        .lookups
        .iter()
        .map(|(n, v, _)| (*n, med_by(v, |x| x.rps)))
        .collect();
    let base = lookup_rps.first().map_or(f64::NAN, |x| x.1);
    let largest = lookup_rps.last().copied();

    let _ = writeln!(o, "## Targets\n");
    let _ = writeln!(o, "| target | measured | |\n|---|---|---|");
    if let Some(x) = ratio64 {
        let _ = writeln!(
            o,
            "| throughput at concurrency 64 ≥ 75% of the ceiling | {:.0}% | {} |",
            x * 100.0,
            verdict(x >= 0.75)
        );
    }
    if let Some(x) = p99_8 {
        let _ = writeln!(
            o,
            "| p99 latency at concurrency 8 ≤ 1 ms | {:.2} ms | {} |",
            x / 1000.0,
            verdict(x <= 1000.0)
        );
    }
    let _ = writeln!(
        o,
        "| cold start (spawn → first signed answer) ≤ 10 ms | {cold:.1} ms | {} |",
        verdict(cold <= 10.0)
    );
    let _ = writeln!(
        o,
        "| RSS idle ≤ 10 MB | {:.1} MiB ({:.1} MB) | {} |",
        rss_idle / 1024.0,
        rss_idle * 1024.0 / 1e6,
        verdict(rss_idle * 1024.0 <= 10e6)
    );
    if let Some(x) = seed100k {
        let (file, file_verdict) = match seed100k_file {
            Some(f) => (
                format!("; into a file db (`--db`): {f:.2} s"),
                format!("; file db: {}", verdict(f <= 2.0)),
            ),
            None => (String::new(), String::new()),
        };
        let _ = writeln!(
            o,
            "| 100k records seeded in ≤ 2 s | {x:.2} s (in memory, the default){file} | in memory: {}{file_verdict} |",
            verdict(x <= 2.0)
        );
    }
    if let Some((n, rps)) = largest {
        let _ = writeln!(
            o,
            "| lookups over {} records ≥ 80% of those over {} | {:.0}% | {} |",
            records(n),
            records(r.lookups.first().map_or(0, |x| x.0)),
            rps / base * 100.0,
            verdict(rps / base >= 0.8)
        );
    }

    let _ = writeln!(o, "\n## Throughput: ceiling vs emulator\n");
    let _ = writeln!(
        o,
        "`DescribeAssetImageRegistryDetail` for Id 5427 (a {}-byte answer). Emulator: TC3 signature \
         verified on every call, `--rate-limit 0`, in-memory SQLite, default log level (stderr to \
         /dev/null). Ceiling: `tcss-bench ceiling`, the same hyper/tokio server setup answering \
         the same bytes with no checks and no database.\n",
        r.body_bytes
    );
    let _ = writeln!(
        o,
        "| concurrency | ceiling (req/s) | emulator (req/s) | emulator / ceiling | server CPU per answer: ceiling | emulator | context switches per answer: ceiling | emulator | errors |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for t in &r.throughput {
        let c = med_by(&t.ceiling, |x| x.rps);
        let e = med_by(&t.emulator, |x| x.rps);
        let errors: u64 = t.ceiling.iter().chain(&t.emulator).map(|x| x.errors).sum();
        let _ = writeln!(
            o,
            "| {} | {} | {} | {:.0}% | {:.1} µs | {:.1} µs | {:.2} | {:.2} | {errors} |",
            t.concurrency,
            with_thousands(c),
            with_thousands(e),
            e / c * 100.0,
            med_by(&t.ceiling, |x| x.server_cpu_us),
            med_by(&t.emulator, |x| x.server_cpu_us),
            med_by(&t.ceiling, |x| x.server_switches),
            med_by(&t.emulator, |x| x.server_switches),
        );
    }
    let _ = writeln!(
        o,
        "\nServer CPU per answer: CPU time of every thread of the server process (from \
         `/proc/PID/task/*/schedstat`) over a load run, divided by its answers. Unlike \
         req/s, it hardly moves when other work shares the machine. Server and load generator \
         share one core, so req/s ≈ 1 / (server CPU + load generator CPU) per answer."
    );
    if let Some(t) = row8 {
        let _ = writeln!(
            o,
            "\nLatency at concurrency 8 (send → last byte of the answer):\n"
        );
        let _ = writeln!(o, "| server | p50 | p99 |\n|---|---:|---:|");
        for (name, v) in [("ceiling", &t.ceiling), ("emulator", &t.emulator)] {
            let _ = writeln!(
                o,
                "| {name} | {:.0} µs | {:.0} µs |",
                med_by(v, |x| x.p50_us),
                med_by(v, |x| x.p99_us)
            );
        }
    }

    if !r.calibration.is_empty() {
        let ceiling64 = row64.map_or(f64::NAN, |t| med_by(&t.ceiling, |x| x.rps));
        let _ = writeln!(
            o,
            "\n### Calibration: the ceiling with busy work\n\n\
             The ceiling again at concurrency 64, spinning for a fixed time before each \
             answer: how far req/s falls for each µs of server CPU per answer on this \
             machine. With server and load generator on one core, the fall is not linear: \
             once the server needs clearly more CPU per answer than the load generator, \
             each answer's write wakes the load generator, which preempts the server \
             (context switches per answer jump from ≈0.1 to ≈0.7).\n"
        );
        let _ = writeln!(
            o,
            "| server | req/s | of the ceiling | server CPU per answer | context switches per answer |\n|---|---:|---:|---:|---:|"
        );
        let mut rows: Vec<(String, &[LoadResult])> = Vec::new();
        if let Some(t) = row64 {
            rows.push(("ceiling".into(), &t.ceiling));
            rows.push(("emulator".into(), &t.emulator));
        }
        for (spin, v) in &r.calibration {
            rows.push((format!("ceiling + {spin} µs busy work"), v));
        }
        for (name, v) in rows {
            let rps = med_by(v, |x| x.rps);
            let _ = writeln!(
                o,
                "| {name} | {} | {:.0}% | {:.1} µs | {:.2} |",
                with_thousands(rps),
                rps / ceiling64 * 100.0,
                med_by(v, |x| x.server_cpu_us),
                med_by(v, |x| x.server_switches)
            );
        }
    }

    let _ = writeln!(o, "\n## Start and memory\n");
    let _ = writeln!(o, "| figure | value |\n|---|---:|");
    let (lo, hi) = min_max(&r.cold_listen_ms);
    let _ = writeln!(
        o,
        "| cold start: spawn → `listening` line (median of {}; min–max) | {:.1} ms ({lo:.1}–{hi:.1}) |",
        r.cold_listen_ms.len(),
        median(&r.cold_listen_ms)
    );
    let (lo, hi) = min_max(&r.cold_answer_ms);
    let _ = writeln!(
        o,
        "| cold start: spawn → first signed answer (median of {}; min–max) | {cold:.1} ms ({lo:.1}–{hi:.1}) |",
        r.cold_answer_ms.len()
    );
    let _ = writeln!(
        o,
        "| RSS idle (bundled fixtures, in memory, after one call) | {:.1} MiB |",
        rss_idle / 1024.0
    );
    if let Some(max) = r.rss_load_kib.iter().max() {
        let _ = writeln!(
            o,
            "| RSS under load (concurrency 64, highest of the rounds) | {:.1} MiB |",
            mib(*max)
        );
    }
    for (n, kib) in &r.lookup_rss_idle_kib {
        let under = r
            .lookups
            .iter()
            .find(|l| l.0 == *n)
            .and_then(|l| l.2)
            .map_or(String::new(), |k| {
                format!(", {:.1} MiB under lookup load", mib(k))
            });
        let _ = writeln!(
            o,
            "| RSS with a {}-record file db (fresh start, idle{}) | {:.1} MiB |",
            records(*n),
            under,
            mib(*kib)
        );
    }

    let _ = writeln!(o, "\n## Seeding through `POST /_emulator/fixtures`\n");
    let _ = writeln!(
        o,
        "Records of 19 fields plus `Id` (≈630 bytes of JSON each), generated before the clock \
         starts; time from sending the request to the answer (upsert in one transaction).\n"
    );
    let _ = writeln!(
        o,
        "| records | database | seconds (median) | records/s |\n|---:|---|---:|---:|"
    );
    for s in &r.seeding {
        let m = median(&s.secs);
        let per_call = if s.target.contains("batches") {
            BATCH_SIZE as f64
        } else {
            s.records as f64
        };
        let (lo, hi) = min_max(&s.secs);
        let spread = if s.secs.len() > 1 {
            format!(" ({lo:.2}–{hi:.2}; {} runs)", s.secs.len())
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "| {} | {} | {m:.2}{spread} | {} |",
            records(s.records),
            s.target,
            with_thousands(per_call / m)
        );
    }

    let _ = writeln!(o, "\n## Lookups by random Id over a file database\n");
    let _ = writeln!(
        o,
        "`--db FILE` built through the admin route; concurrency {}; each call asks for a random Id \
         of the database (a pool of 16,384 pre-signed requests).\n",
        r.lookup_concurrency
    );
    let _ = writeln!(
        o,
        "| records | db file | req/s | vs {} | p50 | p99 | server CPU per answer | errors |\n|---:|---:|---:|---:|---:|---:|---:|---:|",
        records(r.lookups.first().map_or(0, |x| x.0))
    );
    for (n, v, _) in &r.lookups {
        let rps = med_by(v, |x| x.rps);
        let size = r
            .db_bytes
            .iter()
            .find(|d| d.0 == *n)
            .map_or(0.0, |d| d.1 as f64 / 1e6);
        let errors: u64 = v.iter().map(|x| x.errors).sum();
        let _ = writeln!(
            o,
            "| {} | {size:.0} MB | {} | {:.0}% | {:.0} µs | {:.0} µs | {:.1} µs | {errors} |",
            records(*n),
            with_thousands(rps),
            rps / base * 100.0,
            med_by(v, |x| x.p50_us),
            med_by(v, |x| x.p99_us),
            med_by(v, |x| x.server_cpu_us)
        );
    }

    let _ = writeln!(o, "\n## Spec validation per request (in process)\n");
    let _ = writeln!(
        o,
        "`tcss_emulator::spec::validate` on parsed parameters, a timed loop with `black_box`, \
         median of rounds. `validate` takes the map by value, so the loop clones it; the clone \
         alone is measured too and subtracted.\n"
    );
    let _ = writeln!(
        o,
        "| request | validate (ns/call) | clone + validate | clone alone |\n|---|---:|---:|---:|"
    );
    for v in &r.validation {
        let _ = writeln!(
            o,
            "| {} | {:.0} | {:.0} | {:.0} |",
            v.name,
            v.validate_ns(),
            v.total_ns,
            v.baseline_ns
        );
    }
    if let (Some(first), Some(t1)) = (
        r.validation.first(),
        r.throughput.iter().find(|t| t.concurrency == 1),
    ) {
        let per_call_us = 1e6 / med_by(&t1.emulator, |x| x.rps);
        let _ = writeln!(
            o,
            "\nFor scale: one Detail call takes {per_call_us:.1} µs end to end at concurrency 1 \
             (client included); validating its parameters is {:.2}% of that.",
            first.validate_ns() / 10.0 / per_call_us
        );
    }
    o
}

const BATCH_SIZE: u64 = 100_000;
