//! Runtime events, part 2, through a real socket: viruses and their scans, whitelist
//! rules and samples; malicious connection lists; K8s API abnormal events and rules;
//! risky DNS; image deny; the summaries across every event kind. Each flow seeds (the
//! bundled demo fixture or the admin route), lists, filters, changes and reads back.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

mod kinds;

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

#[tokio::test]
async fn a_virus_scan_runs_on_the_clock_and_can_be_stopped_and_run_again() {
    let app = spawn_app().await;
    clock_at(&app, "2026-12-02T12:00:00Z").await;
    let none = app.call("DescribeVirusScanTaskStatus", json!({})).await;
    assert_eq!(none["Status"], "SCAN_NONE");
    let est = app
        .call(
            "DescribeVirusManualScanEstimateTimeout",
            json!({"ScanRangeType": 0, "ScanRangeAll": true}),
        )
        .await;
    assert_eq!(
        (
            est["Timeout"].as_f64(),
            est["ContainerScanConcurrencyCount"].as_u64()
        ),
        (Some(1.0), Some(2))
    );
    let task = app
        .call(
            "CreateVirusScanTask",
            json!({"ScanPathAll": true, "ScanRangeType": 1, "ScanRangeAll": false,
                   "ScanIds": ["host-demo0001"], "Timeout": 1}),
        )
        .await;
    let id = task["TaskID"]
        .as_str()
        .unwrap_or_else(|| panic!("{task}"))
        .to_string();
    let st = app
        .call("DescribeVirusScanTaskStatus", json!({"TaskID": id}))
        .await;
    assert_eq!(
        (
            st["Status"].as_str(),
            st["ContainerTotal"].as_u64(),
            st["LeftSeconds"].as_u64()
        ),
        (Some("SCAN_SCANNING"), Some(2), Some(5))
    );
    let list = app
        .call("DescribeVirusTaskList", json!({"TaskId": id}))
        .await;
    assert_eq!(list["TotalCount"], 2, "{list}");
    assert!(
        list["List"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["Status"] == "SCANNING")
    );
    app.call(
        "StopVirusScanTask",
        json!({"TaskId": id, "ContainerIds": [WEB1]}),
    )
    .await;
    advance(&app, 5).await;
    let st = app
        .call("DescribeVirusScanTaskStatus", json!({"TaskID": id}))
        .await;
    assert_eq!(
        (
            st["Status"].as_str(),
            st["RiskCnt"].as_u64(),
            st["Schedule"].as_u64()
        ),
        (Some("SCAN_FINISH"), Some(2), Some(100)),
        "{st}"
    );
    let canceled = app
        .call(
            "DescribeVirusTaskList",
            json!({"TaskId": id, "Filters": filter("Status", "CANCELED")}),
        )
        .await;
    assert_eq!(ids(&canceled, "ContainerId"), [WEB1]);
    app.call(
        "CreateVirusScanAgain",
        json!({"TaskId": id, "ContainerIds": [WEB1]}),
    )
    .await;
    let again = app
        .call(
            "DescribeVirusTaskList",
            json!({"TaskId": id, "Filters": filter("ContainerId", WEB1)}),
        )
        .await;
    assert_eq!(again["List"][0]["Status"], "SCANNING", "{again}");
    let summary = app.call("DescribeVirusSummary", json!({})).await;
    assert_eq!(summary["TaskId"], id.as_str());
    let unknown = app
        .call("StopVirusScanTask", json!({"TaskId": "999"}))
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
}

#[tokio::test]
async fn virus_whitelist_rules_are_added_changed_listed_and_deleted() {
    let app = spawn_app().await;
    let add = app
        .call(
            "AddOrModifyVirusWhiteListRule",
            json!({"Md5List": ["aa", "bb"], "Scope": 0, "ImageIds": [NGINX], "Remark": "ci tools", "EventId": 0}),
        )
        .await;
    assert_eq!(code(&add), None, "{add}");
    let list = app
        .call(
            "DescribeVirusWhiteListRules",
            json!({"By": "Id", "Order": "asc"}),
        )
        .await;
    assert_eq!(ids(&list, "Id"), ["1", "2"]);
    let new = &list["List"][1];
    assert_eq!(
        (new["Md5Count"].as_u64(), new["ImageCount"].as_u64()),
        (Some(2), Some(1))
    );
    app.call(
        "AddOrModifyVirusWhiteListRule",
        json!({"Id": 2, "Md5List": ["aa"], "Scope": 1}),
    )
    .await;
    let list = app
        .call(
            "DescribeVirusWhiteListRules",
            json!({"Filters": filter("Scope", "1")}),
        )
        .await;
    assert_eq!(ids(&list, "Id"), ["2"]);
    assert_eq!(list["List"][0]["Md5List"], json!(["aa"]));
    let missing = app
        .call(
            "AddOrModifyVirusWhiteListRule",
            json!({"Id": 77, "Md5List": ["aa"], "Scope": 1}),
        )
        .await;
    assert_eq!(code(&missing), Some("ResourceNotFound"));
    let no_images = app
        .call(
            "AddOrModifyVirusWhiteListRule",
            json!({"Md5List": ["aa"], "Scope": 0}),
        )
        .await;
    assert_eq!(code(&no_images), Some("InvalidParameterValue"));
    app.call("DeleteVirusWhiteListRule", json!({"RuleIdSet": [1, 2, 3]}))
        .await;
    let list = app.call("DescribeVirusWhiteListRules", json!({})).await;
    assert_eq!(list["TotalCount"], 0);
}

#[tokio::test]
async fn auto_isolate_samples_are_switched_and_described() {
    let app = spawn_app().await;
    let md5 = "e4d909c290d0fb1ca068ffaddf22cbd0";
    let on = app
        .call(
            "DescribeVirusAutoIsolateSampleList",
            json!({"Filters": filter("AutoIsolateSwitch", "1")}),
        )
        .await;
    assert_eq!(ids(&on, "MD5"), ["5b98800688cae1533ff965ab31baeab1"]);
    app.call(
        "ModifyVirusAutoIsolateExampleSwitch",
        json!({"MD5": md5, "Status": true}),
    )
    .await;
    let on = app
        .call(
            "DescribeVirusAutoIsolateSampleList",
            json!({"Filters": filter("AutoIsolateSwitch", "1")}),
        )
        .await;
    assert_eq!(on["TotalCount"], 2);
    let d = app
        .call("DescribeVirusAutoIsolateSampleDetail", json!({"MD5": md5}))
        .await;
    assert_eq!(d["VirusName"], "Linux.Trojan.Agent");
    let url = app
        .call(
            "DescribeVirusAutoIsolateSampleDownloadURL",
            json!({"MD5": md5}),
        )
        .await;
    assert_eq!(
        url["FileUrl"],
        format!("https://{md5}.virus-sample.invalid/sample")
    );
    let unknown = app
        .call(
            "ModifyVirusAutoIsolateExampleSwitch",
            json!({"MD5": "ffff", "Status": true}),
        )
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
}
