//! Compliance through a real socket: the demo world's assets and policy items listed,
//! filtered and read; scans on the clock change the results; bad input. The
//! whitelist, periodic tasks, export and state: `compliance_whitelist.rs`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

pub async fn advance(app: &TestApp, seconds: u64) {
    let body = json!({"freeze": true, "advance_seconds": seconds}).to_string();
    let (status, _) = app.admin(Method::POST, "clock", Some(&body), None).await;
    assert_eq!(status, 200);
}

pub async fn asset(app: &TestApp, id: u64) -> Value {
    let res = app
        .call(
            "DescribeComplianceAssetDetailInfo",
            json!({"CustomerAssetId": id}),
        )
        .await;
    assert_eq!(code(&res), None, "{res}");
    res
}

pub async fn item(app: &TestApp, id: u64) -> Value {
    let res = app
        .call(
            "DescribeCompliancePolicyItemAffectedSummary",
            json!({"CustomerPolicyItemId": id}),
        )
        .await;
    assert_eq!(code(&res), None, "{res}");
    res["PolicyItemSummary"].clone()
}

#[tokio::test]
async fn seeded_assets_are_listed_by_type_filtered_paged_and_read() {
    let app = spawn_app().await;
    let all = app
        .call("DescribeComplianceAssetList", json!({"Limit": 100}))
        .await;
    assert_eq!(all["TotalCount"], 8, "{all}");
    let containers = app
        .call(
            "DescribeComplianceAssetList",
            json!({"AssetTypeSet": ["ASSET_CONTAINER"], "Limit": 2}),
        )
        .await;
    assert_eq!(containers["TotalCount"], 3);
    assert_eq!(containers["AssetInfoList"].as_array().unwrap().len(), 2);
    let web = app
        .call(
            "DescribeComplianceAssetList",
            json!({"AssetTypeSet": ["ASSET_CONTAINER"],
                   "Filters": [{"Name": "AssetName", "Values": ["web-2"], "ExactMatch": true}]}),
        )
        .await;
    assert_eq!(web["TotalCount"], 1);
    let row = &web["AssetInfoList"][0];
    assert_eq!(row["CustomerAssetId"], 2);
    assert_eq!(row["FailedPolicyItemCount"], 2);
    assert_eq!(row["CheckResult"], "RESULT_FAILED");
    assert_eq!(row["ClusterID"], "cls-demo0001");

    let detail = asset(&app, 6).await;
    assert_eq!(detail["AssetDetailInfo"]["AssetType"], "ASSET_HOST");
    assert_eq!(detail["AssetDetailInfo"]["PassedPolicyItemCount"], 1);
    assert_eq!(detail["HostDetailInfo"]["DockerVersion"], "1.7.13");
    let missing = app
        .call(
            "DescribeComplianceAssetDetailInfo",
            json!({"CustomerAssetId": 999}),
        )
        .await;
    assert_eq!(code(&missing), Some("ResourceNotFound"));

    let failed = app
        .call("DescribeComplianceScanFailedAssetList", json!({}))
        .await;
    assert_eq!(failed["TotalCount"], 1);
    assert_eq!(failed["ScanFailedAssetList"][0]["AssetName"], "cache");
}

