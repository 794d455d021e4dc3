//! Every error code the core documents, reached through the wire.

use serde_json::json;

use crate::helpers::*;

async fn send(app: &TestApp, req: reqwest::RequestBuilder) -> serde_json::Value {
    let _ = app;
    response_of(req.send().await.unwrap()).await
}

#[tokio::test]
async fn wrong_parameter_values_are_invalid_parameter_naming_the_parameter() {
    let app = spawn_app().await;
    for bad in [
        json!({"Id": "abc"}),
        json!({"Id": 1.5}),
        json!({"Id": [1]}),
        json!({"Id": -1}),
        json!({}),
        json!({"ImageId": 5}),
    ] {
        let res = app.call(ACTION, bad.clone()).await;
        assert_eq!(code(&res), Some("InvalidParameter"), "{bad}: {res}");
        let msg = res["Error"]["Message"].as_str().unwrap();
        assert!(msg.contains("Id"), "{msg}");
    }
}

#[tokio::test]
async fn a_number_or_boolean_for_a_string_is_invalid_parameter_in_the_gateways_words() {
    let app = spawn_app().await;
    let cases = [
        (json!({"ImageId": 123}), ACTION, "ImageId"),
        (json!({"ImageId": true}), ACTION, "ImageId"),
        (
            json!({"Filters": [{"Name": "ImageName", "Values": ["a", 5]}]}),
            "DescribeAssetImageRegistryList",
            "Filters.0.Values.1",
        ),
    ];
    for (params, action, path) in cases {
        let body = serde_json::to_vec(&params).unwrap();
        for (lang, message) in [
            (
                "zh-CN",
                format!("参数 `{path}` 取值类型错误。参数类型应为 `string`"),
            ),
            (
                "en-US",
                format!(
                    "The value type of parameter `{path}` is wrong. The parameter type should be `string`"
                ),
            ),
        ] {
            let mut headers = app.tc3_headers(action, &body, ID, KEY, app.now());
            headers.insert("x-tc-language", lang.parse().unwrap());
            let req = app
                .client
                .post(app.url())
                .headers(headers)
                .body(body.clone());
            let res = send(&app, req).await;
            assert_eq!(code(&res), Some("InvalidParameter"), "{params}: {res}");
            assert_eq!(res["Error"]["Message"], message.as_str(), "{params}");
        }
    }
    // Text stays text: the same values through a form body and a query are accepted.
    let res = app
        .call_legacy("POST", "HmacSHA256", &[("ImageId", "123")])
        .await;
    assert_eq!(code(&res), Some("ResourceNotFound"), "{res}");
    let res = app
        .call_legacy_action(
            "DescribeAssetImageRegistryList",
            "GET",
            "HmacSHA1",
            &[("Filters.0.Name", "ImageName"), ("Filters.0.Values.0", "5")],
        )
        .await;
    assert_eq!(code(&res), None, "{res}");
}

#[tokio::test]
async fn unknown_record_is_resource_not_found() {
    let app = spawn_app().await;
    for params in [
        json!({"Id": 1}),
        json!({"Id": u64::MAX}),
        json!({"ImageId": "sha256:none"}),
    ] {
        let res = app.call(ACTION, params).await;
        assert_eq!(code(&res), Some("ResourceNotFound"), "{res}");
    }
}

#[tokio::test]
async fn undeclared_parameter_is_unknown_parameter_but_sdk_common_ones_are_not() {
    let app = spawn_app().await;
    let res = app.call(ACTION, json!({"Id": 5427, "Foo": 1})).await;
    assert_eq!(code(&res), Some("UnknownParameter"));
    assert!(res["Error"]["Message"].as_str().unwrap().contains("`Foo`"));
    let res = app
        .call(
            ACTION,
            json!({"Id": 5427, "RequestClient": "x", "Language": "en-US"}),
        )
        .await;
    assert_eq!(code(&res), None, "{res}");
}

#[tokio::test]
async fn request_checks_before_the_action() {
    let app = spawn_app().await;
    let body = br#"{"Id":5427}"#.to_vec();
    let signed = |action: &str| app.tc3_headers(action, &body, ID, KEY, app.now());

    let res = send(
        &app,
        app.client
            .post(app.url())
            .headers(signed("NoSuchAction"))
            .body(body.clone()),
    )
    .await;
    assert_eq!(code(&res), Some("InvalidAction"));

    let mut h = signed(ACTION);
    h.insert("x-tc-version", "2017-03-12".parse().unwrap());
    let res = send(
        &app,
        app.client.post(app.url()).headers(h).body(body.clone()),
    )
    .await;
    assert_eq!(code(&res), Some("NoSuchVersion"));

    let mut h = signed(ACTION);
    h.remove("x-tc-version");
    let res = send(
        &app,
        app.client.post(app.url()).headers(h).body(body.clone()),
    )
    .await;
    assert_eq!(code(&res), Some("MissingParameter"));
    assert!(
        res["Error"]["Message"]
            .as_str()
            .unwrap()
            .contains("Version")
    );

    let mut h = signed(ACTION);
    h.remove("x-tc-action");
    let res = send(
        &app,
        app.client.post(app.url()).headers(h).body(body.clone()),
    )
    .await;
    assert_eq!(code(&res), Some("MissingParameter"));

    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let res = send(
            &app,
            app.client
                .request(method, app.url())
                .headers(signed(ACTION)),
        )
        .await;
        assert_eq!(code(&res), Some("UnsupportedProtocol"));
    }

    let bad = b"{\"Id\": ".to_vec();
    let h = app.tc3_headers(ACTION, &bad, ID, KEY, app.now());
    let res = send(&app, app.client.post(app.url()).headers(h).body(bad)).await;
    assert_eq!(code(&res), Some("InvalidParameter"));
}

