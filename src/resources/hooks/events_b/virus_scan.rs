//! Manual trojan scans on the clock: a task (`virus_scan_tasks`, `SCAN_SCANNING`, then
//! `SCAN_FINISH` after the task duration) and one `virus_scan_containers` record per
//! container scanned (`SCANNING`, then `FINISHED`, with the pending trojan events
//! found in it); stopping, scanning again, the status and the time estimate.

use serde_json::{Map, Value, json};

use super::super::super::engine::{
    PENDING, id_text, ids_of, load, load_one, new_record, save, settle, transition,
};
use super::super::super::{Env, Resource, field, resource};
use super::super::series::{self, text};
use super::super::{datetime, fields};
use super::{records_of, unhandled};
use crate::error::ApiError;
use crate::store::Record;

/// Containers one host scans at once (`ContainerScanConcurrencyCount`).
const CONCURRENCY: usize = 2;

/// The containers a scan covers: every container, those `ScanIds` names
/// (`ScanRangeType` 0), or those on the hosts it names (1). A named container the
/// model does not know is still scanned under its identifier.
fn scan_targets(env: &Env, params: &Map<String, Value>) -> Result<Vec<Value>, ApiError> {
    let all = params.get("ScanRangeAll") == Some(&Value::Bool(true));
    let on_hosts = match params.get("ScanRangeType").and_then(Value::as_u64) {
        Some(0) => false,
        Some(1) => true,
        _ => {
            return Err(ApiError::invalid_parameter_value(
                "ScanRangeType",
                "is 0 (containers) or 1 (hosts)",
            ));
        }
    };
    let ids = ids_of(params, "ScanIds");
    if !all && ids.is_empty() {
        return Err(ApiError::invalid_parameter_value(
            "ScanIds",
            "ScanRangeAll false needs the containers or hosts to scan",
        ));
    }
    let containers = records_of(env, "containers")?;
    let mut out: Vec<Value> = containers
        .iter()
        .filter(|c| {
            let by = if on_hosts { "HostID" } else { "ContainerID" };
            all || ids.iter().any(|i| text(&c.fields, by) == i)
        })
        .map(|c| Value::Object(c.fields.clone()))
        .collect();
    if !all && !on_hosts {
        for id in ids
            .iter()
            .filter(|i| !containers.iter().any(|c| &c.id == *i))
        {
            out.push(json!({"ContainerID": id}));
        }
    }
    Ok(out)
}

