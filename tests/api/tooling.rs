//! Test-double tooling: journal, faults, state export/import, metrics, accounts.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn the_journal_records_calls_with_outcomes_and_filters() {
    let app = spawn_app().await;
    app.call(ACTION, json!({"Id": "5427"})).await;
    app.call(ACTION, json!({"Id": 1})).await;
    app.call(
        "DescribeAssetImageRegistryList",
        json!({"Filters": [{"Name": "ImageName", "Values": ["x"]}]}),
    )
    .await;
    let body = br#"{"Id":5427}"#.to_vec();
    let h = app.tc3_headers(ACTION, &body, ID, "wrong-key", app.now());
    app.client
        .post(app.url())
        .headers(h)
        .body(body)
        .send()
        .await
        .unwrap();

    let (s, all) = app.admin(Method::GET, "requests", None, None).await;
    assert_eq!(s, 200);
    let all = all["requests"].as_array().unwrap().clone();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0]["code"], "Success");
    assert_eq!(
        all[0]["params"],
        json!({"Id": "5427"}),
        "as sent, after unflattening"
    );
    assert_eq!(all[0]["secret_id"], ID);
    assert!(all[0]["latency_us"].is_u64());
    assert!(uuid::Uuid::parse_str(all[0]["request_id"].as_str().unwrap()).is_ok());
    assert_eq!(all[1]["code"], "ResourceNotFound");
    let answer: Value = serde_json::from_str(all[1]["answer"].as_str().unwrap()).unwrap();
    assert_eq!(
        answer["Response"]["Error"]["Code"], "ResourceNotFound",
        "the answer body is kept"
    );
    assert_eq!(all[2]["params"]["Filters"][0]["Values"][0], "x");
    let refused = &all[3];
    assert_eq!(refused["code"], "AuthFailure.SignatureFailure");
    assert_eq!(refused["secret_id"], ID, "the claimed SecretId");
    assert!(
        refused["canonical_request"]
            .as_str()
            .unwrap()
            .starts_with("POST\n/\n\ncontent-type:application/json\nhost:")
    );
    assert!(
        refused["string_to_sign"]
            .as_str()
            .unwrap()
            .starts_with("TC3-HMAC-SHA256\n")
    );
    let signed = refused["signed_headers"].as_str().unwrap();
    assert!(
        signed.starts_with("content-type: application/json\nhost: 127.0.0.1:"),
        "{signed}"
    );
    let cause = refused["cause"].as_str().unwrap();
    assert!(
        cause.contains(&format!("the secret key is not the one of `{ID}`")),
        "{cause}"
    );

    let (_, some) = app
        .admin(Method::GET, "requests?code=ResourceNotFound", None, None)
        .await;
    assert_eq!(some["requests"].as_array().unwrap().len(), 1);
    let (_, some) = app
        .admin(
            Method::GET,
            &format!("requests?action={ACTION}&limit=1"),
            None,
            None,
        )
        .await;
    assert_eq!(some["requests"][0]["code"], "AuthFailure.SignatureFailure");
    let (_, none) = app
        .admin(Method::GET, "requests?secret_id=nobody", None, None)
        .await;
    assert_eq!(none["requests"].as_array().unwrap().len(), 0);
    let (s, _) = app
        .admin(Method::GET, "requests?since=yesterday", None, None)
        .await;
    assert_eq!(s, 400);
    app.state.clock.advance_ms(60_000);
    let later = chrono::DateTime::from_timestamp_millis(app.state.clock.now_ms())
        .unwrap()
        .to_rfc3339();
    let (_, none) = app
        .admin(
            Method::GET,
            &format!("requests?since={}", later.replace('+', "%2B")),
            None,
            None,
        )
        .await;
    assert_eq!(none["requests"].as_array().unwrap().len(), 0);
    let (s, _) = app.admin(Method::DELETE, "requests", None, None).await;
    assert_eq!(s, 204);
    let (_, empty) = app.admin(Method::GET, "requests", None, None).await;
    assert_eq!(empty["requests"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_journal_names_the_client_by_its_request_client_header_else_its_user_agent() {
    let app = spawn_app().await;
    let body = br#"{"Id":5427}"#.to_vec();
    for (name, value) in [
        ("x-tc-requestclient", "SDK_PYTHON_3.1.161"),
        ("user-agent", "my-test/1.0"),
    ] {
        let mut h = app.tc3_headers(ACTION, &body, ID, KEY, app.now());
        h.insert(name, value.parse().unwrap());
        h.insert("user-agent", "my-test/1.0".parse().unwrap());
        let res = send(
            &app,
            app.client.post(app.url()).headers(h).body(body.clone()),
        )
        .await;
        assert_eq!(code(&res), None, "{res}");
    }
    let (_, journal) = app.admin(Method::GET, "requests", None, None).await;
    assert_eq!(journal["requests"][0]["client"], "SDK_PYTHON_3.1.161");
    assert_eq!(journal["requests"][1]["client"], "my-test/1.0");
}

#[tokio::test]
async fn the_journal_is_bounded() {
    let app = spawn_with(&["--journal-size", "3", "--rate-limit", "0"]).await;
    for id in 0..5 {
        app.call(ACTION, json!({ "Id": id })).await;
    }
    let (_, all) = app.admin(Method::GET, "requests", None, None).await;
    let params: Vec<Value> = all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["params"]["Id"].clone())
        .collect();
    assert_eq!(params, vec![json!(2), json!(3), json!(4)]);
}

#[tokio::test]
async fn injected_errors_keep_the_wire_shape_and_run_out() {
    let app = spawn_app().await;
    let (s, _) = post(&app, "faults", json!({"action": ACTION, "error": {"code": "RequestLimitExceeded", "message": "slow down"}, "times": 2})).await;
    assert_eq!(s, 201);
    for _ in 0..2 {
        let res = app.call(ACTION, json!({"Id": 5427})).await;
        assert_eq!(code(&res), Some("RequestLimitExceeded"));
        assert_eq!(res["Error"]["Message"], "slow down");
    }
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), None);
}

