//! The load generator: `concurrency` keep-alive HTTP/1.1 connections (hyper's client),
//! each sending the next request of a pool of pre-signed requests as soon as the last
//! answer is read, for `warmup + secs` seconds. The requests are Detail calls by Id
//! (default) or one `--action` with its `--params`, TC3-signed either way. Signing happens before the clock
//! starts, never in the hot loop. One tokio current-thread runtime: the process is
//! pinned to one core anyway.
//!
//! Throughput counts the answers completed inside the measured window; latencies are
//! those of the same answers (send → last body byte). Prints one JSON line.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::client::conn::http1;
use hyper::header::HeaderMap;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpStream;

use crate::client;

#[derive(Debug, Clone, clap::Args)]
pub struct LoadArgs {
    /// The server (emulator or ceiling).
    #[arg(long)]
    pub addr: SocketAddr,
    /// Number of connections, each with one request in flight.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Measured seconds.
    #[arg(long, default_value_t = 2.0)]
    pub secs: f64,
    /// Seconds of load before the measured window.
    #[arg(long, default_value_t = 0.5)]
    pub warmup: f64,
    /// The action of every call; default `DescribeAssetImageRegistryDetail` (by Id).
    #[arg(long)]
    pub action: Option<String>,
    /// The parameters of every call, a JSON object. Default: `{"Id": N}` (see `--id`,
    /// `--id-max`) for the Detail action, `{}` for any other action.
    #[arg(long, conflicts_with_all = ["id", "id_max"])]
    pub params: Option<String>,
    /// Ask for this Id in every call (the Detail action).
    #[arg(long, conflicts_with = "id_max")]
    pub id: Option<u64>,
    /// Ask for random Ids from 1 to this (inclusive; the Detail action).
    #[arg(long)]
    pub id_max: Option<u64>,
    /// Distinct pre-signed requests (random Ids).
    #[arg(long, default_value_t = 16384)]
    pub pool: usize,
    /// Seed of the random Ids.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// What one load run measured (the JSON line `load` prints).
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadResult {
    pub requests: u64,
    /// Every answer, warm-up and measured window alike (for CPU per request).
    pub answered: u64,
    pub errors: u64,
    pub rps: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    /// CPU time of the server per answered request, in µs (filled in by `run`).
    pub server_cpu_us: f64,
    /// Context switches of the server per answered request (filled in by `run`).
    pub server_switches: f64,
}

impl LoadResult {
    pub fn parse(line: &str) -> crate::Result<Self> {
        let v: serde_json::Value = serde_json::from_str(line.trim())?;
        let f = |k: &str| {
            v[k].as_f64()
                .ok_or_else(|| format!("load output lacks `{k}`: {line}"))
        };
        Ok(Self {
            requests: f("requests")? as u64,
            answered: f("answered")? as u64,
            errors: f("errors")? as u64,
            rps: f("rps")?,
            p50_us: f("p50_us")?,
            p99_us: f("p99_us")?,
            server_cpu_us: f64::NAN,
            server_switches: f64::NAN,
        })
    }
}

/// splitmix64: random Ids without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `1..=max`.
    pub fn id(&mut self, max: u64) -> u64 {
        1 + self.next() % max.max(1)
    }
}

type Pool = Arc<Vec<(HeaderMap, Bytes)>>;

fn build_pool(args: &LoadArgs) -> crate::Result<Pool> {
    let host = args.addr.to_string();
    let ts = client::now_secs();
    let action = args.action.as_deref().unwrap_or(client::ACTION);
    if let Some(params) = &args.params {
        let v: serde_json::Value =
            serde_json::from_str(params).map_err(|e| format!("--params: {e}"))?;
        if !v.is_object() {
            return Err("--params must be a JSON object".into());
        }
        let body = Bytes::from(v.to_string());
        let headers = client::signed_headers(&host, action, &body, ts);
        return Ok(Arc::new(vec![(headers, body)]));
    }
    if action != client::ACTION {
        if args.id.is_some() || args.id_max.is_some() {
            return Err(format!("--id and --id-max ask {}: use --params", client::ACTION).into());
        }
        let body = Bytes::from_static(b"{}");
        let headers = client::signed_headers(&host, action, &body, ts);
        return Ok(Arc::new(vec![(headers, body)]));
    }
    let ids: Vec<u64> = match (args.id, args.id_max) {
        (Some(id), _) => vec![id],
        (None, max) => {
            let max = max.unwrap_or(5427);
            let mut rng = Rng::new(args.seed);
            (0..args.pool.max(1)).map(|_| rng.id(max)).collect()
        }
    };
    Ok(Arc::new(
        ids.into_iter()
            .map(|id| {
                let body = client::detail_body(id);
                (
                    client::signed_headers(&host, client::ACTION, &body, ts),
                    body,
                )
            })
            .collect(),
    ))
}

