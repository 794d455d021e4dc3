//! Runtime events, part 2: what no binding of `catalog/events_b.rs` expresses.
//!
//! Here: the event status changes (`ModifyVirusFileStatus`,
//! `ModifyK8sApiAbnormalEventStatus`, `ModifyRiskDnsEventStatus`), which map the
//! request's value to the status the event shows, delete the event, or isolate its
//! container on the clock; and the summaries across every runtime event collection
//! (`DescribeContainerSecEventSummary`, `DescribeSecEventsTendency`). Viruses, K8s API
//! rules and the white/black lists have their own modules.

pub mod k8s;
pub mod lists;
pub mod virus;
pub mod virus_scan;

use serde_json::{Map, Value, json};

use super::super::engine::{ids_of, load, save, settle, transition};
use super::super::{Env, Resource, resource};
use super::series::{self, text};
use super::{datetime, fields};
use crate::error::ApiError;
use crate::store::Record;

/// What a status value asked for does to an event.
#[derive(Clone, Copy)]
enum Effect {
    /// Shows this status.
    Show(&'static str),
    /// Removes the event.
    Remove,
    /// Isolates the event's container: `ContainerNetStatus` `ISOLATING`, then `ISOLATED`.
    Isolate,
    /// Restores it: `RESTORING`, then `NORMAL`.
    Restore,
}

/// How one collection's status action reads its request and writes its events.
struct StatusAction {
    collection: &'static str,
    ids: &'static str,
    member: &'static str,
    field: &'static str,
    /// The request's remark member and the event field keeping it.
    remark: Option<&'static str>,
    effects: &'static [(&'static str, Effect)],
}

const ISOLATION: [(&str, Effect); 3] = [
    ("EVENT_ISOLATE_CONTAINER", Effect::Isolate),
    ("EVENT_RESOTRE_CONTAINER", Effect::Restore),
    ("EVENT_RESTORE_CONTAINER", Effect::Restore),
];

static STATUS_ACTIONS: &[StatusAction] = &[
    // Trojan files show `DEAL_*` statuses: a handled file is a deleted one (the
    // documented statuses have no other "handled" value).
    StatusAction {
        collection: "virus_events",
        ids: "EventIdSet",
        member: "Status",
        field: "Status",
        remark: Some("Mark"),
        effects: &[
            ("EVENT_DEALED", Effect::Show("DEAL_DEL")),
            ("EVENT_IGNORE", Effect::Show("DEAL_IGNORE")),
            ("EVENT_ADD_WHITE", Effect::Show("DEAL_ADD_WHITELIST")),
            ("EVENT_PENDING", Effect::Show("DEAL_NONE")),
            ("EVENT_DEL", Effect::Remove),
            ISOLATION[0],
            ISOLATION[1],
            ISOLATION[2],
        ],
    },
    StatusAction {
        collection: "k8s_api_abnormal_events",
        ids: "EventIDSet",
        member: "Status",
        field: "Status",
        remark: None,
        effects: &[
            ("EVENT_UNDEAL", Effect::Show("EVENT_UNDEAL")),
            ("EVENT_DEALED", Effect::Show("EVENT_DEALED")),
            ("EVENT_IGNORE", Effect::Show("EVENT_IGNORE")),
            ("EVENT_ADD_WHITE", Effect::Show("EVENT_ADD_WHITE")),
            ("EVENT_DEL", Effect::Remove),
        ],
    },
    StatusAction {
        collection: "risk_dns_events",
        ids: "EventIDSet",
        member: "EventStatus",
        field: "EventStatus",
        remark: Some("Remark"),
        effects: &[
            ("EVENT_UNDEAL", Effect::Show("EVENT_UNDEAL")),
            ("EVENT_DEALED", Effect::Show("EVENT_DEALED")),
            ("EVENT_IGNORE", Effect::Show("EVENT_IGNORE")),
            ("EVENT_ADD_WHITE", Effect::Show("EVENT_ADD_WHITE")),
            ("EVENT_DELETE", Effect::Remove),
            ISOLATION[0],
            ISOLATION[1],
            ISOLATION[2],
        ],
    },
];

/// `account`'s records of the collection `name` (none when the model has no such
/// collection: another family's may not be there yet).
pub fn records_of(env: &Env, name: &str) -> Result<Vec<Record>, ApiError> {
    match resource(name) {
        Some(res) => load(env, res),
        None => Ok(Vec::new()),
    }
}

/// The time an event was (first) found, whatever its type calls it.
pub fn found_time(r: &Map<String, Value>) -> &str {
    [
        "FoundTime",
        "CreateTime",
        "FirstCreateTime",
        "LatestFoundTime",
    ]
    .iter()
    .map(|f| text(r, f))
    .find(|t| !t.is_empty())
    .unwrap_or("")
}

/// Whether an event still waits for handling, whatever its type calls its status.
pub fn unhandled(r: &Map<String, Value>) -> bool {
    ["Status", "EventStatus"].iter().any(|f| {
        matches!(
            text(r, f).to_ascii_uppercase().as_str(),
            "EVENT_UNDEAL" | "DEAL_NONE" | "EVENT_PENDING"
        )
    })
}

/// A day and the events found on it.
pub type Day = (chrono::NaiveDate, Vec<Map<String, Value>>);

