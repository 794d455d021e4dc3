//! The exports of the event and rule lists: files holding the lists' rows.

use serde_json::json;

use super::{NGINX, WEB1, clock_at, exported_csv, filter, ids};
use crate::helpers::*;

#[tokio::test]
async fn event_exports_hold_the_lists_rows() {
    let app = spawn_app().await;
    clock_at(&app, "2026-12-02T12:00:00Z").await;
    let job = app
        .call(
            "ExportVirusList",
            json!({"ExportField": ["Id", "VirusName"], "Filters": filter("ContainerId", WEB1)}),
        )
        .await;
    let csv = exported_csv(&app, &job).await;
    assert_eq!(csv, "Id,VirusName\nvir-demo0001,Linux.Trojan.Miner\n");

    let job = app
        .call(
            "CreateK8sApiAbnormalRuleExportJob",
            json!({"ExportField": ["RuleID"], "Filters": filter("RuleType", "RT_SYSTEM")}),
        )
        .await;
    let csv = exported_csv(&app, &job).await;
    assert_eq!(csv, "RuleID\nrule-system01\n");

    let seeded = post(
        &app,
        "fixtures",
        json!({"image_viruses": [
            {"ImageID": NGINX, "FileName": "miner", "Path": "/usr/bin/miner", "VirusName": "Miner", "RiskLevel": 2},
            {"ImageID": "sha256:other", "FileName": "x", "Path": "/x", "VirusName": "X", "RiskLevel": 1}]}),
    )
    .await;
    assert_eq!(seeded.0, 200, "{}", seeded.1);
    let list = app
        .call("DescribeAssetImageVirusList", json!({"ImageID": NGINX}))
        .await;
    assert_eq!(ids(&list, "FileName"), ["miner"]);
    for action in [
        "DescribeAssetImageVirusListExport",
        "CreateAssetImageVirusExportJob",
    ] {
        let job = app
            .call(
                action,
                json!({"ImageID": NGINX, "ExportField": ["Path", "VirusName"]}),
            )
            .await;
        let csv = exported_csv(&app, &job).await;
        assert_eq!(csv, "Path,VirusName\n/usr/bin/miner,Miner\n", "{action}");
    }
}
