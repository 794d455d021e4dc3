//! Vulnerability scan tasks on the clock. `CreateVulScanTask` scans the chosen local
//! images (`LocalImageScanType` `ALL`, `NOT_SCAN`: authorised and not yet scanned,
//! `IMAGEIDS`, or `CLUSTER`: the images of `LocalClusterIDs`' containers; less
//! `ExcludeLocalImageIDs`) and registry images (`RegistryImageScanType` `ALL`,
//! `NOT_SCAN`, `IMAGEIDS`) for the task duration: the task is `SCANNING`, then
//! `SCANNED`; each local image is a `VulScanImageInfo` row (`SCANNING`, then
//! `FINISHED`, its vulnerabilities counted by level from the model) and its
//! `ScanStatus` in the local image list follows. `StopVulScanTask` makes a running
//! task and its rows `CANCELED` (the images keep the state they had).
//! `DescribeVulScanInfo` reports a task (`LocalTaskID`, else the newest; no task:
//! `NOT_SCAN`), its progress and remaining time following the clock.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::super::super::engine::{PENDING, id_text, load, new_record, save, transition};
use super::super::super::{Env, Resource, resource};
use super::super::image_scans::{cancel_scan, start_scan};
use super::super::series::{num, text};
use super::super::{datetime, fields};
use super::{Model, level_number, one_of};
use crate::error::ApiError;
use crate::store::Record;

fn strings(params: &Map<String, Value>, member: &str) -> Vec<String> {
    params
        .get(member)
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(id_text).collect())
        .unwrap_or_default()
}

fn scanned(image: &Map<String, Value>) -> bool {
    text(image, "ScanStatus").eq_ignore_ascii_case("SCANNED")
}

fn authorized(image: &Map<String, Value>) -> bool {
    matches!(image.get("IsAuthorized"), Some(v) if v == &json!(1) || v == &json!(true))
}

/// The local images a request chooses, in the model's order.
fn local_chosen(
    env: &Env,
    m: &Model,
    params: &Map<String, Value>,
) -> Result<Vec<Record>, ApiError> {
    let Some(images) = resource("local_images") else {
        return Ok(Vec::new());
    };
    let kind = one_of(
        params,
        "LocalImageScanType",
        &["ALL", "NOT_SCAN", "IMAGEIDS", "CLUSTER"],
    )?
    .unwrap_or_default();
    let ids = strings(params, "LocalImageIDs");
    let clusters = strings(params, "LocalClusterIDs");
    let excluded = strings(params, "ExcludeLocalImageIDs");
    let in_clusters: HashSet<&str> = m
        .containers
        .iter()
        .filter(|c| clusters.iter().any(|k| k == text(c, "ClusterID")))
        .map(|c| text(c, "ImageID"))
        .collect();
    let all = load(env, images)?;
    let missing = ids.iter().find(|i| !all.iter().any(|r| &r.id == *i));
    if let (true, Some(missing)) = (kind == "IMAGEIDS", missing) {
        return Err(ApiError::not_found(
            "local image",
            &format!("ImageID `{missing}`"),
        ));
    }
    Ok(all
        .into_iter()
        .filter(|r| match kind.as_str() {
            "ALL" => true,
            "NOT_SCAN" => authorized(&r.fields) && !scanned(&r.fields),
            "IMAGEIDS" => ids.contains(&r.id),
            "CLUSTER" => in_clusters.contains(r.id.as_str()),
            _ => false,
        })
        .filter(|r| !excluded.contains(&r.id))
        .collect())
}

/// How many registry images a request chooses.
fn registry_chosen(m: &Model, params: &Map<String, Value>) -> Result<usize, ApiError> {
    let ids = strings(params, "RegistryImageIDs");
    let excluded = strings(params, "ExcludeRegistryImageIDs");
    let kind = one_of(
        params,
        "RegistryImageScanType",
        &["ALL", "NOT_SCAN", "IMAGEIDS"],
    )?
    .unwrap_or_default();
    Ok(m.registry
        .iter()
        .filter(|(id, _)| match kind.as_str() {
            "ALL" | "NOT_SCAN" => true,
            "IMAGEIDS" => ids.contains(&id.to_string()),
            _ => false,
        })
        .filter(|(id, _)| !excluded.contains(&id.to_string()))
        .count())
}

