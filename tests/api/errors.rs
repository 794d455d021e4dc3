//! Every error code the core documents, reached through the wire.

use serde_json::{Value, json};

use crate::helpers::*;

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
    let message = res["Error"]["Message"].as_str().unwrap();
    assert!(
        message.contains("`2017-03-12`") && message.contains("its version is `2020-11-01`"),
        "names the version asked and the one the service has: {message}"
    );

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
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let body: Value = serde_json::from_str(&res.text().await.unwrap()).expect("a JSON body");
    assert_eq!(body["error"]["code"], "NotFound", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("/_emulator/"),
        "the message points to the routes: {body}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
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
