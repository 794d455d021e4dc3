//! What a new user trips on, tried with the built binary: which credentials are
//! accepted, why a call was refused, a seed with a broken file among good ones,
//! `--listen localhost:PORT`.

use reqwest::Method;

use super::{Running, admin, call, run_to_end};

const DETAIL: &str = super::DETAIL;
/// The log at `info`: the start-up lines and one line per call.
const INFO: (&str, &str) = ("RUST_LOG", "info");

/// Asserts that `out` exited with `code` and that its stderr says `says`; returns stderr.
fn failed_saying(out: &std::process::Output, code: i32, says: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(says), "expected {says:?} in:\n{err}");
    err
}

#[tokio::test]
async fn the_start_up_log_names_the_credential_source_and_its_secret_ids_but_never_a_key() {
    // Flags, environment, the source named, the SecretIds listed, a key never logged.
    type Case<'a> = (
        &'a [&'a str],
        &'a [(&'a str, &'a str)],
        &'a str,
        &'a str,
        &'a str,
    );
    let cases: [Case; 3] = [
        (
            &[],
            &[
                ("TENCENTCLOUD_SECRET_ID", "AKIDfromShell"),
                ("TENCENTCLOUD_SECRET_KEY", "shell-key-never-logged"),
            ],
            "TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY",
            "secret_ids=AKIDfromShell",
            "shell-key-never-logged",
        ),
        (
            &[
                "--credential",
                "AKIDb:key-b-secret",
                "--credential",
                "AKIDa:key-a-secret",
            ],
            &[],
            "--credential",
            "secret_ids=AKIDa,AKIDb",
            "key-a-secret",
        ),
        (
            &[],
            &[],
            "the built-in pair",
            "secret_ids=AKIDTCSSEMULATOR",
            tcss_emulator::config::BUILTIN_SECRET_KEY,
        ),
    ];
    for (i, (flags, env, source, ids, key)) in cases.into_iter().enumerate() {
        let mut args = vec!["--listen", "127.0.0.1:0"];
        args.extend_from_slice(flags);
        let mut env = env.to_vec();
        env.push(INFO);
        let run = Running::start(&args, &env).await;
        let (status, text) = run.terminate().await;
        assert!(status.success(), "case {i}: {text}");
        let line = text
            .lines()
            .find(|l| l.contains("accepting the credentials of"))
            .unwrap_or_else(|| panic!("no credential line in:\n{text}"));
        assert!(line.contains(source) && line.contains(ids), "{line}");
        assert!(!text.contains(key), "a key in the log:\n{text}");
    }
}

#[tokio::test]
async fn a_refused_call_logs_the_accepted_secret_ids_or_where_its_string_to_sign_is() {
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--credential",
        "AKIDone:key-one",
        "--credential",
        "AKIDtwo:key-two",
    ];
    let run = Running::start(&args, &[INFO]).await;
    let res = call(
        &run.addr,
        "AKIDunknown",
        "key-one",
        DETAIL,
        r#"{"Id":5427}"#,
    )
    .await;
    assert_eq!(
        res["Response"]["Error"]["Code"],
        "AuthFailure.SecretIdNotFound"
    );
    let res = call(
        &run.addr,
        "AKIDone",
        "not-key-one",
        DETAIL,
        r#"{"Id":5427}"#,
    )
    .await;
    assert_eq!(
        res["Response"]["Error"]["Code"],
        "AuthFailure.SignatureFailure"
    );
    // Where the line points, the computed string to sign is.
    let (status, journal) = admin(
        &run.addr,
        Method::GET,
        "requests?code=AuthFailure.SignatureFailure",
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let sts = journal["requests"][0]["string_to_sign"]
        .as_str()
        .unwrap_or("");
    assert!(sts.starts_with("TC3-HMAC-SHA256\n"), "{journal}");
    let (status, text) = run.terminate().await;
    assert!(status.success(), "{text}");
    let line = |code: &str| {
        text.lines()
            .find(|l| l.contains(&format!("code={code} ")))
            .unwrap_or_else(|| panic!("no {code} line in:\n{text}"))
            .to_string()
    };
    let not_found = line("AuthFailure.SecretIdNotFound");
    assert!(
        not_found.contains("secret_id=AKIDunknown")
            && not_found.contains("hint=\"accepted SecretIds: AKIDone,AKIDtwo"),
        "{not_found}"
    );
    let failure = line("AuthFailure.SignatureFailure");
    assert!(
        failure.contains("/_emulator/requests?code=AuthFailure.SignatureFailure"),
        "{failure}"
    );
    assert!(
        !text.contains("key-one") && !text.contains("key-two"),
        "{text}"
    );
}

#[tokio::test]
async fn seed_checks_every_file_first_and_sends_none_when_one_is_bad() {
    let run = Running::start(&["--listen", "127.0.0.1:0"], &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let a = write("a.json", r#"{"images":[{"Id":701,"ImageName":"a"}]}"#);
    let broken = write(
        "broken.json",
        r#"{"images":[{"Id":702},{"Id":703,"ImageName":7}]}"#,
    );
    let c = write("c.json", r#"{"images":[{"Id":704,"ImageName":"c"}]}"#);
    let also_bad = write("also-bad.json", "{not json");
    let url = format!("http://{}", run.addr);

    let out = run_to_end(&["seed", "--url", &url, &a, &broken, &c, &also_bad]).await;
    let err = failed_saying(&out, 2, "broken.json: record 2 (Id 703): field `ImageName`");
    assert!(err.contains("also-bad.json: not valid JSON"), "{err}");
    assert!(err.contains("nothing sent: 2 of 4 files are bad"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for id in [701, 702, 704] {
        let (status, _) = admin(&run.addr, Method::GET, &format!("images/{id}"), None, None).await;
        assert_eq!(status, 404, "Id {id} was sent");
    }

    let out = run_to_end(&["seed", "--url", &url, &a, &c]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for id in [701, 704] {
        let (status, _) = admin(&run.addr, Method::GET, &format!("images/{id}"), None, None).await;
        assert_eq!(status, 200);
    }
    assert!(run.terminate().await.0.success());
}

#[tokio::test]
async fn listen_resolves_a_host_name_and_says_what_it_expects_of_a_bad_address() {
    let run = Running::start(&["--listen", "localhost:0"], &[]).await;
    let (host, port) = run.addr.rsplit_once(':').unwrap();
    assert!(
        ["127.0.0.1", "[::1]"].contains(&host) && port != "0",
        "{}",
        run.addr
    );
    let res = call(
        &run.addr,
        tcss_emulator::config::BUILTIN_SECRET_ID,
        tcss_emulator::config::BUILTIN_SECRET_KEY,
        DETAIL,
        r#"{"Id":5427}"#,
    )
    .await;
    assert_eq!(res["Response"]["ImageName"], "person1", "{res}");
    assert!(run.terminate().await.0.success());

    for bad in ["localhost", "localhost:http", "::1:4577"] {
        let out = run_to_end(&["--listen", bad]).await;
        let err = failed_saying(&out, 2, "is not HOST:PORT");
        assert!(err.contains("localhost:4577"), "names an example: {err}");
    }
}
