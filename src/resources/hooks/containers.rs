//! Container isolation (`ModifyContainerNetStatus`): `EVENT_ISOLATE_CONTAINER` makes
//! the container's `NetStatus` `ISOLATING`, then `ISOLATED` after the task duration;
//! `EVENT_RESOTRE_CONTAINER` (the API's spelling) `RESTORING`, then `NORMAL`.

use serde_json::{Map, Value, json};

use super::super::engine::{id_text, load_one, save, transition};
use super::super::{Env, Resource};
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
    let mut container = load_one(env, res, "ContainerID", &id)?;
    transition(
        &mut container.fields,
        &[("NetStatus", json!(now))],
        env.now_ms + env.task_ms,
        &[("NetStatus", json!(then))],
    );
    save(env, std::slice::from_ref(&container))?;
    Ok(Map::new())
}
