//! The rest of the security surface through a real socket: warning rules, search
//! templates, security-log delivery (join objects, Kafka/CLS options, topic reset)
//! and the cluster risks the check found.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn warning_rules_are_merged_by_type_and_described() {
    let app = spawn_app().await;
    let before = app.call("DescribeWarningRules", json!({})).await;
    assert_eq!(
        before["WarningRules"][0]["Type"], "IMG_VIRUS",
        "the documented rule"
    );
    app.call(
        "AddEditWarningRules",
        json!({"WarningRules": [
            {"Type": "IMG_VIRUS", "Switch": "OFF", "BeginTime": "00:00", "EndTime": "23:59", "ControlBits": "1"},
            {"Type": "RASP_JAVA_MEMORY_SHELL", "Switch": "ON", "BeginTime": "08:00", "EndTime": "20:00", "ControlBits": "110"}]}),
    )
    .await;
    let after = app.call("DescribeWarningRules", json!({})).await;
    let rules = after["WarningRules"].as_array().unwrap();
    assert_eq!(rules.len(), 2, "{after}");
    assert_eq!(rules[0]["Switch"], "OFF");
    assert_eq!(rules[1]["ControlBits"], "110");
}

#[tokio::test]
async fn search_templates_are_created_listed_edited_and_deleted() {
    let app = spawn_app().await;
    let template = json!({"Name": "escapes", "LogType": "container_launch", "Condition": "c", "TimeRange": "1d",
                          "Query": "q", "Flag": "standard", "DisplayData": "d"});
    let created = app
        .call("CreateSearchTemplate", json!({"SearchTemplate": template}))
        .await;
    assert_eq!(code(&created), None, "{created}");
    let list = app.call("DescribeSearchTemplates", json!({})).await;
    assert_eq!(list["TotalCount"], 2, "{list}");
    assert_eq!(
        list["List"][1]["Id"], 2,
        "after the demo world's template 1"
    );
    let mut edited = template.clone();
    edited["Id"] = json!(2);
    edited["Name"] = json!("escapes today");
    app.call("CreateSearchTemplate", json!({"SearchTemplate": edited}))
        .await;
    let list = app
        .call("DescribeSearchTemplates", json!({"Offset": 1, "Limit": 1}))
        .await;
    assert_eq!(list["TotalCount"], 2);
    assert_eq!(list["List"][0]["Name"], "escapes today");
    app.call("DeleteSearchTemplate", json!({"Id": 2})).await;
    let list = app.call("DescribeSearchTemplates", json!({})).await;
    assert_eq!(list["TotalCount"], 1);
    let gone = app.call("DeleteSearchTemplate", json!({"Id": 2})).await;
    assert_eq!(code(&gone), Some("ResourceNotFound"));
}

async fn joined(app: &TestApp, log_type: &str) -> Value {
    app.call(
        "DescribeSecLogJoinObjectList",
        json!({"LogType": log_type, "Filters": [{"Name": "Status", "Values": ["ONLINE"], "ExactMatch": true}]}),
    )
    .await
}

