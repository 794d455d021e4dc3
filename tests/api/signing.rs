//! Signatures and the credentials behind them: the window on the machine's clock,
//! each refusal, the modes, session tokens.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn moving_the_emulator_clock_does_not_expire_signatures_made_with_the_machines_clock() {
    let app = spawn_app().await;
    let (status, _) = app
        .admin(
            reqwest::Method::POST,
            "clock",
            Some(r#"{"advance_seconds": 3600}"#),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), None, "{res}");
    let res = app.call_legacy("GET", "HmacSHA1", &[("Id", "5427")]).await;
    assert_eq!(code(&res), None, "{res}");

    let body = br#"{"Id":5427}"#.to_vec();
    let emulator_time = app.state.clock.now_secs();
    for ts in [app.now() - 301, emulator_time] {
        let req = app
            .client
            .post(app.url())
            .headers(app.tc3_headers(ACTION, &body, ID, KEY, ts))
            .body(body.clone());
        let res = send(&app, req).await;
        assert_eq!(
            code(&res),
            Some("AuthFailure.SignatureExpire"),
            "{ts}: {res}"
        );
    }
}

#[tokio::test]
async fn signature_errors() {
    let app = spawn_app().await;
    let body = br#"{"Id":5427}"#.to_vec();
    let post = |h| app.client.post(app.url()).headers(h).body(body.clone());

    let res = send(
        &app,
        post(app.tc3_headers(ACTION, &body, "AKIDunknown", KEY, app.now())),
    )
    .await;
    assert_eq!(code(&res), Some("AuthFailure.SecretIdNotFound"));

    let res = send(
        &app,
        post(app.tc3_headers(ACTION, &body, ID, "wrong", app.now())),
    )
    .await;
    assert_eq!(code(&res), Some("AuthFailure.SignatureFailure"));

    let res = send(
        &app,
        post(app.tc3_headers(ACTION, &body, ID, KEY, app.now() - 301)),
    )
    .await;
    assert_eq!(code(&res), Some("AuthFailure.SignatureExpire"));

    let mut h = app.tc3_headers(ACTION, &body, ID, KEY, app.now());
    h.insert("authorization", "TC3-HMAC-SHA256 garbage".parse().unwrap());
    let res = send(&app, post(h)).await;
    assert_eq!(code(&res), Some("AuthFailure.InvalidAuthorization"));

    let mut h = app.tc3_headers(ACTION, &body, ID, KEY, app.now());
    h.remove("authorization");
    let res = send(&app, post(h)).await;
    assert_eq!(code(&res), Some("AuthFailure.InvalidAuthorization"));

    // A body changed after signing.
    let h = app.tc3_headers(ACTION, &body, ID, KEY, app.now());
    let res = send(
        &app,
        app.client
            .post(app.url())
            .headers(h)
            .body(r#"{"Id":3421599}"#),
    )
    .await;
    assert_eq!(code(&res), Some("AuthFailure.SignatureFailure"));
}

#[tokio::test]
async fn strict_mode_refuses_a_foreign_service_and_skip_mode_accepts_anything() {
    let strict = spawn_with(&["--signature", "strict"]).await;
    let body = br#"{"Id":5427}"#.to_vec();
    let ts = strict.now();
    let auth = tcss_emulator::signature::tc3::authorization_header(
        ID,
        KEY,
        "cvm",
        "POST",
        &strict.host(),
        "application/json",
        "",
        &body,
        ts,
    );
    let mut h = strict.tc3_headers(ACTION, &body, ID, KEY, ts);
    h.insert("authorization", auth.parse().unwrap());
    let res = send(
        &strict,
        strict
            .client
            .post(strict.url())
            .headers(h.clone())
            .body(body.clone()),
    )
    .await;
    assert_eq!(code(&res), Some("AuthFailure.InvalidAuthorization"));

    let lenient = spawn_app().await;
    let auth = tcss_emulator::signature::tc3::authorization_header(
        ID,
        KEY,
        "cvm",
        "POST",
        &lenient.host(),
        "application/json",
        "",
        &body,
        ts,
    );
    h.insert("authorization", auth.parse().unwrap());
    let res = send(
        &lenient,
        lenient
            .client
            .post(lenient.url())
            .headers(h.clone())
            .body(body.clone()),
    )
    .await;
    assert_eq!(
        code(&res),
        None,
        "verify mode accepts the Node SDK's service label"
    );

    let skip = spawn_with(&["--signature", "skip"]).await;
    h.insert("authorization", "SKIP".parse().unwrap());
    let res = send(
        &skip,
        skip.client.post(skip.url()).headers(h).body(body.clone()),
    )
    .await;
    assert_eq!(code(&res), None, "{res}");
}

#[tokio::test]
async fn a_temporary_credential_needs_its_token_in_every_signature_mode() {
    let body = "--B\r\nContent-Disposition: form-data; name=\"Id\"\r\n\r\n5427\r\n--B--\r\n";
    for mode in ["verify", "strict", "skip"] {
        let app = spawn_with(&[
            "--credential",
            "AKIDtemp:tempkey:default:tok-123",
            "--signature",
            mode,
        ])
        .await;
        for (token, expected, says) in [
            (None, Some("AuthFailure.TokenFailure"), "carries no token"),
            (
                Some(""),
                Some("AuthFailure.TokenFailure"),
                "carries no token",
            ),
            (Some("nope"), Some("AuthFailure.TokenFailure"), "invalid"),
            (Some("tok-123"), None, ""),
        ] {
            let res = send(
                &app,
                multipart_request(&app, body, "B", token, "AKIDtemp", "tempkey"),
            )
            .await;
            assert_eq!(code(&res), expected, "{mode} {token:?}: {res}");
            if expected.is_some() {
                let message = res["Error"]["Message"].as_str().unwrap();
                assert!(message.contains(says), "{mode} {token:?}: {message}");
            }
        }
    }
}

#[tokio::test]
async fn a_host_signed_with_a_default_port_the_host_header_left_out_is_named_as_the_cause() {
    // An SDK pointed at `127.0.0.1:80` signs that, while its HTTP client sends
    // `Host: 127.0.0.1` (a default port is left out).
    let app = spawn_app().await;
    let body = br#"{"Id":5427}"#.to_vec();
    let ts = app.now();
    let mut h = app.tc3_headers(ACTION, &body, ID, KEY, ts);
    let auth = tcss_emulator::signature::tc3::authorization_header(
        ID,
        KEY,
        "tcss",
        "POST",
        "127.0.0.1:80",
        "application/json",
        "",
        &body,
        ts,
    );
    h.insert("authorization", auth.parse().unwrap());
    h.insert("host", "127.0.0.1".parse().unwrap());
    let res = send(&app, app.client.post(app.url()).headers(h).body(body)).await;
    assert_eq!(code(&res), Some("AuthFailure.SignatureFailure"), "{res}");
    let (_, journal) = app
        .admin(reqwest::Method::GET, "requests", None, None)
        .await;
    let cause = journal["requests"][0]["cause"].as_str().unwrap();
    assert!(
        cause.starts_with(
            "host: the client signed the host with the port `80` (`127.0.0.1:80`), but the request's Host is `127.0.0.1`"
        ),
        "{cause}"
    );
}
