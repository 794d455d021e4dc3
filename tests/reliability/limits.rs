//! Inputs that attack the server's resources rather than its answers: deep and wide
//! flattened forms, heads over the limit, clients that stall. The cases that could
//! take the process down run against the real binary, so a crash fails one test
//! instead of aborting this whole test binary.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::support::*;

/// A flattened name 10,000 levels deep (`Filters.0.Name.a.a...`): what a 20 KB query
/// string can carry. The README's table makes it `InvalidParameter` either way: a
/// malformed flattened name, or `Filters.0.Name` of the wrong type (an object where a
/// string belongs). It must not take the server down.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_flattened_names_do_not_take_the_server_down() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Binary::start(&["--rate-limit", "0"], dir.path(), "deep.log");
    let s = bin.signer();
    let deep = format!(
        "Filters.0.Values.0=x&Filters.0.Name{}=v",
        ".a".repeat(10_000)
    );
    for (name, wire) in [
        ("GET query", s.get(LIST, &deep)),
        (
            "form body",
            s.post(LIST, "application/x-www-form-urlencoded", deep.as_bytes()),
        ),
    ] {
        let reply = exchange(
            bin.addr,
            wire.bytes(),
            After::Read,
            false,
            Duration::from_secs(10),
        )
        .await;
        bin.assert_healthy(&format!("after a 10,000-level flattened name in a {name}"));
        let reply = reply
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .unwrap_or_else(|| panic!("{name}: closed without an answer"));
        assert_eq!(
            reply.code().as_deref(),
            Some("InvalidParameter"),
            "{name}: {}",
            reply.text()
        );
        assert_serves(bin.addr, &bin.signer()).await.unwrap();
    }
    bin.assert_healthy("at the end");
}