/// The events of `records` found on each day a tendency request asks for (by
/// [`found_time`]), oldest day first.
pub fn daily(
    env: &Env,
    records: Vec<Record>,
    params: &Map<String, Value>,
) -> Result<Vec<Day>, ApiError> {
    let days = series::days(params, env.now_ms, 7)?;
    let mut out: Vec<_> = days.into_iter().map(|d| (d, Vec::new())).collect();
    for r in records {
        let day = series::day_of(found_time(&r.fields));
        if let Some((_, on)) = out.iter_mut().find(|(d, _)| Some(*d) == day) {
            on.push(r.fields);
        }
    }
    Ok(out)
}

/// Applies a status action to the events it names; identifiers naming no event are
/// ignored, a status value the action does not document is `InvalidParameterValue`.
pub fn set_status(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(how) = STATUS_ACTIONS.iter().find(|a| a.collection == res.name) else {
        tracing::error!(collection = res.name, "status hook without a status action");
        return Err(ApiError::internal());
    };
    let asked = params.get(how.member).and_then(Value::as_str).unwrap_or("");
    let Some((_, effect)) = how.effects.iter().find(|(v, _)| *v == asked) else {
        let known: Vec<&str> = how.effects.iter().map(|(v, _)| *v).collect();
        return Err(ApiError::invalid_parameter_value(
            how.member,
            &format!("`{asked}` is not one of {}", known.join(", ")),
        ));
    };
    let ids = ids_of(&params, how.ids);
    let mut events: Vec<Record> = Vec::new();
    for id in &ids {
        if let Some(mut r) = env.store.record(res.name, &env.account, id)? {
            settle(&mut r.fields, env.now_ms);
            events.push(r);
        }
    }
    if res.name == "risk_dns_events" && asked == "EVENT_ADD_WHITE" {
        lists::whitelist_dns_events(env, res, &params, &mut events)?;
    }
    match *effect {
        Effect::Remove => {
            let found: Vec<String> = events.into_iter().map(|r| r.id).collect();
            env.store.delete_records(res.name, &env.account, &found)?;
            return Ok(Map::new());
        }
        Effect::Show(status) => {
            for r in &mut events {
                r.fields.insert(how.field.into(), json!(status));
            }
        }
        Effect::Isolate | Effect::Restore => {
            let (now, then) = match effect {
                Effect::Isolate => ("ISOLATING", "ISOLATED"),
                _ => ("RESTORING", "NORMAL"),
            };
            let mut containers = Vec::new();
            for r in &mut events {
                transition(
                    &mut r.fields,
                    &[("ContainerNetStatus", json!(now))],
                    env.now_ms + env.task_ms,
                    &[("ContainerNetStatus", json!(then))],
                );
                containers.push(text(&r.fields, "ContainerId").to_string());
            }
            for id in &containers {
                super::containers::move_net_status(env, id, now, then)?;
            }
        }
    }
    if res.name == "virus_events" {
        virus::follow_up(env, &params, asked, &events)?;
    }
    let remark = params.get("Remark").cloned();
    for r in &mut events {
        r.fields
            .insert("OperationTime".into(), json!(datetime(env.now_ms)));
        if let (Some(field), Some(remark)) = (how.remark, &remark) {
            r.fields.insert(field.into(), remark.clone());
        }
    }
    save(env, &events)?;
    Ok(Map::new())
}

/// The runtime event collections and how `DescribeSecEventsTendency` names them.
const EVENT_KINDS: [(&str, &str); 7] = [
    ("ET_ESCAPE", "escape_events"),
    ("ET_REVERSE_SHELL", "reverse_shell_events"),
    ("ET_RISK_SYSCALL", "risk_syscall_events"),
    ("ET_ABNORMAL_PROCESS", "abnormal_process_events"),
    ("ET_ACCESS_CONTROL", "access_control_events"),
    ("ET_VIRUS", "virus_events"),
    ("ET_MALICIOUS_CONNECTION", "risk_dns_events"),
];

/// Unhandled events of every kind (a collection the model lacks counts 0).
pub fn sec_event_summary(
    env: &Env,
    _: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let count = |name: &str| -> Result<Value, ApiError> {
        let n = records_of(env, name)?
            .iter()
            .filter(|r| unhandled(&r.fields))
            .count();
        Ok(Value::from(n))
    };
    Ok(fields([
        ("UnhandledEscapeCnt", count("escape_events")?),
        ("UnhandledReverseShellCnt", count("reverse_shell_events")?),
        ("UnhandledRiskSyscallCnt", count("risk_syscall_events")?),
        (
            "UnhandledAbnormalProcessCnt",
            count("abnormal_process_events")?,
        ),
        ("UnhandledFileCnt", count("access_control_events")?),
        ("UnhandledVirusEventCnt", count("virus_events")?),
        (
            "UnhandledMaliciousConnectionEventCnt",
            count("risk_dns_events")?,
        ),
        ("UnhandledK8sApiEventCnt", count("k8s_api_abnormal_events")?),
    ]))
}

/// Per kind, events found each day from `StartTime` to `EndTime`.
pub fn sec_events_tendency(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut set = Vec::new();
    for (kind, name) in EVENT_KINDS {
        let per_day: Vec<Value> = daily(env, records_of(env, name)?, &params)?
            .into_iter()
            .map(|(d, on)| json!({"CurTime": d.to_string(), "Cnt": on.len()}))
            .collect();
        set.push(json!({"EventType": kind, "EventSet": per_day}));
    }
    Ok(fields([("EventTendencySet", Value::Array(set))]))
}
