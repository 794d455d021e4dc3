//! Compliance through a real socket: the whitelist hides failures; periodic tasks and
//! the environment on the clock; the status export; state export/import and accounts.

use reqwest::Method;
use serde_json::json;

use crate::compliance::{advance, asset, item};
use crate::helpers::*;

#[tokio::test]
async fn a_whitelisted_item_no_longer_fails_until_it_is_removed() {
    let app = spawn_app().await;
    assert_eq!(item(&app, 1).await["FailedAssetCount"], 2);
    app.call(
        "AddCompliancePolicyAssetSetToWhitelist",
        json!({"CustomerPolicyItemId": 1, "CustomerAssetItemIdSet": [1]}),
    )
    .await;
    let one = item(&app, 1).await;
    assert_eq!(one["FailedAssetCount"], 1, "{one}");
    let entry_id = one["WhitelistId"].as_u64().expect("an entry");
    assert_eq!(entry_id, 2, "after the demo world's entry 1");

    app.call(
        "AddCompliancePolicyItemToWhitelist",
        json!({"CustomerPolicyItemIdSet": [1, 3]}),
    )
    .await;
    assert_eq!(item(&app, 1).await["FailedAssetCount"], 0);
    assert_eq!(
        asset(&app, 4).await["AssetDetailInfo"]["CheckResult"],
        "RESULT_PASSED"
    );
    let list = app
        .call(
            "DescribeComplianceWhitelistItemList",
            json!({"AssetTypeSet": ["ASSET_CONTAINER"]}),
        )
        .await;
    assert_eq!(list["TotalCount"], 1, "{list}");
    let row = &list["WhitelistItemSet"][0];
    assert_eq!(row["CustomerPolicyItemId"], 1);
    assert_eq!(row["AffectedAssetCount"], 3);
    assert_eq!(row["StandardName"], "CIS Docker Benchmark v1.6.0");

    // web-2 is taken out of item 1's entry: it fails again.
    app.call(
        "DeleteComplianceAssetPolicySetFromWhitelist",
        json!({"AssetItemId": 2, "CustomerPolicyItemIdSet": [1]}),
    )
    .await;
    assert_eq!(item(&app, 1).await["FailedAssetCount"], 1);
    app.call(
        "AddComplianceAssetPolicySetToWhitelist",
        json!({"AssetPolicySetList": [{"CustomerAssetItemId": 2}]}),
    )
    .await;
    assert_eq!(
        asset(&app, 2).await["AssetDetailInfo"]["FailedPolicyItemCount"],
        0
    );
    app.call(
        "DeleteCompliancePolicyAssetSetFromWhitelist",
        json!({"PolicyAssetSetList": [{"CustomerPolicyItemId": 1}, {"CustomerPolicyItemId": 2}]}),
    )
    .await;
    let again = item(&app, 1).await;
    assert_eq!(
        (
            again["FailedAssetCount"].as_u64(),
            again["WhitelistId"].as_u64()
        ),
        (Some(2), Some(0))
    );
    let unknown = app
        .call(
            "AddCompliancePolicyAssetSetToWhitelist",
            json!({"CustomerPolicyItemId": 99, "CustomerAssetItemIdSet": [1]}),
        )
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
}

