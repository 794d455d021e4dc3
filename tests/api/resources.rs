//! The resource model: write-then-read per family, asynchronous work on the clock,
//! filters and paging, the admin routes, state export/import.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const CLUSTER: &str = "cls-demo0001";

async fn advance(app: &TestApp, seconds: u64) {
    let body = json!({"freeze": true, "advance_seconds": seconds}).to_string();
    let (status, _) = app.admin(Method::POST, "clock", Some(&body), None).await;
    assert_eq!(status, 200);
}

async fn user_cluster(app: &TestApp, id: &str) -> Value {
    let res = app
        .call(
            "DescribeUserCluster",
            json!({"Offset": 0, "Limit": 1,
                   "Filters": [{"Name": "ClusterID", "Values": [id], "ExactMatch": true}]}),
        )
        .await;
    assert_eq!(res["TotalCount"], 1, "{res}");
    res["ClusterInfoList"][0].clone()
}

#[tokio::test]
async fn a_registry_is_created_listed_read_updated_and_removed() {
    let app = spawn_app().await;
    let created = app
        .call(
            "AddAssetImageRegistryRegistryDetail",
            json!({"Name": "team-harbor", "Username": "u", "Password": "p", "Url": "https://h.example",
                   "RegistryType": "harbor", "NetType": "public", "RegistryVersion": "V2"}),
        )
        .await;
    let id = created["RegistryId"].as_u64().expect("a new RegistryId");
    assert_eq!(id, 2, "ids ascend from the demo world's registry 1");

    let list = app
        .call(
            "DescribeAssetImageRegistryRegistryList",
            json!({"Offset": 0, "Limit": 20}),
        )
        .await;
    assert_eq!(list["TotalCount"], 2);
    let item = list["List"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["RegistryId"] == id)
        .cloned()
        .unwrap();
    assert_eq!(item["Name"], "team-harbor");
    assert_eq!(item["Url"], "https://h.example");

    app.call(
        "UpdateAssetImageRegistryRegistryDetail",
        json!({"RegistryId": id, "Name": "team-harbor", "Username": "u2", "Password": "p", "Url": "https://h2.example",
               "RegistryType": "harbor", "NetType": "public"}),
    )
    .await;
    let detail = app
        .call(
            "DescribeAssetImageRegistryRegistryDetail",
            json!({"RegistryId": id}),
        )
        .await;
    assert_eq!(
        (detail["Url"].as_str(), detail["Username"].as_str()),
        (Some("https://h2.example"), Some("u2"))
    );
    let repeat = app
        .call(
            "CheckRepeatAssetImageRegistry",
            json!({"Name": "team-harbor"}),
        )
        .await;
    assert_eq!(repeat["IsRepeat"], true);

    app.call(
        "RemoveAssetImageRegistryRegistryDetail",
        json!({"RegistryId": id}),
    )
    .await;
    let gone = app
        .call(
            "DescribeAssetImageRegistryRegistryDetail",
            json!({"RegistryId": id}),
        )
        .await;
    assert_eq!(code(&gone), Some("ResourceNotFound"));
    let again = app
        .call(
            "RemoveAssetImageRegistryRegistryDetail",
            json!({"RegistryId": id}),
        )
        .await;
    assert_eq!(code(&again), Some("ResourceNotFound"));
}

