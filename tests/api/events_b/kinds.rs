//! Malicious connection lists, K8s API abnormal events and rules, risky DNS, image
//! deny, and the summaries across every event kind.

use serde_json::{Value, json};

use super::{clock_at, filter, ids};
use crate::helpers::*;

#[tokio::test]
async fn malicious_connection_whitelist_entries_are_added_changed_and_filtered() {
    let app = spawn_app().await;
    clock_at(&app, "2026-12-02T12:00:00Z").await;
    let r = app
        .call(
            "AddOrModifyMaliciousConnectionWhiteList",
            json!({"RequestType": "IP", "WhiteIPList": ["198.51.100.1", "198.51.100.2"], "Remark": "scanner"}),
        )
        .await;
    assert_eq!(code(&r), None, "{r}");
    let ips = app
        .call(
            "DescribeMaliciousConnectionWhiteList",
            json!({"Filters": filter("RequestType", "IP")}),
        )
        .await;
    assert_eq!(ids(&ips, "Address"), ["198.51.100.1", "198.51.100.2"]);
    assert_eq!(ips["List"][0]["CreatedTime"], "2026-12-02 12:00:00");
    let rule = ips["List"][1]["RuleID"].as_u64().unwrap();
    app.call(
        "AddOrModifyMaliciousConnectionWhiteList",
        json!({"ID": rule, "RequestType": "DOMAIN", "WhiteDomainList": ["ok.example"]}),
    )
    .await;
    let all = app
        .call(
            "DescribeMaliciousConnectionWhiteList",
            json!({"Filters": filter("RequestType", "ALL")}),
        )
        .await;
    assert_eq!(
        ids(&all, "Address"),
        ["mirrors.tencent.com", "198.51.100.1", "ok.example"]
    );
    let bad = app
        .call(
            "AddOrModifyMaliciousConnectionWhiteList",
            json!({"RequestType": "IP"}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"));
    let black = app
        .call(
            "DescribeMaliciousConnectionBlackList",
            json!({"Filters": [{"Name": "BlackDomain", "Values": ["miner"]}]}),
        )
        .await;
    assert_eq!(ids(&black, "Address"), ["pool.miner.example"]);
}

#[tokio::test]
async fn k8s_api_abnormal_events_are_filtered_marked_summarised_and_trended() {
    let app = spawn_app().await;
    clock_at(&app, "2026-12-02T12:00:00Z").await;
    let high = app
        .call(
            "DescribeK8sApiAbnormalEventList",
            json!({"Filters": filter("RiskLevel", "HIGH")}),
        )
        .await;
    assert_eq!(ids(&high, "ID"), ["1"]);
    let s = app.call("DescribeK8sApiAbnormalSummary", json!({})).await;
    assert_eq!(
        (
            s["UnhandleEventCount"].as_u64(),
            s["UnhandleHighLevelEventCount"].as_u64(),
            s["UnhandleMediumLevelEventCount"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    app.call(
        "ModifyK8sApiAbnormalEventStatus",
        json!({"EventIDSet": [1], "Status": "EVENT_DEALED", "Remark": "fixed"}),
    )
    .await;
    let info = app
        .call("DescribeK8sApiAbnormalEventInfo", json!({"ID": 1}))
        .await;
    assert_eq!(info["Info"]["Status"], "EVENT_DEALED");
    assert_eq!(info["Info"]["MatchRule"]["Scope"], "ANONYMOUS_ACCESS");
    let s = app.call("DescribeK8sApiAbnormalSummary", json!({})).await;
    assert_eq!(s["UnhandleEventCount"], 1);
    let t = app
        .call(
            "DescribeK8sApiAbnormalTendency",
            json!({"TendencyPeriod": 3}),
        )
        .await;
    let list = t["List"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(
        (
            list[0]["Date"].as_str(),
            list[0]["AnonymousAccessCount"].as_u64()
        ),
        (Some("2026-11-30"), Some(1))
    );
    assert_eq!(list[1]["CmdExecCount"], 1);
    assert_eq!(list[2]["PrivilegeContainerCount"], 1);
    assert_eq!(
        list[2]["RuleTypeCountSet"],
        json!([{"RuleType": "PRIVILEGE_CONTAINER", "EventCount": 1}])
    );
    app.call(
        "ModifyK8sApiAbnormalEventStatus",
        json!({"EventIDSet": [2], "Status": "EVENT_DEL"}),
    )
    .await;
    let left = app.call("DescribeK8sApiAbnormalEventList", json!({})).await;
    assert_eq!(ids(&left, "ID"), ["1", "3"]);
}

#[tokio::test]
async fn k8s_api_abnormal_rules_are_created_changed_switched_and_deleted() {
    let app = spawn_app().await;
    let rule = json!({"RuleName": "no exec", "RuleType": "RT_USER", "Status": true,
        "EffectAllCluster": false, "EffectClusterIDSet": ["cls-demo0001"],
        "RuleInfoList": [{"Action": "RULE_MODE_ALERT", "Scope": "{\"Verb\":\"create\"}", "RiskLevel": "HIGH"},
                         {"Action": "RULE_MODE_ALERT", "Scope": "{\"Verb\":\"delete\"}", "RiskLevel": "LOW"}]});
    let created = app
        .call("CreateK8sApiAbnormalRuleInfo", json!({"RuleInfo": rule}))
        .await;
    let id = created["RuleID"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string();
    assert!(id.starts_with("rule-"), "{id}");
    let mine = app
        .call(
            "DescribeK8sApiAbnormalRuleList",
            json!({"Filters": filter("RuleType", "RT_USER"), "By": "RuleName"}),
        )
        .await;
    assert_eq!(ids(&mine, "RuleName"), ["exec into pods", "no exec"]);
    let item = &mine["List"][1];
    assert_eq!(
        (
            item["EffectClusterCount"].as_u64(),
            item["RuleActions"].clone()
        ),
        (Some(1), json!(["RULE_MODE_ALERT"]))
    );
    let scopes = app
        .call(
            "DescribeK8sApiAbnormalRuleScopeList",
            json!({"RuleID": id, "Filters": filter("RiskLevel", "LOW")}),
        )
        .await;
    assert_eq!(scopes["TotalCount"], 1, "{scopes}");

    let mut changed = rule.clone();
    changed["RuleID"] = json!(id);
    changed["RuleName"] = json!("no exec or delete");
    app.call("ModifyK8sApiAbnormalRuleInfo", json!({"RuleInfo": changed}))
        .await;
    app.call(
        "ModifyK8sApiAbnormalRuleStatus",
        json!({"RuleID": id, "Status": false}),
    )
    .await;
    let info = app
        .call("DescribeK8sApiAbnormalRuleInfo", json!({"RuleID": id}))
        .await;
    assert_eq!(
        (
            info["Info"]["RuleName"].as_str(),
            info["Info"]["Status"].as_bool()
        ),
        (Some("no exec or delete"), Some(false))
    );
    let mut holdup = rule.clone();
    holdup["RuleInfoList"][0]["Action"] = json!("RULE_MODE_RELEASE");
    let refused = app
        .call("CreateK8sApiAbnormalRuleInfo", json!({"RuleInfo": holdup}))
        .await;
    assert_eq!(code(&refused), Some("InvalidParameterValue"));
    let unknown = app
        .call(
            "ModifyK8sApiAbnormalRuleStatus",
            json!({"RuleID": "rule-nope", "Status": true}),
        )
        .await;
    assert_eq!(code(&unknown), Some("ResourceNotFound"));
    app.call("DeleteK8sApiAbnormalRule", json!({"RuleIDSet": [id]}))
        .await;
    let gone = app
        .call("DescribeK8sApiAbnormalRuleInfo", json!({"RuleID": id}))
        .await;
    assert_eq!(code(&gone), Some("ResourceNotFound"));
}

#[tokio::test]
async fn risky_dns_events_are_marked_whitelisted_and_deleted() {
    let app = spawn_app().await;
    let undealt = app
        .call(
            "DescribeRiskDnsList",
            json!({"Filters": filter("EventStatus", "EVENT_UNDEAL"), "By": "EventCount", "Order": "desc"}),
        )
        .await;
    assert_eq!(
        ids(&undealt, "Address"),
        ["pool.miner.example", "203.0.113.66"]
    );
    let range = |from: &str, to: &str| json!([{"Name": "TimeRange", "Values": [from, to]}]);
    let recent = app
        .call(
            "DescribeRiskDnsList",
            json!({"Filters": range("2026-12-01 12:00:00", "2026-12-02 23:59:59")}),
        )
        .await;
    assert_eq!(ids(&recent, "EventID"), ["2"], "by LatestFoundTime");
    let since = app
        .call(
            "DescribeRiskDnsList",
            json!({"Filters": range("2026-12-01T10:16:00Z", "")}),
        )
        .await;
    assert_eq!(
        ids(&since, "EventID"),
        ["1", "2"],
        "bounds included, open end"
    );
    let by_ip = app
        .call(
            "DescribeRiskDnsList",
            json!({"Filters": filter("RiskIP", "203.0.113.66")}),
        )
        .await;
    assert_eq!(ids(&by_ip, "EventID"), ["2"]);
    app.call(
        "ModifyRiskDnsEventStatus",
        json!({"EventIDSet": [1], "EventStatus": "EVENT_ADD_WHITE", "Address": "pool.miner.example",
               "AddWhiteEventType": "DOMAIN", "Remark": "our pool"}),
    )
    .await;
    let d = app
        .call("DescribeRiskDnsEventDetail", json!({"EventID": 1}))
        .await;
    assert_eq!(
        (d["EventStatus"].as_str(), d["Remark"].as_str()),
        (Some("EVENT_ADD_WHITE"), Some("our pool"))
    );
    let white = app
        .call(
            "DescribeMaliciousConnectionWhiteList",
            json!({"Filters": filter("WhiteDomain", "pool.miner.example")}),
        )
        .await;
    assert_eq!(
        white["TotalCount"], 1,
        "the address joined the whitelist: {white}"
    );
    app.call(
        "ModifyRiskDnsEventStatus",
        json!({"EventIDSet": [2], "EventStatus": "EVENT_DELETE"}),
    )
    .await;
    let left = app.call("DescribeRiskDnsList", json!({})).await;
    assert_eq!(ids(&left, "EventID"), ["1"]);
}

#[tokio::test]
async fn image_deny_events_and_rules_are_listed_read_trended_and_summarised() {
    let app = spawn_app().await;
    let blocked = app
        .call(
            "DescribeImageDenyEventList",
            json!({"Filters": filter("DealBehavior", "BEHAVIOR_HOLDUP_SUCCESSED")}),
        )
        .await;
    assert_eq!(ids(&blocked, "ImageName"), ["nginx:1.25"]);
    let d = app
        .call("DescribeImageDenyEventDetail", json!({"EventID": 2}))
        .await;
    assert_eq!(
        (d["RuleID"].as_str(), d["StartParam"].as_str()),
        (Some("deny-demo0002"), Some("--privileged"))
    );
    let t = app
        .call(
            "DescribeImageDenyEventTendency",
            json!({"StartTime": "2026-12-01", "EndTime": "2026-12-02"}),
        )
        .await;
    let counts = |l: &Value| -> Vec<u64> {
        l.as_array()
            .unwrap()
            .iter()
            .map(|d| d["EventCount"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        (counts(&t["DenyList"]), counts(&t["AlarmList"])),
        (vec![1, 0], vec![0, 1])
    );
    let rules = app
        .call(
            "DescribeImageDenyRuleList",
            json!({"Filters": filter("EffectStatus", "IN_THE_TEST")}),
        )
        .await;
    assert_eq!(ids(&rules, "RuleID"), ["deny-demo0002"]);
    let rule = app
        .call(
            "DescribeImageDenyRuleDetail",
            json!({"RuleID": "deny-demo0002"}),
        )
        .await;
    assert_eq!(rule["EffectDay"], 7);
    let s = app.call("DescribeImageDenyRuleSummary", json!({})).await;
    assert_eq!(
        [
            &s["RuleTotalCount"],
            &s["EnabledRuleCount"],
            &s["ObservedRuleCount"],
            &s["EffectiveRuleCount"]
        ],
        [&json!(2), &json!(2), &json!(1), &json!(1)]
    );
}

#[tokio::test]
async fn the_cross_kind_summary_and_tendency_count_every_event_collection() {
    let app = spawn_app().await;
    let s = app
        .call("DescribeContainerSecEventSummary", json!({}))
        .await;
    assert_eq!(
        (
            s["UnhandledVirusEventCnt"].as_u64(),
            s["UnhandledK8sApiEventCnt"].as_u64(),
            s["UnhandledMaliciousConnectionEventCnt"].as_u64()
        ),
        (Some(2), Some(2), Some(2)),
        "{s}"
    );
    app.call(
        "ModifyRiskDnsEventStatus",
        json!({"EventIDSet": [1, 2], "EventStatus": "EVENT_IGNORE"}),
    )
    .await;
    let s = app
        .call("DescribeContainerSecEventSummary", json!({}))
        .await;
    assert_eq!(s["UnhandledMaliciousConnectionEventCnt"], 0);
    let t = app
        .call(
            "DescribeSecEventsTendency",
            json!({"StartTime": "2026-11-30", "EndTime": "2026-12-02"}),
        )
        .await;
    let kind = |k: &str| -> Vec<u64> {
        t["EventTendencySet"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["EventType"] == k)
            .unwrap_or_else(|| panic!("{t}"))["EventSet"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["Cnt"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(kind("ET_VIRUS"), [1, 1, 1]);
    assert_eq!(kind("ET_MALICIOUS_CONNECTION"), [1, 0, 1]);
}
