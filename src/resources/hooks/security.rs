//! The rest of the security surface: warning rules (a list keyed by `Type`, merged
//! like the other keyed settings), the hosts that deliver each security log
//! (`DescribeSecLogJoinObjectList`, `ModifySecLogJoinObjects`), the Kafka and CLS
//! delivery options (the documented ones plus what the delivery settings name) and
//! `ResetSecLogTopicConfig`.

use serde_json::{Map, Value, json};

use super::super::engine::{load, save, singleton};
use super::super::{Env, Resource, resource};
use super::compliance::answer;
use super::fields;
use super::series::text;
use super::settings::{current, list_of, merge};
use crate::error::ApiError;
use crate::spec;
use crate::store::Record;

type Answer = Result<Map<String, Value>, ApiError>;

const WARNINGS: &str = "DescribeWarningRules";

pub fn warning_rules_get(env: &Env, res: &'static Resource, _: Map<String, Value>) -> Answer {
    Ok(fields([(
        "WarningRules",
        Value::Array(current(env, res, WARNINGS, "WarningRules")?),
    )]))
}

pub fn warning_rules_put(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let rules = list_of(&params, "WarningRules");
    merge(env, res, WARNINGS, "WarningRules", "Type", &rules)
}

/// Where the join settings are kept: per `LogType`, `{RangeType, AutoJoin, Bound,
/// Excluded}`.
const JOIN: &str = "__join";