#[tokio::test]
async fn policy_items_show_their_assets_results_both_ways() {
    let app = spawn_app().await;
    let items = app
        .call(
            "DescribeComplianceTaskPolicyItemSummaryList",
            json!({"AssetType": "ASSET_CONTAINER",
                   "Filters": [{"Name": "RiskLevel", "Values": ["RISK_HIGH"]}]}),
        )
        .await;
    assert_eq!(items["TotalCount"], 1, "{items}");
    assert_eq!(items["TaskId"], 1);
    let high = &items["PolicyItemSummaryList"][0];
    assert_eq!(high["CustomerPolicyItemId"], 1);
    assert_eq!(
        (
            high["FailedAssetCount"].as_u64(),
            high["PassedAssetCount"].as_u64()
        ),
        (Some(2), Some(0))
    );

    let affected = app
        .call(
            "DescribeCompliancePolicyItemAffectedAssetList",
            json!({"CustomerPolicyItemId": 2,
                   "Filters": [{"Name": "CheckResult", "Values": ["RESULT_FAILED"], "ExactMatch": true}]}),
        )
        .await;
    assert_eq!(affected["TotalCount"], 1, "{affected}");
    assert_eq!(affected["AffectedAssetList"][0]["AssetName"], "web-2");

    let of_asset = app
        .call(
            "DescribeComplianceAssetPolicyItemList",
            json!({"CustomerAssetId": 1, "Filters": [{"Name": "RiskLevel", "Values": ["RISK_HIGH"]}]}),
        )
        .await;
    assert_eq!(of_asset["TotalCount"], 1);
    assert_eq!(
        of_asset["AssetPolicyItemList"][0]["CheckResult"],
        "RESULT_FAILED"
    );
    // redis:7.2 was never checked: its items have no result yet.
    let unchecked = app
        .call(
            "DescribeComplianceAssetPolicyItemList",
            json!({"CustomerAssetId": 5}),
        )
        .await;
    assert_eq!(
        unchecked["AssetPolicyItemList"][0]["CheckStatus"],
        "CHECK_INIT"
    );
    assert_eq!(unchecked["AssetPolicyItemList"][0]["CheckResult"], "");
}

#[tokio::test]
async fn a_scan_on_the_clock_finds_what_the_asset_breaks_now() {
    let app = spawn_app().await;
    // web-1 is fixed: it breaks nothing any more (the fixture route upserts it).
    let fixed = json!({"compliance_assets": [{"CustomerAssetId": 1, "AssetType": "ASSET_CONTAINER",
        "AssetName": "web-1", "CheckStatus": "CHECK_FINISHED", "LastCheckTime": "2026-12-01 02:00:00",
        "__violations": [], "__failed": [1]}]});
    let (status, _) = app
        .admin(Method::POST, "fixtures", Some(&fixed.to_string()), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        asset(&app, 1).await["AssetDetailInfo"]["CheckResult"],
        "RESULT_FAILED"
    );

    let task = app
        .call(
            "ScanComplianceAssets",
            json!({"CustomerAssetIdSet": [1, 5]}),
        )
        .await;
    let task_id = task["TaskId"].as_u64().expect("a task");
    assert_eq!(task_id, 2, "after the demo world's task 1");
    let running = asset(&app, 1).await;
    assert_eq!(running["AssetDetailInfo"]["CheckStatus"], "CHECK_RUNNING");
    let summary = app
        .call(
            "DescribeComplianceTaskAssetSummary",
            json!({"AssetTypeSet": ["ASSET_CONTAINER"]}),
        )
        .await;
    assert_eq!(
        summary["AssetSummaryList"][0]["CheckStatus"],
        "CHECK_RUNNING"
    );
    assert!(summary["AssetSummaryList"][0]["LeftTime"].as_u64() > Some(0));

    advance(&app, 5).await;
    let done = asset(&app, 1).await["AssetDetailInfo"].clone();
    assert_eq!(done["CheckStatus"], "CHECK_FINISHED");
    assert_eq!(done["CheckResult"], "RESULT_PASSED");
    assert_eq!(done["FailedPolicyItemCount"], 0);
    // redis:7.2's first check finds what it breaks.
    let redis = asset(&app, 5).await["AssetDetailInfo"].clone();
    assert_eq!(redis["CheckResult"], "RESULT_FAILED");
    let items = app
        .call(
            "DescribeComplianceTaskPolicyItemSummaryList",
            json!({"AssetType": "ASSET_CONTAINER"}),
        )
        .await;
    assert_eq!(items["TaskId"], task_id);
}

