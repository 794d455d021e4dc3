//! A list over a large collection: an in-process emulator
//! (`tcss_emulator::testing::Emulator`, no bundled fixtures) seeded with N hosts through
//! `POST /_emulator/fixtures` in batches of 500, then `DescribeAssetHostList` with
//! three filters (two exact, one substring), sorted, a page of 10, TC3-signed, one
//! call at a time. The first list after the seed builds the collection's column view
//! (`src/store/columns.rs`) and is reported apart; the rest are the steady state.
//! Then, 20 times, one host changed through the admin route and the list right after.
//! The hosts are `records::host`; `tcss-bench run` measures the same list over a
//! spawned emulator process (its "Lists" section).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

use serde_json::json;
use tcss_emulator::testing::Emulator;

use crate::load::percentile;
use crate::records;

#[derive(Debug, Clone, clap::Args)]
pub struct ListsArgs {
    /// Hosts seeded.
    #[arg(long, default_value_t = 100_000)]
    pub records: u64,
    /// Lists measured after the first.
    #[arg(long, default_value_t = 200)]
    pub rounds: usize,
}

/// The list measured (here and by `tcss-bench run`).
pub const ACTION: &str = "DescribeAssetHostList";

/// Its parameters: three filters (two exact, one substring), sorted, a page of 10.
pub fn params() -> serde_json::Value {
    json!({
        "Filters": [
            {"Name": "Status", "Values": ["ONLINE"], "ExactMatch": true},
            {"Name": "MachineType", "Values": ["CVM"], "ExactMatch": true},
            {"Name": "HostName", "Values": ["web"]},
        ],
        "By": "ContainerCnt",
        "Order": "desc",
        "Limit": 10,
    })
}

/// The host changed by the `i`-th "write, then list" of `records` seeded hosts (`1..=records`).
pub fn written_host(i: u64, records: u64) -> u64 {
    1 + (i * 7919) % records.max(1)
}

/// The "write, then list" rounds.
pub const AFTER_WRITE_ROUNDS: u64 = 20;

/// `POST path` with a JSON body on a new connection; the answer's body.
fn post(addr: SocketAddr, path: &str, body: &str) -> crate::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    if !answer.starts_with("HTTP/1.1 200") {
        return Err(format!("{path}: {}", answer.lines().next().unwrap_or("")).into());
    }
    Ok(answer)
}

/// What one measurement found.
#[derive(Debug, Clone)]
pub struct ListsResult {
    pub records: u64,
    pub seed_secs: f64,
    pub first_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub matched: u64,
    /// A list right after one record was written (the view is patched): p50.
    pub after_write_p50_ms: f64,
    pub after_write_max_ms: f64,
}

/// Hosts per `POST /_emulator/fixtures`.
pub const BATCH: u64 = 500;

pub fn measure(records: u64, rounds: usize) -> crate::Result<ListsResult> {
    let emu = Emulator::builder()
        .rate_limit(0)
        .without_bundled_fixtures()
        .start()?;
    let started = Instant::now();
    let mut from = 1;
    while from <= records {
        let to = (from + BATCH - 1).min(records);
        post(
            emu.addr(),
            "/_emulator/fixtures",
            &records::hosts_document(from, to),
        )?;
        from = to + 1;
    }
    let seed_secs = started.elapsed().as_secs_f64();
    let params = params();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let call = || -> crate::Result<(f64, u64)> {
        let t = Instant::now();
        let answer = rt.block_on(emu.call(ACTION, params.clone()))?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if answer.get("Error").is_some() || answer["List"].as_array().is_none_or(Vec::is_empty) {
            return Err(format!("unexpected answer: {answer}").into());
        }
        Ok((ms, answer["TotalCount"].as_u64().unwrap_or(0)))
    };
    let (first_ms, matched) = call()?;
    let mut times: Vec<u64> = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let (ms, _) = call()?;
        times.push((ms * 1000.0) as u64);
    }
    times.sort_unstable();
    // A write, then the list: the kept view follows the one record written.
    let mut after_write: Vec<u64> = Vec::new();
    for i in 0..AFTER_WRITE_ROUNDS {
        let doc = records::changed_host_document(written_host(i, records));
        post(emu.addr(), "/_emulator/fixtures", &doc)?;
        let (ms, _) = call()?;
        after_write.push((ms * 1000.0) as u64);
    }
    after_write.sort_unstable();
    Ok(ListsResult {
        after_write_p50_ms: percentile(&after_write, 0.50) / 1000.0,
        after_write_max_ms: after_write.last().copied().unwrap_or(0) as f64 / 1000.0,
        records,
        seed_secs,
        first_ms,
        p50_ms: percentile(&times, 0.50) / 1000.0,
        p99_ms: percentile(&times, 0.99) / 1000.0,
        matched,
    })
}

pub fn main(args: &ListsArgs) -> crate::Result<()> {
    let r = measure(args.records, args.rounds)?;
    println!(
        "| hosts | seeded (batches of 500) | first list (builds the view) | list p50 | list p99 | list after a write: p50 (max) | matched |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {:.2} s | {:.1} ms | {:.2} ms | {:.2} ms | {:.2} ms ({:.2} ms) | {} |",
        r.records,
        r.seed_secs,
        r.first_ms,
        r.p50_ms,
        r.p99_ms,
        r.after_write_p50_ms,
        r.after_write_max_ms,
        r.matched
    );
    Ok(())
}
