//! Trojan files: the summary and tendency counted from the events; whitelist rules;
//! sample download URLs. Scans are in `virus_scan.rs`.
//!
//! Download URLs are stable and never served: `https://<md5>.virus-sample.invalid/`
//! style addresses under the reserved `.invalid` domain, so a client can check and
//! log them without the emulator keeping malware samples.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::super::super::engine::{id_text, ids_of, load, load_one, new_record, save};
use super::super::super::{Env, Resource, field, resource};
use super::super::series::{self, day_at, text};
use super::super::{datetime, fields};
use super::{daily, records_of, unhandled};
use crate::error::ApiError;

fn isolated(r: &Map<String, Value>) -> bool {
    text(r, "ContainerNetStatus") == "ISOLATED" || text(r, "Status") == "DEAL_ISOLATE"
}

fn created_today(r: &Map<String, Value>, now_ms: i64) -> bool {
    series::day_of(text(r, "CreateTime")) == Some(day_at(now_ms))
}

fn containers_of<'a>(events: impl Iterator<Item = &'a Map<String, Value>>) -> usize {
    events
        .map(|r| text(r, "ContainerId"))
        .filter(|c| !c.is_empty())
        .collect::<HashSet<_>>()
        .len()
}

/// Pending events and the containers they are in; "increase" is what was found today
/// (on the emulator clock), so yesterday's count is the total less today's.
pub fn summary(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let records = load(env, res)?;
    let events = || records.iter().map(|r| &r.fields);
    let pending = || events().filter(|r| unhandled(r));
    let today = |r: &&Map<String, Value>| created_today(r, env.now_ms);
    let all_containers = containers_of(pending());
    let before = containers_of(pending().filter(|r| !today(r)));
    let task = records_of(env, "virus_scan_tasks")?
        .into_iter()
        .next_back()
        .and_then(|t| field(&t.fields, "TaskID").and_then(id_text))
        .unwrap_or_default();
    Ok(fields([
        ("TaskId", json!(task)),
        ("RiskContainerCnt", Value::from(all_containers)),
        ("RiskCnt", Value::from(pending().count())),
        (
            "VirusDataBaseModifyTime",
            json!(format!("{} 00:00:00", day_at(env.now_ms))),
        ),
        (
            "RiskContainerIncrease",
            Value::from(all_containers.saturating_sub(before)),
        ),
        ("RiskIncrease", Value::from(pending().filter(today).count())),
        (
            "IsolateIncrease",
            Value::from(events().filter(|r| isolated(r) && today(r)).count()),
        ),
        (
            "IsolateCnt",
            Value::from(events().filter(|r| isolated(r)).count()),
        ),
    ]))
}

/// Per day of the last `TendencyPeriod` days: events found, still pending, isolated,
/// and the containers they are in.
pub fn tendency(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let list: Vec<Value> = daily(env, load(env, res)?, &params)?
        .into_iter()
        .map(|(day, on)| {
            json!({
                "Date": day.to_string(),
                "EventCount": on.len(),
                "PendingEventCount": on.iter().filter(|r| unhandled(r)).count(),
                "RiskContainerCount": containers_of(on.iter()),
                "IsolateEventCount": on.iter().filter(|r| isolated(r)).count(),
            })
        })
        .collect();
    Ok(fields([("List", Value::Array(list))]))
}

fn sample_address(md5: &str) -> Value {
    json!(format!("https://{md5}.virus-sample.invalid/sample"))
}

/// `DescribeVirusSampleDownloadUrl`: the sample of the event `ID` (by its MD5).
pub fn event_sample_url(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let id = params.get("ID").and_then(id_text).unwrap_or_default();
    let event = load_one(env, res, "ID", &id)?;
    let md5 = text(&event.fields, "MD5");
    let md5 = if md5.is_empty() {
        text(&event.fields, "FileMd5")
    } else {
        md5
    };
    Ok(fields([("FileUrl", sample_address(md5))]))
}

/// `DescribeVirusAutoIsolateSampleDownloadURL`: an auto-isolation sample by `MD5`.
pub fn sample_url(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let md5 = params.get("MD5").and_then(id_text).unwrap_or_default();
    let sample = load_one(env, res, "MD5", &md5)?;
    Ok(fields([("FileUrl", sample_address(&sample.id))]))
}

