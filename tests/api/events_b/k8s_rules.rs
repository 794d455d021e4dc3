//! The K8s API rule list's cluster filters: as documented, the rules bound to the
//! cluster, the rules of all clusters included; the export holds the same rows.

use serde_json::json;

use super::{exported_csv, ids};
use crate::helpers::*;

#[tokio::test]
async fn cluster_filters_keep_the_rules_bound_to_the_cluster_and_those_of_all_clusters() {
    let app = spawn_app().await;
    // The demo world: `rule-system01` of all clusters, `rule-demo0001` bound to
    // `cls-demo0001` (named `demo-prod`); a third rule bound to another cluster.
    let created = app
        .call(
            "CreateK8sApiAbnormalRuleInfo",
            json!({"RuleInfo": {"RuleName": "staging only", "RuleType": "RT_USER", "Status": true, "EffectAllCluster": false,
                "EffectClusterIDSet": ["cls-staging1"],
                "RuleInfoList": [{"Action": "RULE_MODE_ALERT", "Scope": "{}", "RiskLevel": "LOW"}]}}),
        )
        .await;
    let staging = created["RuleID"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string();
    let by = |name: &str, value: &str, exact: bool| json!({"Filters": [{"Name": name, "Values": [value], "ExactMatch": exact}], "By": "RuleID"});
    let cases = [
        (
            by("ClusterID", "cls-demo0001", true),
            vec!["rule-demo0001", "rule-system01"],
        ),
        (
            by("ClusterID", "demo", false),
            vec!["rule-demo0001", "rule-system01"],
        ),
        (
            by("ClusterID", "cls-staging1", true),
            vec![staging.as_str(), "rule-system01"],
        ),
        (by("ClusterID", "cls-none", true), vec!["rule-system01"]),
        (
            by("ClusterName", "demo-prod", true),
            vec!["rule-demo0001", "rule-system01"],
        ),
        (
            by("ClusterName", "prod", false),
            vec!["rule-demo0001", "rule-system01"],
        ),
        (
            by("ClusterName", "demo-prod", false),
            vec!["rule-demo0001", "rule-system01"],
        ),
    ];
    for (request, mut want) in cases {
        want.sort_unstable();
        let list = app
            .call("DescribeK8sApiAbnormalRuleList", request.clone())
            .await;
        assert_eq!(ids(&list, "RuleID"), want, "{request}");
        assert_eq!(list["TotalCount"], want.len(), "{request}");
    }
    // The other filters still apply beside them.
    let mut both = by("ClusterID", "cls-demo0001", true);
    both["Filters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Name": "RuleType", "Values": ["RT_SYSTEM"]}));
    let list = app.call("DescribeK8sApiAbnormalRuleList", both).await;
    assert_eq!(ids(&list, "RuleID"), ["rule-system01"]);

    // The export's `By` is a list: without it, rows come in creation order.
    let export = json!({"ExportField": ["RuleID"],
        "Filters": [{"Name": "ClusterID", "Values": ["cls-staging1"], "ExactMatch": true}]});
    let job = app.call("CreateK8sApiAbnormalRuleExportJob", export).await;
    let csv = exported_csv(&app, &job).await;
    assert_eq!(csv, format!("RuleID\nrule-system01\n{staging}\n"));
}