#[tokio::test]
async fn cluster_access_installs_switches_and_uninstalls_on_the_clock() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    assert_eq!(
        user_cluster(&app, CLUSTER).await["AccessedStatus"],
        "AccessedNone"
    );

    app.call("CreateClusterAccess", json!({"ClusterIDs": [CLUSTER]}))
        .await;
    assert_eq!(
        user_cluster(&app, CLUSTER).await["AccessedStatus"],
        "AccessedInstalling"
    );
    advance(&app, 4).await;
    assert_eq!(
        user_cluster(&app, CLUSTER).await["AccessedStatus"],
        "AccessedInstalling"
    );
    advance(&app, 1).await;
    let c = user_cluster(&app, CLUSTER).await;
    assert_eq!(
        (c["AccessedStatus"].as_str(), c["DefenderStatus"].as_str()),
        (Some("AccessedInstalled"), Some("UnDefended"))
    );

    let switch = |on: bool| json!({"InstanceIDs": [CLUSTER], "InstanceType": "Cluster", "IsAll": false, "SwitchOn": on});
    app.call("ModifyDefendStatus", switch(true)).await;
    assert_eq!(
        user_cluster(&app, CLUSTER).await["DefenderStatus"],
        "UnDefended"
    );
    advance(&app, 5).await;
    let c = user_cluster(&app, CLUSTER).await;
    assert_eq!(
        (c["AccessedStatus"].as_str(), c["DefenderStatus"].as_str()),
        (Some("AccessedDefended"), Some("Defended"))
    );
    // The asset list shows the same cluster under its own spelling.
    let assets = app
        .call(
            "DescribeAssetClusterList",
            json!({"Filters": [{"Name": "ClusterID", "Values": [CLUSTER]}]}),
        )
        .await;
    assert_eq!(assets["List"][0]["ClusterID"], CLUSTER);
    assert_eq!(assets["List"][0]["AccessedStatus"], "AccessedDefended");

    app.call("ModifyDefendStatus", switch(false)).await;
    advance(&app, 5).await;
    assert_eq!(
        user_cluster(&app, CLUSTER).await["DefenderStatus"],
        "UnDefended"
    );

    app.call(
        "UninstallClusterContainerSecurity",
        json!({"ClusterIDs": [CLUSTER]}),
    )
    .await;
    assert_eq!(
        user_cluster(&app, CLUSTER).await["AccessedStatus"],
        "AccessedUninstalling"
    );
    advance(&app, 5).await;
    assert_eq!(
        user_cluster(&app, CLUSTER).await["AccessedStatus"],
        "AccessedNone"
    );

    let missing = app
        .call("CreateClusterAccess", json!({"ClusterIDs": ["cls-nope"]}))
        .await;
    assert_eq!(code(&missing), Some("ResourceNotFound"));
    let not_installed = app.call("ModifyDefendStatus", switch(true)).await;
    assert_eq!(code(&not_installed), Some("FailedOperation"));
}

#[tokio::test]
async fn refresh_tasks_get_ids_and_finish_on_the_clock() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    let first = app
        .call("CreateRefreshTask", json!({"ClusterIDs": [CLUSTER]}))
        .await;
    let id = first["TaskId"].as_u64().unwrap();
    assert!(id > 0, "{first}");
    assert_eq!(first["CreateResult"], "Succ");
    let busy = app.call("CreateRefreshTask", json!({})).await;
    assert_eq!(
        (busy["TaskId"].as_u64(), busy["CreateResult"].as_str()),
        (Some(0), Some("Failed"))
    );
    let status = app.call("DescribeRefreshTask", json!({"TaskId": id})).await;
    assert_eq!(status["TaskStatus"], "Task_Running");
    advance(&app, 5).await;
    let status = app.call("DescribeRefreshTask", json!({"TaskId": id})).await;
    assert_eq!(status["TaskStatus"], "Task_Finish");
    let second = app.call("CreateRefreshTask", json!({})).await;
    assert_eq!(second["TaskId"].as_u64(), Some(id + 1));
    let unknown = app
        .call("DescribeRefreshTask", json!({"TaskId": 999}))
        .await;
    assert_eq!(unknown["TaskStatus"], "Task_NoExist");
    let newest = app.call("DescribeUnfinishRefreshTask", json!({})).await;
    assert_eq!(newest["TaskId"].as_u64(), Some(id + 1));
}