/// `AddOrModifyVirusWhiteListRule`: a new rule, or the rule `Id` changed (an unknown
/// `Id` is `ResourceNotFound`); with `EventId`, that event is whitelisted too.
pub fn put_whitelist_rule(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let md5s = ids_of(&params, "Md5List");
    if md5s.is_empty() {
        return Err(ApiError::invalid_parameter_value(
            "Md5List",
            "at least one MD5 is needed",
        ));
    }
    let scope = params.get("Scope").and_then(Value::as_u64).unwrap_or(1);
    if scope > 1 {
        return Err(ApiError::invalid_parameter_value(
            "Scope",
            "is 1 (every image) or 0 (the ImageIds)",
        ));
    }
    let images = ids_of(&params, "ImageIds");
    if scope == 0 && images.is_empty() {
        return Err(ApiError::invalid_parameter_value(
            "ImageIds",
            "Scope 0 (chosen images) needs ImageIds",
        ));
    }
    let now = json!(datetime(env.now_ms));
    let mut rule = match params.get("Id").and_then(id_text).filter(|i| i != "0") {
        Some(id) => load_one(env, res, "Id", &id)?,
        None => {
            let mut r = new_record(env, res)?;
            r.fields.insert("InsertTime".into(), now.clone());
            r
        }
    };
    let image_count = if scope == 1 {
        records_of(env, "local_images")?.len()
    } else {
        images.len()
    };
    for (k, v) in [
        ("Md5List", json!(md5s)),
        ("Md5Count", Value::from(md5s.len())),
        ("Scope", Value::from(scope)),
        ("ImageIds", json!(images)),
        ("ImageCount", Value::from(image_count)),
        ("UpdateTime", now),
    ] {
        rule.fields.insert(k.into(), v);
    }
    if let Some(remark) = params.get("Remark") {
        rule.fields.insert("Remark".into(), remark.clone());
    }
    save(env, std::slice::from_ref(&rule))?;
    if let (Some(event), Some(events)) = (
        params.get("EventId").and_then(id_text),
        resource("virus_events"),
    ) && let Some(mut e) = env.store.record(events.name, &env.account, &event)?
    {
        e.fields
            .insert("Status".into(), json!("DEAL_ADD_WHITELIST"));
        save(env, std::slice::from_ref(&e))?;
    }
    Ok(Map::new())
}

/// What `ModifyVirusFileStatus` does beyond the events: `EVENT_ADD_WHITE` puts their
/// MD5s on a new whitelist rule (every image), and `AutoIsolate` switches on the
/// auto-isolation of their samples (a sample not listed yet is added).
pub fn follow_up(
    env: &Env,
    params: &Map<String, Value>,
    asked: &str,
    events: &[crate::store::Record],
) -> Result<(), ApiError> {
    let mut md5s: Vec<&str> = Vec::new();
    for m in events.iter().map(|e| text(&e.fields, "MD5")) {
        if !m.is_empty() && !md5s.contains(&m) {
            md5s.push(m);
        }
    }
    if md5s.is_empty() {
        return Ok(());
    }
    if let (true, Some(rules)) = (
        asked == "EVENT_ADD_WHITE",
        resource("virus_whitelist_rules"),
    ) {
        let mut rule = Map::new();
        rule.insert("Md5List".into(), json!(md5s));
        rule.insert("Scope".into(), json!(1));
        if let Some(remark) = params.get("Remark") {
            rule.insert("Remark".into(), remark.clone());
        }
        put_whitelist_rule(env, rules, rule)?;
    }
    let (Some(true), Some(samples)) = (
        params.get("AutoIsolate").and_then(Value::as_bool),
        resource("virus_isolate_samples"),
    ) else {
        return Ok(());
    };
    let mut changed = Vec::new();
    for e in events {
        let md5 = text(&e.fields, "MD5");
        let mut sample = match env.store.record(samples.name, &env.account, md5)? {
            Some(s) => s,
            None => crate::store::Record {
                collection: samples.name.to_string(),
                account: env.account.clone(),
                id: md5.to_string(),
                seq: 0,
                fields: Map::new(),
            },
        };
        for (k, v) in [
            ("MD5", json!(md5)),
            ("AutoIsolateSwitch", json!(true)),
            ("ModifyTime", json!(iso_time(env.now_ms))),
        ] {
            sample.fields.insert(k.into(), v);
        }
        for k in [
            "VirusName",
            "RiskLevel",
            "HarmDescribe",
            "SuggestScheme",
            "Size",
        ] {
            if let (false, Some(v)) = (sample.fields.contains_key(k), field(&e.fields, k)) {
                sample.fields.insert(k.into(), v.clone());
            }
        }
        changed.push(sample);
    }
    save(env, &changed)
}

/// `ms` as the `datetime_iso` the sample list documents (`2026-12-02T12:00:00Z`).
fn iso_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
