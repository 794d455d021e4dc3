//! Runtime events, part 1: abnormal processes and access control, seeded by the
//! bundled `demo-events-a.json`: list, filter, mark, read back; rules added, listed,
//! changed, switched, deleted; level counts and tendencies counted from the events.
//! Reverse shell, risky syscalls, escape and the exports: `events_a_whitelists.rs`.

use serde_json::{Value, json};

use crate::helpers::*;

/// The demo world's nginx image, which most seeded events name.
pub const NGINX: &str = "sha256:6f0d4c2a1b3e5f7a9c8d0e2f4a6b8c0d1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b";

/// `Filters` selecting the events of one `Status`.
pub fn status_filter(status: &str) -> Value {
    json!([{"Name": "Status", "Values": [status], "ExactMatch": true}])
}

/// The ids under `id` of the items of `list` in `res`.
pub fn ids(res: &Value, list: &str, id: &str) -> Vec<String> {
    res[list]
        .as_array()
        .unwrap_or_else(|| panic!("{res}"))
        .iter()
        .map(|e| e[id].as_str().unwrap_or_default().to_string())
        .collect()
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
    assert_eq!(detail["ProcessInfo"]["ProcessPath"], "/dev/shm/xmrig");
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
    let magic = json!(["ESCAPE_BY_MAGIC"]);
    for (action, params) in [
        ("AddEscapeWhiteList", json!({"ImageIDs": [NGINX]})),
        ("ModifyEscapeWhiteList", json!({"IDSet": [1]})),
        (
            "ModifyEscapeEventStatus",
            json!({"EventIdSet": ["esc-demo0003"], "Status": "EVENT_ADD_WHITE"}),
        ),
    ] {
        let mut params = params;
        params["EventType"] = magic.clone();
        let bad = app.call(action, params).await;
        assert_eq!(code(&bad), Some("InvalidParameterValue"), "{action}: {bad}");
    }
    let event = app
        .call(
            "DescribeEscapeEventDetail",
            json!({"EventId": "esc-demo0003"}),
        )
        .await;
    assert_eq!(
        event["EventBaseInfo"]["Status"], "EVENT_UNDEAL",
        "a refused call changes nothing"
    );
    let bad = app
        .call(
            "DescribeReverseShellEvents",
            json!({"Filters": [{"Name": "Colour", "Values": ["red"]}]}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"), "{bad}");
}

/// The rule an abnormal process event names, and whether it exists.
async fn rule_of(app: &TestApp, event: &str) -> (String, bool) {
    let res = app
        .call(
            "DescribeAbnormalProcessEvents",
            json!({"Filters": [{"Name": "Id", "Values": [event]}]}),
        )
        .await;
    let e = &res["EventSet"][0];
    (
        e["RuleId"].as_str().unwrap_or_default().to_string(),
        e["RuleExist"].as_bool().unwrap_or_default(),
    )
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
    assert_eq!(rule_of(&app, "ape-demo0002").await, (id.clone(), true));

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
    assert_eq!(
        rule_of(&app, "ape-demo0002").await,
        (id, false),
        "the event still names the deleted rule"
    );
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
async fn an_event_seeded_through_the_admin_route_is_listed_and_counted() {
    let app = spawn_app().await;
    let doc = json!({"abnormal_process_events": [{
        "Id": "ape-seeded01", "EventType": "FILELESS", "Status": "EVENT_UNDEAL",
        "MatchRuleLevel": "HIGH", "FoundTime": "2026-12-01 08:00:00", "ContainerName": "web-1",
        "ImageId": NGINX
    }]})
    .to_string();
    let (status, body) = app
        .admin(reqwest::Method::POST, "fixtures", Some(&doc), None)
        .await;
    assert_eq!(
        (status, body["upserted"].as_u64()),
        (200, Some(1)),
        "{body}"
    );
    let listed = app
        .call(
            "DescribeAbnormalProcessEvents",
            json!({"Filters": [{"Name": "EventType", "Values": ["fileless"]}]}),
        )
        .await;
    assert_eq!(ids(&listed, "EventSet", "Id"), ["ape-seeded01"]);
    let levels = app
        .call("DescribeAbnormalProcessLevelSummary", json!({}))
        .await;
    assert_eq!(
        levels["HighLevelEventCount"], 2,
        "the demo's and the seeded"
    );
    let days = app
        .call(
            "DescribeAbnormalProcessEventTendency",
            json!({"StartTime": "2026-11-30 00:00:00", "EndTime": "2026-12-01 23:59:59"}),
        )
        .await;
    let fileless: Vec<(&Value, &Value)> = days["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (&d["Date"], &d["FilelessEventCount"]))
        .collect();
    assert_eq!(
        fileless,
        [
            (&json!("2026-11-30"), &json!(0)),
            (&json!("2026-12-01"), &json!(1))
        ]
    );
}
