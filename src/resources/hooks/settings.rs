//! Settings that are lists keyed by a member (the CLS delivery per `LogType`, the
//! escape rules per `Type`, the log join state per `LogType`) or keyed by a request
//! member (the virus scan timeout per `ScanType`): what was set is described, over
//! the documented example. A change merges into the list by the key: other entries
//! stay as they were.

use serde_json::{Map, Value, json};

use super::super::engine::{save, singleton};
use super::super::{Env, Resource};
use super::fields;
use crate::error::ApiError;
use crate::spec;

/// The list `field` as the account has it: what was put, else the documented example
/// of `describe`.
pub fn current(
    env: &Env,
    res: &Resource,
    describe: &str,
    field: &str,
) -> Result<Vec<Value>, ApiError> {
    if let Some(r) = env.store.record(res.name, &env.account, "default")?
        && let Some(Value::Array(items)) = r.fields.get(field)
    {
        return Ok(items.clone());
    }
    let example = spec::tcss()
        .action(describe)
        .map(crate::actions::example_response)
        .unwrap_or_default();
    Ok(example
        .get(field)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}

/// Merges `changes` into the list `field` by `key`, and keeps it.
pub fn merge(
    env: &Env,
    res: &Resource,
    describe: &str,
    field: &str,
    key: &str,
    changes: &[Value],
) -> Result<Map<String, Value>, ApiError> {
    let mut items = current(env, res, describe, field)?;
    for change in changes {
        let Some(change) = change.as_object() else {
            continue;
        };
        let k = change.get(key);
        match items.iter_mut().find(|i| i.get(key) == k) {
            Some(Value::Object(item)) => item.extend(change.clone()),
            _ => items.push(Value::Object(change.clone())),
        }
    }
    let mut record = singleton(env, res)?;
    record.fields.insert(field.into(), Value::Array(items));
    save(env, std::slice::from_ref(&record))?;
    Ok(Map::new())
}

pub fn list_of(params: &Map<String, Value>, member: &str) -> Vec<Value> {
    params
        .get(member)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

const CLS: &str = "DescribeSecLogDeliveryClsSetting";

pub fn cls_get(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    Ok(fields([(
        "LogTypeList",
        Value::Array(current(env, res, CLS, "LogTypeList")?),
    )]))
}

pub fn cls_put(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    merge(
        env,
        res,
        CLS,
        "LogTypeList",
        "LogType",
        &list_of(&params, "List"),
    )
}

const ESCAPE: &str = "DescribeEscapeRuleInfo";

pub fn escape_get(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    Ok(fields([(
        "RuleSet",
        Value::Array(current(env, res, ESCAPE, "RuleSet")?),
    )]))
}

pub fn escape_put(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    merge(
        env,
        res,
        ESCAPE,
        "RuleSet",
        "Type",
        &list_of(&params, "RuleSet"),
    )
}

const JOIN: &str = "DescribeSecLogJoinTypeList";

pub fn join_get(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = spec::tcss()
        .action(JOIN)
        .map(crate::actions::example_response)
        .unwrap_or_default();
    let mut list = current(env, res, JOIN, "List")?;
    // `Count`: the hosts that deliver the log, once its join objects were set.
    for item in &mut list {
        let kind = item.get("LogType").and_then(Value::as_str).unwrap_or("");
        if let (Some(n), Value::Object(item)) =
            (super::security::join_count(env, kind)?, &mut *item)
        {
            item.insert("Count".into(), json!(n));
        }
    }
    out.insert("List".into(), Value::Array(list));
    Ok(out)
}

pub fn join_put(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let change = json!({"LogType": params.get("LogType"), "IsJoined": params.get("State")});
    merge(env, res, JOIN, "List", "LogType", &[change])
}

const TIMEOUTS: &str = "__timeouts";

fn scan_type(params: &Map<String, Value>) -> String {
    params
        .get("ScanType")
        .map(Value::to_string)
        .unwrap_or_default()
}

pub fn timeout_get(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let set = env
        .store
        .record(res.name, &env.account, "default")?
        .and_then(|r| r.fields.get(TIMEOUTS)?.get(scan_type(&params)).cloned());
    let timeout = match set {
        Some(t) => t,
        None => spec::tcss()
            .action("DescribeVirusScanTimeoutSetting")
            .map(crate::actions::example_response)
            .and_then(|e| e.get("Timeout").cloned())
            .unwrap_or(json!(0)),
    };
    Ok(fields([("Timeout", timeout)]))
}

pub fn timeout_put(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut record = singleton(env, res)?;
    let timeouts = record
        .fields
        .entry(TIMEOUTS)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(map) = timeouts {
        map.insert(
            scan_type(&params),
            params.get("Timeout").cloned().unwrap_or(json!(0)),
        );
    }
    save(env, std::slice::from_ref(&record))?;
    Ok(Map::new())
}
