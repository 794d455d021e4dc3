//! Trojan scans on the clock, virus whitelist rules and auto-isolation samples.

use serde_json::json;

use super::{NGINX, WEB1, advance, clock_at, filter, ids};
use crate::helpers::*;

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
