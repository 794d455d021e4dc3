//! `tcss-bench run`: every measurement, in one run, then the table.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::Method;

use crate::load::LoadResult;
use crate::procs::{self, Placement, Server, TempDir};
use crate::report::{self, ListLoad, Lists, Report, Seeding, Throughput};
use crate::{Result, client, lists, microbench, records};

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
/// Records per `POST /_emulator/fixtures`, in every seeding.
pub const BATCH: u64 = 500;
/// Stateful lists with a page of 10, measured against the Detail call at concurrency
/// 64 on the throughput emulator (bundled fixtures): (action, parameters).
const STATEFUL_LISTS: [(&str, &str); 2] = [
    ("DescribeAssetHostList", r#"{"Limit":10}"#),
    ("DescribeAssetClusterList", r#"{"Limit":10}"#),
];

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

/// What the calls of a load run ask.
#[derive(Clone, Copy)]
enum Calls<'a> {
    /// The Detail call for this Id.
    One(u64),
    /// The Detail call for random Ids from 1 to this.
    UpTo(u64),
    /// This action with these parameters (JSON).
    Action(&'a str, &'a str),
}

/// A seeding's document of the records `from..=to`.
type DocFn = fn(u64, u64) -> String;

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

    // Quick: 10k hosts instead of 100k (the report says so).
    let hosts = if quick { 10_000 } else { 100_000 };
    progress("seeding");
    seeding(&ctx, if quick { 1 } else { 3 }, hosts, &mut rep)?;

    progress(&format!(
        "a filtered, sorted, paged list over {hosts} hosts"
    ));
    list_over_hosts(&ctx, hosts, &mut rep)?;

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
        self.emulator_with(db, &[])
    }

    fn emulator_with(&self, db: Option<&Path>, extra: &[&str]) -> Result<Server> {
        procs::emulator(&self.place, &self.emulator, db, extra)
    }

    /// One `tcss-bench load` run against `server`: the load figures, the server's CPU
    /// time per answer, and (with `sample_rss`) its RSS mid-run.
    fn load(
        &self,
        server: &Server,
        concurrency: usize,
        calls: Calls<'_>,
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
        match calls {
            Calls::One(id) => cmd.args(["--id", &id.to_string()]),
            Calls::UpTo(max) => cmd.args(["--id-max", &max.to_string()]),
            Calls::Action(action, params) => cmd.args(["--action", action, "--params", params]),
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

    /// Seeds the records `from..=to` through `POST /_emulator/fixtures`, [`BATCH`]
    /// records per request, one request after the other on one keep-alive connection.
    /// Each document is generated before its request is sent (not timed). Returns the
    /// seconds of each request, from sending it to its answer.
    fn seed(&self, addr: SocketAddr, from: u64, to: u64, doc: DocFn) -> Result<Vec<f64>> {
        let mut conn = self.rt.block_on(client::Conn::open(addr))?;
        let mut secs = Vec::with_capacity((to + 1).saturating_sub(from).div_ceil(BATCH) as usize);
        let mut lo = from;
        while lo <= to {
            let hi = (lo + BATCH - 1).min(to);
            let req = client::admin(
                addr,
                Method::POST,
                "/_emulator/fixtures",
                Bytes::from(doc(lo, hi)),
            )?;
            let t = Instant::now();
            let (status, body) = self.rt.block_on(conn.send(req))?;
            secs.push(t.elapsed().as_secs_f64());
            check_upserted(status, &body, hi - lo + 1)?;
            lo = hi + 1;
        }
        Ok(secs)
    }

    /// One signed call of `action` on `conn`: milliseconds from sending it to the last
    /// byte of its answer, the answer's `Response`, and the answer's size in bytes.
    fn call(
        &self,
        conn: &mut client::Conn,
        addr: SocketAddr,
        action: &str,
        params: &str,
    ) -> Result<(f64, serde_json::Value, usize)> {
        let req = client::signed_call(addr, action, Bytes::from(params.to_owned()));
        let t = Instant::now();
        let (status, body) = self.rt.block_on(conn.send(req))?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if !client::is_success(status, &body) {
            return Err(format!(
                "{action} {params} failed: HTTP {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            )
            .into());
        }
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        Ok((ms, v["Response"].clone(), body.len()))
    }
}

/// The admin route's answer to a fixture document of `expect` records.
fn check_upserted(status: hyper::StatusCode, body: &[u8], expect: u64) -> Result<()> {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    if !status.is_success() || v["upserted"].as_u64() != Some(expect) {
        return Err(format!(
            "seeding {expect} records failed: HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )
        .into());
    }
    Ok(())
}

fn cold_starts(ctx: &Ctx, n: usize, rep: &mut Report) -> Result<()> {
    // Unpinned: a start as a user (or CI) gets it.
    let place = Placement { cpu: None };
    for _ in 0..n {
        let cmd = procs::emulator_command(&place, &ctx.emulator, None, &[]);
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
    // The stateful lists must answer (not an `Error`) before they are measured.
    let mut lists: Vec<ListLoad> = Vec::new();
    {
        let mut conn = ctx.rt.block_on(client::Conn::open(emulator.addr))?;
        for (action, params) in STATEFUL_LISTS {
            let (_, answer, bytes) = ctx.call(&mut conn, emulator.addr, action, params)?;
            lists.push(ListLoad {
                action: action.into(),
                params: params.into(),
                body_bytes: bytes,
                total_count: answer["TotalCount"].as_u64(),
                runs: Vec::new(),
            });
        }
    }
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
                    let (r, rss) = ctx.load(&emulator, c, Calls::One(DETAIL_ID), c == 64)?;
                    rep.rss_load_kib.extend(rss);
                    row.emulator.push(r);
                } else {
                    let (r, _) = ctx.load(&ceiling, c, Calls::One(DETAIL_ID), false)?;
                    row.ceiling.push(r);
                }
            }
            if c == 64 {
                // The stateful lists, on the same emulator, in the same round.
                for list in &mut lists {
                    let calls = Calls::Action(&list.action, &list.params);
                    let (r, _) = ctx.load(&emulator, c, calls, false)?;
                    progress(&format!(
                        "round {}/{} c={c}: {} {}: {:.0} req/s ({:.1} µs CPU/answer)",
                        round + 1,
                        ctx.rounds,
                        list.action,
                        list.params,
                        r.rps,
                        r.server_cpu_us
                    ));
                    list.runs.push(r);
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
    rep.list_throughput = lists;
    ceiling.stop();
    emulator.stop();

    // Calibration: the ceiling doing N µs of busy work per answer shows how req/s
    // falls with CPU per answer on this machine, the emulator's place on that curve,
    // and the CPU per answer the 0.70× target allows here.
    for spin_us in CALIBRATION_US {
        let ceiling = procs::ceiling(&ctx.place, &ctx.me, &body_file, spin_us * 1000)?;
        let mut runs = Vec::new();
        for _ in 0..ctx.rounds.div_ceil(2) {
            runs.push(ctx.load(&ceiling, 64, Calls::One(DETAIL_ID), false)?.0);
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

/// Seeding through the admin route, in batches of [`BATCH`], into fresh emulators
/// (in memory, with their bundled fixtures, which the seeded records join): images
/// 10k and 100k, and `hosts` hosts. Rounds are interleaved over the three.
fn seeding(ctx: &Ctx, rounds: usize, hosts: u64, rep: &mut Report) -> Result<()> {
    let plan: [(&'static str, u64, DocFn); 3] = [
        ("images", 10_000, records::document),
        ("images", 100_000, records::document),
        ("hosts", hosts, records::hosts_document),
    ];
    let mut rows: Vec<Seeding> = plan
        .iter()
        .map(|&(collection, n, _)| Seeding {
            records: n,
            collection,
            file_db: false,
            requests: n.div_ceil(BATCH),
            ..Seeding::default()
        })
        .collect();
    for round in 0..rounds {
        for (row, &(collection, n, doc)) in rows.iter_mut().zip(&plan) {
            let server = ctx.emulator(None)?;
            let secs: f64 = ctx.seed(server.addr, 1, n, doc)?.iter().sum();
            let rss = server.rss_kib();
            let hwm = server.hwm_kib();
            server.stop();
            progress(&format!(
                "round {}/{rounds}: seeded {n} {collection} in memory: {secs:.2} s, RSS {:.1} MiB (peak {:.1} MiB)",
                round + 1,
                rss.unwrap_or(0) as f64 / 1024.0,
                hwm.unwrap_or(0) as f64 / 1024.0
            ));
            row.secs.push(secs);
            row.rss_kib.extend(rss);
            row.hwm_kib.extend(hwm);
        }
    }
    rep.seeding.extend(rows);
    Ok(())
}

/// The list of `lists::params()` over `hosts` hosts: a fresh emulator (in memory,
/// `--fixtures none`) seeded in batches of [`BATCH`]; the first list (it builds the
/// column view), rounds of load at concurrency 1 (latency) and 64 (throughput)
/// interleaved, then "a write, then the list", [`lists::AFTER_WRITE_ROUNDS`] times.
fn list_over_hosts(ctx: &Ctx, hosts: u64, rep: &mut Report) -> Result<()> {
    let server = ctx.emulator_with(None, &["--fixtures", "none"])?;
    let addr = server.addr;
    let seed_secs: f64 = ctx
        .seed(addr, 1, hosts, records::hosts_document)?
        .iter()
        .sum();
    let params = lists::params().to_string();
    let mut out = Lists {
        records: hosts,
        params: params.clone(),
        seed_secs,
        rss_seeded_kib: server.rss_kib(),
        ..Lists::default()
    };
    let mut conn = ctx.rt.block_on(client::Conn::open(addr))?;
    let (first_ms, answer, _) = ctx.call(&mut conn, addr, lists::ACTION, &params)?;
    if answer["List"].as_array().is_none_or(Vec::is_empty) {
        return Err(format!("the list matched nothing: {answer}").into());
    }
    out.first_ms = first_ms;
    out.matched = answer["TotalCount"].as_u64().unwrap_or(0);
    progress(&format!(
        "first list over {hosts} hosts: {first_ms:.1} ms, {} matched",
        out.matched
    ));
    // The server closes a connection left idle past its header-read timeout: a new
    // one after the load rounds.
    drop(conn);
    let calls = Calls::Action(lists::ACTION, &params);
    for round in 0..ctx.rounds {
        let (c1, _) = ctx.load(&server, 1, calls, false)?;
        let (c64, _) = ctx.load(&server, 64, calls, false)?;
        progress(&format!(
            "round {}/{} list over {hosts} hosts: c=1 p50 {:.2} ms, p99 {:.2} ms; c=64 {:.0} req/s ({:.0} µs CPU/answer)",
            round + 1,
            ctx.rounds,
            c1.p50_us / 1e3,
            c1.p99_us / 1e3,
            c64.rps,
            c64.server_cpu_us
        ));
        out.c1.push(c1);
        out.c64.push(c64);
    }
    let mut conn = ctx.rt.block_on(client::Conn::open(addr))?;
    for i in 0..lists::AFTER_WRITE_ROUNDS {
        let doc = records::changed_host_document(lists::written_host(i, hosts));
        let req = client::admin(addr, Method::POST, "/_emulator/fixtures", Bytes::from(doc))?;
        let (status, body) = ctx.rt.block_on(conn.send(req))?;
        check_upserted(status, &body, 1)?;
        let (ms, _, _) = ctx.call(&mut conn, addr, lists::ACTION, &params)?;
        out.after_write_ms.push(ms);
    }
    progress(&format!(
        "list right after a write: p50 {:.2} ms, max {:.2} ms",
        report::median(&out.after_write_ms),
        out.after_write_ms.iter().copied().fold(0.0, f64::max)
    ));
    out.rss_after_kib = server.rss_kib();
    out.hwm_kib = server.hwm_kib();
    drop(conn);
    server.stop();
    rep.lists = Some(out);
    Ok(())
}

fn lookups(ctx: &Ctx, sizes: &[u64], concurrency: usize, rep: &mut Report) -> Result<()> {
    // Build each database through the admin route, in batches of 500.
    let mut dbs = Vec::new();
    for &size in sizes {
        let db = ctx.tmp.0.join(format!("images-{size}.sqlite"));
        let server = ctx.emulator(Some(&db))?;
        let batches = ctx.seed(server.addr, 1, size, records::document)?;
        let secs: f64 = batches.iter().sum();
        let rss = server.rss_kib();
        let hwm = server.hwm_kib();
        server.stop();
        progress(&format!(
            "seeded a file database of {size} records: {secs:.2} s in {} requests",
            batches.len()
        ));
        if size >= 100_000 {
            rep.seeding.push(Seeding {
                records: size,
                collection: "images",
                file_db: true,
                requests: batches.len() as u64,
                secs: vec![secs],
                rss_kib: rss.into_iter().collect(),
                hwm_kib: hwm.into_iter().collect(),
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
            let (r, rss) = ctx.load(server, concurrency, Calls::UpTo(*size), true)?;
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
