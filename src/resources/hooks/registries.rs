//! Image registries beyond create/read/update/delete: a name check, and syncing a
//! registry's assets (`SyncAssetImageRegistryAsset`: the sync runs for the task
//! duration, `DescribeAssetImageRegistryAssetStatus` reports `doing`, then
//! `success` with the time it ended). A registry's fixture may list its `Images`
//! (registry-image records); a sync upserts them into the registry images at once.

use serde_json::{Map, Value, json};

use super::super::engine::{ids_of, load, settle};
use super::super::fixtures::SYNCED_IMAGES;
use super::super::{Env, Resource, field};
use super::{datetime, fields};
use crate::error::ApiError;
use crate::store::fixtures::parse_images;

/// The registry whose `Name` is the one asked.
pub fn check_repeat(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let name = params.get("Name").and_then(Value::as_str).unwrap_or("");
    let repeat = load(env, res)?
        .iter()
        .any(|r| field(&r.fields, "Name").and_then(Value::as_str) == Some(name));
    Ok(fields([("IsRepeat", json!(repeat))]))
}

/// Syncs the named registries (`All`: every one): `SyncStatus` is `doing` until the
/// task duration has passed, then `success` with `LatestSyncTime`.
pub fn sync(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let all = params.get("All").and_then(Value::as_bool).unwrap_or(false);
    let ids = ids_of(&params, "RegistryIds");
    let done = env.now_ms + env.task_ms;
    let mut changed: Vec<_> = load(env, res)?
        .into_iter()
        .filter(|r| all || ids.contains(&r.id))
        .collect();
    for r in &mut changed {
        super::super::engine::transition(
            &mut r.fields,
            &[("SyncStatus", json!("doing"))],
            done,
            &[
                ("SyncStatus", json!("success")),
                ("LatestSyncTime", json!(datetime(done))),
            ],
        );
    }
    // The registries' images (given in their fixtures) join the registry images.
    let mut images = Vec::new();
    for r in &changed {
        if let Some(kept) = r.fields.get(SYNCED_IMAGES) {
            let parsed = parse_images("registry", kept.clone()).map_err(|e| {
                tracing::error!(error = %e, registry = %r.id, "stored registry images unreadable");
                ApiError::internal()
            })?;
            images.extend(parsed.into_iter().map(|mut i| {
                i.account.clone_from(&env.account);
                i
            }));
        }
    }
    env.store.upsert_document(&images, &changed)?;
    Ok(Map::new())
}

/// `doing` while any registry syncs; else `success` with the newest sync time.
pub fn asset_status(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut registries = load(env, res)?;
    for r in &mut registries {
        settle(&mut r.fields, env.now_ms);
    }
    let sync = |r: &crate::store::Record, name: &str| {
        field(&r.fields, name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let doing = registries.iter().any(|r| sync(r, "SyncStatus") == "doing");
    let latest = registries
        .iter()
        .map(|r| sync(r, "LatestSyncTime"))
        .max()
        .unwrap_or_default();
    Ok(fields([
        ("Status", json!(if doing { "doing" } else { "success" })),
        ("Err", json!("")),
        ("LatestSyncSuccessTime", json!(latest)),
    ]))
}
