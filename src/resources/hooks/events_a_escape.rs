//! Container escape events and their whitelist: what no binding of the table says.
//! Events fall in three kinds by `EventType`: container escape (`ESCAPE_*`),
//! process privilege (`PRIVILEGE`) and risky containers (`MOUNT_SENSITIVE_PTAH`,
//! `PRIVILEGE_CONTAINER_START`); summaries, the tendency, the safe state and the
//! risky-container image list are counted from the events on the emulator clock. A
//! whitelist entry names an image (known or not: an unknown image keeps the id it
//! was given) and the event types it allows.
//! Docs: TCSS API reference, <https://cloud.tencent.com/document/api/1285>.

use serde_json::{Map, Value, json};

use super::super::engine::{ids_of, item_type, load, new_record, save, settle};
use super::super::{Env, Resource, query, resource};
use super::events_a::{self, PENDING, all, bump, mark, pending};
use super::series::text;
use super::{datetime, fields};
use crate::error::ApiError;
use crate::spec;

/// The collection of escape whitelist entries.
const WHITELIST: &str = "escape_whitelists";

/// The escape event types the documentation lists (`MOUNT_SENSITIVE_PTAH` is its
/// spelling).
const TYPES: [&str; 7] = [
    "ESCAPE_CGROUPS",
    "ESCAPE_TAMPER_SENSITIVE_FILE",
    "ESCAPE_DOCKER_API",
    "ESCAPE_VUL_OCCURRED",
    "MOUNT_SENSITIVE_PTAH",
    "PRIVILEGE_CONTAINER_START",
    "PRIVILEGE",
];

/// The request's `EventType` list; a type the documentation does not list is
/// `InvalidParameterValue`. A type in quotes, as the documented examples send it
/// (`"\"ESCAPE_DOCKER_API\""`), is taken for the type.
fn event_types(params: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let types: Vec<String> = ids_of(params, "EventType")
        .iter()
        .map(|t| t.trim_matches('"').to_string())
        .collect();
    match types.iter().find(|t| !TYPES.contains(&t.as_str())) {
        Some(bad) => Err(ApiError::invalid_parameter_value(
            "EventType",
            &format!("`{bad}` is not one of {}", TYPES.join(", ")),
        )),
        None => Ok(types),
    }
}

/// The summary counter an escape event type counts in.
fn kind(event_type: &str) -> &'static str {
    match event_type {
        "PRIVILEGE" => "ProcessPrivilegeEventCount",
        "MOUNT_SENSITIVE_PTAH" | "PRIVILEGE_CONTAINER_START" => "RiskContainerEventCount",
        _ => "ContainerEscapeEventCount",
    }
}

/// Counts `records` into the three kind counters.
fn counts<'a>(records: impl IntoIterator<Item = &'a Map<String, Value>>) -> Map<String, Value> {
    let mut out = fields([
        ("ContainerEscapeEventCount", json!(0)),
        ("ProcessPrivilegeEventCount", json!(0)),
        ("RiskContainerEventCount", json!(0)),
    ]);
    for r in records {
        bump(&mut out, kind(text(r, "EventType")));
    }
    out
}

/// `ModifyEscapeEventStatus`: as every `Modify*Status`; `EVENT_ADD_WHITE` also
/// whitelists `ImageIDs` for `EventType` (by default the marked events' images and
/// types).
pub fn escape_status(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut types = event_types(&params)?;
    let changed = mark(env, res, &params)?;
    if params.get("Status").and_then(Value::as_str) != Some("EVENT_ADD_WHITE") {
        return Ok(Map::new());
    }
    let mut images = ids_of(&params, "ImageIDs");
    let fill = [images.is_empty(), types.is_empty()];
    for r in &changed {
        for (list, name, fill) in [
            (&mut images, "ImageId", fill[0]),
            (&mut types, "EventType", fill[1]),
        ] {
            let v = text(r, name).to_string();
            if fill && !v.is_empty() && !list.contains(&v) {
                list.push(v);
            }
        }
    }
    whitelist(env, &images, &types)?;
    Ok(Map::new())
}

/// `DescribeEscapeEventTypeSummary`: events of each kind, and the pending ones.
pub fn type_summary(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let records = all(env, res.name)?;
    let mut out = counts(&records);
    out.insert(
        "PendingEscapeEventCount".into(),
        json!(pending(&records).len()),
    );
    Ok(out)
}

/// `DescribeEscapeEventTendency`: pending events of each kind per day.
pub fn tendency(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    events_a::tendency(env, res, &params, |on| counts(on))
}

/// `DescribeEscapeSafeState`: `Unsafe` while an escape event is pending, else `Safe`.
pub fn safe_state(
    env: &Env,
    res: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let records = all(env, res.name)?;
    let state = if pending(&records).is_empty() {
        "Safe"
    } else {
        "Unsafe"
    };
    Ok(fields([("IsSafe", json!(state))]))
}