#[tokio::test]
async fn period_tasks_change_and_the_environment_initialises_on_the_clock() {
    let app = spawn_app().await;
    app.call(
        "ModifyCompliancePeriodTask",
        json!({"PeriodTaskId": 4, "PeriodRule": {"Frequency": 3, "ExecutionTime": "04:30:00", "Enable": true},
               "StandardSettings": [{"StandardId": 2, "Enable": false}]}),
    )
    .await;
    let list = app
        .call(
            "DescribeCompliancePeriodTaskList",
            json!({"AssetType": "ASSET_K8S"}),
        )
        .await;
    assert_eq!(list["TotalCount"], 1, "{list}");
    let task = &list["PeriodTaskSet"][0];
    assert_eq!(task["PeriodRule"]["Frequency"], 3);
    assert_eq!(task["BenchmarkStandardSet"][0]["Enabled"], false);
    let summary = app
        .call(
            "DescribeComplianceTaskAssetSummary",
            json!({"AssetTypeSet": ["ASSET_K8S"]}),
        )
        .await;
    let k8s = &summary["AssetSummaryList"][0];
    assert_eq!(k8s["PeriodRule"]["ExecutionTime"], "04:30:00");
    assert_eq!(
        (
            k8s["FailedCriticalPolicyItemCount"].as_u64(),
            k8s["OpenPolicyItemCount"].as_u64()
        ),
        (Some(0), Some(0)),
        "the disabled standard's item is not checked: {k8s}"
    );
    let closed = item(&app, 5).await;
    assert_eq!(
        (
            closed["IsEnable"].as_u64(),
            closed["FailedAssetCount"].as_u64()
        ),
        (Some(0), Some(0))
    );
    app.call(
        "ModifyCompliancePeriodTask",
        json!({"PeriodTaskId": 4, "StandardSettings": [{"StandardId": 2, "Enable": true}]}),
    )
    .await;
    assert_eq!(item(&app, 5).await["FailedAssetCount"], 1, "enabled again");
    assert_eq!(summary["Status"], "USER_NORMAL");

    let missing = app
        .call("ModifyCompliancePeriodTask", json!({"PeriodTaskId": 77}))
        .await;
    assert_eq!(code(&missing), Some("ResourceNotFound"));

    app.call("InitializeUserComplianceEnvironment", json!({}))
        .await;
    let summary = app
        .call(
            "DescribeComplianceTaskAssetSummary",
            json!({"AssetTypeSet": ["ASSET_HOST"]}),
        )
        .await;
    assert_eq!(summary["Status"], "USER_INITIALIZING");
    advance(&app, 5).await;
    let summary = app
        .call(
            "DescribeComplianceTaskAssetSummary",
            json!({"AssetTypeSet": ["ASSET_HOST"]}),
        )
        .await;
    assert_eq!(summary["Status"], "USER_NORMAL");
    let host = &summary["AssetSummaryList"][0];
    assert_eq!(
        (
            host["FailedAssetCount"].as_u64(),
            host["PassedAssetCount"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(host["IgnoredPolicyItemCount"], 1);
}

#[tokio::test]
async fn the_status_export_holds_the_rows_of_the_list() {
    let app = spawn_app().await;
    let job = app
        .call(
            "CreateExportComplianceStatusListJob",
            json!({"AssetType": "ASSET_CONTAINER", "ExportByAsset": true, "ExportAll": false, "IdList": [1, 2]}),
        )
        .await;
    let id = job["JobId"].as_str().expect("a job").to_string();
    let result = app
        .call("DescribeExportJobResult", json!({"JobId": id}))
        .await;
    assert_eq!(result["ExportStatus"], "RUNNING", "{result}");
    advance(&app, 5).await;
    let done = app
        .call("DescribeExportJobDownloadURL", json!({"JobID": id}))
        .await;
    let url = done["DownloadURL"].as_str().expect("a URL").to_string();
    let csv = app
        .client
        .get(url.replace(".xlsx", ".csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("web-1") && csv.contains("web-2"), "{csv}");
    assert!(!csv.contains("cache"), "{csv}");
    let by_item = app
        .call(
            "CreateExportComplianceStatusListJob",
            json!({"AssetType": "ASSET_HOST", "ExportByAsset": false, "ExportAll": true}),
        )
        .await;
    assert!(by_item["JobId"].as_str().is_some(), "{by_item}");
}

#[tokio::test]
async fn scan_state_survives_export_and_import_and_stays_in_its_account() {
    let app = spawn_with(&["--credential", "AKIDother:otherkey:other"]).await;
    app.call("ScanComplianceAssets", json!({"CustomerAssetIdSet": [5]}))
        .await;
    app.call(
        "AddCompliancePolicyItemToWhitelist",
        json!({"CustomerPolicyItemIdSet": [2]}),
    )
    .await;
    let (_, exported) = app.admin(Method::GET, "state", None, None).await;
    let (status, _) = app.admin(Method::POST, "reset", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        item(&app, 2).await["WhitelistId"],
        0,
        "reset drops the entry"
    );
    let (status, _) = app
        .admin(Method::POST, "state", Some(&exported.to_string()), None)
        .await;
    assert_eq!(status, 200);
    assert_ne!(item(&app, 2).await["WhitelistId"], 0);
    advance(&app, 5).await;
    assert_eq!(
        asset(&app, 5).await["AssetDetailInfo"]["CheckStatus"],
        "CHECK_FINISHED",
        "the pending scan came back with the state"
    );

    let other = app
        .call_as(
            "DescribeComplianceAssetList",
            json!({}),
            "AKIDother",
            "otherkey",
        )
        .await;
    assert_eq!(other["TotalCount"], 0);
    let summary = app
        .call_as(
            "DescribeComplianceTaskAssetSummary",
            json!({"AssetTypeSet": ["ASSET_HOST"]}),
            "AKIDother",
            "otherkey",
        )
        .await;
    assert_eq!(summary["Status"], "USER_UNINIT");
    let scan = app
        .call_as(
            "ScanComplianceAssets",
            json!({"CustomerAssetIdSet": [1]}),
            "AKIDother",
            "otherkey",
        )
        .await;
    assert_eq!(code(&scan), Some("ResourceNotFound"));
}
