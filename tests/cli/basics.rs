//! Start, a real call, stop; start-up errors; the `health` and `seed` subcommands.

use tcss_emulator::config::{BUILTIN_SECRET_ID, BUILTIN_SECRET_KEY};

use crate::*;

#[tokio::test]
async fn port_zero_prints_the_bound_address_serves_the_builtin_credential_and_stops_on_sigterm() {
    let run = Running::start(&["--listen", "127.0.0.1:0"], &[]).await;
    assert!(!run.addr.ends_with(":0"), "{}", run.addr);
    let res = call(
        &run.addr,
        BUILTIN_SECRET_ID,
        BUILTIN_SECRET_KEY,
        DETAIL,
        r#"{"Id":"5427"}"#,
    )
    .await;
    assert_eq!(res["Response"]["ImageName"], "person1", "{res}");
    let (status, stderr) = run.terminate().await;
    assert!(status.success(), "{status}: {stderr}");
}

#[tokio::test]
async fn serve_subcommand_env_variables_and_sdk_credentials() {
    let run = Running::start(
        &["serve"],
        &[
            ("TCSS_EMULATOR_LISTEN", "127.0.0.1:0"),
            ("TENCENTCLOUD_SECRET_ID", "AKIDfromenv"),
            ("TENCENTCLOUD_SECRET_KEY", "keyfromenv"),
        ],
    )
    .await;
    let res = call(
        &run.addr,
        "AKIDfromenv",
        "keyfromenv",
        DETAIL,
        r#"{"Id":3421599}"#,
    )
    .await;
    assert_eq!(res["Response"]["ImageTag"], "mhccrxg1", "{res}");
    let res = call(
        &run.addr,
        BUILTIN_SECRET_ID,
        BUILTIN_SECRET_KEY,
        DETAIL,
        r#"{"Id":3421599}"#,
    )
    .await;
    assert_eq!(code(&res), Some("AuthFailure.SecretIdNotFound"));
    assert!(run.terminate().await.0.success());
}

#[tokio::test]
async fn a_bad_fixture_file_stops_start_up_naming_file_record_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, r#"{"images":[{"Id":1},{"Id":2,"Nope":true}]}"#).unwrap();
    let out = run_to_end(&[
        "--listen",
        "127.0.0.1:0",
        "--fixtures",
        file.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json: record 2 (Id 2): field `Nope`"),
        "{err}"
    );
}

#[tokio::test]
async fn health_subcommand_reports_a_running_emulator() {
    let run = Running::start(&["--listen", "127.0.0.1:0"], &[]).await;
    let ok = run_to_end(&["health", "--url", &run.url()]).await;
    assert!(ok.status.success());
    let port = run.addr.rsplit(':').next().unwrap().to_string();
    assert!(run.terminate().await.0.success());
    let down = run_to_end(&["health", "--listen", &format!("0.0.0.0:{port}")]).await;
    assert!(!down.status.success());
}

#[tokio::test]
async fn seed_pushes_files_through_the_admin_api_and_names_a_bad_record() {
    let run = Running::start(&["--listen", "127.0.0.1:0", "--admin-token", "tok"], &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(
        &good,
        r#"{"images":[{"Id":501,"ImageName":"seeded"},{"Id":502}]}"#,
    )
    .unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"images":[{"Id":601},{"Id":602,"VulCnt":"many"}]}"#,
    )
    .unwrap();
    let url = run.url();
    let seed = |token: &'static str, file: &std::path::Path| {
        let file = file.to_str().unwrap().to_string();
        let url = url.clone();
        async move { run_to_end(&["seed", "--url", &url, "--admin-token", token, &file]).await }
    };

    let out = seed("tok", &good).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("good.json: 2 records upserted"));
    let res = call(
        &run.addr,
        BUILTIN_SECRET_ID,
        BUILTIN_SECRET_KEY,
        DETAIL,
        r#"{"Id":501}"#,
    )
    .await;
    assert_eq!(res["Response"]["ImageName"], "seeded");

    let out = seed("tok", &bad).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json: record 2 (Id 602): field `VulCnt`"),
        "{err}"
    );

    let out = seed("wrong", &good).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("good.json: rejected by the emulator (HTTP 401)"),
        "{err}"
    );
    assert!(run.terminate().await.0.success());
}
