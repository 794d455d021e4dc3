//! K8s API abnormal events and rules: rules written from `RuleInfo` (their derived
//! `EffectClusterCount`, `RuleActions`, `UpdateTime` and `OprUin` kept current), a
//! rule's scope list, and the summary and tendency counted from the events.

use serde_json::{Map, Value, json};

use super::super::super::engine::{fields_from, id_text, load, load_one, new_record, save};
use super::super::super::{Env, Resource, object, project, query};
use super::super::series::{count_where, text};
use super::super::vulns::computed;
use super::super::{datetime, fields};
use super::{daily, records_of, unhandled};
use crate::actions::registry::{AssetFilter, matches_filter};
use crate::error::ApiError;
use crate::spec;
use crate::store::Record;

/// The collection of K8s API abnormal rules.
const RULES: &str = "k8s_api_abnormal_rules";

/// The rule scopes (`MatchRuleType`) the documentation lists, their names in the
/// console, and the tendency member counting them.
const RULE_TYPES: [(&str, &str, &str); 11] = [
    ("ANONYMOUS_ACCESS", "匿名访问", "AnonymousAccessCount"),
    ("ABNORMAL_UA_REQ", "异常UA请求", "ExceptionUARequestCount"),
    (
        "ANONYMOUS_ABNORMAL_PERMISSION",
        "匿名用户权限异动",
        "AnonymousUserRightCount",
    ),
    (
        "GET_CREDENTIALS",
        "凭据信息获取",
        "CredentialInformationObtainCount",
    ),
    (
        "MOUNT_SENSITIVE_PATH",
        "敏感路径挂载",
        "SensitiveDataMountCount",
    ),
    ("COMMAND_RUN", "命令执行", "CmdExecCount"),
    ("PRIVILEGE_CONTAINER", "特权容器", "PrivilegeContainerCount"),
    (
        "EXCEPTION_CRONTAB_TASK",
        "异常定时任务",
        "AbnormalScheduledTaskCount",
    ),
    ("STATICS_POD", "静态pod创建", "StaticsPodCreateCount"),
    (
        "ABNORMAL_CREATE_POD",
        "异常pod创建",
        "DoubtfulContainerCreateCount",
    ),
    ("USER_DEFINED", "用户自定义", "UserDefinedRuleCount"),
];

fn rule_type_zh() -> Value {
    RULE_TYPES
        .iter()
        .map(|(t, zh, _)| json!({"RuleType": t, "RuleTypeZh": zh}))
        .collect()
}

/// Sets `rule`'s fields from `info` and derives the rest. Blacklist rules only alert:
/// an `Action` other than `RULE_MODE_ALERT` is `InvalidParameterValue`.
fn write_rule(
    env: &Env,
    res: &Resource,
    rule: &mut crate::store::Record,
    info: Map<String, Value>,
) -> Result<(), ApiError> {
    if let Some(Value::Array(scopes)) = info.get("RuleInfoList") {
        for (i, s) in scopes.iter().enumerate() {
            let action = s.get("Action").and_then(Value::as_str).unwrap_or("");
            if action != "RULE_MODE_ALERT" {
                return Err(ApiError::invalid_parameter_value(
                    &format!("RuleInfo.RuleInfoList.{i}.Action"),
                    &format!("`{action}` is not RULE_MODE_ALERT (blacklist rules only alert)"),
                ));
            }
        }
    }
    rule.fields.extend(fields_from(res, info, None));
    let all = rule.fields.get("EffectAllCluster") == Some(&Value::Bool(true));
    let clusters = if all {
        records_of(env, "clusters")?.len()
    } else {
        rule.fields
            .get("EffectClusterIDSet")
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    let mut actions: Vec<Value> = Vec::new();
    if let Some(Value::Array(scopes)) = rule.fields.get("RuleInfoList") {
        for a in scopes.iter().filter_map(|s| s.get("Action")) {
            if !actions.contains(a) {
                actions.push(a.clone());
            }
        }
    }
    for (k, v) in [
        ("EffectClusterCount", Value::from(clusters)),
        ("RuleActions", Value::Array(actions)),
        ("UpdateTime", json!(datetime(env.now_ms))),
        ("OprUin", json!(env.account)),
    ] {
        rule.fields.insert(k.into(), v);
    }
    if text(&rule.fields, "RuleType").is_empty() {
        rule.fields.insert("RuleType".into(), json!("RT_USER"));
    }
    save(env, std::slice::from_ref(rule))
}

fn rule_info(params: &Map<String, Value>) -> Map<String, Value> {
    params
        .get("RuleInfo")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// A new rule (its `RuleID` allocated); with `CopySrcRuleID`, a copy of that rule
/// changed by `RuleInfo`.
pub fn create_rule(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut rule = new_record(env, res)?;
    if let Some(src) = params.get("CopySrcRuleID").and_then(id_text) {
        let source = load_one(env, res, "CopySrcRuleID", &src)?;
        let mut copied = source.fields;
        copied.shift_remove("RuleID");
        rule.fields.extend(copied);
    }
    write_rule(env, res, &mut rule, rule_info(&params))?;
    Ok(fields([("RuleID", json!(rule.id))]))
}

/// The rule `RuleInfo.RuleID` changed (an unknown one is `ResourceNotFound`).
pub fn modify_rule(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let info = rule_info(&params);
    let id = info.get("RuleID").and_then(id_text).unwrap_or_default();
    let mut rule = load_one(env, res, "RuleInfo.RuleID", &id)?;
    write_rule(env, res, &mut rule, info)?;
    Ok(Map::new())
}

/// The scopes of the rule `RuleID`, filtered and paged like a list.
pub fn scope_list(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let id = params.get("RuleID").and_then(id_text).unwrap_or_default();
    let rule = load_one(env, res, "RuleID", &id)?;
    let item = object("K8sApiAbnormalRuleScopeInfo");
    let scopes: Vec<Map<String, Value>> = rule
        .fields
        .get("RuleInfoList")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_object)
                .map(|s| project(s, item))
                .collect()
        })
        .unwrap_or_default();
    let Some(action) = spec::tcss().action("DescribeK8sApiAbnormalRuleScopeList") else {
        return Err(ApiError::internal());
    };
    let (page, total) = query::run(res, action, item, scopes, &params)?;
    Ok(fields([
        ("List", page.into_iter().map(Value::Object).collect()),
        ("TotalCount", Value::from(total)),
    ]))
}

