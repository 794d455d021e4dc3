//! Load and soak: a thousand connections at once, a soak at full speed whose memory
//! must stay flat (within a fixed margin that allocator noise does not reach), and
//! the rate limiter's memory under 100,000 distinct SecretIds.
//!
//! The soak runs `TCSS_SOAK_SECS` seconds (default 10) in the normal suite; the long
//! version is `TCSS_SOAK_SECS=300 cargo test --test reliability soak -- --nocapture`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::support::*;

const OK: &str = r#"{"Id": 5427}"#;
const IMAGE_ID: &str = "sha256:e68ba1280908f76a9e22a813b9ea0c7358e9bcf0ed616fddf88dad557e33d1ca";

/// `(soft, hard)` limit on open files of this process.
fn fd_limits() -> (u64, u64) {
    let limits = std::fs::read_to_string("/proc/self/limits").expect("/proc/self/limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("Max open files");
    let nums: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[0], nums[1])
}

/// Raises this process's soft limit on open files to `need` when it is lower (with
/// util-linux `prlimit`, up to the hard limit), or fails saying what to do.
fn ensure_fds(need: u64) {
    let (soft, hard) = fd_limits();
    if soft >= need {
        return;
    }
    assert!(
        hard >= need,
        "{need} file descriptors needed, the hard limit is {hard}: raise it (ulimit -Hn)"
    );
    let pid = std::process::id().to_string();
    let status = std::process::Command::new("prlimit")
        .args(["--pid", &pid, &format!("--nofile={need}:{hard}")])
        .status();
    let (soft, _) = fd_limits();
    assert!(
        soft >= need,
        "{need} file descriptors needed, the soft limit is {soft} (prlimit: {status:?}): run `ulimit -n {need}` first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_connections_each_make_a_signed_call() {
    const N: usize = 1_000;
    // Both ends of every connection live in this process.
    ensure_fds(2 * N as u64 + 256);
    let app = spawn(&["--rate-limit", "0"]).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(N));
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    for i in 0..N {
        let barrier = barrier.clone();
        let addr = app.addr;
        let s = app.signer();
        tasks.spawn(async move {
            let conn = Conn::open(addr).await;
            // Every connection is open before any sends (even a failed one waits, so
            // the others are not left at the barrier).
            barrier.wait().await;
            let mut conn = conn.map_err(|e| format!("connection {i}: {e}"))?;
            let reply = conn
                .call(&s.json(DETAIL, OK).bytes())
                .await
                .map_err(|e| format!("connection {i}: {e}"))?;
            match reply.code().as_deref() {
                Some("") => Ok(()),
                _ => Err(format!("connection {i}: {}", reply.text())),
            }
        });
    }
    let mut failures = Vec::new();
    let all = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(r) = tasks.join_next().await {
            if let Err(e) = r.expect("task") {
                failures.push(e);
            }
        }
    })
    .await;
    assert!(all.is_ok(), "1,000 calls did not finish within 60 s");
    eprintln!(
        "1,000 concurrent connections: {} failed, {:?} in all",
        failures.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
    assert_serves(app.addr, &app.signer()).await.unwrap();
    assert_eq!(server_panics(), 0);
}

