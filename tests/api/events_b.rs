//! Runtime events, part 2, through a real socket: viruses and their scans, whitelist
//! rules and samples; malicious connection lists; K8s API abnormal events and rules;
//! risky DNS; image deny; the summaries across every event kind. Each flow seeds (the
//! bundled demo fixture or the admin route), lists, filters, changes and reads back.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

mod errors;
mod exports;
mod k8s_rules;
mod kinds;
mod virus;

const WEB1: &str = "3f2a9c1e7b5d4a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a";
const NGINX: &str = "sha256:6f0d4c2a1b3e5f7a9c8d0e2f4a6b8c0d1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b";

/// Freezes the emulator clock at `now` (RFC 3339).
async fn clock_at(app: &TestApp, now: &str) {
    let body = json!({"now": now, "freeze": true}).to_string();
    let (status, _) = app.admin(Method::POST, "clock", Some(&body), None).await;
    assert_eq!(status, 200);
}

async fn advance(app: &TestApp, seconds: u64) {
    let body = json!({"advance_seconds": seconds}).to_string();
    let (status, _) = app.admin(Method::POST, "clock", Some(&body), None).await;
    assert_eq!(status, 200);
}

fn ids(list: &Value, member: &str) -> Vec<String> {
    list["List"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|i| match &i[member] {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        })
        .collect()
}

