//! Bad input to the runtime-event actions gets the Tencent error a real client expects,
//! and one account never sees or changes another's events.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn bad_event_input_is_refused_with_tencent_errors() {
    let app = spawn_app().await;
    let rule = |action: &str| {
        json!({"RuleName": "r", "RuleType": "RT_USER", "Status": true, "EffectAllCluster": true,
               "EffectClusterIDSet": [], "RuleInfoList": [{"Action": action, "Scope": "COMMAND_RUN"}]})
    };
    let cases = [
        (
            "ModifyVirusFileStatus",
            json!({"EventIdSet": ["vir-demo0001"], "Status": "DEAL_NONE"}),
            "InvalidParameterValue",
            "a list status, not a request one",
        ),
        (
            "ModifyK8sApiAbnormalEventStatus",
            json!({"EventIDSet": [1], "Status": "EVENT_DELETE"}),
            "InvalidParameterValue",
            "the DNS spelling of delete",
        ),
        (
            "ModifyRiskDnsEventStatus",
            json!({"EventIDSet": [1], "EventStatus": "EVENT_DEL"}),
            "InvalidParameterValue",
            "the K8s spelling of delete",
        ),
        (
            "ModifyRiskDnsEventStatus",
            json!({"EventIDSet": "1", "EventStatus": "EVENT_IGNORE"}),
            "InvalidParameter",
            "a scalar for a list",
        ),
        (
            "CreateVirusScanTask",
            json!({"ScanPathAll": true, "ScanRangeType": 0, "ScanRangeAll": false, "Timeout": 1}),
            "InvalidParameterValue",
            "nothing to scan",
        ),
        (
            "CreateVirusScanTask",
            json!({"ScanPathAll": true, "ScanRangeType": 2, "ScanRangeAll": true, "Timeout": 1}),
            "InvalidParameterValue",
            "an undocumented range",
        ),
        (
            "CreateVirusScanTask",
            json!({"ScanPathAll": true, "ScanRangeAll": true, "Timeout": 1}),
            "MissingParameter",
            "no ScanRangeType",
        ),
        (
            "DescribeVirusScanTaskStatus",
            json!({"TaskID": "77"}),
            "ResourceNotFound",
            "an unknown task",
        ),
        (
            "CreateVirusScanAgain",
            json!({"TaskId": "77"}),
            "ResourceNotFound",
            "an unknown task",
        ),
        (
            "AddOrModifyVirusWhiteListRule",
            json!({"Md5List": [], "Scope": 1}),
            "InvalidParameterValue",
            "no MD5",
        ),
        (
            "AddOrModifyVirusWhiteListRule",
            json!({"Md5List": ["aa"], "Scope": 2}),
            "InvalidParameterValue",
            "an undocumented scope",
        ),
        (
            "AddOrModifyMaliciousConnectionWhiteList",
            json!({"RequestType": "URL", "WhiteIPList": ["1.2.3.4"]}),
            "InvalidParameterValue",
            "an undocumented type",
        ),
        (
            "AddOrModifyMaliciousConnectionWhiteList",
            json!({"ID": 99, "RequestType": "IP", "WhiteIPList": ["1.2.3.4"]}),
            "ResourceNotFound",
            "an unknown rule",
        ),
        (
            "CreateK8sApiAbnormalRuleInfo",
            json!({"RuleInfo": rule("RULE_MODE_HOLDUP")}),
            "InvalidParameterValue",
            "blacklist rules only alert",
        ),
        (
            "CreateK8sApiAbnormalRuleInfo",
            json!({"RuleInfo": rule("RULE_MODE_ALERT"), "CopySrcRuleID": "rule-nope"}),
            "ResourceNotFound",
            "an unknown source rule",
        ),
        (
            "ModifyK8sApiAbnormalRuleInfo",
            json!({"RuleInfo": rule("RULE_MODE_ALERT")}),
            "ResourceNotFound",
            "no RuleID in RuleInfo",
        ),
        (
            "DescribeK8sApiAbnormalRuleScopeList",
            json!({"RuleID": "rule-system01", "Limit": 1000}),
            "InvalidParameterValue",
            "a page over 100",
        ),
        (
            "DescribeVirusEventTendency",
            json!({"TendencyPeriod": "week"}),
            "InvalidParameter",
            "a period that is no number",
        ),
        (
            "DescribeImageDenyEventTendency",
            json!({"StartTime": "yesterday", "EndTime": "2026-12-02"}),
            "InvalidParameterValue",
            "a time that is no date",
        ),
        (
            "DescribeSecEventsTendency",
            json!({"StartTime": "2026-12-01", "EndTime": "soon"}),
            "InvalidParameterValue",
            "a time that is no date",
        ),
        (
            "DescribeVirusAutoIsolateSampleDownloadURL",
            json!({"MD5": "ffff"}),
            "ResourceNotFound",
            "an unknown sample",
        ),
        (
            "DescribeRiskDnsList",
            json!({"Filters": [{"Name": "Colour", "Values": ["red"]}]}),
            "InvalidParameterValue",
            "an unknown filter",
        ),
    ];
    for (action, body, want, why) in cases {
        let res = app.call(action, body).await;
        assert_eq!(code(&res), Some(want), "{action}: {why}: {res}");
    }
}

#[tokio::test]
async fn another_account_neither_sees_nor_changes_the_events() {
    let app = spawn_with(&["--credential", "AKIDother:otherkey:other"]).await;
    let other = |action: &'static str, body: serde_json::Value| {
        let app = &app;
        async move { app.call_as(action, body, "AKIDother", "otherkey").await }
    };
    let list = other("DescribeVirusList", json!({})).await;
    assert_eq!(list["TotalCount"], 0);
    other(
        "ModifyK8sApiAbnormalEventStatus",
        json!({"EventIDSet": [1], "Status": "EVENT_IGNORE"}),
    )
    .await;
    let mine = app
        .call("DescribeK8sApiAbnormalEventInfo", json!({"ID": 1}))
        .await;
    assert_eq!(mine["Info"]["Status"], "EVENT_UNDEAL");
    let summary = other("DescribeContainerSecEventSummary", json!({})).await;
    assert_eq!(summary["UnhandledVirusEventCnt"], 0);
    let created = other(
        "AddOrModifyMaliciousConnectionWhiteList",
        json!({"RequestType": "IP", "WhiteIPList": ["192.0.2.1"]}),
    )
    .await;
    assert_eq!(code(&created), None, "{created}");
    let theirs = other("DescribeMaliciousConnectionWhiteList", json!({})).await;
    assert_eq!(theirs["List"][0]["RuleID"], 1, "ids ascend per account");
    let (status, body) = app
        .admin(
            reqwest::Method::GET,
            "resources/malicious_connection_whitelist?account=other",
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body.to_string().matches("192.0.2.1").count(), 1, "{body}");
}
