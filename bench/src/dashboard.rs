//! How long the dashboard's Requests page takes with a full journal: an in-process
//! emulator (`tcss_emulator::testing::Emulator`) whose journal holds 1,000 calls
//! (successes, `ResourceNotFound` and refused signatures, as a test run leaves them),
//! then `GET /_emulator/ui/requests` over loopback on a new connection each time, from
//! sending the request to the last byte of the page. Median and slowest of rounds.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use serde_json::json;
use tcss_emulator::testing::Emulator;

#[derive(Debug, Clone, clap::Args)]
pub struct DashboardArgs {
    /// Calls in the journal (its default size is 1,000).
    #[arg(long, default_value_t = 1000)]
    pub calls: usize,
    /// Page loads measured (the median is reported).
    #[arg(long, default_value_t = 30)]
    pub rounds: usize,
}

/// One page's figures.
#[derive(Debug, Clone)]
pub struct PageResult {
    pub path: &'static str,
    pub bytes: usize,
    pub median_ms: f64,
    pub max_ms: f64,
}

/// `GET path` on a new connection; the time to the last byte and the bytes read.
fn load(addr: std::net::SocketAddr, path: &str) -> crate::Result<(f64, usize)> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut page = Vec::new();
    stream.read_to_end(&mut page)?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if !page.starts_with(b"HTTP/1.1 200") {
        return Err(format!("{path} did not answer 200").into());
    }
    Ok((ms, page.len()))
}

/// Fills the journal with `calls` calls, then loads each page `rounds` times.
pub fn measure(calls: usize, rounds: usize) -> crate::Result<Vec<PageResult>> {
    let emu = Emulator::builder().rate_limit(0).start()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        for i in 0..calls {
            let _ = match i % 10 {
                0 => {
                    emu.call_signed_with(
                        "stale-key",
                        "DescribeAssetImageRegistryDetail",
                        json!({"Id": 5427}),
                    )
                    .await
                }
                1..=3 => {
                    emu.call("DescribeAssetImageRegistryDetail", json!({"Id": i}))
                        .await
                }
                _ => {
                    emu.call("DescribeAssetImageRegistryDetail", json!({"Id": 5427}))
                        .await
                }
            }?;
        }
        Ok::<_, crate::Error>(())
    })?;
    let mut results = Vec::new();
    for path in [
        "/_emulator/ui/requests",
        "/_emulator/ui/requests?fragment=rows",
    ] {
        let mut times = Vec::with_capacity(rounds);
        let mut bytes = 0;
        for _ in 0..rounds.max(1) {
            let (ms, n) = load(emu.addr(), path)?;
            times.push(ms);
            bytes = n;
        }
        times.sort_by(f64::total_cmp);
        results.push(PageResult {
            path,
            bytes,
            median_ms: times[times.len() / 2],
            max_ms: times[times.len() - 1],
        });
    }
    Ok(results)
}

pub fn main(args: &DashboardArgs) -> crate::Result<()> {
    let results = measure(args.calls, args.rounds)?;
    println!(
        "| page ({} calls in the journal) | bytes | median | slowest of {} |",
        args.calls, args.rounds
    );
    println!("|---|---|---|---|");
    for r in &results {
        println!(
            "| `{}` | {} | {:.1} ms | {:.1} ms |",
            r.path, r.bytes, r.median_ms, r.max_ms
        );
    }
    Ok(())
}
