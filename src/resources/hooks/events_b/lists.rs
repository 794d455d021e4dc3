//! Malicious connection whitelists (`AddOrModifyMaliciousConnectionWhiteList`: one
//! rule per address; with `ID`, that rule changed), whitelisting risky DNS events, and
//! the image deny tendency and rule summary.

use serde_json::{Map, Value, json};

use super::super::super::engine::{id_text, load, load_one, new_record, save};
use super::super::super::{Env, Resource, resource};
use super::super::series::{self, count_where, text};
use super::super::{datetime, fields};
use super::daily;
use crate::error::ApiError;
use crate::store::Record;

/// The addresses a whitelist request gives for its `RequestType`.
fn addresses(params: &Map<String, Value>, kind: &str) -> Vec<String> {
    let member = if kind == "IP" {
        "WhiteIPList"
    } else {
        "WhiteDomainList"
    };
    params
        .get(member)
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Writes whitelist rules: the rule `id` gets the first address, else each address
/// is a new rule (an address already listed with the same type is left as it is).
fn write_rules(
    env: &Env,
    res: &Resource,
    id: Option<String>,
    kind: &str,
    addresses: &[String],
    remark: Option<&Value>,
) -> Result<(), ApiError> {
    let now = json!(datetime(env.now_ms));
    let existing = load(env, res)?;
    let mut out: Vec<Record> = Vec::new();
    if let Some(id) = id {
        let mut rule = load_one(env, res, "ID", &id)?;
        rule.fields.insert("RuleType".into(), json!(kind));
        if let Some(a) = addresses.first() {
            rule.fields.insert("Address".into(), json!(a));
        }
        out.push(rule);
    } else {
        for a in addresses {
            let listed = existing
                .iter()
                .any(|r| text(&r.fields, "Address") == a && text(&r.fields, "RuleType") == kind);
            if listed {
                continue;
            }
            let mut rule = new_record(env, res)?;
            rule.fields.insert("RuleType".into(), json!(kind));
            rule.fields.insert("Address".into(), json!(a));
            rule.fields.insert("CreatedTime".into(), now.clone());
            // Allocate the next identifier before saving this one.
            save(env, std::slice::from_ref(&rule))?;
            out.push(rule);
        }
    }
    for rule in &mut out {
        rule.fields.insert("UpdateTime".into(), now.clone());
        if let Some(remark) = remark {
            rule.fields.insert("Remark".into(), remark.clone());
        }
    }
    save(env, &out)
}

pub fn put_whitelist(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let kind = params
        .get("RequestType")
        .and_then(Value::as_str)
        .unwrap_or("");
    if kind != "IP" && kind != "DOMAIN" {
        return Err(ApiError::invalid_parameter_value(
            "RequestType",
            &format!("`{kind}` is not IP or DOMAIN"),
        ));
    }
    let list = addresses(&params, kind);
    let id = params.get("ID").and_then(id_text).filter(|i| i != "0");
    if list.is_empty() {
        let member = if kind == "IP" {
            "WhiteIPList"
        } else {
            "WhiteDomainList"
        };
        return Err(ApiError::invalid_parameter_value(
            member,
            &format!("RequestType {kind} needs at least one address"),
        ));
    }
    write_rules(env, res, id, kind, &list, params.get("Remark"))?;
    Ok(Map::new())
}

/// `ModifyRiskDnsEventStatus` with `EVENT_ADD_WHITE`: the `Address` (else each
/// event's own) joins the malicious connection whitelist, and with
/// `AllSameEventAddWhite` every event of the same address is whitelisted too.
pub fn whitelist_dns_events(
    env: &Env,
    res: &Resource,
    params: &Map<String, Value>,
    events: &mut Vec<Record>,
) -> Result<(), ApiError> {
    let given = params
        .get("Address")
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty());
    let mut targets: Vec<(String, String)> = Vec::new();
    for e in events.iter() {
        let address = given.unwrap_or_else(|| text(&e.fields, "Address"));
        let kind = params
            .get("AddWhiteEventType")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| text(&e.fields, "EventType"));
        let kind = if kind == "IP" { "IP" } else { "DOMAIN" };
        if !address.is_empty() && !targets.iter().any(|(a, _)| a == address) {
            targets.push((address.to_string(), kind.to_string()));
        }
    }
    if let Some(list) = resource("malicious_connection_whitelist") {
        for (address, kind) in &targets {
            write_rules(
                env,
                list,
                None,
                kind,
                std::slice::from_ref(address),
                params.get("Remark"),
            )?;
        }
    }
    if params.get("AllSameEventAddWhite") == Some(&Value::Bool(true)) {
        for other in load(env, res)? {
            let same = targets
                .iter()
                .any(|(a, _)| text(&other.fields, "Address") == a);
            if same && !events.iter().any(|e| e.id == other.id) {
                events.push(other);
            }
        }
    }
    Ok(())
}

/// Blocked (`BEHAVIOR_HOLDUP_SUCCESSED`) and alerted (`BEHAVIOR_ALERT`) events found
/// each day from `StartTime` to `EndTime`.
pub fn deny_tendency(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let per_day = daily(env, load(env, res)?, &params)?;
    let series_of = |behaviour: &str| -> Value {
        per_day
            .iter()
            .map(|(d, on)| {
                json!({"Date": d.to_string(), "EventCount": count_where(on, "DealBehavior", behaviour)})
            })
            .collect()
    };
    Ok(fields([
        ("DenyList", series_of("BEHAVIOR_HOLDUP_SUCCESSED")),
        ("AlarmList", series_of("BEHAVIOR_ALERT")),
    ]))
}

/// Rules in all, enabled (`Status` 0), observed (`IN_THE_TEST`) and in effect.
pub fn deny_rule_summary(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let records = load(env, res)?;
    let rules = || records.iter().map(|r| &r.fields);
    let enabled = rules().filter(|r| series::num(r, "Status") == 0).count();
    Ok(fields([
        ("RuleTotalCount", Value::from(records.len())),
        ("EnabledRuleCount", Value::from(enabled)),
        (
            "ObservedRuleCount",
            Value::from(count_where(rules(), "EffectStatus", "IN_THE_TEST")),
        ),
        (
            "EffectiveRuleCount",
            Value::from(count_where(rules(), "EffectStatus", "IN_EFFECT")),
        ),
    ]))
}
