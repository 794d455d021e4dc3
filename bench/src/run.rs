//! `tcss-bench run`: every measurement, in one run, then the table.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::Method;

use crate::load::LoadResult;
use crate::microbench;
use crate::procs::{self, Placement, Server, TempDir};
use crate::records;
use crate::report::{self, Report, Seeding, Throughput};
use crate::{Result, client};

#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// A ≈30 s smoke: 1 round of 0.5 s, lookups over 1k/10k/100k records.
    #[arg(long)]
    pub quick: bool,
    /// Rounds of each throughput measurement (median kept); default 5 (quick: 1).
    #[arg(long)]
    pub rounds: Option<usize>,
    /// Measured seconds per load run; default 2 (quick: 0.5).
    #[arg(long)]
    pub secs: Option<f64>,
    /// Warm-up seconds before each measured window; default 0.5 (quick: 0.2).
    #[arg(long)]
    pub warmup: Option<f64>,
    /// CPU the servers and the load generator are pinned to.
    #[arg(long, default_value_t = 0)]
    pub cpu: usize,
    /// Do not pin (server and load generator float over all cores).
    #[arg(long)]
    pub no_pin: bool,
    /// Concurrency of the lookup measurements.
    #[arg(long, default_value_t = 8)]
    pub lookup_concurrency: usize,
    /// The emulator binary; default: `tcss-emulator` next to this binary
    /// (`target/release/` after `cargo build --release`).
    #[arg(long)]
    pub emulator: Option<PathBuf>,
    /// Where to write the table; default `bench/results.md` (quick: `bench/results-quick.md`).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

const CONCURRENCIES: [usize; 3] = [1, 8, 64];
/// Busy work per answer (µs) of the calibration runs of the ceiling.
const CALIBRATION_US: [u64; 4] = [2, 3, 4, 6];
const DETAIL_ID: u64 = 5427;
const BATCH: u64 = 100_000;

struct Ctx {
    me: PathBuf,
    emulator: PathBuf,
    place: Placement,
    secs: f64,
    warmup: f64,
    rounds: usize,
    rt: tokio::runtime::Runtime,
    tmp: TempDir,
}

/// Which Ids a load run asks for.
#[derive(Clone, Copy)]
enum Ids {
    One(u64),
    UpTo(u64),
}

fn progress(msg: &str) {
    eprintln!("[tcss-bench] {msg}");
}

pub fn main(args: RunArgs) -> Result<()> {
    let quick = args.quick;
    let me = std::env::current_exe()?;
    let emulator = match &args.emulator {
        Some(p) => p.clone(),
        None => me
            .parent()
            .ok_or("this binary has no directory")?
            .join("tcss-emulator"),
    };
    if !emulator.is_file() {
        return Err(format!(
            "no emulator binary at {}: run `cargo build --release` first (or bench/run.sh)",
            emulator.display()
        )
        .into());
    }
    let pinned = !args.no_pin && procs::taskset_works();
    if !args.no_pin && !pinned {
        progress("taskset (util-linux) is not usable here: running unpinned");
    }
    // A private copy: another `cargo build` during the run cannot swap the binary.
    let tmp = TempDir::new()?;
    let emulator = {
        let copy = tmp.0.join("tcss-emulator");
        std::fs::copy(&emulator, &copy)?;
        copy
    };
    let ctx = Ctx {
        me,
        emulator,
        place: Placement {
            cpu: pinned.then_some(args.cpu),
        },
        secs: args.secs.unwrap_or(if quick { 0.5 } else { 2.0 }),
        warmup: args.warmup.unwrap_or(if quick { 0.2 } else { 0.5 }),
        rounds: args.rounds.unwrap_or(if quick { 1 } else { 5 }).max(1),
        rt: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        tmp,
    };
    let started = Instant::now();
    let mut rep = Report {
        quick,
        pinned_cpu: ctx.place.cpu,
        rounds: ctx.rounds,
        secs: ctx.secs,
        warmup: ctx.warmup,
        lookup_concurrency: args.lookup_concurrency,
        machine: report::machine(),
        load_before: report::loadavg(),
        ..Report::default()
    };

    progress("spec validation micro-benchmark");
    rep.validation = microbench::measure(if quick { 3 } else { 15 })?;

    progress("cold starts");
    cold_starts(&ctx, if quick { 3 } else { 10 }, &mut rep)?;

    progress("ceiling vs emulator");
    throughput(&ctx, &mut rep)?;

    progress("seeding");
    seeding(&ctx, if quick { 1 } else { 3 }, &mut rep)?;

    progress("lookups over file databases");
    let sizes: [u64; 3] = if quick {
        [1_000, 10_000, 100_000]
    } else {
        [1_000, 100_000, 1_000_000]
    };
    lookups(&ctx, &sizes, args.lookup_concurrency, &mut rep)?;

    rep.load_after = report::loadavg();
    rep.total_secs = started.elapsed().as_secs_f64();
    let table = report::render(&rep);
    println!("{table}");
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(if quick {
            "results-quick.md"
        } else {
            "results.md"
        })
    });
    std::fs::write(&out, &table)?;
    progress(&format!("written to {}", out.display()));
    Ok(())
}

