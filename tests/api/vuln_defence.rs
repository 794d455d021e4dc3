//! Vulnerability defence on the resource model: defence events (status, detail,
//! per-day tendency), plugins and hosts, RASP whitelist rules, the exports of the
//! vulnerability lists and the local images' findings (`fixtures/demo-vulns.json`);
//! and the vulnerability collections across accounts, state and reset, bad input.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

use crate::vulns::{NGINX, REDIS, advance, pocs};

/// The CSV of an export job, once the job has finished on the clock.
async fn csv_of(app: &TestApp, res: &Value) -> String {
    let job = res["JobId"].as_str().unwrap_or_else(|| panic!("{res}"));
    advance(app, 5).await;
    let url = app
        .call("DescribeExportJobDownloadURL", json!({"JobID": job}))
        .await["DownloadURL"]
        .as_str()
        .unwrap()
        .replace(".xlsx?", ".csv?");
    app.client
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn defence_events_are_marked_read_back_deleted_and_counted_per_day() {
    let app = spawn_app().await;
    let undealt = json!({"Filters": [{"Name": "Status", "Values": ["EVENT_UNDEAL"]}]});
    let open = app.call("DescribeVulDefenceEvent", undealt.clone()).await;
    assert_eq!(open["List"][0]["EventID"], 2, "{open}");
    app.call(
        "ModifyVulDefenceEventStatus",
        json!({"EventIDs": [2], "Status": "EVENT_DEALED"}),
    )
    .await;
    let detail = app
        .call("DescribeVulDefenceEventDetail", json!({"EventID": 2}))
        .await;
    assert_eq!(detail["EventDetail"]["Status"], "EVENT_DEALED");
    assert_eq!(
        app.call("DescribeVulDefenceEvent", undealt).await["TotalCount"],
        0
    );
    let bad = app
        .call(
            "ModifyVulDefenceEventStatus",
            json!({"EventIDs": [2], "Status": "EVENT_LATER"}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"));
    app.call(
        "ModifyVulDefenceEventStatus",
        json!({"EventIDs": [2], "Status": "EVENT_DEL"}),
    )
    .await;
    let all = app.call("DescribeVulDefenceEvent", json!({})).await;
    assert_eq!(all["TotalCount"], 1);
    let gone = app
        .call("DescribeVulDefenceEventDetail", json!({"EventID": 2}))
        .await;
    assert_eq!(code(&gone), Some("ResourceNotFound"));

    let tendency = app
        .call(
            "DescribeVulDefenceEventTendency",
            json!({"StartTime": "2026-12-01", "EndTime": "2026-12-03"}),
        )
        .await;
    let counts = |list: &Value| -> Vec<i64> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|d| d["EventCount"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(counts(&tendency["AttackList"]), [0, 3, 0]);
    assert_eq!(counts(&tendency["DefendedList"]), [0, 3, 0]);

    app.call(
        "ModifyVulDefenceEventStatus",
        json!({"EventIDs": [1], "Status": "EVENT_ISOLATE_CONTAINER"}),
    )
    .await;
    advance(&app, 5).await;
    let event = app
        .call("DescribeVulDefenceEventDetail", json!({"EventID": 1}))
        .await;
    assert_eq!(
        (
            &event["EventDetail"]["Status"],
            &event["EventDetail"]["ContainerNetStatus"]
        ),
        (&json!("EVENT_DEALED"), &json!("ISOLATED"))
    );
    let web1 = app
        .call(
            "DescribeAssetContainerDetail",
            json!({"ContainerId": event["EventDetail"]["ContainerID"]}),
        )
        .await;
    assert_eq!(
        web1["NetStatus"], "ISOLATED",
        "the event's container is isolated"
    );

    let plugins = app
        .call(
            "DescribeVulDefencePlugin",
            json!({"HostID": "host-demo0001"}),
        )
        .await;
    assert_eq!(plugins["List"][0]["Status"], "SUCCESS");
    let hosts = app
        .call(
            "CreateVulDefenceHostExportJob",
            json!({"Filters": [{"Name": "Status", "Values": ["NO_DEFENDED"]}]}),
        )
        .await;
    let csv = csv_of(&app, &hosts).await;
    assert!(csv.lines().nth(1).unwrap().contains("demo-node-2"), "{csv}");
    assert_eq!(csv.lines().count(), 2, "{csv}");
}

#[tokio::test]
async fn rasp_rules_are_created_changed_listed_and_deleted() {
    let app = spawn_app().await;
    app.call(
        "ModifyRaspRules",
        json!({"VulVulsIDs": [1005], "URLRegexp": "^/ping$"}),
    )
    .await;
    let rules = app
        .call("DescribeRaspRules", json!({"By": "Id", "Order": "asc"}))
        .await;
    assert_eq!(rules["TotalCount"], 2);
    let new = &rules["List"][1];
    assert_eq!(
        (&new["Id"], &new["VulVulsName"], &new["URLRegexp"]),
        (
            &json!(2),
            &json!("Spring Framework data binding RCE (Spring4Shell)"),
            &json!("^/ping$")
        )
    );
    app.call(
        "ModifyRaspRules",
        json!({"Id": 2, "VulVulsIDs": [1005], "URLRegexp": "^/pong$", "WhiteType": 1}),
    )
    .await;
    let rules = app.call("DescribeRaspRules", json!({})).await;
    let changed = rules["List"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Id"] == 2)
        .unwrap();
    assert_eq!(
        (&changed["URLRegexp"], &changed["WhiteType"]),
        (&json!("^/pong$"), &json!(1))
    );
    let support = app.call("DescribeSupportDefenceVul", json!({})).await;
    assert!(
        support["List"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["Status"] == 1),
        "both defensible vulnerabilities are whitelisted: {support}"
    );
    let vuls = app.call("DescribeRaspRuleVuls", json!({})).await;
    assert_eq!(vuls["TotalCount"], 2);
    let unknown = app
        .call("ModifyRaspRules", json!({"Id": 42, "URLRegexp": "x"}))
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
    app.call("DeleteRaspRules", json!({"IDs": [1, 2]})).await;
    let rules = app.call("DescribeRaspRules", json!({})).await;
    assert_eq!(rules["TotalCount"], 0);
}

#[tokio::test]
async fn vulnerability_and_image_finding_exports_hold_the_lists_rows() {
    let app = spawn_app().await;
    let system = app
        .call(
            "CreateSystemVulExportJob",
            json!({"Filters": [{"Name": "Level", "Values": ["MIDDLE"]}]}),
        )
        .await;
    let csv = csv_of(&app, &system).await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("CVE-2023-4911"), "{csv}");
    let containers = app
        .call(
            "CreateVulContainerExportJob",
            json!({"PocID": "pcmgr-demo0001"}),
        )
        .await;
    let csv = csv_of(&app, &containers).await;
    assert!(csv.contains("web-1") && csv.contains("web-2"), "{csv}");

    let (status, _) = post(
        &app,
        "fixtures",
        json!({"image_viruses": [{"ImageID": REDIS, "VirusName": "Linux.Trojan.Miner", "RiskLevel": 4,
                                  "Path": "/dev/shm/xmrig", "FirstScanTime": "2026-12-02 10:00:00"}]}),
    )
    .await;
    assert_eq!(status, 200);
    let viruses = app
        .call("DescribeAssetImageVirusList", json!({"ImageID": REDIS}))
        .await;
    assert_eq!(viruses["List"][0]["VirusName"], "Linux.Trojan.Miner");
    let none = app
        .call("DescribeAssetImageVirusList", json!({"ImageID": NGINX}))
        .await;
    assert_eq!(none["TotalCount"], 0);
    let export = app
        .call(
            "CreateAssetImageVirusExportJob",
            json!({"ImageID": REDIS, "ExportField": ["VirusName", "Path"]}),
        )
        .await;
    assert_eq!(
        csv_of(&app, &export).await,
        "VirusName,Path\nLinux.Trojan.Miner,/dev/shm/xmrig\n"
    );
}

#[tokio::test]
async fn ignores_stay_in_their_account_travel_with_the_state_and_go_with_a_reset() {
    let app = spawn_with(&["--credential", "AKIDother:otherkey:other"]).await;
    let other = app
        .call_as("DescribeSystemVulList", json!({}), "AKIDother", "otherkey")
        .await;
    assert_eq!(
        other["TotalCount"], 0,
        "the demo vulnerabilities are the default account's"
    );
    app.call(
        "AddIgnoreVul",
        json!({"List": [{"PocID": "pcmgr-demo0002"}]}),
    )
    .await;
    let (_, state) = app.admin(Method::GET, "state", None, None).await;
    assert_eq!(state["vuln_ignores"][0]["PocID"], "pcmgr-demo0002");

    let (status, _) = app.admin(Method::POST, "reset", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        app.call("DescribeSystemVulList", json!({})).await["TotalCount"],
        2
    );
    let (status, _) = app
        .admin(Method::POST, "state", Some(&state.to_string()), None)
        .await;
    assert_eq!(status, 200);
    let system = app.call("DescribeSystemVulList", json!({})).await;
    assert_eq!(
        pocs(&system),
        ["pcmgr-demo0001"],
        "the imported ignore holds"
    );
}

#[tokio::test]
async fn undocumented_enum_values_are_invalid_parameter_values() {
    let app = spawn_app().await;
    let cases = [
        (
            "CreateVulScanTask",
            json!({"LocalImageScanType": "SOME"}),
            "LocalImageScanType",
        ),
        (
            "CreateVulScanTask",
            json!({"RegistryImageScanType": "NEWEST"}),
            "RegistryImageScanType",
        ),
        (
            "DescribeVulLevelSummary",
            json!({"CategoryType": "KERNEL"}),
            "CategoryType",
        ),
        (
            "DescribeVulTopRanking",
            json!({"CategoryType": "KERNEL"}),
            "CategoryType",
        ),
        (
            "DescribeVulTendency",
            json!({"StartTime": "2026-12-01", "EndTime": "2026-12-02", "SphereOfInfluence": "ALL"}),
            "SphereOfInfluence",
        ),
    ];
    for (action, params, why) in cases {
        let res = app.call(action, params).await;
        assert_eq!(
            code(&res),
            Some("InvalidParameterValue"),
            "{action} {why}: {res}"
        );
    }
    let tasks = app.call("DescribeVulScanInfo", json!({})).await;
    assert_eq!(tasks["Status"], "NOT_SCAN", "a refused scan is not created");
}