/// The pending trojan events found in `container`.
fn risks_in(env: &Env, container: &str) -> Result<i64, ApiError> {
    let n = records_of(env, "virus_events")?
        .iter()
        .filter(|e| text(&e.fields, "ContainerId") == container && unhandled(&e.fields))
        .count();
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Starts (or restarts) the scan of one container of task `task`.
fn scan_container(env: &Env, task: &str, record: &mut Record, c: &Map<String, Value>) {
    let id = text(c, "ContainerID").to_string();
    for (to, from) in [
        ("ContainerId", "ContainerID"),
        ("ContainerName", "ContainerName"),
        ("ImageId", "ImageID"),
        ("ImageName", "ImageName"),
        ("HostName", "HostName"),
        ("HostIp", "HostIP"),
        ("NodeType", "NodeType"),
        ("NodeID", "HostID"),
    ] {
        if let Some(v) = field(c, from) {
            record.fields.insert(to.into(), v.clone());
        }
    }
    record.fields.insert("ContainerId".into(), json!(id));
    record.fields.insert("TaskId".into(), json!(task));
    record
        .fields
        .insert("ErrorMsg".into(), json!("SEND_SUCCESSED"));
    let end = env.now_ms + env.task_ms;
    transition(
        &mut record.fields,
        &[
            ("Status", json!("SCANNING")),
            ("StartTime", json!(datetime(env.now_ms))),
            ("EndTime", json!("")),
        ],
        end,
        &[
            ("Status", json!("FINISHED")),
            ("EndTime", json!(datetime(end))),
        ],
    );
}

/// Runs `task` (again): `SCAN_SCANNING` until the task duration has passed.
fn start_task(env: &Env, task: &mut Record, total: usize, risks: i64, risky: usize) {
    let end = env.now_ms + env.task_ms;
    task.fields
        .insert("ContainerTotal".into(), Value::from(total));
    transition(
        &mut task.fields,
        &[
            ("Status", json!("SCAN_SCANNING")),
            ("Schedule", json!(0)),
            ("ContainerScanCnt", json!(0)),
            ("RiskCnt", json!(0)),
            ("RiskContainerCnt", json!(0)),
            ("StartTime", json!(datetime(env.now_ms))),
            ("EndTime", json!("")),
            ("EndAt", json!(end)),
        ],
        end,
        &[
            ("Status", json!("SCAN_FINISH")),
            ("Schedule", json!(100)),
            ("ContainerScanCnt", Value::from(total)),
            ("RiskCnt", Value::from(risks)),
            ("RiskContainerCnt", Value::from(risky)),
            ("EndTime", json!(datetime(end))),
        ],
    );
}

fn scan_all(env: &Env, task: &mut Record, targets: &[Map<String, Value>]) -> Result<(), ApiError> {
    let Some(containers) = resource("virus_scan_containers") else {
        return Err(ApiError::internal());
    };
    let task_id = task.id.clone();
    let existing = load(env, containers)?;
    let (mut risks, mut risky) = (0, 0);
    for c in targets {
        let id = text(c, "ContainerID");
        let mut record = match existing
            .iter()
            .find(|r| text(&r.fields, "TaskId") == task_id && text(&r.fields, "ContainerId") == id)
        {
            Some(r) => r.clone(),
            None => new_record(env, containers)?,
        };
        scan_container(env, &task_id, &mut record, c);
        let n = risks_in(env, id)?;
        record.fields.insert("RiskCnt".into(), Value::from(n));
        risks += n;
        risky += usize::from(n > 0);
        save(env, std::slice::from_ref(&record))?;
    }
    let total = load(env, containers)?
        .iter()
        .filter(|r| text(&r.fields, "TaskId") == task_id)
        .count();
    start_task(env, task, total, risks, risky);
    save(env, std::slice::from_ref(task))
}

pub fn create_scan(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let targets: Vec<Map<String, Value>> = scan_targets(env, &params)?
        .into_iter()
        .filter_map(|v| v.as_object().cloned())
        .collect();
    let mut task = new_record(env, res)?;
    task.fields.insert("ScanType".into(), json!("MANUAL"));
    scan_all(env, &mut task, &targets)?;
    Ok(fields([("TaskID", json!(task.id))]))
}

/// The task's container records, settled.
fn task_containers(env: &Env, task: &str) -> Result<Vec<Record>, ApiError> {
    Ok(records_of(env, "virus_scan_containers")?
        .into_iter()
        .filter(|r| text(&r.fields, "TaskId") == task)
        .collect())
}

/// The task `TaskId` and the `ContainerIds` a request names.
fn task_and_containers(
    env: &Env,
    res: &Resource,
    params: &Map<String, Value>,
) -> Result<(Record, Vec<String>), ApiError> {
    let id = params.get("TaskId").and_then(id_text).unwrap_or_default();
    Ok((
        load_one(env, res, "TaskId", &id)?,
        ids_of(params, "ContainerIds"),
    ))
}

/// Scans again the task's `ContainerIds` (all its containers when none are given;
/// with `TimeoutAll`, those that failed).
pub fn scan_again(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let (mut task, wanted) = task_and_containers(env, res, &params)?;
    let id = task.id.clone();
    let timeout_only = params.get("TimeoutAll") == Some(&Value::Bool(true));
    let targets: Vec<Map<String, Value>> = task_containers(env, &id)?
        .into_iter()
        .filter(|r| {
            let c = text(&r.fields, "ContainerId");
            (wanted.is_empty() || wanted.iter().any(|w| w == c))
                && (!timeout_only || text(&r.fields, "Status") == "FAILED")
        })
        .map(|r| {
            let mut c = r.fields;
            let cid = text(&c, "ContainerId").to_string();
            c.insert("ContainerID".into(), json!(cid));
            c
        })
        .collect();
    scan_all(env, &mut task, &targets)?;
    Ok(Map::new())
}

/// Ends what was pending with `status` now.
fn cancel(fields: &mut Map<String, Value>, status: &str, now_ms: i64) {
    fields.shift_remove(PENDING);
    fields.insert("Status".into(), json!(status));
    fields.insert("EndTime".into(), json!(datetime(now_ms)));
}

/// Cancels the task's `ContainerIds` still scanning (every one when none are
/// given: then the task itself is `SCAN_CANCELED`).
pub fn stop_scan(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let (mut task, wanted) = task_and_containers(env, res, &params)?;
    let id = task.id.clone();
    let mut stopped = Vec::new();
    for mut r in task_containers(env, &id)? {
        let c = text(&r.fields, "ContainerId");
        if (wanted.is_empty() || wanted.iter().any(|w| w == c))
            && text(&r.fields, "Status") == "SCANNING"
        {
            cancel(&mut r.fields, "CANCELED", env.now_ms);
            stopped.push(r);
        }
    }
    save(env, &stopped)?;
    if wanted.is_empty() && text(&task.fields, "Status") == "SCAN_SCANNING" {
        cancel(&mut task.fields, "SCAN_CANCELED", env.now_ms);
        save(env, std::slice::from_ref(&task))?;
    }
    Ok(Map::new())
}

/// The task `TaskID` (the latest when none is given: `SCAN_NONE` before any).
pub fn scan_status(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let task = match params.get("TaskID").and_then(id_text) {
        Some(id) => Some(load_one(env, res, "TaskID", &id)?),
        None => load(env, res)?.into_iter().next_back(),
    };
    let Some(mut task) = task else {
        return Ok(fields([("Status", json!("SCAN_NONE"))]));
    };
    settle(&mut task.fields, env.now_ms);
    let left = if text(&task.fields, "Status") == "SCAN_SCANNING" {
        (series::num(&task.fields, "EndAt") - env.now_ms).max(0) / 1000
    } else {
        0
    };
    let mut out = task.fields;
    out.insert("LeftSeconds".into(), Value::from(left));
    Ok(out)
}

/// One hour for each round of [`CONCURRENCY`] containers on the busiest host.
pub fn estimate_timeout(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let targets = scan_targets(env, &params)?;
    let mut per_host: Vec<(String, usize)> = Vec::new();
    for c in &targets {
        let host = c.get("HostID").and_then(Value::as_str).unwrap_or("");
        match per_host.iter_mut().find(|(h, _)| h == host) {
            Some((_, n)) => *n += 1,
            None => per_host.push((host.to_string(), 1)),
        }
    }
    let busiest = per_host.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let rounds = busiest.div_ceil(CONCURRENCY).max(1);
    Ok(fields([
        ("Timeout", Value::from(rounds as f64)),
        ("ContainerScanConcurrencyCount", Value::from(CONCURRENCY)),
    ]))
}