impl Ctx {
    fn emulator(&self, db: Option<&Path>) -> Result<Server> {
        procs::emulator(&self.place, &self.emulator, db)
    }

    /// One `tcss-bench load` run against `server`: the load figures, the server's CPU
    /// time per answer, and (with `sample_rss`) its RSS mid-run.
    fn load(
        &self,
        server: &Server,
        concurrency: usize,
        ids: Ids,
        sample_rss: bool,
    ) -> Result<(LoadResult, Option<u64>)> {
        let addr = server.addr;
        let cpu_before = procs::cpu_ns(server.pid());
        let switches_before = procs::switches(server.pid());
        let mut cmd = self.place.command(&self.me);
        cmd.arg("load")
            .args(["--addr", &addr.to_string()])
            .args(["--concurrency", &concurrency.to_string()])
            .args(["--secs", &self.secs.to_string()])
            .args(["--warmup", &self.warmup.to_string()]);
        match ids {
            Ids::One(id) => cmd.args(["--id", &id.to_string()]),
            Ids::UpTo(max) => cmd.args(["--id-max", &max.to_string()]),
        };
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let child = cmd.spawn()?;
        let rss = sample_rss
            .then(|| {
                std::thread::sleep(Duration::from_secs_f64(0.2 + self.warmup + self.secs / 2.0));
                server.rss_kib()
            })
            .flatten();
        let out = child.wait_with_output()?;
        let cpu_after = procs::cpu_ns(server.pid());
        let switches_after = procs::switches(server.pid());
        if !out.status.success() {
            return Err(format!("load run failed ({})", out.status).into());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().last().ok_or("load run printed nothing")?;
        let mut result = LoadResult::parse(line)?;
        if let (Some(a), Some(b)) = (cpu_before, cpu_after) {
            result.server_cpu_us = b.saturating_sub(a) as f64 / 1e3 / result.answered.max(1) as f64;
        }
        if let (Some(a), Some(b)) = (switches_before, switches_after) {
            result.server_switches = b.saturating_sub(a) as f64 / result.answered.max(1) as f64;
        }
        if result.requests == 0 {
            return Err(format!("no successful request against {addr}").into());
        }
        Ok((result, rss))
    }

    /// `POST /_emulator/fixtures` with `doc`; seconds until the answer.
    fn seed(&self, addr: SocketAddr, doc: String, expect: u64) -> Result<f64> {
        let req = client::admin(addr, Method::POST, "/_emulator/fixtures", Bytes::from(doc))?;
        let t = Instant::now();
        let (status, body) = self.rt.block_on(client::once(addr, req))?;
        let secs = t.elapsed().as_secs_f64();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if !status.is_success() || v["upserted"].as_u64() != Some(expect) {
            return Err(format!(
                "seeding {expect} records failed: HTTP {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            )
            .into());
        }
        Ok(secs)
    }
}

fn cold_starts(ctx: &Ctx, n: usize, rep: &mut Report) -> Result<()> {
    // Unpinned: a start as a user (or CI) gets it.
    let place = Placement { cpu: None };
    for _ in 0..n {
        let cmd = procs::emulator_command(&place, &ctx.emulator, None);
        let t0 = Instant::now();
        let server = Server::spawn(cmd, procs::EMULATOR_READY)?;
        let listening = t0.elapsed();
        let req = client::signed_detail(server.addr, DETAIL_ID);
        let (status, body) = ctx.rt.block_on(client::once(server.addr, req))?;
        let answered = t0.elapsed();
        if !client::is_success(status, &body) {
            return Err(format!(
                "cold start: the first call failed: {}",
                String::from_utf8_lossy(&body)
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(200));
        rep.rss_idle_kib.extend(server.rss_kib());
        server.stop();
        rep.cold_listen_ms.push(listening.as_secs_f64() * 1e3);
        rep.cold_answer_ms.push(answered.as_secs_f64() * 1e3);
    }
    Ok(())
}

fn throughput(ctx: &Ctx, rep: &mut Report) -> Result<()> {
    let emulator = ctx.emulator(None)?;
    // The ceiling answers exactly what the emulator answers for Id 5427.
    let (status, body) = ctx.rt.block_on(client::once(
        emulator.addr,
        client::signed_detail(emulator.addr, DETAIL_ID),
    ))?;
    if !client::is_success(status, &body) {
        return Err(format!(
            "the emulator refused the benchmark call: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    rep.body_bytes = body.len();
    let body_file = ctx.tmp.0.join("detail-5427.json");
    std::fs::write(&body_file, &body)?;
    let ceiling = procs::ceiling(&ctx.place, &ctx.me, &body_file, 0)?;

    let mut rows: Vec<Throughput> = CONCURRENCIES
        .iter()
        .map(|&c| Throughput {
            concurrency: c,
            ..Throughput::default()
        })
        .collect();
    for round in 0..ctx.rounds {
        for (i, row) in rows.iter_mut().enumerate() {
            let c = row.concurrency;
            let emulator_first = (round + i) % 2 == 1;
            for which in 0..2 {
                let on_emulator = (which == 0) == emulator_first;
                if on_emulator {
                    let (r, rss) = ctx.load(&emulator, c, Ids::One(DETAIL_ID), c == 64)?;
                    rep.rss_load_kib.extend(rss);
                    row.emulator.push(r);
                } else {
                    let (r, _) = ctx.load(&ceiling, c, Ids::One(DETAIL_ID), false)?;
                    row.ceiling.push(r);
                }
            }
            progress(&format!(
                "round {}/{} c={c}: ceiling {:.0} req/s ({:.1} µs CPU/answer), emulator {:.0} req/s ({:.1} µs)",
                round + 1,
                ctx.rounds,
                row.ceiling.last().map_or(0.0, |r| r.rps),
                row.ceiling.last().map_or(0.0, |r| r.server_cpu_us),
                row.emulator.last().map_or(0.0, |r| r.rps),
                row.emulator.last().map_or(0.0, |r| r.server_cpu_us)
            ));
        }
    }
    rep.throughput = rows;
    ceiling.stop();
    emulator.stop();

    // Calibration: the ceiling doing N µs of busy work per answer shows how req/s
    // falls with CPU per answer on this machine, the emulator's place on that curve,
    // and the CPU per answer the 75% target allows here.
    for spin_us in CALIBRATION_US {
        let ceiling = procs::ceiling(&ctx.place, &ctx.me, &body_file, spin_us * 1000)?;
        let mut runs = Vec::new();
        for _ in 0..ctx.rounds.div_ceil(2) {
            runs.push(ctx.load(&ceiling, 64, Ids::One(DETAIL_ID), false)?.0);
        }
        ceiling.stop();
        progress(&format!(
            "calibration: ceiling + {spin_us} µs busy work: {:.0} req/s ({:.1} µs CPU/answer)",
            report::med_by(&runs, |x| x.rps),
            report::med_by(&runs, |x| x.server_cpu_us)
        ));
        rep.calibration.push((spin_us, runs));
    }
    Ok(())
}

fn seeding(ctx: &Ctx, rounds: usize, rep: &mut Report) -> Result<()> {
    for n in [10_000u64, 100_000] {
        let mut row = Seeding {
            records: n,
            target: "in memory (default)".into(),
            secs: Vec::new(),
        };
        for _ in 0..rounds {
            let doc = records::document(1, n);
            let server = ctx.emulator(None)?;
            row.secs.push(ctx.seed(server.addr, doc, n)?);
            server.stop();
        }
        progress(&format!(
            "seeded {n} in memory: {:.2} s",
            report::median(&row.secs)
        ));
        rep.seeding.push(row);
    }
    Ok(())
}

fn lookups(ctx: &Ctx, sizes: &[u64], concurrency: usize, rep: &mut Report) -> Result<()> {
    // Build each database through the admin route, in batches of 100k.
    let mut dbs = Vec::new();
    for &size in sizes {
        let db = ctx.tmp.0.join(format!("images-{size}.sqlite"));
        let server = ctx.emulator(Some(&db))?;
        let mut batches = Vec::new();
        let mut from = 1;
        while from <= size {
            let to = (from + BATCH - 1).min(size);
            let doc = records::document(from, to);
            batches.push(ctx.seed(server.addr, doc, to - from + 1)?);
            from = to + 1;
        }
        server.stop();
        progress(&format!(
            "seeded a file database of {size} records: {:.2} s in {} batch(es)",
            batches.iter().sum::<f64>(),
            batches.len()
        ));
        if size >= BATCH {
            rep.seeding.push(Seeding {
                records: size,
                target: if batches.len() > 1 {
                    format!("file db, {} batches of 100k (per batch)", batches.len())
                } else {
                    "file db".into()
                },
                secs: batches,
            });
        }
        dbs.push((size, db));
    }
    // Fresh servers on the finished databases, measured in interleaved rounds.
    let mut servers = Vec::new();
    for (size, db) in &dbs {
        let server = ctx.emulator(Some(db))?;
        std::thread::sleep(Duration::from_millis(200));
        rep.lookup_rss_idle_kib
            .push((*size, server.rss_kib().unwrap_or(0)));
        servers.push((*size, server));
    }
    let mut results: Vec<(u64, Vec<LoadResult>, Option<u64>)> =
        sizes.iter().map(|&s| (s, Vec::new(), None)).collect();
    for round in 0..ctx.rounds {
        for (i, (size, server)) in servers.iter().enumerate() {
            let (r, rss) = ctx.load(server, concurrency, Ids::UpTo(*size), true)?;
            results[i].1.push(r);
            results[i].2 = results[i].2.max(rss);
            progress(&format!(
                "round {}/{} lookups over {size}: {:.0} req/s",
                round + 1,
                ctx.rounds,
                r.rps
            ));
        }
    }
    for (_, server) in servers {
        server.stop();
    }
    for (size, db) in &dbs {
        let bytes = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
        rep.db_bytes.push((*size, bytes));
    }
    rep.lookups = results;
    Ok(())
}