/// One MiB of form parameters (the legacy POST limit) and a 4 MB multipart body,
/// every name distinct: parsing must stay linear (a quadratic parse of 130,000 names
/// would not finish within the 60 s bound). Expected `UnknownParameter` (the first
/// name is not a parameter of the action). While both bodies are in flight (all sent
/// but their last byte), a valid call on another connection must be answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wide_forms_are_parsed_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Binary::start(&["--rate-limit", "0"], dir.path(), "wide.log");
    let s = bin.signer();
    let mut form = String::with_capacity(1 << 20);
    let mut i = 0u32;
    while form.len() < (1 << 20) - 16 {
        form.push_str(&format!("P{i}=&"));
        i += 1;
    }
    let mut multipart = Vec::with_capacity(4 << 20);
    let mut j = 0u32;
    while multipart.len() < 4_000_000 {
        multipart.extend_from_slice(
            format!("--XYZ\r\nContent-Disposition: form-data; name=\"P{j}\"\r\n\r\n1\r\n")
                .as_bytes(),
        );
        j += 1;
    }
    multipart.extend_from_slice(b"--XYZ--\r\n");
    let bound = Duration::from_secs(60);
    let started = Instant::now();
    let mut held = Vec::new();
    for (name, n, wire) in [
        (
            "form",
            i,
            s.post(DETAIL, "application/x-www-form-urlencoded", form.as_bytes()),
        ),
        (
            "multipart",
            j,
            s.post(DETAIL, "multipart/form-data; boundary=XYZ", &multipart),
        ),
    ] {
        let bytes = wire.bytes();
        let (most, last) = bytes.split_at(bytes.len() - 1);
        let mut conn = Conn::open(bin.addr).await.unwrap();
        conn.send(most).await.unwrap();
        held.push((name, n, conn, last.to_vec()));
    }
    // Both bodies are in the server's hands but for one byte each.
    assert_serves(bin.addr, &s)
        .await
        .unwrap_or_else(|e| panic!("a valid call while two wide bodies were in flight: {e}"));
    for (name, n, mut conn, last) in held {
        conn.send(&last).await.unwrap();
        let reply = tokio::time::timeout(bound, conn.read(false))
            .await
            .unwrap_or_else(|_| {
                panic!("{name} body of {n} distinct names: no answer within {bound:?}")
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .unwrap_or_else(|| panic!("{name}: closed without an answer"));
        assert_eq!(
            reply.code().as_deref(),
            Some("UnknownParameter"),
            "{name}: {}",
            reply.text()
        );
    }
    eprintln!(
        "wide forms: {i} form names and {j} multipart fields answered in {:?}",
        started.elapsed()
    );
    bin.assert_healthy("after the wide forms");
    assert_serves(bin.addr, &s).await.unwrap();
}

/// A head between 64 KiB and twice that. `lib.rs` documents `MAX_HEAD_BYTES`
/// (64 KiB) as "the most a connection buffers for a request head"; hyper checks its
/// buffer limit only between reads, so a 100 KB head sent in one write is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_just_over_64_kib_is_refused() {
    let app = spawn(&[]).await;
    let s = app.signer();
    let wire = s
        .json(DETAIL, r#"{"Id": 5427}"#)
        .header("X-Pad", "a".repeat(100_000));
    let reply = exchange(
        app.addr,
        wire.bytes(),
        After::Read,
        false,
        Duration::from_secs(10),
    )
    .await
    .unwrap()
    .expect("an answer");
    assert_eq!(
        reply.status,
        431,
        "a 100 KB request head was accepted (HTTP {}, {})",
        reply.status,
        reply.text()
    );
    assert_serves(app.addr, &s).await.unwrap();
}

/// A client that sends part of its head and then nothing is disconnected by the
/// 10 s header read timeout; one that sends its head and then stalls inside the body
/// gets `InvalidParameter` when the 10 s body timer runs out (a transport timer, so
/// real time: between 9.5 s and 15 s). Both wait on the server, never on a sleep;
/// they run side by side, so this takes ~10 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_clients_are_disconnected() {
    let app = spawn(&[]).await;
    let s = app.signer();
    let bound = Duration::from_secs(15);

    let stalled_head = async {
        let mut conn = Conn::open(app.addr).await.unwrap();
        conn.send(b"POST / HTTP/1.1\r\nHost: x\r\nX-TC-Action: Desc")
            .await
            .unwrap();
        let t = Instant::now();
        let rest = tokio::time::timeout(bound, conn.until_closed()).await;
        (
            t.elapsed(),
            rest.map(|r| r.map(|b| String::from_utf8_lossy(&b).into_owned())),
        )
    };
    let stalled_body = async {
        let mut wire = s
            .json(DETAIL, r#"{"Id": 5427}"#)
            .set("Content-Length", "100");
        wire.body.truncate(6);
        let mut conn = Conn::open(app.addr).await.unwrap();
        conn.send(&wire.bytes()).await.unwrap();
        let t = Instant::now();
        let reply = tokio::time::timeout(bound, conn.read(false)).await;
        (t.elapsed(), reply)
    };
    let ((head_took, head), (body_took, body)) = tokio::join!(stalled_head, stalled_body);

    let head = head.unwrap_or_else(|_| panic!("a stalled head was not cut off within {bound:?}"));
    let head = head.unwrap();
    assert!(
        head_took >= Duration::from_secs(9),
        "closed after {head_took:?}: before the 10 s header timeout"
    );
    assert!(
        !head.contains(" 5"),
        "a stalled head got a server error: {head}"
    );
    let body = body
        .unwrap_or_else(|_| {
            panic!(
                "a client that stalls inside its body (Content-Length 100, 6 bytes sent) had \
                 no answer after {bound:?}: no body read timeout"
            )
        })
        .unwrap_or_else(|e| panic!("reading the answer to a stalled body: {e}"))
        .unwrap_or_else(|| {
            panic!("a stalled body was closed after {body_took:?} without an answer")
        });
    assert_eq!(
        body.code().as_deref(),
        Some("InvalidParameter"),
        "a stalled body after {body_took:?}: {}",
        body.text()
    );
    assert!(
        (Duration::from_millis(9_500)..=bound).contains(&body_took),
        "a stalled body was answered after {body_took:?}, not at the 10 s body timeout"
    );
    assert_serves(app.addr, &s).await.unwrap();
    assert_eq!(server_panics(), 0);
}

/// README (admin API): "errors are `{"error": {"code": "...", "message": "..."}}`".
/// A wrong method on an admin route is an error like any other.
#[tokio::test]
async fn admin_errors_are_json_even_for_a_wrong_method() {
    let app = spawn(&[]).await;
    for (method, path) in [
        ("GET", "/_emulator/fixtures"),
        ("PUT", "/_emulator/reset"),
        ("POST", "/_emulator/health"),
    ] {
        let wire = Wire::new(method, path).header("Host", app.addr.to_string());
        let reply = exchange(
            app.addr,
            wire.bytes(),
            After::Read,
            false,
            Duration::from_secs(10),
        )
        .await
        .unwrap()
        .expect("an answer");
        assert_eq!(reply.status, 405, "{method} {path}");
        let body: Option<Value> = serde_json::from_slice(&reply.body).ok();
        assert!(
            body.as_ref().is_some_and(
                |b| b["error"]["code"].is_string() && b["error"]["message"].is_string()
            ),
            "{method} {path}: HTTP 405 with body {:?} and Content-Type {:?}",
            reply.text(),
            reply.header("content-type")
        );
    }
}

/// A client that sends a whole request and then shuts its write side down
/// (`shutdown(SHUT_WR)`, as some HTTP/1.1 clients and probes do) still gets its answer,
/// every time: a half-close neither ends nor cancels a request (RFC 9112 §9.6). Both
/// paths are tried, the cloud API on `/` and an admin route.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_closed_connection_gets_its_answer_every_time() {
    let app = spawn(&["--rate-limit", "0"]).await;
    let addr = app.addr;
    let s = app.signer();
    let api = s.json(DETAIL, r#"{"Id": 5427}"#).bytes();
    let admin = format!("GET /_emulator/health HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes();
    let answered = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut answered = Vec::new();
        for request in [api, admin] {
            let mut ok = 0;
            for _ in 0..20 {
                let mut sock = std::net::TcpStream::connect(addr).unwrap();
                sock.set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                sock.write_all(&request).unwrap();
                sock.shutdown(std::net::Shutdown::Write).unwrap();
                let mut reply = Vec::new();
                // The server closes after answering: read to the end.
                let _ = sock.read_to_end(&mut reply);
                let text = String::from_utf8_lossy(&reply);
                if text.starts_with("HTTP/1.1 200 ") && text.contains("\"RequestId\"")
                    || text.starts_with("HTTP/1.1 200 ") && text.contains("\"status\":\"ok\"")
                {
                    ok += 1;
                }
            }
            answered.push(ok);
        }
        answered
    })
    .await
    .unwrap();
    assert_eq!(answered, vec![20, 20], "answers out of 20: [API, admin]");
}