#[tokio::test]
async fn asset_lists_filter_sort_and_page_over_seeded_records() {
    let app = spawn_app().await;
    let all = app
        .call("DescribeAssetContainerList", json!({"Limit": 100}))
        .await;
    assert_eq!(all["TotalCount"], 3);
    let running = app
        .call(
            "DescribeAssetContainerList",
            json!({"Filters": [{"Name": "Status", "Values": ["RUNNING"], "ExactMatch": true},
                               {"Name": "ContainerName", "Values": ["WEB"]}],
                   "By": "ContainerName", "Order": "desc", "Limit": 1, "Offset": 0}),
        )
        .await;
    assert_eq!(running["TotalCount"], 2, "TotalCount counts before paging");
    assert_eq!(running["List"].as_array().unwrap().len(), 1);
    assert_eq!(running["List"][0]["ContainerName"], "web-2");
    let unknown = app
        .call(
            "DescribeAssetContainerList",
            json!({"Filters": [{"Name": "Colour", "Values": ["red"]}]}),
        )
        .await;
    assert_eq!(code(&unknown), Some("InvalidParameterValue"));

    let detail = app
        .call(
            "DescribeAssetContainerDetail",
            json!({"ContainerId": running["List"][0]["ContainerID"].as_str().unwrap()}),
        )
        .await;
    assert_eq!(detail["ContainerName"], "web-2");
    assert_eq!(detail["ClusterID"], CLUSTER);

    let hosts = app
        .call(
            "DescribeAssetHostList",
            json!({"Filters": [{"Name": "HostName", "Values": ["node-2"]}]}),
        )
        .await;
    assert_eq!(hosts["TotalCount"], 1);
    let host = app
        .call(
            "DescribeAssetHostDetail",
            json!({"HostId": "host-demo0002"}),
        )
        .await;
    assert_eq!(host["HostName"], "demo-node-2");
    let nodes = app
        .call("DescribeClusterNodes", json!({"ClusterId": CLUSTER}))
        .await;
    assert_eq!(nodes["TotalCount"], 2);
    let summary = app.call("DescribeAssetSummary", json!({})).await;
    assert_eq!(
        (
            summary["ContainerCnt"].as_u64(),
            summary["ContainerRunning"].as_u64()
        ),
        (Some(3), Some(2))
    );
    assert_eq!(summary["HostCnt"], 2);
    let clusters = app.call("DescribeClusterSummary", json!({})).await;
    assert_eq!(
        (
            clusters["TotalCount"].as_u64(),
            clusters["RiskClusterCount"].as_u64()
        ),
        (Some(1), Some(1))
    );
}

#[tokio::test]
async fn container_isolation_moves_net_status_on_the_clock() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    let id = "c4e6f8a0b2d4c6e8f0a2b4d6c8e0f2a4b6d8c0e2f4a6b8d0c2e4f6a8b0d2c4e6";
    app.call(
        "ModifyContainerNetStatus",
        json!({"ContainerID": id, "Status": "EVENT_ISOLATE_CONTAINER"}),
    )
    .await;
    let c = app
        .call("DescribeAssetContainerDetail", json!({"ContainerId": id}))
        .await;
    assert_eq!(c["NetStatus"], "ISOLATING");
    advance(&app, 5).await;
    let c = app
        .call("DescribeAssetContainerDetail", json!({"ContainerId": id}))
        .await;
    assert_eq!(c["NetStatus"], "ISOLATED");
}

#[tokio::test]
async fn a_setting_describes_what_was_set() {
    let app = spawn_app().await;
    app.call(
        "ModifySecLogCleanSettingInfo",
        json!({"ReservesLimit": 123, "ReservesDeadline": 45, "DayLimit": 6}),
    )
    .await;
    let got = app.call("DescribeSecLogCleanSettingInfo", json!({})).await;
    assert_eq!(
        (
            got["ReservesLimit"].as_u64(),
            got["ReservesDeadline"].as_u64(),
            got["DayLimit"].as_u64()
        ),
        (Some(123), Some(45), Some(6))
    );
}

