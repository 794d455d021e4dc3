//! Cluster refresh (check) tasks: `CreateRefreshTask` answers a new `TaskId` whose
//! `TaskStatus` is `Task_Running`, then `Task_Finish` after the task duration. While
//! one runs, another is not created (`CreateResult` `Failed`, `TaskId` 0, as the
//! documentation of `DescribeUnfinishRefreshTask` says). An unknown `TaskId` is
//! `Task_NoExist`, one of the documented statuses.

use serde_json::{Map, Value, json};

use super::super::engine::{id_text, load, new_record, save, transition};
use super::super::{Env, Resource, field};
use super::fields;
use crate::error::ApiError;

fn unfinished(env: &Env, res: &Resource) -> Result<Option<crate::store::Record>, ApiError> {
    Ok(load(env, res)?.into_iter().rev().find(|t| {
        matches!(
            field(&t.fields, "TaskStatus").and_then(Value::as_str),
            Some("Task_New" | "Task_Running")
        )
    }))
}

pub fn create(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    if unfinished(env, res)?.is_some() {
        return Ok(fields([
            ("TaskId", json!(0)),
            ("CreateResult", json!("Failed")),
            ("NewTaskID", json!("")),
        ]));
    }
    let mut task = new_record(env, res)?;
    let new_id = format!("rt-{}", task.id);
    task.fields.insert("NewTaskID".into(), json!(new_id));
    transition(
        &mut task.fields,
        &[("TaskStatus", json!("Task_Running"))],
        env.now_ms + env.task_ms,
        &[("TaskStatus", json!("Task_Finish"))],
    );
    save(env, std::slice::from_ref(&task))?;
    Ok(fields([
        (
            "TaskId",
            task.fields.get("TaskId").cloned().unwrap_or(Value::Null),
        ),
        ("CreateResult", json!("Succ")),
        ("NewTaskID", json!(new_id)),
    ]))
}

/// By `TaskId`, or by `NewTaskID` when given.
pub fn describe(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let by_new = params.get("NewTaskID").and_then(id_text);
    let id = params.get("TaskId").and_then(id_text).unwrap_or_default();
    let task = load(env, res)?.into_iter().find(|t| match &by_new {
        Some(new) => field(&t.fields, "NewTaskID").and_then(Value::as_str) == Some(new.as_str()),
        None => t.id == id,
    });
    let status = task
        .as_ref()
        .and_then(|t| field(&t.fields, "TaskStatus").cloned())
        .unwrap_or(json!("Task_NoExist"));
    Ok(fields([("TaskStatus", status)]))
}

/// The newest task: the running one, else the last one; `Task_NoExist` when none.
pub fn unfinished_task(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let task = match unfinished(env, res)? {
        Some(t) => Some(t),
        None => load(env, res)?.into_iter().next_back(),
    };
    Ok(match task {
        Some(t) => t.fields,
        None => fields([("TaskId", json!(0)), ("TaskStatus", json!("Task_NoExist"))]),
    })
}
