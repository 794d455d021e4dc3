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

/// One seeding figure: `records` records of `collection` through
/// `POST /_emulator/fixtures` in `requests` requests (batches of 500).
#[derive(Debug, Default, Clone)]
pub struct Seeding {
    pub records: u64,
    /// `images` or `hosts`.
    pub collection: &'static str,
    /// Into a `--db` file (built once, no bundled-fixture distinction) rather than
    /// a fresh in-memory emulator with its bundled fixtures.
    pub file_db: bool,
    pub requests: u64,
    /// Per run: the seconds of its requests, summed (send → answer of each).
    pub secs: Vec<f64>,
    /// Per run: the server's `VmRSS` right after the last answer.
    pub rss_kib: Vec<u64>,
    /// Per run: the server's `VmHWM` (peak RSS since it started) at the same moment.
    pub hwm_kib: Vec<u64>,
}

/// A stateful list measured at concurrency 64 beside the Detail call, on the
/// throughput emulator (bundled fixtures).
#[derive(Debug, Default, Clone)]
pub struct ListLoad {
    pub action: String,
    /// The parameters (JSON).
    pub params: String,
    /// The size of its answer.
    pub body_bytes: usize,
    /// Its `TotalCount`.
    pub total_count: Option<u64>,
    pub runs: Vec<LoadResult>,
}