#[tokio::test]
async fn seeded_collections_are_browsable_exportable_and_reset() {
    let app = spawn_app().await;
    let doc = r#"{"clusters": [{"ClusterID": "cls-extra001", "ClusterName": "extra", "ClusterType": "INDEPENDENT_CLUSTER"}]}"#;
    let (status, body) = app.admin(Method::POST, "fixtures", Some(doc), None).await;
    assert_eq!((status, body["upserted"].as_u64()), (200, Some(1)));
    let c = user_cluster(&app, "cls-extra001").await;
    assert_eq!(
        c["ClusterId"], "cls-extra001",
        "stored once, shown under ClusterInfoItem's spelling"
    );

    let (status, body) = app.admin(Method::GET, "resources", None, None).await;
    assert_eq!(status, 200);
    let clusters = body["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "clusters")
        .unwrap()
        .clone();
    assert_eq!(clusters["count"], 2);
    assert!(
        clusters["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "DescribeUserCluster")
    );
    let (status, one) = app
        .admin(Method::GET, "resources/clusters/cls-extra001", None, None)
        .await;
    assert_eq!((status, one["ClusterName"].as_str()), (200, Some("extra")));

    let (_, exported) = app.admin(Method::GET, "state", None, None).await;
    assert_eq!(exported["clusters"].as_array().unwrap().len(), 2);
    let (status, _) = app
        .admin(
            Method::DELETE,
            "resources/clusters/cls-extra001",
            None,
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .admin(
            Method::DELETE,
            "resources/clusters/cls-extra001",
            None,
            None,
        )
        .await;
    assert_eq!(status, 404);

    let (status, _) = app
        .admin(Method::POST, "state", Some(&exported.to_string()), None)
        .await;
    assert_eq!(status, 200);
    let (_, again) = app.admin(Method::GET, "state", None, None).await;
    assert_eq!(
        again, exported,
        "export -> import -> export is the same document"
    );

    let (status, _) = app.admin(Method::POST, "reset", None, None).await;
    assert_eq!(status, 200);
    let (_, list) = app
        .admin(Method::GET, "resources/clusters", None, None)
        .await;
    assert_eq!(
        list["records"].as_array().unwrap().len(),
        1,
        "reset returns to the bundled demo world"
    );

    let bad = r#"{"clusters": [{"ClusterId": "cls-x", "ClusterNodeNum": "many"}]}"#;
    let (status, body) = app.admin(Method::POST, "fixtures", Some(bad), None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["field"], "ClusterNodeNum");
    assert_eq!(body["error"]["id"], "cls-x");
}

#[tokio::test]
async fn another_account_sees_none_of_the_records() {
    let app = spawn_with(&["--credential", "AKIDother:otherkey:other"]).await;
    let res = app
        .call_as("DescribeUserCluster", json!({}), "AKIDother", "otherkey")
        .await;
    assert_eq!(res["TotalCount"], 0);
    let res = app
        .call_as(
            "CreateClusterAccess",
            json!({"ClusterIDs": [CLUSTER]}),
            "AKIDother",
            "otherkey",
        )
        .await;
    assert_eq!(code(&res), Some("ResourceNotFound"));
}

/// The Terraform provider's `domain = "<name>:4577"` makes the Go SDK call
/// `http://tcss.<name>:4577`: the Host it signs is `tcss.<name>:4577`, whatever
/// address that name resolves to.
#[tokio::test]
async fn a_call_signed_for_the_providers_tcss_domain_host_is_accepted() {
    let app = spawn_app().await;
    let host = "tcss.emulator.test:4577";
    let body = serde_json::to_vec(&json!({"Limit": 1})).unwrap();
    let ts = app.now();
    let auth = tcss_emulator::signature::tc3::authorization_header(
        ID,
        KEY,
        "tcss",
        "POST",
        host,
        "application/json",
        "",
        &body,
        ts,
    );
    let res = app
        .client
        .post(app.url())
        .header("host", host)
        .header("authorization", auth)
        .header("content-type", "application/json")
        .header("x-tc-action", "DescribeUserCluster")
        .header("x-tc-version", "2020-11-01")
        .header("x-tc-timestamp", ts.to_string())
        .body(body)
        .send()
        .await
        .unwrap();
    let res = response_of(res).await;
    assert_eq!(res["TotalCount"], 1, "{res}");
}

#[tokio::test]
async fn a_local_image_scan_runs_on_the_clock_and_can_be_stopped() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    let redis = "sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";
    let task = app
        .call(
            "CreateAssetImageScanTask",
            json!({"Images": [redis], "ScanVul": true}),
        )
        .await;
    let id = task["TaskID"]
        .as_str()
        .unwrap_or_else(|| panic!("a TaskID: {task}"));
    assert_eq!(id, "1", "the API types this TaskID as a string");
    let status = app
        .call("DescribeAssetImageScanStatus", json!({"TaskID": id}))
        .await;
    assert_eq!(
        (
            status["Status"].as_str(),
            status["ImageTotal"].as_u64(),
            status["LeftSeconds"].as_u64()
        ),
        (Some("SCANNING"), Some(1), Some(5))
    );
    let image = app
        .call("DescribeAssetImageDetail", json!({"ImageID": redis}))
        .await;
    assert_eq!(image["ScanStatus"], "SCANNING");
    advance(&app, 5).await;
    let status = app
        .call("DescribeAssetImageScanStatus", json!({"TaskID": id}))
        .await;
    assert_eq!(
        (
            status["Status"].as_str(),
            status["Schedule"].as_u64(),
            status["SuccessCount"].as_u64()
        ),
        (Some("END"), Some(100), Some(1))
    );
    let image = app
        .call("DescribeAssetImageDetail", json!({"ImageID": redis}))
        .await;
    assert_eq!(image["ScanStatus"], "SCANNED");
    assert!(!image["ScanTime"].as_str().unwrap().is_empty());

    let second = app
        .call("CreateAssetImageScanTask", json!({"All": true}))
        .await;
    app.call(
        "ModifyAssetImageScanStop",
        json!({"TaskID": second["TaskID"]}),
    )
    .await;
    let newest = app.call("DescribeAssetImageScanTask", json!({})).await;
    assert_eq!(
        (newest["Status"].as_str(), newest["SubStatus"].as_str()),
        (Some("END"), Some("Cancel"))
    );
    let image = app
        .call("DescribeAssetImageDetail", json!({"ImageID": redis}))
        .await;
    assert_eq!(
        image["ScanStatus"], "SCANNED",
        "a stopped scan leaves the image as it was"
    );
    let unknown = app
        .call("DescribeAssetImageScanStatus", json!({"TaskID": "999"}))
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
}

#[tokio::test]
async fn a_cluster_check_runs_on_the_clock_and_items_are_listed() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    let task = app
        .call(
            "CreateClusterCheckTask",
            json!({"ClusterCheckTaskList": [{"ClusterId": CLUSTER, "ClusterRegion": "ap-guangzhou"}]}),
        )
        .await;
    assert_eq!(task["CreateResult"], "Succ", "{task}");
    assert!(task["TaskId"].as_u64().unwrap() > 0);
    let c = app
        .call("DescribeClusterDetail", json!({"ClusterId": CLUSTER}))
        .await;
    assert_eq!(c["CheckStatus"], "Task_Running");
    advance(&app, 5).await;
    let c = app
        .call("DescribeClusterDetail", json!({"ClusterId": CLUSTER}))
        .await;
    assert_eq!(
        c["CheckStatus"], "HasRisk",
        "the demo cluster has risk items"
    );
    let missing = app
        .call(
            "CreateClusterCheckTask",
            json!({"ClusterCheckTaskList": [{"ClusterId": "cls-none", "ClusterRegion": "ap-guangzhou"}]}),
        )
        .await;
    assert_eq!(code(&missing), Some("ResourceNotFound"));

    let doc = r#"{"check_items": [{"CheckItemId": 7, "Name": "privileged pods", "RiskLevel": "HIGH"},
                                  {"CheckItemId": 8, "Name": "anonymous access", "RiskLevel": "SERIOUS"}]}"#;
    let (status, _) = app.admin(Method::POST, "fixtures", Some(doc), None).await;
    assert_eq!(status, 200);
    let items = app
        .call(
            "DescribeCheckItemList",
            json!({"Filters": [{"Name": "Name", "Values": ["anonymous"]}]}),
        )
        .await;
    assert_eq!(items["TotalCount"], 1);
    assert_eq!(items["ClusterCheckItems"][0]["CheckItemId"], 8);
}

