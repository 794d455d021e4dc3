//! Runtime events, part 1: reverse shell, risky syscalls and container escape with
//! their whitelists (added, listed, changed, deleted; an escape entry names its
//! image), and every export of the family holding its list's rows.

use reqwest::Method;
use serde_json::{Value, json};

use super::events_a::{NGINX, ids, status_filter};
use crate::helpers::*;

/// The CSV of the export job `res` answered, once it has run (the clock moved on).
async fn exported(app: &TestApp, res: &Value) -> String {
    let job = res["JobId"].as_str().unwrap_or_else(|| panic!("{res}"));
    let body = json!({"freeze": true, "advance_seconds": 5}).to_string();
    let (status, _) = app.admin(Method::POST, "clock", Some(&body), None).await;
    assert_eq!(status, 200);
    let done = app
        .call("DescribeExportJobResult", json!({"JobId": job}))
        .await;
    assert_eq!(done["ExportStatus"], "SUCCESS", "{done}");
    let url = done["DownloadURL"].as_str().unwrap_or_default();
    app.client
        .get(url.replace(".xlsx?", ".csv?"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn reverse_shell_events_are_deleted_and_whitelisted() {
    let app = spawn_app().await;
    app.call(
        "AddEditReverseShellWhiteList",
        json!({"EventId": "rse-demo0001", "WhiteListInfo": {"ProcessName": "bash", "DstIp": "203.0.113.7",
               "DstPort": "4444", "ImageIds": []}}),
    )
    .await;
    let lists = app
        .call(
            "DescribeReverseShellWhiteLists",
            json!({"By": "CreateTime", "Order": "desc"}),
        )
        .await;
    assert_eq!(lists["TotalCount"], 2, "{lists}");
    let added = &lists["WhiteListSet"][0];
    assert_eq!(
        (added["DstIp"].as_str(), added["IsGlobal"].as_bool()),
        (Some("203.0.113.7"), Some(true))
    );
    let id = added["Id"].as_str().unwrap().to_string();
    let event = app
        .call(
            "DescribeReverseShellDetail",
            json!({"EventId": "rse-demo0001"}),
        )
        .await;
    assert_eq!(event["EventBaseInfo"]["Status"], "EVENT_ADD_WHITE");
    assert_eq!(event["EventDetail"]["DstAddress"], "203.0.113.7:4444");

    app.call(
        "AddEditReverseShellWhiteList",
        json!({"WhiteListInfo": {"Id": id, "ProcessName": "bash", "DstIp": "203.0.113.8", "DstPort": "4444",
               "ImageIds": [NGINX]}}),
    )
    .await;
    let detail = app
        .call(
            "DescribeReverseShellWhiteListDetail",
            json!({"WhiteListId": id}),
        )
        .await;
    assert_eq!(detail["WhiteListDetailInfo"]["DstIp"], "203.0.113.8");
    assert_eq!(detail["WhiteListDetailInfo"]["ImageIds"], json!([NGINX]));
    app.call(
        "DeleteReverseShellWhiteLists",
        json!({"WhiteListIdSet": [id]}),
    )
    .await;
    let lists = app.call("DescribeReverseShellWhiteLists", json!({})).await;
    assert_eq!(ids(&lists, "WhiteListSet", "Id"), ["wl-demo0001"]);

    app.call(
        "DeleteReverseShellEvents",
        json!({"EventIdSet": ["rse-demo0002"]}),
    )
    .await;
    let events = app.call("DescribeReverseShellEvents", json!({})).await;
    assert_eq!(ids(&events, "EventSet", "EventId"), ["rse-demo0001"]);

    let regexp = app
        .call(
            "DescribeReverseShellRegexpWhiteList",
            json!({"Filters": [{"Name": "RuleName", "Values": ["jump"]}]}),
        )
        .await;
    assert_eq!(ids(&regexp, "List", "RuleID"), ["rule-demo0003"]);
    let info = app
        .call(
            "DescribeReverseShellRegexpWhiteListInfo",
            json!({"RuleID": "rule-demo0003"}),
        )
        .await;
    assert_eq!(
        info["RuleInfo"]["ExpressionList"][0]["MatchField"],
        "process_path"
    );
}

#[tokio::test]
async fn risk_syscall_events_and_whitelists_follow_their_changes() {
    let app = spawn_app().await;
    app.call(
        "AddEditRiskSyscallWhiteList",
        json!({"WhiteListInfo": {"ProcessPath": "/usr/bin/runc", "SyscallNames": ["ptrace"], "ImageIds": [NGINX]}}),
    )
    .await;
    let missing = app.call("AddEditRiskSyscallWhiteList", json!({})).await;
    assert_eq!(code(&missing), Some("MissingParameter"), "{missing}");
    app.call(
        "AddEditRiskSyscallWhiteList",
        json!({"EventId": "rsc-demo0002"}),
    )
    .await;
    let from_event = app
        .call(
            "DescribeRiskSyscallWhiteLists",
            json!({"Filters": [{"Name": "ProcessPath", "Values": ["/bin/mount"], "ExactMatch": true}]}),
        )
        .await;
    let entry = &from_event["WhiteListSet"][0];
    assert_eq!(
        (&entry["SyscallNames"], entry["ImageCount"].as_i64()),
        (&json!(["mount"]), Some(1)),
        "the event's process, syscall and image: {from_event}"
    );
    let event = app
        .call(
            "DescribeRiskSyscallDetail",
            json!({"EventId": "rsc-demo0002"}),
        )
        .await;
    assert_eq!(event["EventBaseInfo"]["Status"], "EVENT_ADD_WHITE");
    let wl = entry["Id"].as_str().unwrap_or_default().to_string();
    app.call(
        "DeleteRiskSyscallWhiteLists",
        json!({"WhiteListIdSet": [wl]}),
    )
    .await;
    let names = app.call("DescribeRiskSyscallNames", json!({})).await;
    assert_eq!(
        names["SyscallNames"],
        json!(["chroot", "mount", "ptrace", "unshare"])
    );
    assert_eq!(names["TotalCount"], 4);
    let lists = app
        .call(
            "DescribeRiskSyscallWhiteLists",
            json!({"Filters": [{"Name": "ProcessPath", "Values": ["runc"]}]}),
        )
        .await;
    let id = lists["WhiteListSet"][0]["Id"]
        .as_str()
        .unwrap_or_else(|| panic!("{lists}"))
        .to_string();
    assert_eq!(lists["WhiteListSet"][0]["ImageCount"], 1);
    let detail = app
        .call(
            "DescribeRiskSyscallWhiteListDetail",
            json!({"WhiteListId": id}),
        )
        .await;
    assert_eq!(
        detail["WhiteListDetailInfo"]["SyscallNames"],
        json!(["ptrace"])
    );
    app.call(
        "DeleteRiskSyscallWhiteLists",
        json!({"WhiteListIdSet": [id]}),
    )
    .await;
    let gone = app
        .call(
            "DescribeRiskSyscallWhiteListDetail",
            json!({"WhiteListId": id}),
        )
        .await;
    assert_eq!(code(&gone), Some("ResourceNotFound"));

    app.call(
        "ModifyRiskSyscallStatus",
        json!({"EventIdSet": ["rsc-demo0001"], "Status": "EVENT_DEALED"}),
    )
    .await;
    let open = app
        .call(
            "DescribeRiskSyscallEvents",
            json!({"Filters": status_filter("EVENT_UNDEAL")}),
        )
        .await;
    assert_eq!(open["TotalCount"], 0, "{open}");
    app.call(
        "DeleteRiskSyscallEvents",
        json!({"EventIdSet": ["rsc-demo0001"]}),
    )
    .await;
    let detail = app
        .call(
            "DescribeRiskSyscallDetail",
            json!({"EventId": "rsc-demo0002"}),
        )
        .await;
    assert_eq!(detail["EventDetail"]["SyscallName"], "mount");
    let all = app.call("DescribeRiskSyscallEvents", json!({})).await;
    assert_eq!(ids(&all, "EventSet", "EventId"), ["rsc-demo0002"]);
}

#[tokio::test]
async fn escape_events_count_by_kind_and_whitelist_their_images() {
    let app = spawn_app().await;
    let summary = app.call("DescribeEscapeEventTypeSummary", json!({})).await;
    assert_eq!(
        [
            &summary["ContainerEscapeEventCount"],
            &summary["ProcessPrivilegeEventCount"],
            &summary["RiskContainerEventCount"],
            &summary["PendingEscapeEventCount"]
        ],
        [1, 1, 1, 2]
    );
    let tendency = app
        .call(
            "DescribeEscapeEventTendency",
            json!({"StartTime": "2026-11-28", "EndTime": "2026-11-30"}),
        )
        .await;
    let risky: Vec<&Value> = tendency["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["RiskContainerEventCount"])
        .collect();
    assert_eq!(risky, [0, 0, 1]);
    let images = app.call("DescribeEventEscapeImageList", json!({})).await;
    assert_eq!(
        (
            images["TotalCount"].as_u64(),
            images["List"][0]["ImageId"].as_str()
        ),
        (Some(1), Some(NGINX))
    );
    assert_eq!(
        app.call("DescribeEscapeSafeState", json!({})).await["IsSafe"],
        "Unsafe"
    );

    app.call(
        "ModifyEscapeEventStatus",
        json!({"EventIdSet": ["esc-demo0003"], "Status": "EVENT_ADD_WHITE"}),
    )
    .await;
    app.call(
        "ModifyEscapeEventStatus",
        json!({"EventIdSet": ["esc-demo0001"], "Status": "EVENT_DEALED", "Remark": "fixed"}),
    )
    .await;
    assert_eq!(
        app.call("DescribeEscapeSafeState", json!({})).await["IsSafe"],
        "Safe"
    );
    let detail = app
        .call(
            "DescribeEscapeEventDetail",
            json!({"EventId": "esc-demo0001"}),
        )
        .await;
    assert_eq!(
        (
            detail["EventBaseInfo"]["Status"].as_str(),
            detail["EventDetail"]["Remark"].as_str()
        ),
        (Some("EVENT_DEALED"), Some("fixed"))
    );

    app.call(
        "AddEscapeWhiteList",
        json!({"EventType": ["PRIVILEGE"], "ImageIDs": ["sha256:not-here"]}),
    )
    .await;
    let list = app
        .call(
            "DescribeEscapeWhiteList",
            json!({"By": "ID", "Order": "asc"}),
        )
        .await;
    assert_eq!(list["TotalCount"], 3, "{list}");
    let from_event = &list["List"][1];
    assert_eq!(
        (
            from_event["ImageID"].as_str(),
            from_event["ImageName"].as_str()
        ),
        (Some(NGINX), Some("nginx:1.25"))
    );
    assert_eq!(
        (
            from_event["ContainerCount"].as_i64(),
            from_event["HostCount"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(from_event["EventType"], json!(["MOUNT_SENSITIVE_PTAH"]));
    let unknown = &list["List"][2];
    assert_eq!(
        (
            unknown["ID"].as_i64(),
            unknown["ImageID"].as_str(),
            unknown["ImageName"].as_str()
        ),
        (Some(3), Some("sha256:not-here"), Some(""))
    );

    app.call(
        "ModifyEscapeWhiteList",
        json!({"IDSet": [3], "EventType": ["ESCAPE_CGROUPS", "PRIVILEGE"]}),
    )
    .await;
    let found = app
        .call(
            "DescribeEscapeWhiteList",
            json!({"Filters": [{"Name": "EventType", "Values": ["ESCAPE_CGROUPS"]}]}),
        )
        .await;
    assert_eq!(ids(&found, "List", "ImageID"), ["sha256:not-here"]);
    app.call("DeleteEscapeWhiteList", json!({"IDSet": [1, 3]}))
        .await;
    let left = app.call("DescribeEscapeWhiteList", json!({})).await;
    assert_eq!(ids(&left, "List", "ImageID"), [NGINX]);
}

#[tokio::test]
async fn every_export_of_the_family_holds_its_lists_rows() {
    let app = spawn_app().await;
    let cases = [
        (
            "CreateProcessEventsExportJob",
            json!({"Filters": [{"Name": "Status", "Values": ["EVENT_DEALED"]}]}),
            "ape-demo0003",
        ),
        (
            "CreateAbnormalProcessRulesExportJob",
            json!({}),
            "rule-demo0001",
        ),
        (
            "DescribeAccessControlEventsExport",
            json!({"Filters": status_filter("EVENT_UNDEAL")}),
            "ace-demo0001",
        ),
        (
            "CreateAccessControlsRuleExportJob",
            json!({}),
            "rule-demo0002",
        ),
        (
            "DescribeReverseShellEventsExport",
            json!({"Limit": 1, "By": "FoundTime", "Order": "desc"}),
            "rse-demo0002",
        ),
        (
            "DescribeRiskSyscallEventsExport",
            json!({"Filters": status_filter("EVENT_UNDEAL")}),
            "rsc-demo0001",
        ),
        (
            "CreateEscapeEventsExportJob",
            json!({"Filters": [{"Name": "EventType", "Values": ["PRIVILEGE"], "ExactMatch": true}]}),
            "esc-demo0002",
        ),
        (
            "CreateEscapeWhiteListExportJob",
            json!({}),
            "PRIVILEGE_CONTAINER_START",
        ),
    ];
    for (action, params, holds) in cases {
        let res = app.call(action, params).await;
        let csv = exported(&app, &res).await;
        assert!(csv.contains(holds), "{action}: {csv}");
        assert_eq!(
            csv.lines().count(),
            2,
            "{action}: a header and one row\n{csv}"
        );
    }
    let jobs = app
        .call("DescribeExportJobManageList", json!({"Limit": 100}))
        .await;
    assert_eq!(jobs["TotalCount"], 8, "{jobs}");
}
