//! Vulnerabilities on the resource model: the demo world's vulnerabilities
//! (`fixtures/demo-vulns.json`) listed with counts derived from its images and
//! containers, ignores, scan tasks on the clock, defence, RASP rules, summaries and
//! exports.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

pub const NGINX: &str = "sha256:6f0d4c2a1b3e5f7a9c8d0e2f4a6b8c0d1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b";
pub const REDIS: &str = "sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";

pub async fn advance(app: &TestApp, seconds: u64) {
    let body = json!({"freeze": true, "advance_seconds": seconds}).to_string();
    let (status, _) = app.admin(Method::POST, "clock", Some(&body), None).await;
    assert_eq!(status, 200);
}

pub fn pocs(list: &Value) -> Vec<&str> {
    list["List"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|v| v["PocID"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn vulnerability_lists_hold_the_seeded_ones_with_counts_from_the_assets() {
    let app = spawn_app().await;
    let system = app
        .call("DescribeSystemVulList", json!({"By": "ID", "Order": "asc"}))
        .await;
    assert_eq!(pocs(&system), ["pcmgr-demo0001", "pcmgr-demo0002"]);
    let first = &system["List"][0];
    assert_eq!(
        (&first["LocalImageCount"], &first["ContainerCount"]),
        (&json!(1), &json!(2)),
        "nginx runs in web-1 and web-2"
    );
    let high = app
        .call(
            "DescribeSystemVulList",
            json!({"Filters": [{"Name": "Level", "Values": ["HIGH"]}]}),
        )
        .await;
    assert_eq!(pocs(&high), ["pcmgr-demo0001"]);
    let on_redis = app
        .call(
            "DescribeSystemVulList",
            json!({"Filters": [{"Name": "ImageID", "Values": [REDIS]}]}),
        )
        .await;
    assert_eq!(on_redis["TotalCount"], 0);
    let web = app.call("DescribeWebVulList", json!({})).await;
    assert_eq!(web["TotalCount"], 2);
    let emergency = app.call("DescribeEmergencyVulList", json!({})).await;
    assert_eq!(pocs(&emergency), ["pcmgr-demo0004"]);

    let detail = app
        .call("DescribeVulDetail", json!({"PocID": "pcmgr-demo0005"}))
        .await;
    assert_eq!(detail["VulInfo"]["RegistryImageCount"], 1, "{detail}");
    assert_eq!(detail["VulInfo"]["CVEID"], "CVE-2022-22965");
    assert_eq!(
        detail["VulInfo"]["ComponentList"],
        json!([{"Name": "spring-beans", "Version": ["5.3.17"], "FixedVersion": ["5.3.18"]}])
    );
    let missing = app
        .call("DescribeVulDetail", json!({"PocID": "pcmgr-nope"}))
        .await;
    assert_eq!(code(&missing), Some("ResourceNotFound"));
    let newest = app.call("DescribeNewestVul", json!({})).await;
    assert_eq!(
        (&newest["PocID"], &newest["SupportDefense"]),
        (&json!("pcmgr-demo0004"), &json!(1))
    );
}

#[tokio::test]
async fn affected_images_containers_and_registry_images_come_from_the_model() {
    let app = spawn_app().await;
    let poc = json!({"PocID": "pcmgr-demo0001"});
    let images = app.call("DescribeVulImageList", poc.clone()).await;
    let image = &images["List"][0];
    assert_eq!(images["TotalCount"], 1);
    assert_eq!(
        (
            &image["ImageName"],
            &image["ContainerCount"],
            &image["HostCount"]
        ),
        (&json!("nginx:1.25"), &json!(2), &json!(1))
    );
    assert_eq!(image["ComponentList"][0]["FixedVersion"], "1.25.3");
    let containers = app.call("DescribeVulContainerList", poc).await;
    let names: Vec<_> = containers["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["ContainerName"].as_str(), c["ContainerStatus"].as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (Some("web-1"), Some("RUNNING")),
            (Some("web-2"), Some("RUNNING"))
        ]
    );
    let registry = app
        .call(
            "DescribeVulRegistryImageList",
            json!({"PocID": "pcmgr-demo0005"}),
        )
        .await;
    assert_eq!(
        (
            &registry["List"][0]["ImageName"],
            &registry["List"][0]["ImageAssetId"]
        ),
        (&json!("person1"), &json!(5427)),
        "{registry}"
    );
    // A vulnerability found in another image: its counts and status follow.
    let link = json!({"vuln_images": [{"PocID": "pcmgr-demo0004", "ImageID": REDIS}]});
    let (status, _) = post(&app, "fixtures", link).await;
    assert_eq!(status, 200);
    let emergency = app.call("DescribeEmergencyVulList", json!({})).await;
    assert_eq!(emergency["List"][0]["Status"], "SCANNED_RISK");
    let detail = app
        .call("DescribeVulDetail", json!({"PocID": "pcmgr-demo0004"}))
        .await;
    assert_eq!(
        (
            &detail["VulInfo"]["LocalImageCount"],
            &detail["VulInfo"]["ContainerCount"]
        ),
        (&json!(1), &json!(1)),
        "redis runs in `cache`: {detail}"
    );
    let of_image = app
        .call(
            "DescribeAssetImageVulList",
            json!({"ImageID": NGINX, "By": "Level", "Order": "desc"}),
        )
        .await;
    assert_eq!(of_image["TotalCount"], 3);
    assert_eq!(of_image["List"][0]["Level"], 3, "HIGH is level 3");
    assert_eq!(of_image["List"][0]["Component"], "nginx");
}

#[tokio::test]
async fn an_ignored_vulnerability_leaves_the_lists_until_the_ignore_is_deleted() {
    let app = spawn_app().await;
    let ignore =
        json!({"List": [{"PocID": "pcmgr-demo0001", "ImageIDs": [NGINX], "ImageType": "LOCAL"}]});
    app.call("AddIgnoreVul", ignore.clone()).await;
    let system = app.call("DescribeSystemVulList", json!({})).await;
    assert_eq!(pocs(&system), ["pcmgr-demo0002"]);
    let ignored = app.call("DescribeScanIgnoreVulList", json!({})).await;
    assert_eq!(ignored["TotalCount"], 1);
    assert_eq!(
        (
            &ignored["List"][0]["LocalImageCount"],
            &ignored["List"][0]["IsIgnoreAll"]
        ),
        (&json!(1), &json!(0))
    );
    let images = app
        .call(
            "DescribeVulIgnoreLocalImageList",
            json!({"PocID": "pcmgr-demo0001"}),
        )
        .await;
    assert_eq!(images["List"][0]["ImageName"], "nginx:1.25");
    let of_image = app
        .call("DescribeAssetImageVulList", json!({"ImageID": NGINX}))
        .await;
    assert_eq!(of_image["TotalCount"], 2);
    let levels = app
        .call("DescribeVulLevelSummary", json!({"CategoryType": "SYSTEM"}))
        .await;
    assert_eq!(levels["HighLevelVulCount"], 0);

    // Ignoring for every image (no ImageIDs), then taking it back.
    app.call(
        "AddIgnoreVul",
        json!({"List": [{"PocID": "pcmgr-demo0004"}]}),
    )
    .await;
    let emergency = app.call("DescribeEmergencyVulList", json!({})).await;
    assert_eq!(emergency["TotalCount"], 0);
    app.call("DeleteIgnoreVul", ignore).await;
    app.call(
        "DeleteIgnoreVul",
        json!({"List": [{"PocID": "pcmgr-demo0004"}]}),
    )
    .await;
    let system = app.call("DescribeSystemVulList", json!({})).await;
    assert_eq!(system["TotalCount"], 2);
    let emergency = app.call("DescribeEmergencyVulList", json!({})).await;
    assert_eq!(emergency["TotalCount"], 1);
    let ignored = app.call("DescribeScanIgnoreVulList", json!({})).await;
    assert_eq!(ignored["TotalCount"], 0);
    app.call("AddIgnoreVul", json!({"List": [{"PocID": "pcmgr-later"}]}))
        .await;
    let ignored = app.call("DescribeScanIgnoreVulList", json!({})).await;
    assert_eq!(
        (
            &ignored["List"][0]["PocID"],
            &ignored["List"][0]["IsIgnoreAll"]
        ),
        (&json!("pcmgr-later"), &json!(1)),
        "a vulnerability no scan found yet is ignored under its id"
    );
    let empty = app
        .call("AddIgnoreVul", json!({"List": [{"ImageIDs": [NGINX]}]}))
        .await;
    assert_eq!(code(&empty), Some("MissingParameter"));
}

#[tokio::test]
async fn a_vulnerability_scan_finishes_on_the_clock_and_a_stopped_one_is_canceled() {
    let app = spawn_app().await;
    advance(&app, 0).await;
    let task = app
        .call(
            "CreateVulScanTask",
            json!({"LocalImageScanType": "IMAGEIDS", "LocalImageIDs": [NGINX]}),
        )
        .await;
    let id = task["LocalTaskID"]
        .as_i64()
        .unwrap_or_else(|| panic!("{task}"));
    let info = app
        .call("DescribeVulScanInfo", json!({"LocalTaskID": id}))
        .await;
    assert_eq!(
        (
            &info["Status"],
            &info["RemainingTime"],
            &info["LocalImageScanCount"]
        ),
        (&json!("SCANNING"), &json!(5.0), &json!(1))
    );
    let rows = app
        .call("DescribeVulScanLocalImageList", json!({"TaskID": id}))
        .await;
    assert_eq!(rows["List"][0]["ScanStatus"], "SCANNING");
    let emergency = app.call("DescribeEmergencyVulList", json!({})).await;
    assert_eq!(
        emergency["List"][0]["Status"], "SCANNING",
        "while a scan runs"
    );
    assert_eq!(
        (
            &rows["List"][0]["HighLevelVulCount"],
            &rows["List"][0]["MediumLevelVulCount"]
        ),
        (&json!(1), &json!(2))
    );
    advance(&app, 5).await;
    let emergency = app.call("DescribeEmergencyVulList", json!({})).await;
    assert_eq!(emergency["List"][0]["Status"], "SCANNED_NOT_RISK");
    let info = app.call("DescribeVulScanInfo", json!({})).await;
    assert_eq!(
        (
            &info["Status"],
            &info["FoundVulCount"],
            &info["FoundRiskImageCount"]
        ),
        (&json!("SCANNED"), &json!(3), &json!(1))
    );
    let rows = app
        .call("DescribeVulScanLocalImageList", json!({"TaskID": id}))
        .await;
    assert_eq!(rows["List"][0]["ScanStatus"], "FINISHED");

    // NOT_SCAN: the authorised images not scanned yet (redis); stopped at once.
    let summary = app
        .call("DescribeVulScanAuthorizedImageSummary", json!({}))
        .await;
    assert_eq!(
        (
            &summary["AllAuthorizedImageCount"],
            &summary["UnScanAuthorizedImageCount"]
        ),
        (&json!(2), &json!(1))
    );
    let second = app
        .call(
            "CreateVulScanTask",
            json!({"LocalImageScanType": "NOT_SCAN"}),
        )
        .await;
    let second = second["LocalTaskID"].as_i64().unwrap();
    assert_eq!(second, id + 1);
    app.call("StopVulScanTask", json!({"LocalTaskID": second}))
        .await;
    advance(&app, 5).await;
    let info = app
        .call("DescribeVulScanInfo", json!({"LocalTaskID": second}))
        .await;
    assert_eq!(info["Status"], "CANCELED");
    let image = app
        .call("DescribeAssetImageDetail", json!({"ImageID": REDIS}))
        .await;
    assert_eq!(image["ScanStatus"], "NOT_SCAN", "a stopped scan leaves it");
    let unknown = app
        .call("DescribeVulScanInfo", json!({"LocalTaskID": 99}))
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
}

#[tokio::test]
async fn summaries_and_tendencies_count_the_listed_vulnerabilities() {
    let app = spawn_app().await;
    let summary = app.call("DescribeVulSummary", json!({})).await;
    assert_eq!(
        (
            &summary["VulTotalCount"],
            &summary["SeriousVulCount"],
            &summary["EmergencyVulnerabilityCount"],
            &summary["SeriousVulnerabilityLocalImageCount"]
        ),
        (&json!(4), &json!(2), &json!(1), &json!(1))
    );
    let images = app.call("DescribeVulLevelImageSummary", json!({})).await;
    assert_eq!(images["HighLevelVulLocalImagePercent"], 50.0, "{images}");
    let top = app
        .call("DescribeVulTopRanking", json!({"CategoryType": "WEB"}))
        .await;
    assert_eq!(top["List"][0]["AffectedImageCount"], 1);
    let tendency = app
        .call(
            "DescribeVulTendency",
            json!({"StartTime": "2026-11-30", "EndTime": "2026-12-01", "SphereOfInfluence": "LATEST"}),
        )
        .await;
    let set = &tendency["VulTendencySet"];
    let cnt = |i: usize| -> Vec<i64> {
        set[i]["VulSet"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["Cnt"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        (cnt(0), cnt(1)),
        (vec![1, 0], vec![0, 0]),
        "serious ones on latest images: {tendency}"
    );
    let risks = app.call("DescribeImageRiskSummary", json!({})).await;
    let high = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|r| r["Level"] == "HIGH")
            .map(|r| r["Cnt"].clone())
    };
    assert_eq!(high(&risks["VulnerabilityCnt"]), Some(json!(1)));
    assert_eq!(high(&risks["RiskCnt"]), Some(json!(1)));
}