struct Worker {
    latencies_ns: Vec<u64>,
    answered: u64,
    errors: u64,
    first_error: Option<String>,
}

pub fn main(args: &LoadArgs) -> crate::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let out = rt.block_on(run(args))?;
    println!(
        "{}",
        json!({
            "requests": out.requests,
            "answered": out.answered,
            "errors": out.errors,
            "rps": out.rps,
            "p50_us": out.p50_us,
            "p99_us": out.p99_us,
        })
    );
    Ok(())
}

async fn run(args: &LoadArgs) -> crate::Result<LoadResult> {
    let pool = build_pool(args)?;
    let mut senders = Vec::with_capacity(args.concurrency);
    for _ in 0..args.concurrency.max(1) {
        let stream = TcpStream::connect(args.addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        senders.push(sender);
    }
    let start = Instant::now();
    let from = start + Duration::from_secs_f64(args.warmup);
    let until = from + Duration::from_secs_f64(args.secs);
    let stride = pool.len() / senders.len().max(1) + 1;
    let tasks: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(w, mut sender)| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut me = Worker {
                    latencies_ns: Vec::with_capacity(1 << 16),
                    answered: 0,
                    errors: 0,
                    first_error: None,
                };
                let mut next = w * stride;
                loop {
                    let sent = Instant::now();
                    if sent >= until {
                        break;
                    }
                    let (headers, body) = &pool[next % pool.len()];
                    next += 1;
                    if sender.ready().await.is_err() {
                        me.errors += 1;
                        me.first_error.get_or_insert("connection closed".into());
                        break;
                    }
                    let answer = match sender
                        .send_request(client::post(headers.clone(), body.clone()))
                        .await
                    {
                        Ok(res) => {
                            let status = res.status();
                            match res.into_body().collect().await {
                                Ok(b) => Ok((status, b.to_bytes())),
                                Err(e) => Err(e.to_string()),
                            }
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    let done = Instant::now();
                    let broken = answer.is_err();
                    let ok = match &answer {
                        Ok((status, body)) => client::is_success(*status, body),
                        Err(_) => false,
                    };
                    if ok {
                        me.answered += 1;
                    }
                    if done >= from && done <= until {
                        if ok {
                            let ns = done.duration_since(sent).as_nanos();
                            me.latencies_ns.push(u64::try_from(ns).unwrap_or(u64::MAX));
                        } else {
                            me.errors += 1;
                        }
                    }
                    if !ok && me.first_error.is_none() {
                        me.first_error = Some(match answer {
                            Ok((status, body)) => format!(
                                "HTTP {status}: {}",
                                String::from_utf8_lossy(&body[..body.len().min(300)])
                            ),
                            Err(e) => e,
                        });
                    }
                    if broken {
                        break;
                    }
                }
                me
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut answered = 0;
    for task in tasks {
        let w = task.await?;
        answered += w.answered;
        latencies.extend(w.latencies_ns);
        errors += w.errors;
        if let Some(e) = w.first_error {
            eprintln!("tcss-bench load: first error: {e}");
        }
    }
    latencies.sort_unstable();
    let requests = latencies.len() as u64;
    Ok(LoadResult {
        requests,
        answered,
        errors,
        rps: requests as f64 / args.secs,
        p50_us: percentile(&latencies, 0.50) / 1000.0,
        p99_us: percentile(&latencies, 0.99) / 1000.0,
        server_cpu_us: f64::NAN,
        server_switches: f64::NAN,
    })
}

/// The `p` quantile (nearest rank) of sorted values.
pub fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64
}