pub fn create(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let m = Model::load(env)?;
    let mut images = local_chosen(env, &m, &params)?;
    let registry = registry_chosen(&m, &params)?;
    let done = env.now_ms + env.task_ms;
    let mut task = new_record(env, res)?;
    let id = num(&task.fields, "LocalTaskID");
    let Some(rows_res) = resource("vuln_scan_images") else {
        return Err(ApiError::internal());
    };
    // Each image's vulnerabilities by level, and the vulnerabilities found.
    let mut found = HashSet::new();
    let mut risky = 0;
    for image in &mut images {
        let mut levels = [0_i64; 5];
        for v in &m.vulns {
            let poc = text(v, "PocID");
            if m.affected(poc)
                .local
                .iter()
                .any(|l| text(l, "ImageID") == image.id)
            {
                found.insert(poc.to_string());
                let n = usize::try_from(level_number(text(v, "Level"))).unwrap_or(0);
                levels[n.min(4)] += 1;
            }
        }
        risky += usize::from(levels[1..].iter().sum::<i64>() > 0);
        let mut row = new_record(env, rows_res)?;
        row.fields.extend(fields([
            ("ImageID", json!(image.id)),
            ("ImageName", json!(text(&image.fields, "ImageName"))),
            ("Size", json!(num(&image.fields, "Size"))),
            ("TaskID", json!(id)),
            ("ScanStartTime", json!(datetime(env.now_ms))),
            ("LowLevelVulCount", json!(levels[1])),
            ("MediumLevelVulCount", json!(levels[2])),
            ("HighLevelVulCount", json!(levels[3])),
            ("CriticalLevelVulCount", json!(levels[4])),
        ]));
        transition(
            &mut row.fields,
            &[("ScanStatus", json!("SCANNING"))],
            done,
            &[
                ("ScanStatus", json!("FINISHED")),
                ("ScanEndTime", json!(datetime(done))),
                ("ScanDuration", json!(env.task_ms / 1000)),
            ],
        );
        // Saved at once: the next row's number is one above the highest saved.
        save(env, std::slice::from_ref(&row))?;
        start_scan(image, done);
    }
    let registry_task = if registry > 0 { id } else { 0 };
    task.fields.extend(fields([
        ("RegistryTaskID", json!(registry_task)),
        ("LocalImageScanCount", json!(images.len())),
        ("RegistryImageScanCount", json!(registry)),
        ("ScanStartTime", json!(datetime(env.now_ms))),
        ("IgnoreVulCount", json!(records_len(env, "vuln_ignores")?)),
        ("__ends_ms", json!(done)),
    ]));
    transition(
        &mut task.fields,
        &[("Status", json!("SCANNING")), ("ScanProgress", json!(0))],
        done,
        &[
            ("Status", json!("SCANNED")),
            ("ScanProgress", json!(100)),
            ("ScanEndTime", json!(datetime(done))),
            ("FoundRiskImageCount", json!(risky)),
            ("FoundVulCount", json!(found.len())),
        ],
    );
    save(env, &images)?;
    save(env, std::slice::from_ref(&task))?;
    Ok(fields([
        ("LocalTaskID", json!(id)),
        ("RegistryTaskID", json!(registry_task)),
    ]))
}

fn records_len(env: &Env, name: &str) -> Result<usize, ApiError> {
    Ok(super::records(env, name)?.len())
}

/// The task `LocalTaskID` (or `RegistryTaskID`) names, else the newest;
/// `ResourceNotFound` for an unknown id.
fn task(
    env: &Env,
    res: &Resource,
    params: &Map<String, Value>,
) -> Result<Option<Record>, ApiError> {
    let tasks = load(env, res)?;
    let wanted = ["LocalTaskID", "RegistryTaskID"]
        .iter()
        .find_map(|m| params.get(*m).and_then(id_text).filter(|id| id != "0"));
    match wanted {
        Some(id) => tasks
            .into_iter()
            .find(|t| t.id == id)
            .map(Some)
            .ok_or_else(|| {
                ApiError::not_found("vulnerability scan task", &format!("TaskID `{id}`"))
            }),
        None => Ok(tasks.into_iter().max_by_key(|t| t.seq)),
    }
}

pub fn info(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(mut t) = task(env, res, &params)? else {
        return Ok(fields([("Status", json!("NOT_SCAN"))]));
    };
    let ends = num(&t.fields, "__ends_ms");
    let left = if text(&t.fields, "Status") == "SCANNING" {
        (ends - env.now_ms).max(0)
    } else {
        0
    };
    if left > 0 && env.task_ms > 0 {
        let done = (env.task_ms - left) as f64 / env.task_ms as f64;
        t.fields
            .insert("ScanProgress".into(), json!((done * 100.0).round()));
    }
    t.fields
        .insert("RemainingTime".into(), json!((left as f64 / 1000.0).ceil()));
    Ok(t.fields)
}

pub fn stop(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(mut t) = task(env, res, &params)? else {
        return Ok(Map::new());
    };
    if !t.fields.contains_key(PENDING) {
        return Ok(Map::new());
    }
    t.fields.shift_remove(PENDING);
    t.fields.insert("Status".into(), json!("CANCELED"));
    t.fields
        .insert("ScanEndTime".into(), json!(datetime(env.now_ms)));
    let id = num(&t.fields, "LocalTaskID");
    let mut changed = Vec::new();
    let mut stopped = HashSet::new();
    if let Some(rows) = resource("vuln_scan_images") {
        for mut row in load(env, rows)? {
            if num(&row.fields, "TaskID") == id && row.fields.shift_remove(PENDING).is_some() {
                row.fields.insert("ScanStatus".into(), json!("CANCELED"));
                stopped.insert(text(&row.fields, "ImageID").to_string());
                changed.push(row);
            }
        }
    }
    if let Some(images) = resource("local_images") {
        for mut image in load(env, images)? {
            if stopped.contains(&image.id) && cancel_scan(&mut image) {
                changed.push(image);
            }
        }
    }
    changed.push(t);
    save(env, &changed)?;
    Ok(Map::new())
}

/// `DescribeVulScanAuthorizedImageSummary`: authorised local images, and those of
/// them not scanned yet.
pub fn authorized_summary(
    env: &Env,
    _: &'static Resource,
    _: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let images = super::records(env, "local_images")?;
    let auth: Vec<_> = images.iter().filter(|i| authorized(i)).collect();
    Ok(fields([
        ("AllAuthorizedImageCount", json!(auth.len())),
        (
            "UnScanAuthorizedImageCount",
            json!(auth.iter().filter(|i| !scanned(i)).count()),
        ),
    ]))
}