#[tokio::test]
async fn faults_match_parameters_and_probability_is_reproducible() {
    let app = spawn_with(&["--rate-limit", "0"]).await;
    post(
        &app,
        "faults",
        json!({"action": "*", "match": {"Id": 3421599}, "error": {"code": "InternalError"}}),
    )
    .await;
    assert_eq!(
        code(&app.call(ACTION, json!({"Id": 3421599})).await),
        Some("InternalError")
    );
    assert_eq!(code(&app.call(ACTION, json!({"Id": 5427})).await), None);
    app.admin(Method::DELETE, "faults", None, None).await;

    let mut runs = Vec::new();
    for _ in 0..2 {
        app.admin(Method::DELETE, "faults", None, None).await;
        post(&app, "faults", json!({"action": ACTION, "error": {"code": "FailedOperation"}, "probability": 0.5, "seed": 42})).await;
        let mut pattern = Vec::new();
        for _ in 0..20 {
            pattern.push(code(&app.call(ACTION, json!({"Id": 5427})).await).is_some());
        }
        runs.push(pattern);
    }
    assert_eq!(runs[0], runs[1], "same seed, same failures");
    assert!(runs[0].contains(&true) && runs[0].contains(&false));
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_a_delay_still_answers() {
    let app = spawn_app().await;
    post(
        &app,
        "faults",
        json!({"action": ACTION, "drop": true, "times": 1}),
    )
    .await;
    let body = br#"{"Id":5427}"#.to_vec();
    let h = app.tc3_headers(ACTION, &body, ID, KEY, app.now());
    let sent = app
        .client
        .post(app.url())
        .headers(h)
        .body(body)
        .send()
        .await;
    let failed = match sent {
        Err(_) => true,
        Ok(res) => res.bytes().await.is_err(),
    };
    assert!(failed, "the client sees a network error");
    let (_, j) = app.admin(Method::GET, "requests", None, None).await;
    assert_eq!(j["requests"][0]["code"], "ConnectionDropped");

    post(
        &app,
        "faults",
        json!({"action": ACTION, "delay_ms": 50, "times": 1}),
    )
    .await;
    let started = std::time::Instant::now();
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(code(&res), None);
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
    let (_, list) = app.admin(Method::GET, "faults", None, None).await;
    assert_eq!(list["faults"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn export_reset_import_round_trips_byte_identical_state() {
    let app = spawn_app().await;
    post(&app, "fixtures", json!({"images": [{"Id": 10, "Account": "team-b", "ImageName": "b", "VulCnt": 2}, {"Id": 11, "ImageTag": "t"}]})).await;
    let first = app
        .client
        .get(format!("{}_emulator/state", app.url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    app.admin(Method::POST, "reset", None, None).await;
    let after_reset = app
        .client
        .get(format!("{}_emulator/state", app.url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_ne!(first, after_reset);
    let res = app
        .client
        .post(format!("{}_emulator/state", app.url()))
        .body(first.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let again = app
        .client
        .get(format!("{}_emulator/state", app.url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(first, again);
    let (s, _) = app
        .admin(
            Method::POST,
            "state",
            Some(r#"{"images":[{"Id":1,"Bad":1}]}"#),
            None,
        )
        .await;
    assert_eq!(s, 400);
    let unchanged = app
        .client
        .get(format!("{}_emulator/state", app.url()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(first, unchanged, "a rejected import changes nothing");
}

#[tokio::test]
async fn accounts_see_only_their_own_records() {
    let app = spawn_with(&["--credential", "AKIDteamb:keyb:team-b"]).await;
    post(
        &app,
        "fixtures",
        json!({"images": [{"Id": 20, "Account": "team-b", "ImageName": "b-only"}]}),
    )
    .await;
    let res = app.call(ACTION, json!({"Id": 20})).await;
    assert_eq!(
        code(&res),
        Some("ResourceNotFound"),
        "default account cannot see team-b's image"
    );
    let res = app
        .call_as(ACTION, json!({"Id": 20}), "AKIDteamb", "keyb")
        .await;
    assert_eq!(res["ImageName"], "b-only");
    let res = app
        .call_as(ACTION, json!({"Id": 5427}), "AKIDteamb", "keyb")
        .await;
    assert_eq!(
        code(&res),
        Some("ResourceNotFound"),
        "and team-b cannot see the default account's"
    );
}

#[tokio::test]
async fn metrics_count_calls_by_action_and_code() {
    let app = spawn_app().await;
    app.call(ACTION, json!({"Id": 5427})).await;
    app.call(ACTION, json!({"Id": 1})).await;
    app.call("NoSuchAction", json!({})).await;
    let res = app
        .client
        .get(format!("{}_emulator/metrics", app.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/plain; version=0.0.4");
    let text = res.text().await.unwrap();
    assert!(
        text.contains(&format!(
            "tcss_emulator_calls_total{{action=\"{ACTION}\",code=\"Success\"}} 1"
        )),
        "{text}"
    );
    assert!(text.contains(&format!(
        "tcss_emulator_calls_total{{action=\"{ACTION}\",code=\"ResourceNotFound\"}} 1"
    )));
    assert!(text.contains("tcss_emulator_calls_total{action=\"-\",code=\"InvalidAction\"} 1"));
    assert!(text.contains("tcss_emulator_call_duration_seconds_count 3"));
    assert!(text.contains("tcss_emulator_records 2"));
    assert!(text.contains("tcss_emulator_journal_entries 3"));
}

#[tokio::test]
async fn init_dir_documents_load_in_name_order_after_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("20-later.json"),
        r#"{"images":[{"Id": 5427, "ImageName": "overridden"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("10-first.json"),
        r#"{"images":[{"Id": 5427, "ImageName": "first"}, {"Id": 30}]}"#,
    )
    .unwrap();
    let app = spawn_with(&["--init-dir", dir.path().to_str().unwrap()]).await;
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(res["ImageName"], "overridden");
    app.admin(
        Method::POST,
        "fixtures",
        Some(r#"{"images":[{"Id": 5427, "ImageName": "changed"}]}"#),
        None,
    )
    .await;
    app.admin(Method::POST, "reset", None, None).await;
    let res = app.call(ACTION, json!({"Id": 5427})).await;
    assert_eq!(
        res["ImageName"], "overridden",
        "reset goes back to the state after start-up"
    );
}
