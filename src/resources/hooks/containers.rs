//! Container isolation (`ModifyContainerNetStatus`): `EVENT_ISOLATE_CONTAINER` makes
//! the container's `NetStatus` `ISOLATING`, then `ISOLATED` after the task duration;
//! `EVENT_RESOTRE_CONTAINER` (the API's spelling) `RESTORING`, then `NORMAL`. The
//! runtime events that name the container show the same as their `ContainerNetStatus`.

use serde_json::{Map, Value, json};

use super::super::engine::{id_text, load, load_one, save, settle, transition};
use super::super::{Env, Resource, catalog, object, resource};
use super::series::text;
use crate::error::ApiError;

pub fn modify_net_status(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let id = params
        .get("ContainerID")
        .and_then(id_text)
        .unwrap_or_default();
    let status = params.get("Status").and_then(Value::as_str).unwrap_or("");
    let (now, then) = match status {
        "EVENT_ISOLATE_CONTAINER" => ("ISOLATING", "ISOLATED"),
        "EVENT_RESOTRE_CONTAINER" | "EVENT_RESTORE_CONTAINER" => ("RESTORING", "NORMAL"),
        other => {
            return Err(ApiError::invalid_parameter_value(
                "Status",
                &format!("`{other}` is not EVENT_ISOLATE_CONTAINER or EVENT_RESOTRE_CONTAINER"),
            ));
        }
    };
    load_one(env, res, "ContainerID", &id)?;
    move_net_status(env, &id, now, then)?;
    Ok(Map::new())
}

/// Moves container `id` (when the model has it) to `now`, then to `then` after the
/// task duration, and with it the `ContainerNetStatus` of every record that names the
/// container (`ContainerId`/`ContainerID`) in the collections whose types show one:
/// the runtime events.
pub fn move_net_status(env: &Env, id: &str, now: &str, then: &str) -> Result<(), ApiError> {
    if id.is_empty() {
        return Ok(());
    }
    let at = env.now_ms + env.task_ms;
    if let Some(res) = resource("containers")
        && let Some(mut container) = env.store.record(res.name, &env.account, id)?
    {
        settle(&mut container.fields, env.now_ms);
        transition(
            &mut container.fields,
            &[("NetStatus", json!(now))],
            at,
            &[("NetStatus", json!(then))],
        );
        save(env, std::slice::from_ref(&container))?;
    }
    let showing = |r: &&Resource| {
        r.types.iter().any(|t| {
            object(t)
                .members
                .iter()
                .any(|m| m.name == "ContainerNetStatus")
        })
    };
    for res in catalog::all().filter(showing) {
        let mut changed = load(env, res)?;
        changed.retain(|r| {
            text(&r.fields, "ContainerId") == id || text(&r.fields, "ContainerID") == id
        });
        for r in &mut changed {
            transition(
                &mut r.fields,
                &[("ContainerNetStatus", json!(now))],
                at,
                &[("ContainerNetStatus", json!(then))],
            );
        }
        save(env, &changed)?;
    }
    Ok(())
}
