//! Vulnerability defence: the events' status (`ModifyVulDefenceEventStatus`), their
//! per-day tendency, and the RASP whitelist rules (`ModifyRaspRules`).
//!
//! `EVENT_DEALED` and `EVENT_IGNORE` become the events' `Status`; `EVENT_DEL` deletes
//! them; `EVENT_ISOLATE_CONTAINER` marks them `EVENT_DEALED` and isolates their
//! container as `ModifyContainerNetStatus` does (`ContainerNetStatus` `ISOLATING`,
//! then `ISOLATED`, in the event and the container's `NetStatus`). Unknown event ids are ignored; any other status is
//! `InvalidParameterValue`.

use serde_json::{Map, Value, json};

use super::super::super::engine::{id_text, ids_of, load, load_one, new_record, save, transition};
use super::super::super::{Env, Resource, resource};
use super::super::series::{self, num, text};
use super::super::{datetime, fields};
use super::Model;
use crate::error::ApiError;

pub fn modify_event_status(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let status = params.get("Status").and_then(Value::as_str).unwrap_or("");
    let ids = ids_of(&params, "EventIDs");
    let mut events = load(env, res)?;
    events.retain(|e| ids.contains(&e.id));
    match status {
        "EVENT_DEL" => {
            let gone: Vec<String> = events.into_iter().map(|e| e.id).collect();
            env.store.delete_records(res.name, &env.account, &gone)?;
        }
        "EVENT_DEALED" | "EVENT_IGNORE" | "EVENT_ISOLATE_CONTAINER" => {
            for e in &mut events {
                if status == "EVENT_ISOLATE_CONTAINER" {
                    e.fields.insert("Status".into(), json!("EVENT_DEALED"));
                    transition(
                        &mut e.fields,
                        &[("ContainerNetStatus", json!("ISOLATING"))],
                        env.now_ms + env.task_ms,
                        &[("ContainerNetStatus", json!("ISOLATED"))],
                    );
                    isolate(env, text(&e.fields, "ContainerID"))?;
                } else {
                    e.fields.insert("Status".into(), json!(status));
                }
                if let Some(remark) = params.get("Remark") {
                    e.fields.insert("__remark".into(), remark.clone());
                }
            }
            save(env, &events)?;
        }
        other => {
            return Err(ApiError::invalid_parameter_value(
                "Status",
                &format!(
                    "`{other}` is not EVENT_DEALED, EVENT_IGNORE, EVENT_ISOLATE_CONTAINER or EVENT_DEL"
                ),
            ));
        }
    }
    Ok(Map::new())
}

/// Isolates the model's container `id` as `ModifyContainerNetStatus` does (a
/// container the model does not know is left alone).
fn isolate(env: &Env, id: &str) -> Result<(), ApiError> {
    let Some(containers) = resource("containers") else {
        return Ok(());
    };
    if env
        .store
        .record(containers.name, &env.account, id)?
        .is_none()
    {
        return Ok(());
    }
    let params = fields([
        ("ContainerID", json!(id)),
        ("Status", json!("EVENT_ISOLATE_CONTAINER")),
    ]);
    super::super::containers::modify_net_status(env, containers, params).map(|_| ())
}

/// `DescribeVulDefenceEventTendency`: per day (`StartTime` to `EndTime`, else the
/// last 7 days) the events created (`AttackList`) and those defended
/// (`DefendedList`: `Status` `EVENT_DEFENDED`), each counted by its `EventCount`
/// (at least 1).
pub fn event_tendency(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let days = series::days(&params, env.now_ms, 7)?;
    let events: Vec<Map<String, Value>> = load(env, res)?.into_iter().map(|r| r.fields).collect();
    let all: Vec<&Map<String, Value>> = events.iter().collect();
    let list = |only_defended: bool| -> Value {
        series::per_day(&all, "CreateTime", &days)
            .into_iter()
            .map(|(day, on)| {
                let n: i64 = on
                    .iter()
                    .filter(|e| !only_defended || text(e, "Status") == "EVENT_DEFENDED")
                    .map(|e| num(e, "EventCount").max(1))
                    .sum();
                json!({"Date": day.to_string(), "EventCount": n})
            })
            .collect()
    };
    Ok(fields([
        ("DefendedList", list(true)),
        ("AttackList", list(false)),
    ]))
}

/// `ModifyRaspRules`: without `Id` (or 0), a new rule for each of `VulVulsIDs`; with
/// `Id`, that rule changed (its vulnerability the first of `VulVulsIDs`, when
/// given). A rule names its vulnerability (`VulVulsName`, `CveID`) when the model
/// knows it, and keeps the id it was given otherwise.
pub fn modify_rasp_rules(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let m = Model::load(env)?;
    let vul_ids = ids_of(&params, "VulVulsIDs");
    let describe = |id: &str| -> Map<String, Value> {
        let n: i64 = id.parse().unwrap_or(0);
        let v = m.vulns.iter().find(|v| num(v, "ID") == n);
        fields([
            ("VulVulsID", json!(n)),
            ("VulVulsName", json!(v.map_or("", |v| text(v, "Name")))),
            ("CveID", json!(v.map_or("", |v| text(v, "CVEID")))),
            ("SupportDefense", json!(i64::from(v.is_some()))),
        ])
    };
    let common = |f: &mut Map<String, Value>| {
        for member in ["URLRegexp", "WhiteType"] {
            if let Some(v) = params.get(member) {
                f.insert(member.into(), v.clone());
            }
        }
        f.insert("ModifyTime".into(), json!(datetime(env.now_ms)));
    };
    let mut changed = Vec::new();
    match params.get("Id").and_then(id_text).filter(|id| id != "0") {
        Some(id) => {
            let mut rule = load_one(env, res, "Id", &id)?;
            if let Some(first) = vul_ids.first() {
                rule.fields.extend(describe(first));
            }
            common(&mut rule.fields);
            changed.push(rule);
        }
        None => {
            for vul in &vul_ids {
                let mut rule = new_record(env, res)?;
                rule.fields.extend(describe(vul));
                rule.fields.extend(fields([
                    ("Status", json!(0)),
                    ("CreateTime", json!(datetime(env.now_ms))),
                    ("WhiteType", json!(0)),
                ]));
                common(&mut rule.fields);
                // Saved at once: the next rule's id is one above the highest saved.
                save(env, std::slice::from_ref(&rule))?;
            }
        }
    }
    save(env, &changed)?;
    Ok(Map::new())
}