#[tokio::test]
async fn keyed_settings_merge_what_was_set() {
    let app = spawn_app().await;
    app.call(
        "ModifyVirusScanTimeoutSetting",
        json!({"ScanType": 1, "Timeout": 7200}),
    )
    .await;
    let quick = app
        .call("DescribeVirusScanTimeoutSetting", json!({"ScanType": 1}))
        .await;
    assert_eq!(quick["Timeout"], 7200);
    let other = app
        .call("DescribeVirusScanTimeoutSetting", json!({"ScanType": 0}))
        .await;
    assert_ne!(
        other["Timeout"], 7200,
        "another ScanType keeps its own timeout"
    );

    let before = app.call("DescribeEscapeRuleInfo", json!({})).await;
    let rules = before["RuleSet"].as_array().unwrap().clone();
    assert!(rules.len() >= 2, "{before}");
    let first = rules[0]["Type"].as_str().unwrap().to_string();
    let flipped = !rules[0]["IsEnable"].as_bool().unwrap();
    app.call(
        "ModifyEscapeRule",
        json!({"RuleSet": [{"Type": first, "IsEnable": flipped}]}),
    )
    .await;
    let after = app.call("DescribeEscapeRuleInfo", json!({})).await;
    assert_eq!(after["RuleSet"].as_array().unwrap().len(), rules.len());
    assert_eq!(after["RuleSet"][0]["IsEnable"], flipped);
    assert_eq!(
        after["RuleSet"][1], rules[1],
        "other rules stay as they were"
    );

    let set = app
        .call(
            "ModifySecLogDeliveryClsSetting",
            json!({"List": [{"LogType": "container_bash", "State": true, "Region": "ap-guangzhou",
                             "LogSet": "ls-1", "TopicID": "t-1"}]}),
        )
        .await;
    assert_eq!(code(&set), None, "{set}");
    let cls = app
        .call("DescribeSecLogDeliveryClsSetting", json!({}))
        .await;
    let entry = cls["LogTypeList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["LogType"] == "container_bash")
        .cloned()
        .unwrap();
    assert_eq!(
        (entry["State"].as_bool(), entry["TopicID"].as_str()),
        (Some(true), Some("t-1"))
    );
}

#[tokio::test]
async fn a_registry_sync_brings_its_images_into_the_registry_image_list() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    let doc = r#"{"registries": [{"RegistryId": 40, "Name": "team", "RegistryType": "harbor",
        "Images": [{"Id": 4001, "ImageName": "team/api", "ImageTag": "v1", "Namespace": "team"},
                   {"Id": 4002, "ImageName": "team/web", "ImageTag": "v2", "Namespace": "team"}]}]}"#;
    let (status, body) = app.admin(Method::POST, "fixtures", Some(doc), None).await;
    assert_eq!(status, 200, "{body}");
    let before = app
        .call(
            "DescribeAssetImageRegistryList",
            json!({"Filters": [{"Name": "Namespace", "Values": ["team"], "ExactMatch": true}]}),
        )
        .await;
    assert_eq!(before["TotalCount"], 0, "not synced yet");

    app.call("SyncAssetImageRegistryAsset", json!({"RegistryIds": [40]}))
        .await;
    let status = app
        .call("DescribeAssetImageRegistryAssetStatus", json!({}))
        .await;
    assert_eq!(status["Status"], "doing");
    advance(&app, 5).await;
    let status = app
        .call("DescribeAssetImageRegistryAssetStatus", json!({}))
        .await;
    assert_eq!(status["Status"], "success");
    assert!(!status["LatestSyncSuccessTime"].as_str().unwrap().is_empty());
    let after = app
        .call(
            "DescribeAssetImageRegistryList",
            json!({"Filters": [{"Name": "Namespace", "Values": ["team"], "ExactMatch": true}]}),
        )
        .await;
    assert_eq!(after["TotalCount"], 2, "{after}");
    let ns = app
        .call("DescribeImageRegistryNamespaceList", json!({}))
        .await;
    assert!(
        ns["NamespaceList"]
            .as_array()
            .unwrap()
            .contains(&json!("team")),
        "{ns}"
    );

    let bad = r#"{"registries": [{"RegistryId": 41, "Images": [{"Id": 1, "ImageName": 5}]}]}"#;
    let (status, body) = app.admin(Method::POST, "fixtures", Some(bad), None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["field"], "Images");
}

