//! Stopping and warnings: a call in flight when SIGTERM comes is still answered and
//! the exit is clean; listening beyond loopback without an admin token is warned of.

use reqwest::Method;
use serde_json::json;
use tcss_emulator::config::{BUILTIN_SECRET_ID, BUILTIN_SECRET_KEY};

use crate::*;

/// README (Command line): "stops cleanly on SIGINT or SIGTERM (requests in flight
/// finish ...)". A one-use delay fault holds a call inside the emulator; the fault's
/// leaving the list says the call has reached it. Then SIGTERM: the held call still
/// gets its answer, and the process exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_in_flight_at_sigterm_is_answered_and_the_exit_is_clean() {
    let run = Running::start(&["--listen", "127.0.0.1:0"], &[]).await;
    let fault = json!({"action": DETAIL, "delay_ms": 5000, "times": 1});
    let (status, _) = admin(&run.addr, Method::POST, "faults", Some(fault), None).await;
    assert_eq!(status, 201);

    let addr = run.addr.clone();
    let held = tokio::spawn(async move {
        call(
            &addr,
            BUILTIN_SECRET_ID,
            BUILTIN_SECRET_KEY,
            DETAIL,
            r#"{"Id":5427}"#,
        )
        .await
    });
    // The fault is spent (so gone from the list) once the call has reached it.
    let fired = tokio::time::timeout(WAIT, async {
        loop {
            let (_, list) = admin(&run.addr, Method::GET, "faults", None, None).await;
            if list["faults"].as_array().is_some_and(Vec::is_empty) {
                break;
            }
        }
    })
    .await;
    assert!(fired.is_ok(), "the held call never reached the fault");
    assert!(
        !held.is_finished(),
        "the call was answered before SIGTERM: the 5 s hold did not hold"
    );

    let (status, stderr) = run.terminate().await;
    let answer = tokio::time::timeout(WAIT, held)
        .await
        .expect("the held call is answered")
        .expect("the call's task");
    assert_eq!(answer["Response"]["ImageName"], "person1", "{answer}");
    assert!(status.success(), "exit after SIGTERM: {status}\n{stderr}");
}

/// README (Admin API): "Listening beyond loopback without a token logs a warning."
/// Beyond loopback without a token: warned; with a token, or on loopback: not.
#[tokio::test]
async fn listening_beyond_loopback_without_an_admin_token_logs_a_warning() {
    const WARNING: &str = "listening beyond loopback without --admin-token";
    for (args, warned) in [
        (&["--listen", "0.0.0.0:0"][..], true),
        (&["--listen", "0.0.0.0:0", "--admin-token", "t"][..], false),
        (&["--listen", "127.0.0.1:0"][..], false),
    ] {
        let run = Running::start(args, &[]).await;
        let (status, stderr) = run.terminate().await;
        assert!(status.success(), "{args:?}: {status}\n{stderr}");
        assert_eq!(
            stderr.contains(WARNING),
            warned,
            "{args:?}: the warning {}expected; stderr:\n{stderr}",
            if warned { "" } else { "not " }
        );
        if warned {
            assert!(stderr.contains("WARN"), "{stderr}");
        }
    }
}
