//! Every `TCSS_EMULATOR_*` variable of the README's flag table, set in the binary's
//! environment (no flag), each checked by what only that setting makes happen.
//! (`TCSS_EMULATOR_LISTEN` is in `basics`.)

use reqwest::Method;
use serde_json::json;
use tcss_emulator::config::{BUILTIN_SECRET_ID, BUILTIN_SECRET_KEY};

use crate::*;

const ID: &str = "AKIDenvtest";
const KEY: &str = "env-test-key";
const CREDENTIAL: &str = "AKIDenvtest:env-test-key";

/// The emulator on port 0, configured by `env` only.
async fn start(env: &[(&str, &str)]) -> Running {
    let mut all = vec![
        ("TCSS_EMULATOR_LISTEN", "127.0.0.1:0"),
        ("TCSS_EMULATOR_CREDENTIAL", CREDENTIAL),
    ];
    all.extend_from_slice(env);
    Running::start(&[], &all).await
}

async fn detail(run: &Running, id: u64) -> serde_json::Value {
    call(&run.addr, ID, KEY, DETAIL, &json!({ "Id": id }).to_string()).await
}

async fn stop(run: Running) {
    let (status, stderr) = run.terminate().await;
    assert!(status.success(), "{status}: {stderr}");
}

#[tokio::test]
async fn fixtures_and_credential_variables_take_comma_separated_lists() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    std::fs::write(&a, r#"{"images":[{"Id":1,"ImageName":"from-a"}]}"#).unwrap();
    std::fs::write(&b, r#"{"images":[{"Id":2,"ImageName":"from-b"}]}"#).unwrap();
    let fixtures = format!("{},{}", a.display(), b.display());
    let run = Running::start(
        &[],
        &[
            ("TCSS_EMULATOR_LISTEN", "127.0.0.1:0"),
            ("TCSS_EMULATOR_FIXTURES", &fixtures),
            (
                "TCSS_EMULATOR_CREDENTIAL",
                "AKIDfirst:first-key,AKIDsecond:second-key",
            ),
        ],
    )
    .await;
    for (id, key) in [("AKIDfirst", "first-key"), ("AKIDsecond", "second-key")] {
        for (record, name) in [(1, "from-a"), (2, "from-b")] {
            let body = json!({ "Id": record }).to_string();
            let res = call(&run.addr, id, key, DETAIL, &body).await;
            assert_eq!(res["Response"]["ImageName"], name, "{id}: {res}");
        }
    }
    // The files replace the bundled fixtures; the credentials, the built-in one.
    let res = call(
        &run.addr,
        "AKIDfirst",
        "first-key",
        DETAIL,
        r#"{"Id":5427}"#,
    )
    .await;
    assert_eq!(code(&res), Some("ResourceNotFound"), "{res}");
    let res = call(
        &run.addr,
        BUILTIN_SECRET_ID,
        BUILTIN_SECRET_KEY,
        DETAIL,
        r#"{"Id":1}"#,
    )
    .await;
    assert_eq!(code(&res), Some("AuthFailure.SecretIdNotFound"), "{res}");
    stop(run).await;
}

#[tokio::test]
async fn db_variable_keeps_records_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.sqlite");
    let db = db.to_str().unwrap();
    let run = start(&[("TCSS_EMULATOR_DB", db)]).await;
    let (status, _) = admin(
        &run.addr,
        Method::POST,
        "fixtures",
        Some(json!({"images": [{"Id": 77, "ImageName": "kept"}]})),
        None,
    )
    .await;
    assert_eq!(status, 200);
    stop(run).await;
    assert!(
        std::path::Path::new(db).is_file(),
        "no database file at {db}"
    );

    let run = start(&[("TCSS_EMULATOR_DB", db)]).await;
    let res = detail(&run, 77).await;
    assert_eq!(res["Response"]["ImageName"], "kept", "{res}");
    stop(run).await;
}

#[tokio::test]
async fn rate_limit_variable_sets_the_calls_per_second() {
    let run = start(&[("TCSS_EMULATOR_RATE_LIMIT", "2")]).await;
    let (status, _) = admin(
        &run.addr,
        Method::POST,
        "clock",
        Some(json!({"freeze": true})),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(code(&detail(&run, 5427).await).map(str::to_string));
    }
    assert_eq!(codes, [None, None, Some("RequestLimitExceeded".into())]);
    admin(
        &run.addr,
        Method::POST,
        "clock",
        Some(json!({"advance_seconds": 1})),
        None,
    )
    .await;
    assert_eq!(code(&detail(&run, 5427).await), None);
    stop(run).await;
}