/// Issue 16, point 4: an admin body had no read timeout (a client sending a byte
/// every 2 s held `/_emulator/fixtures` open past 25 s). It gets the API's 10 s, and
/// then `408` with a JSON error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_body_sent_a_byte_every_two_seconds_gets_408_after_10_s() {
    let app = spawn(&[]).await;
    let conn = Conn::open(app.addr).await.unwrap();
    let (mut reader, mut writer) = conn.split();
    writer
        .write_all(
            format!(
                "POST /_emulator/fixtures HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
                app.addr
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let started = Instant::now();
    // The slow client: one byte every 2 s (what it does, not a wait of the test's).
    let trickle = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        for _ in 0..20 {
            tick.tick().await;
            if writer.write_all(b" ").await.is_err() {
                break;
            }
        }
        writer
    });
    let reply = tokio::time::timeout(Duration::from_secs(20), read_reply(&mut reader, false))
        .await
        .expect("no answer within 20 s: the admin body has no read timeout")
        .expect("read")
        .expect("an answer");
    let took = started.elapsed();
    trickle.abort();
    assert_eq!(reply.status, 408, "{}", reply.text());
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(15),
        "answered after {took:?}"
    );
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body["error"]["code"], "RequestTimeout");
    assert_serves(app.addr, &app.signer()).await.unwrap();
}
