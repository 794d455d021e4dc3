//! Runtime events, part 1: abnormal processes, access control, reverse shell, risky
//! syscalls and container escape, seeded by the bundled `demo-events-a.json`: list,
//! filter, mark, read back; rules and whitelists added, listed, changed, deleted;
//! summaries and tendencies counted from the events; exports hold the list's rows.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const NGINX: &str = "sha256:6f0d4c2a1b3e5f7a9c8d0e2f4a6b8c0d1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b";

fn status_filter(status: &str) -> Value {
    json!([{"Name": "Status", "Values": [status], "ExactMatch": true}])
}

/// The ids under `id` of the items of `list` in `res`.
fn ids(res: &Value, list: &str, id: &str) -> Vec<String> {
    res[list]
        .as_array()
        .unwrap_or_else(|| panic!("{res}"))
        .iter()
        .map(|e| e[id].as_str().unwrap_or_default().to_string())
        .collect()
}

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
async fn abnormal_process_events_are_filtered_marked_and_read_back() {
    let app = spawn_app().await;
    let open = app
        .call(
            "DescribeAbnormalProcessEvents",
            json!({"Filters": status_filter("EVENT_UNDEAL"), "By": "FoundTime", "Order": "desc"}),
        )
        .await;
    assert_eq!(open["TotalCount"], 2, "{open}");
    assert_eq!(
        ids(&open, "EventSet", "Id"),
        ["ape-demo0002", "ape-demo0001"]
    );
    let page = app
        .call(
            "DescribeAbnormalProcessEvents",
            json!({"Limit": 1, "Offset": 2}),
        )
        .await;
    assert_eq!(
        (
            page["TotalCount"].as_u64(),
            ids(&page, "EventSet", "Id").len()
        ),
        (Some(3), 1)
    );

    let levels = app
        .call("DescribeAbnormalProcessLevelSummary", json!({}))
        .await;
    assert_eq!(
        (
            levels["HighLevelEventCount"].as_i64(),
            levels["MediumLevelEventCount"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let tendency = json!({"StartTime": "2026-11-28", "EndTime": "2026-11-30"});
    let before = app
        .call("DescribeAbnormalProcessEventTendency", tendency.clone())
        .await;
    assert_eq!(before["List"][0]["Date"], "2026-11-28");
    assert_eq!(
        before["List"][0]["UserDefinedRuleEventCount"], 1,
        "MALICE_PROCESS_START"
    );
    assert_eq!(before["List"][1]["RiskCmdEventCount"], 1);

    app.call(
        "ModifyAbnormalProcessStatus",
        json!({"EventIdSet": ["ape-demo0001", "ape-nope"], "Status": "EVENT_DEALED", "Remark": "killed"}),
    )
    .await;
    let detail = app
        .call(
            "DescribeAbnormalProcessDetail",
            json!({"EventId": "ape-demo0001"}),
        )
        .await;
    assert_eq!(detail["EventBaseInfo"]["EventId"], "ape-demo0001");
    assert_eq!(detail["EventBaseInfo"]["Status"], "EVENT_DEALED");
    assert_eq!(detail["EventDetail"]["Remark"], "killed");
    assert_eq!(detail["EventDetail"]["RuleName"], "block miners");
    assert_ne!(detail["EventDetail"]["OperationTime"], "");
    assert_eq!(detail["ProcessInfo"]["ProcessPath"], "/tmp/xmrig");
    assert_eq!(detail["ParentProcessInfo"]["ProcessName"], "bash");
    let levels = app
        .call("DescribeAbnormalProcessLevelSummary", json!({}))
        .await;
    assert_eq!(
        levels["HighLevelEventCount"], 0,
        "a handled event is no longer pending"
    );
    let after = app
        .call("DescribeAbnormalProcessEventTendency", tendency)
        .await;
    assert_eq!(after["List"][0]["UserDefinedRuleEventCount"], 0);

    app.call(
        "ModifyAbnormalProcessStatus",
        json!({"EventIdSet": ["ape-demo0002"], "Status": "EVENT_DEL"}),
    )
    .await;
    let all = app.call("DescribeAbnormalProcessEvents", json!({})).await;
    assert_eq!(
        ids(&all, "EventSet", "Id"),
        ["ape-demo0001", "ape-demo0003"]
    );
    let gone = app
        .call(
            "DescribeAbnormalProcessDetail",
            json!({"EventId": "ape-demo0002"}),
        )
        .await;
    assert_eq!(code(&gone), Some("ResourceNotFound"));
}

#[tokio::test]
async fn bad_status_dates_and_filters_get_tencent_errors() {
    let app = spawn_app().await;
    let bad = app
        .call(
            "ModifyRiskSyscallStatus",
            json!({"EventIdSet": ["rsc-demo0001"], "Status": "SOLVED"}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"), "{bad}");
    let bad = app
        .call(
            "DescribeEscapeEventTendency",
            json!({"StartTime": "yesterday", "EndTime": "2026-11-30"}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"), "{bad}");
    let bad = app
        .call(
            "DescribeReverseShellEvents",
            json!({"Filters": [{"Name": "Colour", "Values": ["red"]}]}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"), "{bad}");
}

#[tokio::test]
async fn abnormal_process_rules_are_added_listed_switched_and_deleted() {
    let app = spawn_app().await;
    app.call(
        "AddEditAbnormalProcessRule",
        json!({"EventId": "ape-demo0002", "RuleInfo": {"RuleName": "no netcat", "IsEnable": true,
               "ImageIds": [NGINX, "sha256:unknown"],
               "ChildRules": [{"ProcessPath": "/usr/bin/nc", "RuleMode": "RULE_MODE_HOLDUP", "RuleLevel": "HIGH"}]}}),
    )
    .await;
    let rules = app
        .call(
            "DescribeAbnormalProcessRules",
            json!({"Filters": [{"Name": "RuleName", "Values": ["netcat"]}]}),
        )
        .await;
    assert_eq!(rules["TotalCount"], 1, "{rules}");
    let id = rules["RuleSet"][0]["RuleId"].as_str().unwrap().to_string();
    assert!(id.starts_with("rule-") && id != "rule-demo0001", "{id}");
    assert_eq!(rules["RuleSet"][0]["EffectImageCount"], 2);
    assert_eq!(
        rules["RuleExtSet"][0]["RuleActions"],
        json!(["RULE_MODE_HOLDUP"])
    );
    assert_eq!(
        rules["RuleExtSet"][0]["ChildRules"][0]["ProcessPath"],
        "/usr/bin/nc"
    );
    let event = app
        .call(
            "DescribeAbnormalProcessEvents",
            json!({"Filters": [{"Name": "Id", "Values": ["ape-demo0002"]}]}),
        )
        .await;
    assert_eq!(
        (
            event["EventSet"][0]["RuleId"].as_str(),
            event["EventSet"][0]["RuleExist"].as_bool()
        ),
        (Some(id.as_str()), Some(true))
    );

    app.call(
        "AddEditAbnormalProcessRule",
        json!({"RuleInfo": {"RuleId": id, "RuleName": "no nc", "IsEnable": true, "ImageIds": [NGINX],
               "ChildRules": [{"ProcessPath": "/usr/bin/nc", "RuleMode": "RULE_MODE_ALERT"}]}}),
    )
    .await;
    app.call(
        "ModifyAbnormalProcessRuleStatus",
        json!({"RuleIdSet": [id], "IsEnable": false}),
    )
    .await;
    let detail = app
        .call("DescribeAbnormalProcessRuleDetail", json!({"RuleId": id}))
        .await;
    let rule = &detail["RuleDetail"];
    assert_eq!(
        (rule["RuleName"].as_str(), rule["IsEnable"].as_bool()),
        (Some("no nc"), Some(false)),
        "{detail}"
    );
    assert_eq!(rule["ImageIds"], json!([NGINX]));
    let all = app.call("DescribeAbnormalProcessRules", json!({})).await;
    assert_eq!(all["TotalCount"], 2, "edited, not added");
    let alerting = app
        .call(
            "DescribeAbnormalProcessRules",
            json!({"Filters": [{"Name": "RuleAction", "Values": ["RULE_MODE_ALERT"], "ExactMatch": true}]}),
        )
        .await;
    assert_eq!(
        alerting["TotalCount"], 2,
        "the edit's child rule alerts now: {alerting}"
    );
    let holding = app
        .call(
            "DescribeAbnormalProcessRules",
            json!({"Filters": [{"Name": "RuleAction", "Values": ["RULE_MODE_HOLDUP"], "ExactMatch": true}]}),
        )
        .await;
    assert_eq!(holding["TotalCount"], 0, "{holding}");

    app.call(
        "DeleteAbnormalProcessRules",
        json!({"RuleIdSet": [id, "rule-nope"]}),
    )
    .await;
    let all = app.call("DescribeAbnormalProcessRules", json!({})).await;
    assert_eq!(ids(&all, "RuleSet", "RuleId"), ["rule-demo0001"]);
    let gone = app
        .call("DescribeAbnormalProcessRuleDetail", json!({"RuleId": id}))
        .await;
    assert_eq!(code(&gone), Some("ResourceNotFound"));
}

#[tokio::test]
async fn access_control_events_and_rules_follow_their_changes() {
    let app = spawn_app().await;
    app.call(
        "ModifyAccessControlStatus",
        json!({"EventIdSet": ["ace-demo0001"], "Status": "EVENT_IGNORE", "Remark": "expected"}),
    )
    .await;
    let ignored = app
        .call(
            "DescribeAccessControlEvents",
            json!({"Filters": status_filter("EVENT_INGNORE")}),
        )
        .await;
    assert_eq!(
        ids(&ignored, "EventSet", "Id"),
        ["ace-demo0001", "ace-demo0002"]
    );
    let detail = app
        .call(
            "DescribeAccessControlDetail",
            json!({"EventId": "ace-demo0001"}),
        )
        .await;
    assert_eq!(detail["TamperedFileInfo"]["FilePath"], "/etc/shadow");
    assert_eq!(detail["EventDetail"]["Remark"], "expected");

    app.call(
        "AddEditAccessControlRule",
        json!({"RuleInfo": {"RuleName": "protect passwd", "IsEnable": true, "ImageIds": [],
               "ChildRules": [{"ProcessPath": "*", "TargetFilePath": "/etc/passwd", "RuleMode": "RULE_MODE_ALERT"}]}}),
    )
    .await;
    let rules = app
        .call(
            "DescribeAccessControlRules",
            json!({"By": "RuleName", "Order": "asc"}),
        )
        .await;
    assert_eq!(rules["TotalCount"], 2);
    let id = rules["RuleSet"][0]["RuleId"].as_str().unwrap().to_string();
    assert_eq!(rules["RuleSet"][0]["RuleName"], "protect passwd");
    app.call(
        "ModifyAccessControlRuleStatus",
        json!({"RuleIdSet": [id], "IsEnable": false}),
    )
    .await;
    let off = app
        .call(
            "DescribeAccessControlRules",
            json!({"Filters": [{"Name": "IsEnable", "Values": ["0"]}]}),
        )
        .await;
    assert_eq!(ids(&off, "RuleSet", "RuleId"), [id.as_str()]);
    app.call("DeleteAccessControlRules", json!({"RuleIdSet": [id]}))
        .await;
    let left = app.call("DescribeAccessControlRules", json!({})).await;
    assert_eq!(ids(&left, "RuleSet", "RuleId"), ["rule-demo0002"]);
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