#[tokio::test]
async fn signature_variable_selects_the_mode() {
    let run = start(&[("TCSS_EMULATOR_SIGNATURE", "skip")]).await;
    // Signed with the wrong key: only skip mode lets it through.
    let res = call(&run.addr, ID, "not-the-key", DETAIL, r#"{"Id":5427}"#).await;
    assert_eq!(res["Response"]["ImageName"], "person1", "{res}");
    stop(run).await;

    let run = start(&[("TCSS_EMULATOR_SIGNATURE", "verify")]).await;
    let res = call(&run.addr, ID, "not-the-key", DETAIL, r#"{"Id":5427}"#).await;
    assert_eq!(code(&res), Some("AuthFailure.SignatureFailure"), "{res}");
    stop(run).await;
}

#[tokio::test]
async fn scan_duration_variable_sets_the_scan_time() {
    let run = start(&[("TCSS_EMULATOR_SCAN_DURATION", "2")]).await;
    let clock = |body: serde_json::Value| admin(&run.addr, Method::POST, "clock", Some(body), None);
    assert_eq!(clock(json!({"freeze": true})).await.0, 200);
    let body = json!({"Id": [5427]}).to_string();
    let res = call(
        &run.addr,
        ID,
        KEY,
        "CreateAssetImageRegistryScanTask",
        &body,
    )
    .await;
    assert_eq!(code(&res), None, "{res}");
    assert_eq!(
        detail(&run, 5427).await["Response"]["ScanStatus"],
        "SCANNING"
    );
    clock(json!({"advance_seconds": 1})).await;
    assert_eq!(
        detail(&run, 5427).await["Response"]["ScanStatus"],
        "SCANNING"
    );
    // Two seconds in (the default is five), the scan is over.
    clock(json!({"advance_seconds": 1})).await;
    let res = detail(&run, 5427).await;
    assert_eq!(res["Response"]["ScanStatus"], "SCANNED", "{res}");
    assert_eq!(res["Response"]["Progress"], 100, "{res}");
    stop(run).await;
}

#[tokio::test]
async fn journal_size_variable_bounds_the_journal() {
    let run = start(&[("TCSS_EMULATOR_JOURNAL_SIZE", "2")]).await;
    for id in [1, 2, 3] {
        detail(&run, id).await;
    }
    let (status, journal) = admin(&run.addr, Method::GET, "requests", None, None).await;
    assert_eq!(status, 200);
    let ids: Vec<_> = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["params"]["Id"].clone())
        .collect();
    assert_eq!(ids, [json!(2), json!(3)], "{journal}");
    stop(run).await;
}

#[tokio::test]
async fn init_dir_variable_loads_its_documents() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("10-images.json"),
        r#"{"images":[{"Id":900,"ImageName":"from-init"}]}"#,
    )
    .unwrap();
    let run = start(&[("TCSS_EMULATOR_INIT_DIR", dir.path().to_str().unwrap())]).await;
    let res = detail(&run, 900).await;
    assert_eq!(res["Response"]["ImageName"], "from-init", "{res}");
    // After the bundled fixtures, not instead of them.
    let res = detail(&run, 5427).await;
    assert_eq!(res["Response"]["ImageName"], "person1", "{res}");
    stop(run).await;
}

#[tokio::test]
async fn admin_token_variable_guards_the_admin_api() {
    let run = start(&[("TCSS_EMULATOR_ADMIN_TOKEN", "env-token")]).await;
    let (status, _) = admin(&run.addr, Method::GET, "requests", None, None).await;
    assert_eq!(status, 401);
    let (status, _) = admin(&run.addr, Method::GET, "requests", None, Some("wrong")).await;
    assert_eq!(status, 401);
    let (status, _) = admin(&run.addr, Method::GET, "requests", None, Some("env-token")).await;
    assert_eq!(status, 200);
    let (status, _) = admin(&run.addr, Method::GET, "health", None, None).await;
    assert_eq!(status, 200, "health needs no token");
    stop(run).await;
}