/// The CSV of an export: at its `DownloadUrl`, or (an action answering only its
/// `JobId`) at the job's URL once the job has finished on the clock.
async fn exported_csv(app: &TestApp, job: &Value) -> String {
    let url = match job["DownloadUrl"].as_str() {
        Some(url) => url.to_string(),
        None => {
            let id = job["JobId"].as_str().unwrap_or_else(|| panic!("{job}"));
            advance(app, 5).await;
            let res = app
                .call("DescribeExportJobDownloadURL", json!({"JobID": id}))
                .await;
            res["DownloadURL"]
                .as_str()
                .unwrap_or_else(|| panic!("{res}"))
                .to_string()
        }
    };
    let csv = url.replace(".xlsx?", ".csv?");
    app.client
        .get(csv)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn filter(name: &str, value: &str) -> Value {
    json!([{"Name": name, "Values": [value], "ExactMatch": true}])
}

#[tokio::test]
async fn virus_events_are_listed_filtered_marked_and_removed() {
    let app = spawn_app().await;
    let all = app
        .call(
            "DescribeVirusList",
            json!({"By": "CreateTime", "Order": "desc"}),
        )
        .await;
    assert_eq!(all["TotalCount"], 3, "{all}");
    assert_eq!(
        ids(&all, "Id"),
        ["vir-demo0003", "vir-demo0002", "vir-demo0001"]
    );
    let web = app
        .call(
            "DescribeVirusList",
            json!({"Filters": [{"Name": "ContainerName", "Values": ["web"]}], "Limit": 1}),
        )
        .await;
    assert_eq!(
        (web["TotalCount"].as_u64(), ids(&web, "Id").len()),
        (Some(2), 1)
    );

    let r = app
        .call(
            "ModifyVirusFileStatus",
            json!({"EventIdSet": ["vir-demo0001", "vir-nope"], "Status": "EVENT_IGNORE", "Remark": "lab box"}),
        )
        .await;
    assert_eq!(code(&r), None, "{r}");
    let detail = app
        .call("DescribeVirusDetail", json!({"Id": "vir-demo0001"}))
        .await;
    assert_eq!(
        (detail["Status"].as_str(), detail["Mark"].as_str()),
        (Some("DEAL_IGNORE"), Some("lab box"))
    );
    assert_eq!(detail["ContainerId"], WEB1);
    let ignored = app
        .call(
            "DescribeVirusList",
            json!({"Filters": filter("Status", "DEAL_IGNORE")}),
        )
        .await;
    assert_eq!(ids(&ignored, "Id"), ["vir-demo0001", "vir-demo0003"]);

    let bad = app
        .call(
            "ModifyVirusFileStatus",
            json!({"EventIdSet": ["vir-demo0001"], "Status": "EVENT_SOLVED"}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"), "{bad}");
    app.call(
        "ModifyVirusFileStatus",
        json!({"EventIdSet": ["vir-demo0002"], "Status": "EVENT_DEL"}),
    )
    .await;
    let gone = app
        .call("DescribeVirusDetail", json!({"Id": "vir-demo0002"}))
        .await;
    assert_eq!(code(&gone), Some("ResourceNotFound"), "{gone}");
    let url = app
        .call(
            "DescribeVirusSampleDownloadUrl",
            json!({"ID": "vir-demo0001"}),
        )
        .await;
    assert_eq!(
        url["FileUrl"],
        "https://5b98800688cae1533ff965ab31baeab1.virus-sample.invalid/sample"
    );
}

#[tokio::test]
async fn isolating_a_virus_events_container_finishes_on_the_clock() {
    let app = spawn_app().await;
    clock_at(&app, "2026-12-02T12:00:00Z").await;
    app.call(
        "ModifyVirusFileStatus",
        json!({"EventIdSet": ["vir-demo0001"], "Status": "EVENT_ISOLATE_CONTAINER"}),
    )
    .await;
    let net = |d: &Value| d["ContainerNetStatus"].as_str().map(str::to_string);
    let d = app
        .call("DescribeVirusDetail", json!({"Id": "vir-demo0001"}))
        .await;
    assert_eq!(net(&d).as_deref(), Some("ISOLATING"));
    advance(&app, 5).await;
    let d = app
        .call("DescribeVirusDetail", json!({"Id": "vir-demo0001"}))
        .await;
    assert_eq!(net(&d).as_deref(), Some("ISOLATED"));
    assert_eq!(d["OperationTime"], "2026-12-02 12:00:00");
    let s = app.call("DescribeVirusSummary", json!({})).await;
    assert_eq!(s["IsolateCnt"], 1, "{s}");
    let container = app
        .call("DescribeAssetContainerDetail", json!({"ContainerId": WEB1}))
        .await;
    assert_eq!(
        container["NetStatus"], "ISOLATED",
        "the container itself is isolated"
    );
}

#[tokio::test]
async fn whitelisting_a_trojan_adds_a_rule_and_auto_isolate_switches_its_sample_on() {
    let app = spawn_app().await;
    clock_at(&app, "2026-12-02T12:00:00Z").await;
    app.call(
        "ModifyVirusFileStatus",
        json!({"EventIdSet": ["vir-demo0002"], "Status": "EVENT_ADD_WHITE", "Remark": "test fixture",
               "AutoIsolate": true}),
    )
    .await;
    let rules = app
        .call(
            "DescribeVirusWhiteListRules",
            json!({"Filters": filter("Remark", "test fixture")}),
        )
        .await;
    assert_eq!(
        rules["List"][0]["Md5List"],
        json!(["9e107d9d372bb6826bd81d3542a419d6"]),
        "{rules}"
    );
    let sample = app
        .call(
            "DescribeVirusAutoIsolateSampleList",
            json!({"Filters": filter("MD5", "9e107d9d372bb6826bd81d3542a419d6")}),
        )
        .await;
    assert_eq!(
        (
            sample["List"][0]["AutoIsolateSwitch"].as_bool(),
            sample["List"][0]["ModifyTime"].as_str()
        ),
        (Some(true), Some("2026-12-02T12:00:00Z")),
        "{sample}"
    );
}

#[tokio::test]
async fn virus_summary_and_tendency_count_the_events_by_day() {
    let app = spawn_app().await;
    clock_at(&app, "2026-12-02T23:00:00Z").await;
    let s = app.call("DescribeVirusSummary", json!({})).await;
    assert_eq!(
        (s["RiskCnt"].as_u64(), s["RiskContainerCnt"].as_u64()),
        (Some(2), Some(2)),
        "{s}"
    );
    assert_eq!(s["RiskIncrease"], 0, "today's event is ignored");
    let t = app
        .call("DescribeVirusEventTendency", json!({"TendencyPeriod": 4}))
        .await;
    let days: Vec<(String, u64, u64)> = t["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["Date"].as_str().unwrap().to_string(),
                d["EventCount"].as_u64().unwrap(),
                d["PendingEventCount"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("2026-11-29".into(), 0, 0),
            ("2026-11-30".into(), 1, 1),
            ("2026-12-01".into(), 1, 1),
            ("2026-12-02".into(), 1, 0)
        ]
    );
}