fn log_type(params: &Map<String, Value>) -> String {
    params
        .get("LogType")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// `ModifySecLogJoinObjects`: with `RangeType` 1 every host delivers but those
/// `UnBindList` excludes; with 0 (the default) the hosts `BindList` adds, less those
/// `UnBindList` removes.
pub fn join_objects_put(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let mut record = singleton(env, res)?;
    let kind = log_type(&params);
    let joins = record
        .fields
        .entry(JOIN)
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(joins) = joins else {
        return Err(ApiError::internal());
    };
    let was = joins.get(&kind).cloned().unwrap_or(json!({}));
    let range = params
        .get("RangeType")
        .and_then(Value::as_i64)
        .or_else(|| was.get("RangeType").and_then(Value::as_i64))
        .unwrap_or(0);
    let auto = params
        .get("AutoJoin")
        .and_then(Value::as_bool)
        .or_else(|| was.get("AutoJoin").and_then(Value::as_bool))
        .unwrap_or(false);
    let unbind = strings(params.get("UnBindList"));
    let (bound, excluded) = if range == 1 {
        (Vec::new(), unbind)
    } else {
        let mut bound = strings(was.get("Bound"));
        bound.extend(strings(params.get("BindList")));
        bound.retain(|h| !unbind.contains(h));
        bound.sort();
        bound.dedup();
        (bound, Vec::new())
    };
    joins.insert(
        kind,
        json!({"RangeType": range, "AutoJoin": auto, "Bound": bound, "Excluded": excluded}),
    );
    save(env, std::slice::from_ref(&record))?;
    Ok(Map::new())
}

/// The join settings of `kind`, if any were set.
fn join_settings(env: &Env, kind: &str) -> Result<Option<Value>, ApiError> {
    let Some(res) = resource("sec_log_join_objects") else {
        return Ok(None);
    };
    Ok(env
        .store
        .record(res.name, &env.account, "default")?
        .and_then(|r| r.fields.get(JOIN)?.get(kind).cloned()))
}

/// The account's hosts, each with whether it delivers the log `settings` describe.
fn hosts_joined(env: &Env, settings: &Value) -> Result<Vec<(Record, bool)>, ApiError> {
    let range = settings
        .get("RangeType")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let bound = strings(settings.get("Bound"));
    let excluded = strings(settings.get("Excluded"));
    let hosts = match resource("hosts") {
        Some(h) => load(env, h)?,
        None => Vec::new(),
    };
    Ok(hosts
        .into_iter()
        .map(|h| {
            let joined = if range == 1 {
                !excluded.contains(&h.id)
            } else {
                bound.contains(&h.id)
            };
            (h, joined)
        })
        .collect())
}

/// How many hosts deliver the log `kind`, when its join objects were set
/// (`DescribeSecLogJoinTypeList`'s `Count`).
pub fn join_count(env: &Env, kind: &str) -> Result<Option<usize>, ApiError> {
    match join_settings(env, kind)? {
        Some(settings) => Ok(Some(
            hosts_joined(env, &settings)?
                .iter()
                .filter(|(_, joined)| *joined)
                .count(),
        )),
        None => Ok(None),
    }
}

/// `DescribeSecLogJoinObjectList`: the account's hosts, each `JoinState` as the log
/// type's settings say (nothing set: no host delivers).
pub fn join_objects_get(env: &Env, res: &'static Resource, params: Map<String, Value>) -> Answer {
    let settings = join_settings(env, &log_type(&params))?.unwrap_or(json!({}));
    let rows = hosts_joined(env, &settings)?
        .into_iter()
        .map(|(h, joined)| {
            let mut v = h.fields.clone();
            v.insert("HostStatus".into(), json!(text(&h.fields, "Status")));
            v.insert("PublicIP".into(), json!(text(&h.fields, "PublicIp")));
            v.insert("JoinState".into(), json!(joined));
            v
        })
        .collect();
    let mut out = answer(
        res,
        "DescribeSecLogJoinObjectList",
        "List",
        "TotalCount",
        rows,
        &params,
    )?;
    out.insert(
        "RangeType".into(),
        json!(
            settings
                .get("RangeType")
                .and_then(Value::as_i64)
                .unwrap_or(0)
        ),
    );
    out.insert(
        "AutoJoin".into(),
        settings.get("AutoJoin").cloned().unwrap_or(json!(false)),
    );
    out.insert(
        "ExcludedCount".into(),
        json!(strings(settings.get("Excluded")).len()),
    );
    Ok(out)
}

/// The documented example's `field` of `action` (a list).
fn example_list(action: &str, field: &str) -> Vec<Value> {
    spec::tcss()
        .action(action)
        .map(crate::actions::example_response)
        .and_then(|e| e.get(field).and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

/// `items` with `extra` appended where no item has the same `key`.
fn union(mut items: Vec<Value>, extra: Vec<Value>, key: &str) -> Vec<Value> {
    for e in extra {
        if !items.iter().any(|i| i.get(key) == e.get(key)) {
            items.push(e);
        }
    }
    items
}

fn setting(env: &Env, name: &str) -> Result<Map<String, Value>, ApiError> {
    Ok(match resource(name) {
        Some(res) => env
            .store
            .record(res.name, &env.account, "default")?
            .map(|r| r.fields)
            .unwrap_or_default(),
        None => Map::new(),
    })
}

/// `DescribeSecLogDeliveryKafkaOptions`: the documented instances and regions, and
/// the instance and region the Kafka delivery setting names (with its topics).
pub fn kafka_options(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    const OPTIONS: &str = "DescribeSecLogDeliveryKafkaOptions";
    let set = setting(env, "sec_log_kafka_setting")?;
    let region = text(&set, "RegionID");
    let mut instances = example_list(OPTIONS, "InstanceList");
    let wanted = params.get("RegionID").and_then(Value::as_str).unwrap_or("");
    if !text(&set, "InstanceID").is_empty() && (wanted.is_empty() || wanted == region) {
        let topics: Vec<Value> = list_of(&set, "LogTypeList")
            .iter()
            .map(|t| json!({"TopicID": t.get("TopicID"), "TopicName": t.get("TopicName")}))
            .collect();
        let mine = json!({"InstanceID": text(&set, "InstanceID"), "InstanceName": text(&set, "InstanceName"),
            "KafkaVersion": text(&set, "KafkaVersion"), "TopicList": union(Vec::new(), topics, "TopicID")});
        instances = union(vec![mine], instances, "InstanceID");
    }
    let mut regions = example_list(OPTIONS, "RegionList");
    if !region.is_empty() {
        regions = union(
            regions,
            vec![json!({"Region": region, "RegionName": region})],
            "Region",
        );
    }
    Ok(fields([
        ("InstanceList", Value::Array(instances)),
        ("RegionList", Value::Array(regions)),
    ]))
}

/// `DescribeSecLogDeliveryClsOptions`: the documented regions and those the CLS
/// delivery setting names; with `ClsRegion`, the log sets (and their topics) the
/// setting names in that region, over the documented ones.
pub fn cls_options(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    const OPTIONS: &str = "DescribeSecLogDeliveryClsOptions";
    let Some(cls) = resource("sec_log_cls_setting") else {
        return Err(ApiError::internal());
    };
    let set = current(env, cls, "DescribeSecLogDeliveryClsSetting", "LogTypeList")?;
    let regions = set
        .iter()
        .filter_map(|e| e.get("Region")?.as_str())
        .map(|r| json!({"Region": r, "RegionName": r}))
        .collect();
    let mut out = Map::new();
    out.insert(
        "RegionList".into(),
        Value::Array(union(
            example_list(OPTIONS, "RegionList"),
            regions,
            "Region",
        )),
    );
    let wanted = params
        .get("ClsRegion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut sets: Vec<Value> = Vec::new();
    if !wanted.is_empty() {
        sets = example_list(OPTIONS, "LogSetList");
        for e in set
            .iter()
            .filter(|e| e.get("Region").and_then(Value::as_str) == Some(wanted))
        {
            let topic = json!({"TopicID": e.get("TopicID"), "TopicName": e.get("TopicName")});
            let id = e.get("LogSet").cloned().unwrap_or(json!(""));
            match sets.iter_mut().find(|s| s.get("LogsetID") == Some(&id)) {
                Some(Value::Object(s)) => {
                    let topics = list_of(s, "TopicList");
                    s.insert("TopicList".into(), Value::Array(union(topics, vec![topic], "TopicID")));
                }
                _ => sets.push(json!({"LogsetID": id, "LogsetName": e.get("LogSetName"), "TopicList": [topic]})),
            }
        }
    }
    out.insert("LogSetList".into(), Value::Array(sets));
    Ok(out)
}

/// `ResetSecLogTopicConfig`: the log type's topic in the Kafka (`ckafka`) or CLS
/// (`cls`) delivery setting goes back to the documented one (or goes, when the
/// documentation has none).
pub fn reset_topic(env: &Env, _: &'static Resource, params: Map<String, Value>) -> Answer {
    let (name, describe) = match params.get("ConfigType").and_then(Value::as_str) {
        Some(t) if t.eq_ignore_ascii_case("ckafka") => (
            "sec_log_kafka_setting",
            "DescribeSecLogDeliveryKafkaSetting",
        ),
        Some(t) if t.eq_ignore_ascii_case("cls") => {
            ("sec_log_cls_setting", "DescribeSecLogDeliveryClsSetting")
        }
        other => {
            return Err(ApiError::invalid_parameter_value(
                "ConfigType",
                &format!("`{}` is not ckafka or cls", other.unwrap_or("")),
            ));
        }
    };
    let Some(res) = resource(name) else {
        return Err(ApiError::internal());
    };
    let kind = log_type(&params);
    let documented = example_list(describe, "LogTypeList")
        .into_iter()
        .find(|e| e.get("LogType").and_then(Value::as_str) == Some(kind.as_str()));
    let mut record = singleton(env, res)?;
    let mut list = current(env, res, describe, "LogTypeList")?;
    list.retain(|e| e.get("LogType").and_then(Value::as_str) != Some(kind.as_str()));
    list.extend(documented);
    record
        .fields
        .insert("LogTypeList".into(), Value::Array(list));
    save(env, std::slice::from_ref(&record))?;
    Ok(Map::new())
}
