//! The built binary, as a user runs it: port 0, the printed address, a real call,
//! a clean stop on SIGTERM, start-up errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tcss-emulator");

struct Running {
    child: Child,
    addr: String,
}

/// Starts the binary and reads stdout until it names the bound address.
fn start(args: &[&str], env: &[(&str, &str)]) -> Running {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("tcss-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Running { child, addr }
}

/// Runs the binary to completion with `args`.
fn run_to_end(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().unwrap()
}

/// Sends SIGTERM and waits (bounded) for the exit status.
fn terminate(mut run: Running) -> std::process::ExitStatus {
    let pid = run.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = run.child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "no exit within 10 s of SIGTERM");
        std::thread::park_timeout(Duration::from_millis(20));
    }
}

fn signed_call(addr: &str, id: &str, key: &str, body: &str) -> serde_json::Value {
    let ts = chrono::Utc::now().timestamp();
    let auth = tcss_emulator::signature::tc3::authorization_header(
        id,
        key,
        "tcss",
        "POST",
        addr,
        "application/json",
        "",
        body.as_bytes(),
        ts,
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        reqwest::Client::new()
            .post(format!("http://{addr}/"))
            .header("authorization", auth)
            .header("content-type", "application/json")
            .header("x-tc-action", "DescribeAssetImageRegistryDetail")
            .header("x-tc-version", "2020-11-01")
            .header("x-tc-timestamp", ts.to_string())
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

#[test]
fn port_zero_prints_the_bound_address_serves_the_builtin_credential_and_stops_on_sigterm() {
    let run = start(&["--listen", "127.0.0.1:0"], &[]);
    assert!(!run.addr.ends_with(":0"), "{}", run.addr);
    let res = signed_call(
        &run.addr,
        tcss_emulator::config::BUILTIN_SECRET_ID,
        tcss_emulator::config::BUILTIN_SECRET_KEY,
        r#"{"Id":"5427"}"#,
    );
    assert_eq!(res["Response"]["ImageName"], "person1", "{res}");
    let status = terminate(run);
    assert!(status.success(), "{status}");
}

#[test]
fn serve_subcommand_env_variables_and_sdk_credentials() {
    let run = start(
        &["serve"],
        &[
            ("TCSS_EMULATOR_LISTEN", "127.0.0.1:0"),
            ("TENCENTCLOUD_SECRET_ID", "AKIDfromenv"),
            ("TENCENTCLOUD_SECRET_KEY", "keyfromenv"),
        ],
    );
    let res = signed_call(&run.addr, "AKIDfromenv", "keyfromenv", r#"{"Id":3421599}"#);
    assert_eq!(res["Response"]["ImageTag"], "mhccrxg1", "{res}");
    let res = signed_call(
        &run.addr,
        tcss_emulator::config::BUILTIN_SECRET_ID,
        tcss_emulator::config::BUILTIN_SECRET_KEY,
        r#"{"Id":3421599}"#,
    );
    assert_eq!(
        res["Response"]["Error"]["Code"],
        "AuthFailure.SecretIdNotFound"
    );
    assert!(terminate(run).success());
}

#[test]
fn a_bad_fixture_file_stops_start_up_naming_file_record_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, r#"{"images":[{"Id":1},{"Id":2,"Nope":true}]}"#).unwrap();
    let out = run_to_end(&[
        "--listen",
        "127.0.0.1:0",
        "--fixtures",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json: record 1 (Id 2): field `Nope`"),
        "{err}"
    );
}

#[test]
fn health_subcommand_reports_a_running_emulator() {
    let run = start(&["--listen", "127.0.0.1:0"], &[]);
    let ok = run_to_end(&["health", "--url", &format!("http://{}", run.addr)]);
    assert!(ok.status.success());
    let port = run.addr.rsplit(':').next().unwrap().to_string();
    assert!(terminate(run).success());
    let down = run_to_end(&["health", "--listen", &format!("0.0.0.0:{port}")]);
    assert!(!down.status.success());
}

#[test]
fn seed_pushes_files_through_the_admin_api_and_names_a_bad_record() {
    let run = start(&["--listen", "127.0.0.1:0", "--admin-token", "tok"], &[]);
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
    let url = format!("http://{}", run.addr);

    let out = run_to_end(&[
        "seed",
        "--url",
        &url,
        "--admin-token",
        "tok",
        good.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("good.json: 2 records upserted"));
    let res = signed_call(
        &run.addr,
        tcss_emulator::config::BUILTIN_SECRET_ID,
        tcss_emulator::config::BUILTIN_SECRET_KEY,
        r#"{"Id":501}"#,
    );
    assert_eq!(res["Response"]["ImageName"], "seeded");

    let out = run_to_end(&[
        "seed",
        "--url",
        &url,
        "--admin-token",
        "tok",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json: record 1 (Id 602): field `VulCnt`"),
        "{err}"
    );

    let out = run_to_end(&[
        "seed",
        "--url",
        &url,
        "--admin-token",
        "wrong",
        good.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("good.json: rejected by the emulator (HTTP 401)"),
        "{err}"
    );
    assert!(terminate(run).success());
}

/// Runs the binary to completion with `args` and extra environment variables.
fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("TCSS_EMULATOR_ADMIN_TOKEN")
        .env_remove("TCSS_EMULATOR_CREDENTIAL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn an_empty_admin_token_is_refused_at_start_up() {
    for (args, env) in [
        (vec!["--listen", "127.0.0.1:0", "--admin-token="], vec![]),
        (
            vec!["--listen", "127.0.0.1:0"],
            vec![("TCSS_EMULATOR_ADMIN_TOKEN", "")],
        ),
        (
            vec!["serve", "--listen", "0.0.0.0:0", "--admin-token", "  "],
            vec![],
        ),
    ] {
        let out = run_with_env(&args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--admin-token (or TCSS_EMULATOR_ADMIN_TOKEN) is empty"),
            "{err}"
        );
        assert!(out.stdout.is_empty(), "it never listened");
    }
}

#[test]
fn secrets_from_the_environment_never_show_in_help_or_errors() {
    let env = [
        ("TCSS_EMULATOR_CREDENTIAL", "AKIDhelp:super-secret-key"),
        ("TCSS_EMULATOR_ADMIN_TOKEN", "admin-secret-token"),
    ];
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["seed", "--help"],
    ] {
        let out = run_with_env(&args, &env);
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("TCSS_EMULATOR_ADMIN_TOKEN"), "{help}");
        for secret in ["super-secret-key", "admin-secret-token"] {
            assert!(!help.contains(secret), "{args:?} shows {secret}:\n{help}");
        }
    }
    for (args, env) in [
        (vec!["--credential", "a-lone-secret-key"], vec![]),
        (
            vec![],
            vec![("TCSS_EMULATOR_CREDENTIAL", "a-lone-secret-key")],
        ),
    ] {
        let out = run_with_env(&args, &env);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("SECRET_ID:SECRET_KEY"), "{err}");
        assert!(!err.contains("a-lone-secret-key"), "{err}");
    }
}
