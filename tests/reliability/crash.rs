//! Crash safety: SIGKILL while a large admin seed is in flight into a `--db` file.
//! Afterwards the batch is wholly there or wholly absent, the records from before
//! are intact, `PRAGMA integrity_check` says `ok`, and the emulator restarts on the
//! file and serves it.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::*;

/// Records per batch: `TCSS_CRASH_RECORDS`, default 100,000 (a debug build seeds
/// them in 2 to 5 s, which keeps this test near 15 s; 200,000 takes 12 to 18 s a
/// seed). One batch is one admin body, at most 64 MiB: about 750,000 of these records.
fn batch_size() -> u64 {
    std::env::var("TCSS_CRASH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// A fixture document of `size` records with Ids from `first`.
fn batch(first: u64, size: u64) -> Vec<u8> {
    let mut out = String::with_capacity(size as usize * 80);
    out.push_str("{\"images\":[");
    for id in first..first + size {
        if id > first {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"Id\":{id},\"ImageName\":\"img-{id}\",\"ImageTag\":\"v1\",\"VulCnt\":3,\"ScanStatus\":\"SCANNED\"}}"
        ));
    }
    out.push_str("]}");
    out.into_bytes()
}

fn seed_request(addr: std::net::SocketAddr, body: &[u8]) -> Vec<u8> {
    Wire::new("POST", "/_emulator/fixtures")
        .header("Host", addr.to_string())
        .header("Content-Type", "application/json")
        .body(body)
        .bytes()
}

/// `(records with Ids in first..first+size, all records, integrity_check)`, read
/// straight from the file.
fn inspect(db: &Path, first: u64, size: u64) -> (u64, u64, String) {
    let conn = rusqlite::Connection::open(db).expect("the database opens");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    let count = |sql: &str| -> u64 {
        conn.query_row(
            sql,
            [
                i64::try_from(first).unwrap(),
                i64::try_from(first + size).unwrap(),
            ],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| u64::try_from(n).unwrap())
        .expect("count")
    };
    let in_batch = count("SELECT count(*) FROM images WHERE id >= ?1 AND id < ?2");
    let all = count("SELECT count(*) FROM images WHERE ?1 >= 0 AND ?2 >= 0");
    (in_batch, all, integrity)
}

async fn health_records(addr: std::net::SocketAddr) -> u64 {
    let wire = Wire::new("GET", "/_emulator/health").header("Host", addr.to_string());
    let reply = exchange(
        addr,
        wire.bytes(),
        After::Read,
        false,
        Duration::from_secs(30),
    )
    .await
    .unwrap()
    .expect("health answers");
    let v: Value = serde_json::from_slice(&reply.body).unwrap();
    v["records"].as_u64().expect("records")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_large_seed_leaves_the_batch_whole_or_absent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.sqlite");
    let db_arg = db.to_str().unwrap().to_string();
    let args = ["--db", db_arg.as_str(), "--rate-limit", "0"];

    // A complete seed first: how long one takes, and the records later rounds must
    // never lose.
    let mut bin = Binary::start(&args, dir.path(), "crash-0.log");
    let base = 1_000_000;
    let size = batch_size();
    let body = batch(base, size);
    let started = Instant::now();
    let reply = exchange(
        bin.addr,
        seed_request(bin.addr, &body),
        After::Read,
        false,
        Duration::from_secs(60),
    )
    .await
    .unwrap()
    .expect("the seed answers");
    let full = started.elapsed();
    assert_eq!(reply.status, 200, "{}", reply.text());
    bin.assert_healthy("after the first seed");
    bin.kill9();
    let (n, mut before, integrity) = inspect(&db, base, size);
    assert_eq!(integrity, "ok");
    assert_eq!(n, size, "an acknowledged batch must be whole after SIGKILL");

    // Then kill at several points after the last byte of a new batch was written:
    // at once, and at fractions of the time a whole seed took.
    let mut outcomes = Vec::new();
    for (round, fraction) in [0.0, 0.5, 0.8, 0.95].into_iter().enumerate() {
        let first = base + size * (round as u64 + 1);
        let mut bin = Binary::start(&args, dir.path(), &format!("crash-{}.log", round + 1));
        let request = seed_request(bin.addr, &batch(first, size));
        let mut conn = Conn::open(bin.addr).await.unwrap();
        conn.send(&request).await.unwrap();
        // Race-free: the whole body is written and no answer can have been read.
        tokio::time::sleep(full.mul_f64(fraction)).await;
        bin.kill9();
        drop(conn);

        let (n, all, integrity) = inspect(&db, first, size);
        assert_eq!(integrity, "ok", "round {round}: integrity_check");
        assert!(
            n == 0 || n == size,
            "round {round}: {n} of {size} records of the killed batch are in the file"
        );
        assert_eq!(
            all,
            before + n,
            "round {round}: records from before were lost or duplicated"
        );
        outcomes.push(if n == 0 { "absent" } else { "whole" });

        // Restart on the same file: it opens, and serves what the file holds.
        let mut again = Binary::start(&args, dir.path(), &format!("restart-{}.log", round + 1));
        let served = health_records(again.addr).await;
        again.assert_healthy("after a restart on a killed database");
        assert_eq!(served, all, "round {round}: served records vs the file");
        again.kill9();
        let (_, after_restart, integrity) = inspect(&db, first, size);
        assert_eq!(integrity, "ok");
        assert_eq!(after_restart, all);
        // The next round starts from what is there now.
        before = all;
    }
    eprintln!(
        "crash safety: a {size}-record seed takes {full:?}; killed rounds: {}",
        outcomes.join(", ")
    );
}