#[tokio::test]
async fn oversized_bodies_are_request_size_limit_exceeded() {
    let app = spawn_app().await;
    let big = vec![b' '; 10 * 1024 * 1024 + 1];
    let h = app.tc3_headers(ACTION, b"{}", ID, KEY, app.now());
    let res = send(&app, app.client.post(app.url()).headers(h).body(big)).await;
    assert_eq!(code(&res), Some("RequestSizeLimitExceeded"));

    let form = format!("Id={}", "1".repeat(1024 * 1024));
    let res = send(
        &app,
        app.client
            .post(app.url())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form),
    )
    .await;
    assert_eq!(code(&res), Some("RequestSizeLimitExceeded"));

    let query = format!("?Id={}", "1".repeat(33 * 1024));
    let res = send(&app, app.client.get(format!("{}{query}", app.url()))).await;
    assert_eq!(code(&res), Some("RequestSizeLimitExceeded"));
}

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
async fn messages_follow_the_language_header() {
    let app = spawn_app().await;
    let body = br#"{"Id":1}"#.to_vec();
    let mut h = app.tc3_headers(ACTION, &body, ID, KEY, app.now());
    let en = send(
        &app,
        app.client
            .post(app.url())
            .headers(h.clone())
            .body(body.clone()),
    )
    .await;
    h.insert("x-tc-language", "zh-CN".parse().unwrap());
    let zh = send(
        &app,
        app.client.post(app.url()).headers(h).body(body.clone()),
    )
    .await;
    assert_eq!(code(&en), code(&zh));
    let en_msg = en["Error"]["Message"].as_str().unwrap();
    let zh_msg = zh["Error"]["Message"].as_str().unwrap();
    assert!(en_msg.is_ascii());
    assert!(!zh_msg.is_ascii());
}

#[tokio::test]
async fn region_is_accepted_and_ignored() {
    let app = spawn_app().await;
    let body = br#"{"Id":5427}"#.to_vec();
    let mut h = app.tc3_headers(ACTION, &body, ID, KEY, app.now());
    h.insert("x-tc-region", "ap-nowhere".parse().unwrap());
    let res = send(&app, app.client.post(app.url()).headers(h).body(body)).await;
    assert_eq!(code(&res), None);
}

#[tokio::test]
async fn unknown_paths_are_404_json() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(format!("{}nope", app.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

fn multipart_request(
    app: &TestApp,
    body: &str,
    boundary: &str,
    token: Option<&str>,
    id: &str,
    key: &str,
) -> reqwest::RequestBuilder {
    let ct = format!("multipart/form-data; boundary={boundary}");
    let ts = app.now();
    let auth = tcss_emulator::signature::tc3::authorization_header(
        id,
        key,
        "tcss",
        "POST",
        &app.host(),
        &ct,
        "",
        body.as_bytes(),
        ts,
    );
    let mut req = app
        .client
        .post(app.url())
        .header("authorization", auth)
        .header("content-type", ct)
        .header("x-tc-action", ACTION)
        .header("x-tc-version", "2020-11-01")
        .header("x-tc-timestamp", ts.to_string())
        .body(body.to_string());
    if let Some(t) = token {
        req = req.header("x-tc-token", t);
    }
    req
}

#[tokio::test]
async fn multipart_bodies_carry_parameters_and_a_broken_one_is_invalid_request() {
    let app = spawn_app().await;
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"Id\"\r\n\r\n5427\r\n--XyZ--\r\n";
    let res = send(&app, multipart_request(&app, body, "XyZ", None, ID, KEY)).await;
    assert_eq!(res["ImageName"], "person1", "{res}");
    let broken = "--XyZ\r\nContent-Disposition: form-data; name=\"Id\"\r\n\r\n5427";
    let res = send(&app, multipart_request(&app, broken, "XyZ", None, ID, KEY)).await;
    assert_eq!(code(&res), Some("InvalidRequest"), "{res}");
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
