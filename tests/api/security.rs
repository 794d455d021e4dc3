//! Hardening: a legacy-signed call means what it signed, export downloads work by
//! their URL alone, and what callers can make the emulator keep is bounded.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const STATUS: &str = "DescribeAssetImageRegistryScanStatusOneKey";
const CREATE: &str = "CreateAssetImageRegistryScanTaskOneKey";

/// The actions the journal recorded, oldest first.
async fn journaled_actions(app: &TestApp) -> Vec<Value> {
    let (_, all) = app.admin(Method::GET, "requests", None, None).await;
    all["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|e| e["action"].clone())
        .collect()
}

#[tokio::test]
async fn a_legacy_call_replayed_with_another_x_tc_action_runs_the_signed_action() {
    let app = spawn_with(&["--rate-limit", "0"]).await;
    for method in ["POST", "GET"] {
        let res = app
            .legacy_request(STATUS, method, "HmacSHA256", &[("All", "true")], app.now())
            .header("X-TC-Action", CREATE)
            .send()
            .await
            .expect("send");
        let res = response_of(res).await;
        assert!(
            res.get("TaskID").is_none(),
            "{method}: a scan task was created: {res}"
        );
    }
    assert_eq!(
        journaled_actions(&app).await,
        vec![json!(STATUS), json!(STATUS)]
    );
    let list = app
        .call("DescribeAssetImageRegistryList", json!({"Limit": 100}))
        .await;
    for image in list["List"].as_array().expect("List") {
        assert_ne!(image["ScanStatus"], "SCANNING", "{image}");
    }
}

#[tokio::test]
async fn an_old_legacy_timestamp_with_a_fresh_x_tc_timestamp_is_signature_expire() {
    for mode in ["verify", "strict"] {
        let app = spawn_with(&["--signature", mode]).await;
        let now = app.now();
        for method in ["POST", "GET"] {
            let res = app
                .legacy_request(ACTION, method, "HmacSHA1", &[("Id", "5427")], now - 3600)
                .header("X-TC-Timestamp", now.to_string())
                .send()
                .await
                .expect("send");
            let res = response_of(res).await;
            assert_eq!(
                code(&res),
                Some("AuthFailure.SignatureExpire"),
                "{mode} {method}: {res}"
            );
        }
    }
}

#[tokio::test]
async fn legacy_common_parameters_ignore_the_other_x_tc_headers() {
    let app = spawn_app().await;
    let res = app
        .legacy_request(ACTION, "POST", "HmacSHA256", &[("Id", "5427")], app.now())
        .header("X-TC-Version", "2017-03-12")
        .header("X-TC-Language", "zh-CN")
        .send()
        .await
        .expect("send");
    let res = response_of(res).await;
    assert_eq!(code(&res), None, "{res}");
    assert_eq!(res["Id"], 5427);
}

/// The newest journal entry.
async fn last_entry(app: &TestApp) -> Value {
    let (_, all) = app.admin(Method::GET, "requests?limit=1", None, None).await;
    all["requests"][0].clone()
}

#[tokio::test]
async fn a_call_refused_at_its_signature_keeps_no_parameters_and_hides_its_token() {
    let app = spawn_app().await;
    let body = json!({"Id": vec![7; 50_000]}).to_string();
    let mut h = app.tc3_headers(ACTION, body.as_bytes(), ID, "wrong-key", app.now());
    h.remove("authorization");
    let res = app
        .client
        .post(app.url())
        .headers(h)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(&response_of(res).await),
        Some("AuthFailure.InvalidAuthorization")
    );
    let unsigned = last_entry(&app).await;
    assert_eq!(unsigned["params"], Value::Null, "{unsigned}");
    assert_eq!(unsigned["action"], ACTION);

    let token = "very-secret-session-token";
    let res = app
        .legacy_request(ACTION, "GET", "HmacSHA256", &[("Token", token)], app.now())
        .query(&[("Id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(&response_of(res).await),
        Some("AuthFailure.SignatureFailure")
    );
    let refused = last_entry(&app).await;
    assert_eq!(refused["params"], Value::Null, "{refused}");
    let sts = refused["string_to_sign"].as_str().expect("string_to_sign");
    assert!(sts.contains("&Token=***&"), "{sts}");
    assert!(!refused.to_string().contains(token), "{refused}");
}

#[tokio::test]
async fn the_journal_is_bounded_in_bytes_and_keeps_the_newest() {
    let app = spawn_with(&["--journal-bytes", "60000", "--rate-limit", "0"]).await;
    let values: Vec<String> = (0..200).map(|i| format!("{i:0100}")).collect();
    for i in 0..10 {
        let params = json!({"Id": i, "Filters": [{"Name": "ImageName", "Values": values}]});
        app.call("DescribeAssetImageRegistryList", params).await;
    }
    let (status, all) = app.admin(Method::GET, "requests", None, None).await;
    assert_eq!(status, 200);
    let entries = all["requests"].as_array().expect("requests");
    assert!(
        (1..10).contains(&entries.len()),
        "{} entries kept",
        entries.len()
    );
    assert_eq!(entries.last().unwrap()["params"]["Id"], 9);
    assert!(
        all.to_string().len() < 60_000,
        "{} bytes",
        all.to_string().len()
    );
    assert!(app.state.journal.bytes() <= 60_000);
    // Written page by page as it is read, not built whole first.
    let res = app
        .client
        .get(format!("{}_emulator/requests", app.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["transfer-encoding"], "chunked");
    assert!(res.headers().get("content-length").is_none());
}

const LIST_EXPORT: &str = "DescribeAssetImageRegistryListExport";

#[tokio::test]
async fn with_an_admin_token_an_export_downloads_by_its_url_alone() {
    let app = spawn_with(&["--admin-token", "admin-secret"]).await;
    let res = app
        .call(LIST_EXPORT, json!({"ExportField": ["Id", "ImageName"]}))
        .await;
    let url = res["DownloadUrl"]
        .as_str()
        .expect("DownloadUrl")
        .replace(".xlsx?sign=", ".csv?sign=");
    let job = res["JobId"].as_str().expect("JobId");
    let got = app.client.get(&url).send().await.unwrap();
    assert_eq!(got.status(), 200, "{url}");
    assert_eq!(got.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(got.text().await.unwrap().starts_with("Id,ImageName\n5427,"));

    let path = format!("exports/{job}");
    let (status, _) = app.admin(Method::GET, &path, None, None).await;
    assert_eq!(status, 401, "the JobId alone is not enough");
    let (status, _) = app
        .admin(Method::GET, &format!("{path}?sign=0000"), None, None)
        .await;
    assert_eq!(status, 404, "a wrong sign");
    let (status, _) = app
        .admin(Method::GET, &path, None, Some("admin-secret"))
        .await;
    assert_eq!(status, 200, "an admin needs no sign");
}

/// The text at `url`.
async fn get_text(app: &TestApp, url: &str) -> String {
    app.client
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The CSV an export call made.
async fn csv_of(app: &TestApp, res: &Value) -> String {
    let url = res["DownloadUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("{res}"))
        .replace(".xlsx?sign=", ".csv?sign=");
    get_text(app, &url).await
}

#[tokio::test]
async fn export_fields_must_be_columns_of_the_export_and_repeats_are_dropped() {
    let app = spawn_app().await;
    let res = app
        .call(
            LIST_EXPORT,
            json!({"ExportField": ["ImageName", "NoSuchColumn"]}),
        )
        .await;
    assert_eq!(code(&res), Some("InvalidParameterValue"), "{res}");
    assert!(
        res["Error"]["Message"]
            .as_str()
            .unwrap()
            .contains("NoSuchColumn"),
        "{res}"
    );
    let res = app
        .call(
            "DescribeAssetImageRegistryVulListExport",
            json!({"Id": 5427, "ExportField": ["CVEID", "Nope"]}),
        )
        .await;
    assert_eq!(code(&res), Some("InvalidParameterValue"), "{res}");

    let many: Vec<&str> = ["ImageName", "imagename", "VulCnt", "ImageName"]
        .into_iter()
        .cycle()
        .take(10_000)
        .collect();
    let res = app.call(LIST_EXPORT, json!({"ExportField": many})).await;
    assert_eq!(code(&res), None, "{res}");
    let csv = csv_of(&app, &res).await;
    assert_eq!(csv.lines().next(), Some("ImageName,VulCnt"));
    // The documentation's own example names are columns (empty when a row lacks them).
    let documented = json!({"ExportField": ["ScanStartTime", "ScanEndTime", "ImageId"]});
    let res = app.call(LIST_EXPORT, documented).await;
    assert_eq!(code(&res), None, "{res}");
}

#[tokio::test]
async fn csv_cells_that_would_run_as_formulas_are_neutralised() {
    let app = spawn_app().await;
    let doc = json!({"images": [{"Id": 1, "ImageName": "=HYPERLINK(\"http://x\",\"y\")",
        "ImageTag": "+1", "Namespace": "-2+3", "InstanceName": "@SUM(A1)", "OsName": "linux"}]});
    let (status, _) = app
        .admin(Method::POST, "fixtures", Some(&doc.to_string()), None)
        .await;
    assert_eq!(status, 200);
    let res = app
        .call(
            LIST_EXPORT,
            json!({"ExportField": ["ImageName", "ImageTag", "Namespace", "InstanceName", "OsName", "Id"],
                   "Filters": [{"Name": "OsName", "Values": ["linux"], "ExactMatch": true}]}),
        )
        .await;
    let csv = csv_of(&app, &res).await;
    let row = csv
        .lines()
        .find(|l| l.ends_with(",1"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(
        row,
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+1,'-2+3,'@SUM(A1),linux,1"
    );
}

#[tokio::test]
async fn stubs_and_faults_are_limited_to_a_thousand_each() {
    let app = spawn_app().await;
    for (path, body) in [
        (
            "stubs",
            json!({"action": ACTION, "response": {"ImageName": "x"}}),
        ),
        ("faults", json!({"action": ACTION, "delay_ms": 1})),
    ] {
        for i in 0..1000 {
            let (status, res) = post(&app, path, body.clone()).await;
            assert_eq!(status, 201, "{path} {i}: {res}");
        }
        let (status, res) = post(&app, path, body.clone()).await;
        assert_eq!(status, 400, "{path}: {res}");
        assert!(
            res["error"]["message"].as_str().unwrap().contains("1000"),
            "{res}"
        );
        let (status, _) = app.admin(Method::DELETE, path, None, None).await;
        assert_eq!(status, 204);
        let (status, _) = post(&app, path, body).await;
        assert_eq!(status, 201, "{path}: room again once deleted");
    }
}

/// The Prometheus text of the metrics route.
async fn metrics_text(app: &TestApp) -> String {
    get_text(app, &format!("{}_emulator/metrics", app.url())).await
}

#[tokio::test]
async fn metrics_labels_of_caller_chosen_codes_are_bounded_and_reset_clears_them() {
    let app = spawn_with(&["--rate-limit", "0"]).await;
    for i in 0..130 {
        let stub = json!({"action": ACTION, "error": {"code": format!("FailedOperation.Code{i}")}, "times": 1});
        assert_eq!(post(&app, "stubs", stub).await.0, 201);
        let res = app.call(ACTION, json!({"Id": 5427})).await;
        assert_eq!(
            code(&res),
            Some(format!("FailedOperation.Code{i}").as_str())
        );
    }
    app.call(ACTION, json!({"Id": 5427})).await;
    let text = metrics_text(&app).await;
    let series: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("tcss_emulator_calls_total{"))
        .collect();
    assert_eq!(series.len(), 102, "100 codes, `other`, and Success");
    assert!(
        text.contains(&format!("{{action=\"{ACTION}\",code=\"other\"}} 30")),
        "{text}"
    );
    assert!(text.contains(&format!("{{action=\"{ACTION}\",code=\"Success\"}} 1")));
    assert!(text.contains("tcss_emulator_journal_bytes "), "{text}");
    let (status, _) = app.admin(Method::POST, "reset", None, None).await;
    assert_eq!(status, 200);
    let text = metrics_text(&app).await;
    assert!(!text.contains("tcss_emulator_calls_total{"), "{text}");
}
