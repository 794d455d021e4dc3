//! Local image scans: `CreateAssetImageScanTask` scans the chosen local images for the
//! task duration (`ScanStatus` `SCANNING`, then `SCANNED` with `ScanTime`);
//! `DescribeAssetImageScanStatus` reports the task (`Status` `SCANNING`, then
//! `END`; `Schedule` and `LeftSeconds` follow the clock), `DescribeAssetImageScanTask`
//! the newest one (`SubStatus` `Success`, or `Cancel` once stopped), and
//! `ModifyAssetImageScanStop` stops it: its images keep the state they had before.
//! The values are those `DescribeAssetImageScanTaskResponse` documents.

use serde_json::{Map, Value, json};

use super::super::engine::{PENDING, id_text, load, new_record, save, transition};
use super::super::{Env, Resource, field, resource};
use super::{datetime, fields};
use crate::error::ApiError;
use crate::store::Record;

fn text<'a>(r: &'a Record, name: &str) -> &'a str {
    field(&r.fields, name).and_then(Value::as_str).unwrap_or("")
}

fn num(r: &Record, name: &str) -> i64 {
    field(&r.fields, name).and_then(Value::as_i64).unwrap_or(0)
}

/// The task named by `TaskID`, else the newest; `ResourceNotFound` for an unknown id.
fn task(
    env: &Env,
    res: &Resource,
    params: &Map<String, Value>,
) -> Result<Option<Record>, ApiError> {
    let tasks = load(env, res)?;
    match params
        .get("TaskID")
        .and_then(id_text)
        .filter(|id| id != "0")
    {
        Some(id) => match tasks.into_iter().find(|t| t.id == id) {
            Some(t) => Ok(Some(t)),
            None => Err(ApiError::not_found(
                "image scan task",
                &format!("TaskID `{id}`"),
            )),
        },
        None => Ok(tasks.into_iter().next_back()),
    }
}

/// Makes the local image `SCANNING` until `done`, then `SCANNED` with its
/// `ScanTime` (the state it had is kept for [`cancel_scan`]).
pub fn start_scan(image: &mut Record, done: i64) {
    let before = text(image, "ScanStatus").to_string();
    image.fields.insert("__before_scan".into(), json!(before));
    transition(
        &mut image.fields,
        &[("ScanStatus", json!("SCANNING"))],
        done,
        &[
            ("ScanStatus", json!("SCANNED")),
            ("ScanTime", json!(datetime(done))),
        ],
    );
}

/// Stops a local image's running scan: it is back to the state it had; whether
/// one was running.
pub fn cancel_scan(image: &mut Record) -> bool {
    if !image.fields.contains_key(PENDING) || text(image, "ScanStatus") != "SCANNING" {
        return false;
    }
    image.fields.shift_remove(PENDING);
    let before = image
        .fields
        .shift_remove("__before_scan")
        .unwrap_or(json!(""));
    image.fields.insert("ScanStatus".into(), before);
    true
}

pub fn create(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(images_res) = resource("local_images") else {
        return Ok(Map::new());
    };
    let all = params.get("All").and_then(Value::as_bool).unwrap_or(false);
    let wanted: Vec<String> = params
        .get("Images")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(id_text).collect())
        .unwrap_or_default();
    let excluded: Vec<String> = params
        .get("ExcludeImageIds")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(id_text).collect())
        .unwrap_or_default();
    let mut images: Vec<Record> = load(env, images_res)?
        .into_iter()
        .filter(|i| (all || wanted.contains(&i.id)) && !excluded.contains(&i.id))
        .collect();
    if let Some(missing) = wanted.iter().find(|w| !images.iter().any(|i| &i.id == *w)) {
        return Err(ApiError::not_found(
            "local image",
            &format!("ImageID `{missing}`"),
        ));
    }
    let done = env.now_ms + env.task_ms;
    let mut task = new_record(env, res)?;
    let risky = images
        .iter()
        .filter(|i| num(i, "VulCnt") + num(i, "RiskCnt") + num(i, "VirusCnt") > 0)
        .count();
    for image in &mut images {
        start_scan(image, done);
    }
    let n = images.len();
    task.fields.extend(fields([
        ("ImageTotal", json!(n)),
        ("LastScanTime", json!(datetime(env.now_ms))),
        ("SubStatus", json!("")),
    ]));
    transition(
        &mut task.fields,
        &[
            ("Status", json!("SCANNING")),
            ("ImageScanCnt", json!(0)),
            ("Schedule", json!(0)),
            ("SuccessCount", json!(0)),
            ("RiskCount", json!(0)),
        ],
        done,
        &[
            ("Status", json!("END")),
            ("SubStatus", json!("Success")),
            ("ImageScanCnt", json!(n)),
            ("Schedule", json!(100)),
            ("SuccessCount", json!(n)),
            ("RiskCount", json!(risky)),
        ],
    );
    task.fields.insert("__ends_ms".into(), json!(done));
    save(env, &images)?;
    save(env, std::slice::from_ref(&task))?;
    Ok(fields([(
        "TaskID",
        task.fields.get("TaskID").cloned().unwrap_or(Value::Null),
    )]))
}

pub fn status(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(mut t) = task(env, res, &params)? else {
        return Ok(fields([("Status", json!("END")), ("Schedule", json!(100))]));
    };
    let left = (num(&t, "__ends_ms") - env.now_ms).max(0);
    t.fields
        .insert("LeftSeconds".into(), json!((left + 999) / 1000));
    Ok(t.fields)
}

pub fn newest(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    Ok(task(env, res, &params)?
        .map(|t| t.fields)
        .unwrap_or_default())
}

pub fn stop(
    env: &Env,
    res: &'static Resource,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let Some(mut t) = task(env, res, &params)? else {
        return Ok(fields([("Status", json!("END"))]));
    };
    if t.fields.contains_key(PENDING) {
        t.fields.shift_remove(PENDING);
        t.fields.insert("Status".into(), json!("END"));
        t.fields.insert("SubStatus".into(), json!("Cancel"));
        let mut stopped = Vec::new();
        if let Some(images_res) = resource("local_images") {
            for mut image in load(env, images_res)? {
                if cancel_scan(&mut image) {
                    stopped.push(image);
                }
            }
        }
        save(env, &stopped)?;
        save(env, std::slice::from_ref(&t))?;
    }
    Ok(fields([("Status", json!("Succ"))]))
}