/// One call of the soak's mix: detail by Id, by ImageId, a filtered list, a legacy GET.
fn soak_call(s: &Signer, n: u64) -> Vec<u8> {
    match n % 4 {
        0 => s.json(DETAIL, OK),
        1 => s.json(DETAIL, &format!("{{\"ImageId\": \"{IMAGE_ID}\"}}")),
        2 => s.json(
            LIST,
            r#"{"Filters": [{"Name": "ImageName", "Values": ["person"]}], "Limit": 5}"#,
        ),
        _ => s.legacy("GET", LIST, &[("Limit", "5"), ("Order", "desc")], &[]),
    }
    .bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_at_full_speed_with_64_connections() {
    let secs: u64 = std::env::var("TCSS_SOAK_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let dir = tempfile::tempdir().unwrap();
    // Two malloc arenas: glibc otherwise gives each new thread of tokio's blocking
    // pool an arena of its own, and that growth would hide (or fake) a leak.
    let mut bin = Binary::start_with_env(
        &["--rate-limit", "0"],
        &[("MALLOC_ARENA_MAX", "2")],
        dir.path(),
        "soak.log",
    );
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut tasks = JoinSet::new();
    for c in 0..64u64 {
        let (stop, ok, errors, addr) = (stop.clone(), ok.clone(), errors.clone(), bin.addr);
        tasks.spawn(async move {
            let mut conn = match Conn::open(addr).await {
                Ok(c) => c,
                Err(e) => {
                    errors.lock().unwrap().push(format!("connect: {e}"));
                    return;
                }
            };
            let mut n = c;
            while !stop.load(Ordering::Relaxed) {
                let s = Signer::new(addr, chrono::Utc::now().timestamp());
                match conn.call(&soak_call(&s, n)).await {
                    Ok(r) if r.code().as_deref() == Some("") => {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(r) => errors.lock().unwrap().push(r.text()),
                    Err(e) => {
                        errors.lock().unwrap().push(format!("connection {c}: {e}"));
                        return;
                    }
                }
                n += 1;
            }
        });
    }
    // Memory and threads, sampled four times a second.
    let started = Instant::now();
    let mut samples: Vec<(f64, u64, u64)> = Vec::new();
    while started.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        samples.push((
            started.elapsed().as_secs_f64(),
            bin.rss_kib(),
            bin.status_value("Threads"),
        ));
    }
    stop.store(true, Ordering::Relaxed);
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed().as_secs_f64();
    bin.assert_healthy("after the soak");
    assert_serves(bin.addr, &bin.signer()).await.unwrap();
    // The shape, ten points: seconds, RSS KiB, threads.
    let step = (samples.len() / 10).max(1);
    let shape: Vec<String> = samples
        .iter()
        .skip(step - 1)
        .step_by(step)
        .map(|(t, r, th)| format!("{t:.0}s {r}K {th}t"))
        .collect();
    eprintln!("soak RSS: {}", shape.join(", "));

    let calls = ok.load(Ordering::Relaxed);
    let errors = errors.lock().unwrap().clone();
    // Warm-up: the first fifth (at least 2 s) fills the journal, the metrics and the
    // caches. From then on the resident set may grow by at most 4 MiB, plus 256 KiB
    // for each thread tokio's blocking pool adds meanwhile (a thread's stack and
    // buffers: the pool grows with the number of store calls waiting at once). The
    // margin is fixed, not a share of the baseline: allocator noise stays under 1 MiB
    // here (+0.3 to +0.8 MiB in 10 s soaks on a loaded machine, +3.5 % over 300 s), while
    // a leak of a kilobyte a call crosses 4 MiB within the first 5,000 calls.
    let warm = (secs as f64 / 5.0).max(2.0);
    let after: Vec<(u64, u64)> = samples
        .iter()
        .filter(|(t, _, _)| *t >= warm)
        .map(|(_, r, th)| (*r, *th))
        .collect();
    let (baseline, threads0) = *after.first().expect("samples after the warm-up");
    let (peak, _) = after.iter().copied().max().unwrap_or((baseline, threads0));
    let (last, threads1) = *after.last().unwrap_or(&(baseline, threads0));
    let allowance = 4 * 1024 + threads1.saturating_sub(threads0) * 256;
    eprintln!(
        "soak: {secs} s, 64 connections: {calls} calls ({:.0}/s), {} errors; RSS {baseline} KiB at {warm:.0} s, peak {peak} KiB, last {last} KiB ({:+.1} %); threads {threads0} -> {threads1}",
        calls as f64 / elapsed,
        errors.len(),
        (peak as f64 / baseline as f64 - 1.0) * 100.0
    );
    assert!(
        errors.is_empty(),
        "{} errors, e.g. {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(calls > 0);
    assert!(
        peak <= baseline + allowance,
        "RSS grew from {baseline} KiB to {peak} KiB during the soak (allowed: +{allowance} KiB): {}",
        shape.join(", ")
    );
}

/// An example-backed action without required parameters: the cheapest full trip
/// through the pipeline (signature, rate limit, validation, answer).
const CHEAP: &str = "InitializeUserComplianceEnvironment";

/// A skip-mode call that names its SecretId in the credential scope.
fn skip_call(host: &str, secret_id: &str) -> Vec<u8> {
    Wire::new("POST", "/")
        .header("Host", host)
        .header("Content-Type", "application/json")
        .header(
            "Authorization",
            format!(
                "TC3-HMAC-SHA256 Credential={secret_id}/2020-01-01/tcss/tc3_request, SignedHeaders=host, Signature=00"
            ),
        )
        .header("X-TC-Action", CHEAP)
        .header("X-TC-Version", VERSION)
        .body("{}")
        .bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limiter_state_stays_bounded_under_100k_secret_ids() {
    const IDS: usize = 100_000;
    const PER_BATCH: usize = 1_000;
    const CONNS: usize = 8;
    // The default limit (20/s): every SecretId is used once, so all must pass.
    let app = spawn(&["--signature", "skip"]).await;
    let host = app.addr.to_string();
    let mut conns = Vec::new();
    for _ in 0..CONNS {
        conns.push(Conn::open(app.addr).await.unwrap());
    }
    let started = Instant::now();
    let (mut ok, mut max_tracked) = (0usize, 0usize);
    let mut refused = Vec::new();
    for batch in 0..IDS / PER_BATCH {
        let mut set = JoinSet::new();
        for (c, mut conn) in conns.drain(..).enumerate() {
            let per = PER_BATCH / CONNS;
            let mut bytes = Vec::new();
            for k in 0..per {
                let id = format!("AKIDload{}", batch * PER_BATCH + c * per + k);
                bytes.extend(skip_call(&host, &id));
            }
            // Pipelined: one write, then the answers in order.
            set.spawn(async move {
                conn.send(&bytes).await.expect("send");
                let mut codes = Vec::with_capacity(per);
                for _ in 0..per {
                    let r = conn.read(false).await.expect("read").expect("an answer");
                    codes.push(r.code().unwrap_or_else(|| r.text()));
                }
                (conn, codes)
            });
        }
        while let Some(done) = set.join_next().await {
            let (conn, codes) = done.expect("task");
            conns.push(conn);
            for code in codes {
                if code.is_empty() {
                    ok += 1;
                } else if refused.len() < 5 {
                    refused.push(code);
                }
            }
        }
        max_tracked = max_tracked.max(app.state.limiter.tracked_keys());
        // The next thousand SecretIds a little over a window later.
        app.state.clock.advance_ms(1_100);
    }
    eprintln!(
        "rate limiter: {IDS} SecretIds in {:?}, at most {max_tracked} windows held, {} now",
        started.elapsed(),
        app.state.limiter.tracked_keys()
    );
    assert_eq!(ok, IDS, "refused calls, e.g. {refused:?}");
    // Idle windows are swept once the map reaches its last swept size (at least
    // 4,096): with 1,000 live SecretIds a second, never more than that.
    assert!(
        max_tracked <= 8_192,
        "{max_tracked} rate-limit windows held for 1,000 live SecretIds"
    );
    assert_eq!(server_panics(), 0);
}