/// Pending events, in all and by `RiskLevel` (`MIDDLE` and `MEDIUM` are one).
pub fn summary(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let records = load(env, res)?;
    let pending: Vec<&Map<String, Value>> = records
        .iter()
        .map(|r| &r.fields)
        .filter(|r| unhandled(r))
        .collect();
    let level = |l: &str| count_where(pending.iter().copied(), "RiskLevel", l);
    Ok(fields([
        ("UnhandleEventCount", Value::from(pending.len())),
        ("UnhandleHighLevelEventCount", Value::from(level("HIGH"))),
        (
            "UnhandleMediumLevelEventCount",
            Value::from(level("MIDDLE") + level("MEDIUM")),
        ),
        ("UnhandleLowLevelEventCount", Value::from(level("LOW"))),
        (
            "UnhandleNoticeLevelEventCount",
            Value::from(level("NOTICE")),
        ),
    ]))
}

/// Per day of the last `TendencyPeriod` days (by `FirstCreateTime`): events of each
/// rule type.
pub fn tendency(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let list: Vec<Value> = daily(env, load(env, res)?, &params)?
        .into_iter()
        .map(|(day, on)| {
            let mut item = Map::new();
            item.insert("Date".into(), json!(day.to_string()));
            let mut counts = Vec::new();
            for (rule_type, _, member) in RULE_TYPES {
                let n = count_where(on.iter(), "MatchRuleType", rule_type);
                item.insert(member.into(), Value::from(n));
                if n > 0 {
                    counts.push(json!({"RuleType": rule_type, "EventCount": n}));
                }
            }
            item.insert("RuleTypeCountSet".into(), Value::Array(counts));
            Value::Object(item)
        })
        .collect();
    Ok(fields([
        ("List", Value::Array(list)),
        ("RuleTypeZhSet", rule_type_zh()),
    ]))
}

/// The rules the request's `ClusterID` and `ClusterName` filters leave: as documented,
/// the rules bound to that cluster (fuzzy unless `ExactMatch`), rules of all clusters
/// included. The list's other filters, its sort and its paging are the engine's (which
/// takes these two names, documented but no field of the item, as matching every rule).
fn rule_rows(env: &Env, params: &Map<String, Value>) -> Result<Vec<Map<String, Value>>, ApiError> {
    let Some(res) = super::super::super::resource(RULES) else {
        return Ok(Vec::new());
    };
    let by_cluster: Vec<AssetFilter> = params
        .get("Filters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| serde_json::from_value::<AssetFilter>(f.clone()).ok())
        .filter(|f| {
            f.name.eq_ignore_ascii_case("ClusterID") || f.name.eq_ignore_ascii_case("ClusterName")
        })
        .collect();
    let clusters = if by_cluster.is_empty() {
        Vec::new()
    } else {
        records_of(env, "clusters")?
    };
    Ok(load(env, res)?
        .into_iter()
        .map(|r| r.fields)
        .filter(|rule| by_cluster.iter().all(|f| binds(rule, f, &clusters)))
        .collect())
}

/// Whether `rule` is bound to a cluster `filter` names (by id or by name).
fn binds(rule: &Map<String, Value>, filter: &AssetFilter, clusters: &[Record]) -> bool {
    if rule.get("EffectAllCluster") == Some(&Value::Bool(true)) {
        return true;
    }
    let ids: Vec<Value> = rule
        .get("EffectClusterIDSet")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let shown = if filter.name.eq_ignore_ascii_case("ClusterID") {
        ids
    } else {
        clusters
            .iter()
            .filter(|c| ids.contains(&json!(c.id)))
            .map(|c| json!(text(&c.fields, "ClusterName")))
            .collect()
    };
    matches_filter(Some(&Value::Array(shown)), filter)
}

computed!(rule_list, list "DescribeK8sApiAbnormalRuleList", "List", rule_rows);
computed!(rule_export, export "CreateK8sApiAbnormalRuleExportJob" of "DescribeK8sApiAbnormalRuleList", "List", rule_rows);