#[tokio::test]
async fn an_export_job_holds_the_lists_rows_and_finishes_on_the_clock() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    let res = app
        .call(
            "CreateHostExportJob",
            json!({"ExportField": ["HostName", "HostIP", "Status"],
                   "Filters": [{"Name": "HostName", "Values": ["node-2"]}]}),
        )
        .await;
    let job = res["JobId"]
        .as_str()
        .unwrap_or_else(|| panic!("{res}"))
        .to_string();
    let result = app
        .call("DescribeExportJobResult", json!({"JobId": job}))
        .await;
    assert_eq!(
        (
            result["ExportStatus"].as_str(),
            result["ExportProgress"].as_f64()
        ),
        (Some("RUNNING"), Some(0.0))
    );
    assert_eq!(result["DownloadURL"], "");
    advance(&app, 5).await;
    let result = app
        .call("DescribeExportJobResult", json!({"JobId": job}))
        .await;
    assert_eq!(result["ExportStatus"], "SUCCESS");
    let url = result["DownloadURL"].as_str().unwrap().to_string();
    assert!(
        url.ends_with(&url[url.find("?sign=").unwrap()..])
            && url.contains(&format!("{job}.xlsx?sign=")),
        "{url}"
    );
    let same = app
        .call("DescribeExportJobDownloadURL", json!({"JobID": job}))
        .await;
    assert_eq!(same["DownloadURL"], url.as_str());

    let xlsx = app.client.get(&url).send().await.unwrap();
    assert_eq!(xlsx.status(), 200);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let csv = app
        .client
        .get(url.replace(".xlsx?", ".csv?"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv, "HostName,HostIP,Status\ndemo-node-2,10.0.0.12,ONLINE\n",
        "the list's rows for the same filters"
    );

    let jobs = app.call("DescribeExportJobManageList", json!({})).await;
    assert_eq!(jobs["TotalCount"], 1);
    assert_eq!(
        (
            jobs["List"][0]["JobID"].as_str(),
            jobs["List"][0]["Source"].as_str()
        ),
        (Some(job.as_str()), Some("hosts"))
    );
    let unknown = app
        .call("DescribeExportJobResult", json!({"JobId": "nope"}))
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
    let bad = app
        .call(
            "CreateImageExportJob",
            json!({"ExportField": ["NoSuchColumn"]}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"));
}

#[tokio::test]
async fn summaries_and_image_hosts_follow_the_collections() {
    let app = spawn_app().await;
    let s = app.call("DescribeTcssSummary", json!({})).await;
    assert_eq!(
        (
            s["LocalImageCnt"].as_u64(),
            s["RepositoryImageCnt"].as_u64(),
            s["ImageCnt"].as_u64()
        ),
        (Some(2), Some(2), Some(4))
    );
    assert_eq!(
        (s["ContainerCnt"].as_u64(), s["RiskContainerCnt"].as_u64()),
        (Some(3), Some(2)),
        "the two nginx containers run a risky image"
    );
    assert_eq!(
        (s["ClusterCnt"].as_u64(), s["RiskClusterCnt"].as_u64()),
        (Some(1), Some(1))
    );
    let hosts = app
        .call(
            "DescribeAssetImageHostList",
            json!({"Filters": [{"Name": "HostID", "Values": ["host-demo0001"]}]}),
        )
        .await;
    assert_eq!(
        hosts["TotalCount"], 1,
        "both containers on host 1 run one image"
    );
    app.call("DeleteMachine", json!({"Uuid": "host-demo0002"}))
        .await;
    let v = app.call("DescribeContainerAssetSummary", json!({})).await;
    assert_eq!(v["HostCnt"], 1);
    let added = app.call("DescribeValueAddedSrvInfo", json!({})).await;
    assert_eq!(
        (
            added["RegistryImageCnt"].as_u64(),
            added["LocalImageCnt"].as_u64()
        ),
        (Some(2), Some(2))
    );
}

#[tokio::test]
async fn linked_records_are_listed_and_exported_for_what_they_belong_to() {
    let app = spawn_app().await;
    let doc = r#"{"image_components": [
        {"ImageID": "sha256:aaa", "Name": "openssl", "Version": "3.0.2"},
        {"ImageID": "sha256:aaa", "Name": "zlib", "Version": "1.2.13"},
        {"ImageID": "sha256:bbb", "Name": "glibc", "Version": "2.36"}],
      "components": [{"ContainerID": "ctr-1", "Name": "nginx", "Version": "1.25"},
                     {"ContainerID": "ctr-2", "Name": "redis", "Version": "7.2"}]}"#;
    let (status, body) = app.admin(Method::POST, "fixtures", Some(doc), None).await;
    assert_eq!(status, 200, "{body}");
    let a = app
        .call(
            "DescribeImageComponentList",
            json!({"ImageID": "sha256:aaa"}),
        )
        .await;
    assert_eq!(a["TotalCount"], 2, "{a}");
    let names: Vec<&str> = a["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["openssl", "zlib"]);
    let none = app
        .call(
            "DescribeImageComponentList",
            json!({"ImageID": "sha256:zzz"}),
        )
        .await;
    assert_eq!(
        none["TotalCount"], 0,
        "an image without components has none"
    );
    let c = app
        .call(
            "DescribeAssetComponentList",
            json!({"ContainerID": "ctr-2"}),
        )
        .await;
    assert_eq!(
        (c["TotalCount"].as_u64(), c["List"][0]["Name"].as_str()),
        (Some(1), Some("redis"))
    );

    let export = app
        .call(
            "CreateComponentExportJob",
            json!({"ImageID": "sha256:bbb", "ExportField": ["Name"]}),
        )
        .await;
    let job = export["JobId"]
        .as_str()
        .unwrap_or_else(|| panic!("{export}"));
    advance(&app, 5).await;
    let found = app
        .call("DescribeExportJobDownloadURL", json!({"JobID": job}))
        .await;
    let url = found["DownloadURL"]
        .as_str()
        .unwrap_or_else(|| panic!("{found}"));
    let csv = app
        .client
        .get(url.replace(".xlsx?", ".csv?"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv, "Name\nglibc\n");
    let bad = r#"{"image_components": [{"ImageID": 5, "Name": "x"}]}"#;
    let (status, body) = app.admin(Method::POST, "fixtures", Some(bad), None).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("ImageID"))
    );
}