#[tokio::test]
async fn scans_by_policy_item_and_of_failed_assets_finish_on_the_clock() {
    let app = spawn_app().await;
    let by_item = app
        .call(
            "ScanComplianceAssetsByPolicyItem",
            json!({"CustomerPolicyItemId": 2, "CustomerAssetIdSet": [3]}),
        )
        .await;
    assert!(by_item["TaskId"].as_u64().is_some(), "{by_item}");
    let failed = app
        .call(
            "ScanComplianceScanFailedAssets",
            json!({"CustomerAssetIdSet": [3]}),
        )
        .await;
    assert!(failed["TaskId"].as_u64() > by_item["TaskId"].as_u64());
    advance(&app, 5).await;
    let list = app
        .call("DescribeComplianceScanFailedAssetList", json!({}))
        .await;
    assert_eq!(list["TotalCount"], 0, "the failed asset was checked again");
    assert_eq!(item(&app, 2).await["FailedAssetCount"], 2);

    let by_items = app
        .call(
            "ScanCompliancePolicyItems",
            json!({"CustomerPolicyItemIdSet": [5]}),
        )
        .await;
    assert!(by_items["TaskId"].as_u64().is_some());
    assert_eq!(item(&app, 5).await["CheckStatus"], "CHECK_RUNNING");
    let all = app
        .call(
            "CreateComplianceTask",
            json!({"AssetTypeSet": ["ASSET_HOST"]}),
        )
        .await;
    assert!(all["TaskId"].as_u64().is_some());
    assert_eq!(
        asset(&app, 7).await["AssetDetailInfo"]["CheckStatus"],
        "CHECK_RUNNING"
    );
    let unknown = app
        .call("ScanComplianceAssets", json!({"CustomerAssetIdSet": [404]}))
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
}

#[tokio::test]
async fn bad_input_gets_the_tencent_error_a_client_expects() {
    let app = spawn_app().await;
    let cases = [
        (
            "DescribeComplianceAssetList",
            json!({"Limit": 0}),
            "InvalidParameterValue",
            "a zero Limit",
        ),
        (
            "DescribeComplianceAssetList",
            json!({"Limit": 101}),
            "InvalidParameterValue",
            "a Limit over 100",
        ),
        (
            "DescribeComplianceAssetList",
            json!({"Filters": [{"Name": "Colour", "Values": ["red"]}]}),
            "InvalidParameterValue",
            "a filter that names no field",
        ),
        (
            "DescribeComplianceWhitelistItemList",
            json!({"By": "Name", "Order": "sideways"}),
            "InvalidParameterValue",
            "an Order that is neither asc nor desc",
        ),
        (
            "DescribeCompliancePolicyItemAffectedAssetList",
            json!({"CustomerPolicyItemId": 404}),
            "ResourceNotFound",
            "an unknown policy item",
        ),
        (
            "ScanComplianceAssetsByPolicyItem",
            json!({"CustomerPolicyItemId": 404, "CustomerAssetIdSet": [1]}),
            "ResourceNotFound",
            "a scan by an unknown policy item",
        ),
        (
            "CreateComplianceTask",
            json!({"PeriodTaskId": 404}),
            "ResourceNotFound",
            "a task of an unknown periodic task",
        ),
        (
            "CreateExportComplianceStatusListJob",
            json!({"AssetType": "ASSET_HOST", "ExportByAsset": true, "ExportAll": true,
                   "Filters": [{"Name": "Colour", "Values": ["red"]}]}),
            "InvalidParameterValue",
            "an export filter that names no field",
        ),
        (
            "DescribeComplianceAssetDetailInfo",
            json!({"CustomerAssetId": "one"}),
            "InvalidParameter",
            "an identifier that is no integer",
        ),
    ];
    for (action, body, want, why) in cases {
        let res = app.call(action, body).await;
        let got = code(&res).unwrap_or("");
        assert!(got.starts_with(want), "{why}: {action} answered {res}");
    }
}