/// The list with three filters, sorted, a page of 10, over seeded hosts.
#[derive(Debug, Default, Clone)]
pub struct Lists {
    pub records: u64,
    pub params: String,
    /// Seeding the hosts (batches of 500, summed over the requests).
    pub seed_secs: f64,
    pub rss_seeded_kib: Option<u64>,
    /// The first list after the seed (it builds the column view).
    pub first_ms: f64,
    /// `TotalCount` of the first list.
    pub matched: u64,
    /// Load runs at concurrency 1 (latency) and 64 (throughput).
    pub c1: Vec<LoadResult>,
    pub c64: Vec<LoadResult>,
    /// One list right after one host was written, each time.
    pub after_write_ms: Vec<f64>,
    pub rss_after_kib: Option<u64>,
    pub hwm_kib: Option<u64>,
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
    /// Stateful lists at concurrency 64, interleaved with the Detail rounds.
    pub list_throughput: Vec<ListLoad>,
    pub seeding: Vec<Seeding>,
    pub lists: Option<Lists>,
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

/// `1 round`, `5 rounds`.
fn plural(n: u64, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn median_kib(v: &[u64]) -> f64 {
    median(&v.iter().map(|&k| k as f64).collect::<Vec<_>>())
}

/// The record count the targets name.
const TARGET_RECORDS: u64 = 100_000;
/// The RSS target after seeding 100k records.
const TARGET_RSS_MIB: f64 = 250.0;

/// A target's figure, or why this run has none.
enum Measured {
    /// What was measured, and whether it meets the target.
    Figure(String, bool),
    /// Not measured; the text follows "not measured".
    Not(String),
}

fn target_row(o: &mut String, figure: &str, target: &str, measured: Measured) {
    let (text, verdict) = match measured {
        Measured::Figure(text, met) => (text, verdict(met)),
        Measured::Not(why) => (format!("not measured{why}"), "—"),
    };
    let _ = writeln!(o, "| {figure} | {target} | {text} | {verdict} |");
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
    let detail64 = row64.map(|t| med_by(&t.emulator, |x| x.rps));
    let ceiling64 = row64.map(|t| med_by(&t.ceiling, |x| x.rps));
    let row8 = r.throughput.iter().find(|t| t.concurrency == 8);
    let cold = median(&r.cold_answer_ms);
    let rss_idle = median(&r.rss_idle_kib.iter().map(|&k| k as f64).collect::<Vec<_>>());
    let seeded = |collection: &str, n: u64, file_db: bool| {
        r.seeding
            .iter()
            .find(|s| s.collection == collection && s.records == n && s.file_db == file_db)
    };
    let lookup_rps: Vec<(u64, f64)> = r
        .lookups
        .iter()
        .map(|(n, v, _)| (*n, med_by(v, |x| x.rps)))
        .collect();
    let base = lookup_rps.first().map_or(f64::NAN, |x| x.1);
    let largest = lookup_rps.last().copied();

    let _ = writeln!(o, "## Targets\n");
    let _ = writeln!(
        o,
        "The figures of issue #15 with its targets, each measured as the issue says: through \
         the admin route, batches of 500, server and load generator on one shared core, the \
         emulator's rounds interleaved with the ceiling's. A figure this run did not measure \
         (at the size the target names) says so.\n"
    );
    let _ = writeln!(o, "| figure | target | measured | |\n|---|---:|---|---|");
    target_row(
        &mut o,
        "req/s, Detail by Id at c=64, as a fraction of the ceiling",
        "≥ 0.70× ceiling",
        match (detail64, ceiling64) {
            (Some(d), Some(c)) => Measured::Figure(
                format!(
                    "{:.2}× ({} / {} req/s)",
                    d / c,
                    with_thousands(d),
                    with_thousands(c)
                ),
                d / c >= 0.70,
            ),
            _ => Measured::Not(String::new()),
        },
    );
    target_row(
        &mut o,
        "p99 at c=8",
        "≤ 0.5 ms",
        match row8.map(|t| med_by(&t.emulator, |x| x.p99_us)) {
            Some(p) => Measured::Figure(format!("{:.2} ms", p / 1e3), p <= 500.0),
            None => Measured::Not(String::new()),
        },
    );
    target_row(
        &mut o,
        "cold start to first signed answer",
        "≤ 5 ms",
        if r.cold_answer_ms.is_empty() {
            Measured::Not(String::new())
        } else {
            Measured::Figure(
                format!(
                    "{cold:.1} ms (median of {})",
                    plural(r.cold_answer_ms.len() as u64, "start")
                ),
                cold <= 5.0,
            )
        },
    );
    target_row(
        &mut o,
        "idle RSS",
        "≤ 8 MiB",
        if r.rss_idle_kib.is_empty() {
            Measured::Not(String::new())
        } else {
            Measured::Figure(
                format!("{:.1} MiB", rss_idle / 1024.0),
                rss_idle <= 8.0 * 1024.0,
            )
        },
    );
    let images = seeded("images", TARGET_RECORDS, false);
    target_row(
        &mut o,
        "100k records through `POST /_emulator/fixtures`, batches of 500, in memory",
        "≤ 2 s",
        match images {
            Some(s) if !s.secs.is_empty() => {
                let m = median(&s.secs);
                Measured::Figure(
                    format!(
                        "{m:.2} s (images, median of {}; {} records/s)",
                        plural(s.secs.len() as u64, "run"),
                        with_thousands(s.records as f64 / m)
                    ),
                    m <= 2.0,
                )
            }
            _ => Measured::Not(String::new()),
        },
    );
    target_row(
        &mut o,
        "same into a `--db` file",
        "≤ 3 s",
        match seeded("images", TARGET_RECORDS, true) {
            Some(s) if !s.secs.is_empty() => {
                let m = median(&s.secs);
                Measured::Figure(format!("{m:.2} s (images)"), m <= 3.0)
            }
            _ => Measured::Not(String::new()),
        },
    );
    target_row(
        &mut o,
        "RSS after seeding those 100k",
        "≤ 250 MiB",
        match images {
            Some(s) if !s.rss_kib.is_empty() => {
                let rss = median_kib(&s.rss_kib);
                Measured::Figure(
                    format!(
                        "{:.1} MiB (peak {:.1} MiB)",
                        rss / 1024.0,
                        mib(s.hwm_kib.iter().copied().max().unwrap_or(0))
                    ),
                    rss <= TARGET_RSS_MIB * 1024.0,
                )
            }
            _ => Measured::Not(String::new()),
        },
    );
    target_row(
        &mut o,
        "a list with three filters, sorted, paged (page of 10), over 100k records of one \
         collection: p99",
        "≤ 20 ms",
        match &r.lists {
            Some(l) if !l.c1.is_empty() => {
                let p99 = med_by(&l.c1, |x| x.p99_us);
                let text = format!(
                    "{:.2} ms (hosts, concurrency 1, median of {}; p50 {:.2} ms)",
                    p99 / 1e3,
                    plural(l.c1.len() as u64, "round"),
                    med_by(&l.c1, |x| x.p50_us) / 1e3
                );
                if l.records == TARGET_RECORDS {
                    Measured::Figure(text, p99 <= 20_000.0)
                } else {
                    Measured::Not(format!(
                        " over 100k (this run: over {} hosts, {text})",
                        records(l.records)
                    ))
                }
            }
            _ => Measured::Not(String::new()),
        },
    );
    let hosts = r
        .seeding
        .iter()
        .find(|s| s.collection == "hosts" && !s.file_db);
    target_row(
        &mut o,
        "seeding 100k records of any collection (e.g. `hosts`), batches of 500",
        "≤ 2 s and ≤ 250 MiB",
        match hosts {
            Some(s) if !s.secs.is_empty() => {
                let m = median(&s.secs);
                let rss = median_kib(&s.rss_kib);
                let text = format!(
                    "{m:.2} s, {:.1} MiB after (peak {:.1} MiB; hosts, median of {})",
                    rss / 1024.0,
                    mib(s.hwm_kib.iter().copied().max().unwrap_or(0)),
                    plural(s.secs.len() as u64, "run")
                );
                if s.records == TARGET_RECORDS {
                    Measured::Figure(text, m <= 2.0 && rss <= TARGET_RSS_MIB * 1024.0)
                } else {
                    Measured::Not(format!(
                        " at 100k (this run: {} hosts: {text})",
                        records(s.records)
                    ))
                }
            }
            _ => Measured::Not(String::new()),
        },
    );
    target_row(
        &mut o,
        "the stateful lists stay within 2x of the Detail call's throughput for a page of 10",
        "list req/s ≥ 0.5× Detail req/s",
        match detail64 {
            Some(d) if !r.list_throughput.is_empty() => {
                let ratios: Vec<(String, f64, f64)> = r
                    .list_throughput
                    .iter()
                    .map(|l| {
                        let rps = med_by(&l.runs, |x| x.rps);
                        (format!("`{}`", l.action), rps, rps / d)
                    })
                    .collect();
                let text = ratios
                    .iter()
                    .map(|(name, rps, x)| {
                        format!("{name} {x:.2}× ({} req/s)", with_thousands(*rps))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                Measured::Figure(
                    format!("{text}; Detail {} req/s (c=64)", with_thousands(d)),
                    ratios.iter().all(|(_, _, x)| *x >= 0.5),
                )
            }
            _ => Measured::Not(String::new()),
        },
    );
    if let Some((n, rps)) = largest {
        target_row(
            &mut o,
            &format!(
                "lookups over {} records, against those over {}",
                records(n),
                records(r.lookups.first().map_or(0, |x| x.0))
            ),
            "≥ 80%",
            Measured::Figure(format!("{:.0}%", rps / base * 100.0), rps / base >= 0.8),
        );
    }
    if r.quick {
        let _ = writeln!(
            o,
            "\nQuick run: one round of each load figure, {} hosts instead of 100k (the list and \
             the hosts' seeding), lookups over 100k at most.",
            records(r.lists.as_ref().map_or(0, |l| l.records))
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

    if let (Some(t), false) = (row64, r.list_throughput.is_empty()) {
        let d = med_by(&t.emulator, |x| x.rps);
        let _ = writeln!(
            o,
            "\n### Stateful lists beside the Detail call\n\n\
             On the same emulator (bundled fixtures), concurrency 64, each list run in the same \
             round as the Detail runs above; a page of 10 (`Limit` 10) over what the bundled \
             fixtures hold. Target: list req/s ≥ 0.5× Detail req/s.\n"
        );
        let _ = writeln!(
            o,
            "| call | parameters | answer | req/s | of Detail | server CPU per answer | p99 | errors |\n|---|---|---:|---:|---:|---:|---:|---:|"
        );
        let _ = writeln!(
            o,
            "| `{}` | `{{\"Id\": 5427}}` | {} bytes | {} | 100% | {:.1} µs | {:.0} µs | {} |",
            crate::client::ACTION,
            r.body_bytes,
            with_thousands(d),
            med_by(&t.emulator, |x| x.server_cpu_us),
            med_by(&t.emulator, |x| x.p99_us),
            t.emulator.iter().map(|x| x.errors).sum::<u64>()
        );
        for l in &r.list_throughput {
            let rps = med_by(&l.runs, |x| x.rps);
            let _ = writeln!(
                o,
                "| `{}` | `{}` | {} bytes ({}) | {} | {:.0}% | {:.1} µs | {:.0} µs | {} |",
                l.action,
                l.params,
                l.body_bytes,
                l.total_count
                    .map_or("`TotalCount` ?".to_string(), |n| plural(n, "record")),
                with_thousands(rps),
                rps / d * 100.0,
                med_by(&l.runs, |x| x.server_cpu_us),
                med_by(&l.runs, |x| x.p99_us),
                l.runs.iter().map(|x| x.errors).sum::<u64>()
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
        "Batches of 500 records per request, sent one after the other on one keep-alive \
         connection; each batch's document is generated before its request is sent (not \
         timed), and the seconds are the sum over the requests of send → answer (each request \
         is upserted in one transaction). In memory: a fresh emulator for every run, started \
         with its bundled demo fixtures, which the seeded records join; the runs of the three \
         sizes are interleaved. File db: the `--db` files of the lookups below, each built \
         once. Images: 19 fields plus `Id` (≈630 bytes of JSON each); hosts: `HostInfo` \
         records of 26 fields (≈610 bytes). RSS after: `VmRSS` of the server right after \
         the last answer (median of the runs); peak: its `VmHWM` at that moment (the highest \
         RSS since it started; highest of the runs).\n"
    );
    let _ = writeln!(
        o,
        "| records | collection | database | requests | seconds: median (min–max; runs) | records/s | RSS after | peak RSS |\n|---:|---|---|---:|---:|---:|---:|---:|"
    );
    for s in &r.seeding {
        let m = median(&s.secs);
        let (lo, hi) = min_max(&s.secs);
        let spread = if s.secs.len() > 1 {
            format!(" ({lo:.2}–{hi:.2}; {} runs)", s.secs.len())
        } else {
            String::new()
        };
        let rss = if s.rss_kib.is_empty() {
            "—".to_string()
        } else {
            format!("{:.1} MiB", median_kib(&s.rss_kib) / 1024.0)
        };
        let peak = s
            .hwm_kib
            .iter()
            .max()
            .map_or("—".to_string(), |k| format!("{:.1} MiB", mib(*k)));
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {m:.2}{spread} | {} | {rss} | {peak} |",
            records(s.records),
            s.collection,
            if s.file_db {
                "file db (`--db`)"
            } else {
                "in memory, bundled fixtures"
            },
            s.requests,
            with_thousands(s.records as f64 / m)
        );
    }

    if let Some(l) = &r.lists {
        let _ = writeln!(
            o,
            "\n## A list over {} hosts: three filters, sorted, a page of 10\n",
            records(l.records)
        );
        let _ = writeln!(
            o,
            "A fresh emulator{}, in memory, `--fixtures none` (no bundled fixtures), seeded with \
             {} hosts through the admin route in batches of 500 ({:.2} s summed over the \
             requests; RSS then {}). Every call is `DescribeAssetHostList` with `{}`, \
             TC3-signed: two exact filters, one substring filter, sorted by `ContainerCnt`. \
             The first list and the lists after a write are single calls on a keep-alive \
             connection (send → last byte); the rest are `tcss-bench load` runs, interleaved \
             (concurrency 1, then 64, each round).{}\n",
            if r.pinned_cpu.is_some() {
                " (pinned like the others)"
            } else {
                ""
            },
            with_thousands(l.records as f64),
            l.seed_secs,
            l.rss_seeded_kib
                .map_or("—".to_string(), |k| format!("{:.1} MiB", mib(k))),
            l.params,
            if l.records == TARGET_RECORDS {
                ""
            } else {
                " Quick run: fewer hosts than the target's 100k."
            }
        );
        let _ = writeln!(o, "| figure | value |\n|---|---:|");
        let _ = writeln!(
            o,
            "| hosts matched (`TotalCount`) | {} |",
            with_thousands(l.matched as f64)
        );
        let _ = writeln!(
            o,
            "| first list after the seed (builds the column view) | {:.1} ms |",
            l.first_ms
        );
        if !l.c1.is_empty() {
            let _ = writeln!(
                o,
                "| concurrency 1: p50 / p99 (median of {}) | {:.2} ms / {:.2} ms |",
                plural(l.c1.len() as u64, "round"),
                med_by(&l.c1, |x| x.p50_us) / 1e3,
                med_by(&l.c1, |x| x.p99_us) / 1e3
            );
            let _ = writeln!(
                o,
                "| concurrency 1: req/s (server CPU per answer) | {} ({:.0} µs) |",
                with_thousands(med_by(&l.c1, |x| x.rps)),
                med_by(&l.c1, |x| x.server_cpu_us)
            );
        }
        if !l.c64.is_empty() {
            let rps = med_by(&l.c64, |x| x.rps);
            let of_detail = detail64.map_or(String::new(), |d| {
                format!(
                    "; {:.2}× the Detail call's {} on the throughput emulator",
                    rps / d,
                    with_thousands(d)
                )
            });
            let _ = writeln!(
                o,
                "| concurrency 64: req/s (server CPU per answer{of_detail}) | {} ({:.0} µs) |",
                with_thousands(rps),
                med_by(&l.c64, |x| x.server_cpu_us)
            );
            let errors: u64 = l.c1.iter().chain(&l.c64).map(|x| x.errors).sum();
            let _ = writeln!(o, "| errors under load | {errors} |");
        }
        if !l.after_write_ms.is_empty() {
            let (_, hi) = min_max(&l.after_write_ms);
            let _ = writeln!(
                o,
                "| list right after a write (one host changed through the admin route, then one \
                 list; {} times): p50 (max) | {:.2} ms ({hi:.2} ms) |",
                l.after_write_ms.len(),
                median(&l.after_write_ms)
            );
        }
        if let Some(k) = l.rss_after_kib {
            let _ = writeln!(
                o,
                "| RSS after the lists (peak) | {:.1} MiB ({:.1} MiB) |",
                mib(k),
                mib(l.hwm_kib.unwrap_or(0))
            );
        }
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
