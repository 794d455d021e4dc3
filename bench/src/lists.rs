//! A list over a large collection: an in-process emulator
//! (`tcss_emulator::testing::Emulator`, no bundled fixtures) seeded with N hosts through
//! `POST /_emulator/fixtures` in batches of 500, then `DescribeAssetHostList` with
//! three filters (two exact, one substring), sorted, a page of 10, TC3-signed, one
//! call at a time. The first list after the seed builds the collection's column view
//! (`src/store/columns.rs`) and is reported apart; the rest are the steady state.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

use serde_json::json;
use tcss_emulator::testing::Emulator;

use crate::load::{Rng, percentile};

#[derive(Debug, Clone, clap::Args)]
pub struct ListsArgs {
    /// Hosts seeded.
    #[arg(long, default_value_t = 100_000)]
    pub records: u64,
    /// Lists measured after the first.
    #[arg(long, default_value_t = 200)]
    pub rounds: usize,
}

const GROUPS: &[&str] = &["default", "web", "payments", "search", "infra", "data"];
const STATUSES: &[&str] = &["ONLINE", "OFFLINE", "UNINSTALL"];
const MACHINES: &[&str] = &["CVM", "ECM", "LH", "BM", "Other"];
const DOCKER: &[&str] = &["20.10.7", "20.10.21", "24.0.5", "19.03.9", "26.1.0"];
const ROLES: &[&str] = &["web", "db", "cache", "worker", "gateway", "batch"];

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[(rng.next() % from.len() as u64) as usize]
}

/// One `HostInfo` record (26 fields, ≈ 700 bytes), deterministic per `i`.
fn host(i: u64, out: &mut String) {
    let mut rng = Rng::new(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let ip = rng.next();
    let _ = write!(
        out,
        "{{\"HostID\":\"host-{i:08x}\",\"HostIP\":\"10.{}.{}.{}\",\"HostName\":\"{}-{i}\",\
         \"Group\":\"{}\",\"DockerVersion\":\"{}\",\"DockerFileSystemDriver\":\"overlay2\",\
         \"ImageCnt\":{},\"ContainerCnt\":{},\"Status\":\"{}\",\"IsContainerd\":{},\
         \"MachineType\":\"{}\",\"PublicIp\":\"43.{}.{}.{}\",\"Uuid\":\"{:016x}{:016x}\",\
         \"InstanceID\":\"ins-{:08x}\",\"RegionID\":{},\"Project\":{{\"ProjectID\":0,\"ProjectName\":\"default\"}},\
         \"Tags\":[],\"ClusterID\":\"cls-{:08x}\",\"ClusterName\":\"cluster-{}\",\
         \"ClusterAccessedStatus\":\"AccessedInstalled\",\"ChargeCoresCnt\":{},\
         \"DefendStatus\":\"Defended\",\"CoresCnt\":{},\"LastOnlineTime\":\"2026-11-{:02} 10:00:00\"}}",
        ip % 256,
        (ip >> 8) % 256,
        (ip >> 16) % 256,
        pick(&mut rng, ROLES),
        pick(&mut rng, GROUPS),
        pick(&mut rng, DOCKER),
        rng.next() % 40,
        rng.next() % 120,
        pick(&mut rng, STATUSES),
        rng.next().is_multiple_of(2),
        pick(&mut rng, MACHINES),
        ip % 256,
        (ip >> 24) % 256,
        (ip >> 32) % 256,
        rng.next(),
        rng.next(),
        rng.next() as u32,
        1 + rng.next() % 30,
        i % 50,
        i % 50,
        rng.next() % 16,
        [2, 4, 8, 16, 32][(rng.next() % 5) as usize],
        1 + rng.next() % 28,
    );
}

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
}

pub fn measure(records: u64, rounds: usize) -> crate::Result<ListsResult> {
    let emu = Emulator::builder()
        .rate_limit(0)
        .without_bundled_fixtures()
        .start()?;
    let started = Instant::now();
    let mut from = 0;
    while from < records {
        let to = (from + 500).min(records);
        let mut doc = String::from("{\"hosts\":[");
        for i in from..to {
            if i != from {
                doc.push(',');
            }
            host(i, &mut doc);
        }
        doc.push_str("]}");
        post(emu.addr(), "/_emulator/fixtures", &doc)?;
        from = to;
    }
    let seed_secs = started.elapsed().as_secs_f64();
    let params = json!({
        "Filters": [
            {"Name": "Status", "Values": ["ONLINE"], "ExactMatch": true},
            {"Name": "MachineType", "Values": ["CVM"], "ExactMatch": true},
            {"Name": "HostName", "Values": ["web"]},
        ],
        "By": "ContainerCnt",
        "Order": "desc",
        "Limit": 10,
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let call = || -> crate::Result<(f64, u64)> {
        let t = Instant::now();
        let answer = rt.block_on(emu.call("DescribeAssetHostList", params.clone()))?;
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
    Ok(ListsResult {
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
        "| hosts | seeded (batches of 500) | first list (builds the view) | list p50 | list p99 | matched |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {:.2} s | {:.1} ms | {:.2} ms | {:.2} ms | {} |",
        r.records, r.seed_secs, r.first_ms, r.p50_ms, r.p99_ms, r.matched
    );
    Ok(())
}