#[tokio::test]
async fn hosts_join_a_security_log_as_set() {
    let app = spawn_app().await;
    let none = joined(&app, "container_bash").await;
    assert_eq!(none["TotalCount"], 2, "{none}");
    assert!(
        none["List"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["JoinState"] == false)
    );
    app.call(
        "ModifySecLogJoinObjects",
        json!({"LogType": "container_bash", "BindList": ["host-demo0001"]}),
    )
    .await;
    let one = joined(&app, "container_bash").await;
    let states: Vec<_> = one["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["HostID"].clone(), h["JoinState"].clone()))
        .collect();
    assert!(
        states.contains(&(json!("host-demo0001"), json!(true))),
        "{one}"
    );
    assert!(
        states.contains(&(json!("host-demo0002"), json!(false))),
        "{one}"
    );
    let types = app.call("DescribeSecLogJoinTypeList", json!({})).await;
    let bash = types["List"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["LogType"] == "container_bash")
        .cloned()
        .unwrap();
    assert_eq!(bash["Count"], 1, "the hosts that deliver it: {types}");
    app.call(
        "ModifySecLogJoinObjects",
        json!({"LogType": "k8s_api", "RangeType": 1, "AutoJoin": true, "UnBindList": ["host-demo0002"]}),
    )
    .await;
    let all = joined(&app, "k8s_api").await;
    assert_eq!(
        (
            all["RangeType"].as_i64(),
            all["AutoJoin"].as_bool(),
            all["ExcludedCount"].as_u64()
        ),
        (Some(1), Some(true), Some(1))
    );
    let on: Vec<_> = all["List"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["JoinState"] == true)
        .collect();
    assert_eq!(on.len(), 1);
    assert_eq!(on[0]["HostID"], "host-demo0001");
}

#[tokio::test]
async fn delivery_options_name_what_the_settings_name_and_topics_reset() {
    let app = spawn_app().await;
    app.call(
        "ModifySecLogDeliveryKafkaSetting",
        json!({"InstanceID": "ckafka-demo01", "InstanceName": "soc", "RegionID": "ap-guangzhou", "KafkaVersion": "2.8.1",
               "LogTypeList": [{"LogType": "container_bash", "TopicID": "topic-1", "TopicName": "bash", "State": true}]}),
    )
    .await;
    let kafka = app
        .call(
            "DescribeSecLogDeliveryKafkaOptions",
            json!({"RegionID": "ap-guangzhou"}),
        )
        .await;
    assert_eq!(
        kafka["InstanceList"][0]["InstanceID"], "ckafka-demo01",
        "{kafka}"
    );
    assert_eq!(
        kafka["InstanceList"][0]["TopicList"][0]["TopicName"],
        "bash"
    );

    app.call(
        "ModifySecLogDeliveryClsSetting",
        json!({"List": [{"LogType": "container_bash", "State": true, "Region": "ap-shanghai", "LogSet": "ls-1",
                         "LogSetName": "tcss", "TopicID": "t-1", "TopicName": "bash"}]}),
    )
    .await;
    let cls = app
        .call(
            "DescribeSecLogDeliveryClsOptions",
            json!({"ClsRegion": "ap-shanghai"}),
        )
        .await;
    assert_eq!(cls["LogSetList"][0]["LogsetID"], "ls-1", "{cls}");
    assert!(
        cls["RegionList"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["Region"] == "ap-shanghai")
    );

    app.call(
        "ResetSecLogTopicConfig",
        json!({"ConfigType": "cls", "LogType": "container_bash"}),
    )
    .await;
    let setting = app
        .call("DescribeSecLogDeliveryClsSetting", json!({}))
        .await;
    let bash: Vec<_> = setting["LogTypeList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["LogType"] == "container_bash")
        .collect();
    assert_eq!(bash.len(), 1);
    assert_eq!(
        bash[0]["Region"], "ap-guangzhou",
        "back to the documented topic"
    );
    let bad = app
        .call(
            "ResetSecLogTopicConfig",
            json!({"ConfigType": "s3", "LogType": "container_bash"}),
        )
        .await;
    assert_eq!(code(&bad), Some("InvalidParameterValue"));
}

#[tokio::test]
async fn cluster_risks_list_what_the_check_found_and_whom_it_affects() {
    let app = spawn_app().await;
    let risks = app
        .call(
            "DescribeRiskList",
            json!({"ClusterId": "cls-demo0001", "Filters": [{"Name": "RiskType", "Values": ["ConfigRisk"]}],
                   "By": "CheckItemId", "Order": "desc"}),
        )
        .await;
    assert_eq!(risks["TotalCount"], 2, "{risks}");
    assert_eq!(risks["ClusterRiskItems"][0]["CheckItem"]["CheckItemId"], 3);
    assert_eq!(risks["ClusterRiskItems"][1]["AffectedNodeCount"], 1);
    let other = app
        .call("DescribeRiskList", json!({"ClusterId": "cls-other"}))
        .await;
    assert_eq!(other["TotalCount"], 0);

    let nodes = app
        .call("DescribeAffectedNodeList", json!({"CheckItemId": 1}))
        .await;
    assert_eq!(nodes["TotalCount"], 2, "{nodes}");
    let node = &nodes["AffectedNodeList"][0];
    assert_eq!(
        (
            node["ClusterName"].as_str(),
            node["ContainerRuntime"].as_str()
        ),
        (Some("demo-prod"), Some("containerd"))
    );
    assert_eq!(node["VerifyInfo"], "runc 1.1.7");
    let workloads = app
        .call("DescribeAffectedWorkloadList", json!({"CheckItemId": 3}))
        .await;
    assert_eq!(workloads["TotalCount"], 1, "two pods, one workload");
    assert_eq!(
        workloads["AffectedWorkloadList"][0]["WorkloadType"],
        "Deployment"
    );
    let missing = app
        .call("DescribeAffectedNodeList", json!({"CheckItemId": 99}))
        .await;
    assert_eq!(code(&missing), Some("ResourceNotFound"));

    let before = app.call("DescribeTaskResultSummary", json!({})).await;
    assert_eq!(
        before["SeriousRiskNodeCount"],
        json!([0, 0, 0, 0, 0, 0, 0]),
        "never checked"
    );
    app.call(
        "CreateClusterCheckTask",
        json!({"ClusterCheckTaskList": [{"ClusterId": "cls-demo0001", "ClusterRegion": "ap-guangzhou"}]}),
    )
    .await;
    let (status, _) = app
        .admin(
            Method::POST,
            "clock",
            Some(r#"{"freeze": true, "advance_seconds": 5}"#),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let after = app.call("DescribeTaskResultSummary", json!({})).await;
    assert_eq!(after["SeriousRiskNodeCount"][6], 2, "{after}");
    assert_eq!(after["HighRiskNodeCount"][6], 1);
    assert_eq!(after["HighRiskNodeCount"][5], 0);
}
