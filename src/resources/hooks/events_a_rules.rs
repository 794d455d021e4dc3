//! Rules and whitelist entries of runtime events, part 1: `AddEdit*` keeps an entry
//! with the fields the API derives (counts, times, actions) and links it to the event
//! it was made from; deleting a rule tells the events that named it
//! (`RuleExist` false).
//! Docs: TCSS API reference, <https://cloud.tencent.com/document/api/1285>.

use serde_json::{Map, Value, json};

use super::super::engine::{fields_from, id_text, ids_of, load, new_record, save, settle};
use super::super::{Env, Resource, field, known_member, resource};
use super::series::text;
use super::{datetime, fields};
use crate::error::ApiError;

/// Per resource kept by `AddEdit*`: the request member holding the entry, and the
/// events an entry may be made from.
const SOURCES: [(&str, &str, &str); 4] = [
    (
        "abnormal_process_rules",
        "RuleInfo",
        "abnormal_process_events",
    ),
    ("access_control_rules", "RuleInfo", "access_control_events"),
    (
        "reverse_shell_whitelists",
        "WhiteListInfo",
        "reverse_shell_events",
    ),
    (
        "risk_syscall_whitelists",
        "WhiteListInfo",
        "risk_syscall_events",
    ),
];

/// `AddEdit*` of a rule or whitelist entry: the one the entry names by its
/// identifier, else a new one (its identifier allocated, also when the entry's
/// identifier names none). Derived fields are kept: `UpdateTime` (and `CreateTime`),
/// the image count, `IsGlobal` of a whitelist (no images), a rule's `RuleActions`.
/// Without the entry (`WhiteListInfo` is optional for risky syscalls) the event's
/// process, syscall and image make it; with neither, `MissingParameter`. With
/// `EventId` (naming an event; another is ignored), the event links to it: a rule
/// becomes the event's `RuleId` (`RuleExist`), a whitelist entry marks the event
/// `EVENT_ADD_WHITE`.
pub fn add_edit(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some((_, from, events_name)) = SOURCES.iter().find(|(n, ..)| *n == res.name) else {
        return Err(ApiError::internal());
    };
    let event = match (
        params.get("EventId").and_then(id_text),
        resource(events_name),
    ) {
        (Some(id), Some(events)) => env.store.record(events.name, &env.account, &id)?,
        _ => None,
    };
    let source = match (params.get(*from).and_then(Value::as_object), &event) {
        (Some(info), _) => info.clone(),
        // `WhiteListInfo` is optional here: the entry is the event's.
        (None, Some(ev)) if res.name == "risk_syscall_whitelists" => {
            let image = text(&ev.fields, "ImageId");
            let images: &[&str] = if image.is_empty() { &[] } else { &[image] };
            fields([
                ("ProcessPath", json!(text(&ev.fields, "ProcessPath"))),
                ("SyscallNames", json!([text(&ev.fields, "SyscallName")])),
                ("ImageIds", json!(images)),
            ])
        }
        (None, _) => return Err(ApiError::missing_parameter(from)),
    };
    let member = res.id.member().unwrap_or("Id");
    let existing = match field(&source, member).and_then(id_text) {
        Some(id) => env.store.record(res.name, &env.account, &id)?,
        None => None,
    };
    let is_new = existing.is_none();
    let mut record = match existing {
        Some(r) => r,
        None => new_record(env, res)?,
    };
    settle(&mut record.fields, env.now_ms);
    record.fields.extend(fields_from(res, source, None));
    let now = json!(datetime(env.now_ms));
    derive(res, &mut record.fields, is_new, &now);
    let id = record.fields.get(member).cloned().unwrap_or(Value::Null);
    save(env, std::slice::from_ref(&record))?;
    if let Some(mut ev) = event {
        if res.name.ends_with("whitelists") {
            ev.fields.insert("Status".into(), json!("EVENT_ADD_WHITE"));
        } else {
            ev.fields.insert("RuleId".into(), id);
            ev.fields.insert("RuleExist".into(), json!(true));
        }
        ev.fields.insert("OperationTime".into(), now);
        save(env, std::slice::from_ref(&ev))?;
    }
    Ok(Map::new())
}

/// The fields the API derives of a rule or whitelist entry `f` (see [`add_edit`]).
fn derive(res: &Resource, f: &mut Map<String, Value>, is_new: bool, now: &Value) {
    if is_new && known_member(res, "CreateTime").is_some() {
        f.insert("CreateTime".into(), now.clone());
    }
    f.insert("UpdateTime".into(), now.clone());
    let images = f
        .get("ImageIds")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    for count in ["EffectImageCount", "ImageCount"] {
        if known_member(res, count).is_some() {
            f.insert(count.into(), json!(images));
        }
    }
    if res.name.ends_with("whitelists") {
        f.insert("IsGlobal".into(), json!(images == 0));
        return;
    }
    f.entry("IsEnable").or_insert(json!(true));
    f.entry("IsDefault").or_insert(json!(false));
    let mut actions: Vec<Value> = Vec::new();
    for child in f
        .get("ChildRules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mode = child.get("RuleMode").cloned().unwrap_or(Value::Null);
        if mode.is_string() && !actions.contains(&mode) {
            actions.push(mode);
        }
    }
    f.insert("RuleActions".into(), Value::Array(actions));
}

/// `Delete*Rules`: the rules `RuleIdSet` names are deleted (ids naming none are
/// ignored); the events that named one keep its `RuleId`, with `RuleExist` false.
pub fn delete_rules(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let ids = ids_of(&params, "RuleIdSet");
    env.store.delete_records(res.name, &env.account, &ids)?;
    let events = SOURCES
        .iter()
        .find(|(n, ..)| *n == res.name)
        .and_then(|(_, _, e)| resource(e));
    if let Some(events) = events {
        let mut orphans = load(env, events)?;
        orphans.retain(|r| ids.iter().any(|id| text(&r.fields, "RuleId") == id));
        for r in &mut orphans {
            r.fields.insert("RuleExist".into(), json!(false));
        }
        save(env, &orphans)?;
    }
    Ok(Map::new())
}