/// `DescribeEventEscapeImageList`: the risky-container events grouped by image and
/// event type (containers, events, first and latest time; pending while one of them
/// is), then filtered, sorted and paged as a list.
pub fn image_list(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(action) = spec::tcss().action("DescribeEventEscapeImageList") else {
        return Err(ApiError::internal());
    };
    let mut rows: Vec<(Map<String, Value>, Vec<String>)> = Vec::new();
    for r in all(env, res.name)? {
        let event_type = text(&r, "EventType");
        if kind(event_type) != "RiskContainerEventCount" {
            continue;
        }
        let key = format!("{}/{event_type}", text(&r, "ImageId"));
        let count = r.get("EventCount").and_then(Value::as_i64).unwrap_or(1);
        let container = text(&r, "ContainerId").to_string();
        match rows
            .iter_mut()
            .find(|(row, _)| text(row, "UniqueKey") == key)
        {
            Some((row, containers)) => {
                if !containers.contains(&container) {
                    containers.push(container);
                }
                let n = row.get("EventCount").and_then(Value::as_i64).unwrap_or(0);
                row.insert("EventCount".into(), json!(n + count));
                if text(&r, "FoundTime") < text(row, "FoundTime") {
                    row.insert("FoundTime".into(), json!(text(&r, "FoundTime")));
                }
                let latest = text(&r, "LatestFoundTime").max(text(&r, "FoundTime"));
                if latest > text(row, "LatestFoundTime") {
                    row.insert("LatestFoundTime".into(), json!(latest));
                }
                if text(&r, "Status") == PENDING {
                    row.insert("Status".into(), json!(PENDING));
                }
            }
            None => {
                let mut row = Map::new();
                for f in ["ImageId", "ImageName", "EventType", "Status", "FoundTime"] {
                    row.insert(f.into(), json!(text(&r, f)));
                }
                for f in ["Description", "Solution"] {
                    row.insert(f.into(), json!(text(&r, f)));
                }
                let latest = text(&r, "LatestFoundTime").max(text(&r, "FoundTime"));
                row.insert("LatestFoundTime".into(), json!(latest));
                row.insert("OriginEventType".into(), json!(event_type));
                row.insert("UniqueKey".into(), json!(key));
                row.insert("EventCount".into(), json!(count));
                rows.push((row, vec![container]));
            }
        }
    }
    let items = rows
        .into_iter()
        .map(|(mut row, containers)| {
            row.insert("ContainerCount".into(), json!(containers.len()));
            row
        })
        .collect();
    let (page, n) = query::run(res, action, item_type(action, "List"), items, &params)?;
    Ok(fields([
        (
            "List",
            Value::Array(page.into_iter().map(Value::Object).collect()),
        ),
        ("TotalCount", json!(n)),
    ]))
}

/// Whitelists each of `images` for `types`: an image already listed gains the
/// types, another gets a new entry (its name, size, containers and hosts from the
/// assets when the image is known).
fn whitelist(env: &Env, images: &[String], types: &[String]) -> Result<(), ApiError> {
    let Some(res) = resource(WHITELIST) else {
        return Ok(());
    };
    let entries = load(env, res)?;
    let assets = all(env, "local_images")?;
    let containers = all(env, "containers")?;
    let now = json!(datetime(env.now_ms));
    let mut changed = Vec::new();
    for image in images {
        let mut entry = match entries.iter().find(|e| text(&e.fields, "ImageID") == image) {
            Some(e) => e.clone(),
            None => {
                let mut e = new_record(env, res)?;
                let asset = assets.iter().find(|a| text(a, "ImageID") == image);
                let on: Vec<_> = containers
                    .iter()
                    .filter(|c| text(c, "ImageID") == image)
                    .collect();
                let mut hosts: Vec<&str> = on.iter().map(|c| text(c, "HostID")).collect();
                hosts.sort_unstable();
                hosts.dedup();
                let size = asset.and_then(|a| a.get("Size")).cloned();
                e.fields.extend(fields([
                    ("ImageID", json!(image)),
                    (
                        "ImageName",
                        json!(asset.map_or("", |a| text(a, "ImageName"))),
                    ),
                    ("ImageSize", size.unwrap_or(json!(0))),
                    ("ContainerCount", json!(on.len())),
                    ("HostCount", json!(hosts.len())),
                    ("SuperNodeCount", json!(0)),
                    ("InsertTime", now.clone()),
                    ("EventType", json!([])),
                ]));
                e
            }
        };
        settle(&mut entry.fields, env.now_ms);
        let mut have = ids_of(&entry.fields, "EventType");
        for t in types {
            if !have.contains(t) {
                have.push(t.clone());
            }
        }
        entry.fields.insert("EventType".into(), json!(have));
        entry.fields.insert("UpdateTime".into(), now.clone());
        changed.push(entry);
    }
    save(env, &changed)
}

/// `AddEscapeWhiteList`: `ImageIDs` whitelisted for `EventType`.
pub fn add_whitelist(
    env: &Env,
    _: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let types = event_types(&params)?;
    whitelist(env, &ids_of(&params, "ImageIDs"), &types)?;
    Ok(Map::new())
}

/// `ModifyEscapeWhiteList`: the entries `IDSet` names allow exactly `EventType`
/// (ids naming no entry are ignored).
pub fn modify_whitelist(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let types = event_types(&params)?;
    let mut changed = Vec::new();
    for id in ids_of(&params, "IDSet") {
        if let Some(mut e) = env.store.record(res.name, &env.account, &id)? {
            e.fields.insert("EventType".into(), json!(types));
            e.fields
                .insert("UpdateTime".into(), json!(datetime(env.now_ms)));
            changed.push(e);
        }
    }
    save(env, &changed)?;
    Ok(Map::new())
}
