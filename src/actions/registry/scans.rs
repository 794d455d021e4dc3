//! Scans of registry images on the emulator's clock: a task marks its images
//! `SCANNING`, progress follows the clock, and the first call after the scan's end
//! settles it as `SCANNED` (results: the image's findings), `SCAN_ERR` (the fixture's
//! `ScanFailure`) or `SCAN_TIMEOUT` (the task's `Timeout` came first). Stopping a scan
//! leaves it `CANCELED`.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::run_store;
use super::{
    AssetFilter, Finding, ImageInfo, check_filters, load, params, passes, progress_at, rfc3339,
    view,
};
use crate::error::ApiError;
use crate::resources::{Env, Resource};
use crate::spec;
use crate::store::fixtures::SCAN_FAILURE;
use crate::store::scans::RUNNING;
use crate::store::{ImageRecord, Scan};

fn set(record: &mut ImageRecord, name: &str, value: Value) {
    record.fields.insert(name.to_string(), value);
}

fn status(record: &ImageRecord, kind: Finding) -> &str {
    record
        .fields
        .get(kind.status_field())
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The record at the start of a scan of `kinds` lasting `duration_ms`.
fn start(record: &mut ImageRecord, kinds: &[Finding], duration_ms: i64) {
    set(record, "ScanStatus", "SCANNING".into());
    set(record, "Progress", 0.into());
    set(
        record,
        "ScanRemainTime",
        Value::from((duration_ms + 999) / 1000),
    );
    for kind in kinds {
        set(record, kind.status_field(), "SCANNING".into());
        set(record, kind.progress_field(), 0.into());
        set(record, kind.error_field(), "".into());
    }
}

/// The record once `scan` has come to its end at `at_ms`.
fn finish(record: &mut ImageRecord, scan: &Scan, at_ms: i64) {
    let failure = record
        .fields
        .get(SCAN_FAILURE)
        .and_then(Value::as_object)
        .cloned();
    let mut overall = "SCANNED";
    let progress = if scan.outcome == "SCAN_TIMEOUT" {
        progress_at(scan, at_ms)
    } else {
        100
    };
    for kind in Finding::ALL {
        if status(record, kind) != "SCANNING" {
            continue;
        }
        let error = failure
            .as_ref()
            .and_then(|f| f.get(kind.error_field()))
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty() && scan.outcome == "SCAN_ERR");
        let kind_status = match (scan.outcome.as_str(), error) {
            ("SCAN_TIMEOUT", _) => "SCAN_TIMEOUT",
            (_, Some(e)) => {
                set(record, kind.error_field(), e.into());
                "SCAN_ERR"
            }
            _ => "SCANNED",
        };
        if kind_status != "SCANNED" {
            overall = kind_status;
        }
        set(record, kind.status_field(), kind_status.into());
        set(record, kind.progress_field(), Value::from(progress));
    }
    set(record, "ScanStatus", overall.into());
    set(record, "Progress", Value::from(progress));
    set(record, "ScanRemainTime", 0.into());
    set(record, "ScanTime", rfc3339(at_ms).into());
}

/// The record when `scan` is stopped at `at_ms`.
fn stop(record: &mut ImageRecord, scan: &Scan, at_ms: i64) {
    let progress = progress_at(scan, at_ms);
    for kind in Finding::ALL {
        if status(record, kind) == "SCANNING" {
            set(record, kind.status_field(), "CANCELED".into());
            set(record, kind.progress_field(), Value::from(progress));
        }
    }
    set(record, "ScanStatus", "CANCELED".into());
    set(record, "Progress", Value::from(progress));
    set(record, "ScanRemainTime", 0.into());
}

/// Whether the record's `ScanFailure` gives an error for one of the kinds scanned.
fn fails(record: &ImageRecord, kinds: &[Finding]) -> bool {
    let Some(failure) = record.fields.get(SCAN_FAILURE).and_then(Value::as_object) else {
        return false;
    };
    kinds.iter().any(|k| {
        failure
            .get(k.error_field())
            .and_then(Value::as_str)
            .is_some_and(|e| !e.is_empty())
    })
}

/// Settles every scan whose end has come by `env.now_ms` (any account).
pub fn settle(env: &Env) -> Result<(), ApiError> {
    if !env.store.maybe_scanning() {
        return Ok(());
    }
    let store = env.store.clone();
    let now = env.now_ms;
    run_store(move || {
        let due = store.due_scans(now)?;
        if due.is_empty() {
            return Ok(());
        }
        let mut ended = Vec::with_capacity(due.len());
        let mut records = Vec::with_capacity(due.len());
        for mut scan in due {
            if let Some(mut record) = store.get_image(scan.image)? {
                finish(&mut record, &scan, scan.ends_ms);
                records.push(record);
            }
            scan.state = scan.outcome.clone();
            ended.push(scan);
        }
        store.end_scans(&ended, &records)
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateRequest {
    all: Option<bool>,
    #[serde(default)]
    images: Vec<ImageInfo>,
    #[serde(default)]
    scan_type: Vec<String>,
    #[serde(default)]
    id: Vec<u64>,
    #[serde(default)]
    filters: Vec<AssetFilter>,
    #[serde(default, alias = "ExcludeIDs")]
    exclude_image_list: Vec<u64>,
    #[serde(default, alias = "IsLatest")]
    only_scan_latest: Option<bool>,
    timeout: Option<u64>,
    #[serde(default)]
    registry_type: Vec<String>,
    #[serde(default)]
    namespace: Vec<String>,
    container_running: Option<bool>,
    #[serde(rename = "TaskID")]
    task_id: Option<u64>,
}

fn image_field(name: &str) -> bool {
    spec::tcss()
        .object_named("ImageRepoInfo")
        .is_some_and(|o| o.member(name).is_some())
}

/// The Ids of the images a create/stop request names (`All`, `Id`, `Images`,
/// `Filters`, narrowed by the exclusions and "latest only").
fn selected(
    req: &CreateRequest,
    views: &[(ImageRecord, Map<String, Value>)],
) -> Result<Vec<i64>, ApiError> {
    check_filters(&req.filters, &image_field)?;
    let all = req.all == Some(true);
    if !all && req.id.is_empty() && req.images.is_empty() && req.filters.is_empty() {
        return Err(ApiError::invalid_parameter(
            "Name the images: `All`, `Id`, `Images` or `Filters`.",
            "请指定镜像：`All`、`Id`、`Images`或`Filters`。",
        ));
    }
    for id in &req.id {
        if !views.iter().any(|(r, _)| u64::try_from(r.id) == Ok(*id)) {
            return Err(ApiError::image_not_found(&format!("Id `{id}`")));
        }
    }
    let excluded: HashSet<u64> = req.exclude_image_list.iter().copied().collect();
    let picked: Vec<i64> = views
        .iter()
        .filter(|(r, v)| {
            let id = u64::try_from(r.id).unwrap_or(u64::MAX);
            let named = all
                || req.id.contains(&id)
                || req.images.iter().any(|i| i.matches(&r.fields))
                || (!req.filters.is_empty() && passes(v, &req.filters));
            let text = |f: &str| v.get(f).and_then(Value::as_str).unwrap_or("").to_string();
            named
                && !excluded.contains(&id)
                && (req.only_scan_latest != Some(true)
                    || v.get("IsLatestImage") == Some(&Value::Bool(true)))
                && (req.registry_type.is_empty()
                    || req.registry_type.contains(&text("RegistryType")))
                && (req.namespace.is_empty() || req.namespace.contains(&text("Namespace")))
                && (req.container_running != Some(true)
                    || v.get("IsRunning") == Some(&Value::Bool(true)))
        })
        .map(|(r, _)| r.id)
        .collect();
    if picked.is_empty() && !req.images.is_empty() && req.id.is_empty() && !all {
        return Err(ApiError::image_not_found("Images"));
    }
    Ok(picked)
}

/// Each record with its view.
type Views = Vec<(ImageRecord, Map<String, Value>)>;

fn views(env: &Env) -> Result<(Views, HashMap<i64, Scan>), ApiError> {
    let (records, running) = load(env)?;
    let views = records
        .into_iter()
        .map(|r| {
            let v = view(&r, running.get(&r.id), env.now_ms);
            (r, v)
        })
        .collect();
    Ok((views, running))
}

/// `CreateAssetImageRegistryScanTask` and `...OneKey`: starts scanning the named
/// images; answers the `TaskID`.
pub fn create_task(
    env: &Env,
    _res: &'static Resource,
    raw: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let req: CreateRequest = params(raw)?;
    let kinds: Vec<Finding> = if req.scan_type.is_empty() {
        Finding::ALL.to_vec()
    } else {
        req.scan_type
            .iter()
            .enumerate()
            .map(|(i, t)| {
                Finding::from_scan_type(t).ok_or_else(|| {
                    ApiError::invalid_parameter_value(
                        &format!("ScanType.{i}"),
                        &format!("`{t}` is not CVE, VIRUS or RISK"),
                    )
                })
            })
            .collect::<Result<_, _>>()?
    };
    let (views, running) = views(env)?;
    let ids = selected(&req, &views)?;
    if ids.is_empty() {
        return Err(ApiError::image_not_found("the selection"));
    }
    if let Some(busy) = ids.iter().find(|id| running.contains_key(id)) {
        return Err(ApiError::already_scanning(*busy));
    }
    let duration = env.scan_ms.max(1);
    let timeout = req
        .timeout
        .map(|t| i64::try_from(t.saturating_mul(1000)).unwrap_or(i64::MAX));
    let mut scans = Vec::with_capacity(ids.len());
    let mut records = Vec::with_capacity(ids.len());
    for (record, _) in views.into_iter().filter(|(r, _)| ids.contains(&r.id)) {
        let mut record = record;
        let (length, outcome) = match timeout {
            Some(t) if t < duration => (t.max(0), "SCAN_TIMEOUT"),
            _ if fails(&record, &kinds) => (duration, "SCAN_ERR"),
            _ => (duration, "SCANNED"),
        };
        start(&mut record, &kinds, length);
        scans.push(Scan {
            task: 0,
            image: record.id,
            started_ms: env.now_ms,
            ends_ms: env.now_ms.saturating_add(length),
            full_ms: duration,
            outcome: outcome.into(),
            state: RUNNING.into(),
            stopped_ms: None,
        });
        records.push(record);
    }
    let types: Vec<String> = kinds.iter().map(|k| k.scan_type().to_string()).collect();
    let store = env.store.clone();
    let account = env.account.clone();
    let now = env.now_ms;
    let task = run_store(move || store.create_scan_task(&account, &types, now, &scans, &records))?;
    let mut out = Map::new();
    out.insert("TaskID".into(), Value::from(task));
    Ok(out)
}

/// The scans a status/stop request is about: the task's (`TaskID`), the latest of
/// the named images, or the caller's newest task.
fn scans_in_question(
    env: &Env,
    req: &CreateRequest,
    views: &[(ImageRecord, Map<String, Value>)],
) -> Result<Vec<Scan>, ApiError> {
    let store = env.store.clone();
    let account = env.account.clone();
    if let Some(task) = req.task_id {
        let id = i64::try_from(task).unwrap_or(i64::MAX);
        let found = run_store(move || {
            Ok(match store.scan_task(&account, id)? {
                Some(t) => Some(store.task_scans(t.id)?),
                None => None,
            })
        })?;
        return found.ok_or_else(|| ApiError::resource_not_found_task(task));
    }
    if req.all != Some(true)
        && (!req.id.is_empty() || !req.images.is_empty() || !req.filters.is_empty())
    {
        let ids: HashSet<i64> = selected(req, views)?.into_iter().collect();
        let latest = run_store(move || store.latest_scans(&account))?;
        return Ok(latest
            .into_iter()
            .filter(|s| ids.contains(&s.image))
            .collect());
    }
    let found = run_store(move || {
        Ok(match store.last_scan_task(&account)? {
            Some(t) => Some(store.task_scans(t.id)?),
            None => None,
        })
    })?;
    found.ok_or_else(|| ApiError::image_not_found("any scan task"))
}

/// `DescribeAssetImageRegistryScanStatusOneKey`: progress of a task's images.
pub fn describe_status(
    env: &Env,
    _res: &'static Resource,
    raw: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let req: CreateRequest = params(raw)?;
    let (views, running) = views(env)?;
    let scans = scans_in_question(env, &req, &views)?;
    let by_id: HashMap<i64, &Map<String, Value>> = views.iter().map(|(r, v)| (r.id, v)).collect();
    let mut statuses = Vec::new();
    let (mut done, mut success, mut risky, mut schedule, mut remain) =
        (0u64, 0u64, 0u64, 0u64, 0i64);
    let mut overall = "SCANNED";
    for scan in &scans {
        let Some(v) = by_id.get(&scan.image) else {
            continue;
        };
        let is_running = running
            .get(&scan.image)
            .is_some_and(|r| r.task == scan.task);
        let progress = if is_running {
            progress_at(scan, env.now_ms)
        } else if scan.state == "CANCELED" || scan.state == "SCAN_TIMEOUT" {
            v.get("Progress").and_then(Value::as_u64).unwrap_or(0)
        } else {
            100
        };
        schedule += progress;
        if is_running {
            overall = "SCANNING";
            remain = remain.max(scan.ends_ms - env.now_ms);
        } else {
            done += 1;
            if scan.state == "SCANNED" {
                success += 1;
            } else if overall != "SCANNING" {
                overall = match scan.state.as_str() {
                    "SCAN_TIMEOUT" => "SCAN_TIMEOUT",
                    "SCAN_ERR" if overall != "SCAN_TIMEOUT" => "SCAN_ERR",
                    "CANCELED" if overall == "SCANNED" => "CANCELED",
                    _ => overall,
                };
            }
        }
        let found: u64 = Finding::ALL
            .iter()
            .map(|k| v.get(k.count_field()).and_then(Value::as_u64).unwrap_or(0))
            .sum();
        if found > 0 && !is_running {
            risky += 1;
        }
        let mut item: Map<String, Value> = (*v).clone();
        item.insert(
            "CveProgress".into(),
            v.get("ScanVulProgress").cloned().unwrap_or(Value::from(0)),
        );
        item.insert(
            "RiskProgress".into(),
            v.get("ScanRiskProgress").cloned().unwrap_or(Value::from(0)),
        );
        item.insert(
            "VirusProgress".into(),
            v.get("ScanVirusProgress")
                .cloned()
                .unwrap_or(Value::from(0)),
        );
        statuses.push(Value::Object(item));
    }
    let total = statuses.len() as u64;
    let mut out = Map::new();
    out.insert("ImageTotal".into(), Value::from(total));
    out.insert("ImageScanCnt".into(), Value::from(done));
    out.insert("ImageStatus".into(), Value::Array(statuses));
    out.insert("SuccessCount".into(), Value::from(success));
    out.insert("RiskCount".into(), Value::from(risky));
    out.insert(
        "Schedule".into(),
        Value::from(schedule.checked_div(total).unwrap_or(0)),
    );
    out.insert("Status".into(), Value::from(overall));
    out.insert(
        "ScanRemainTime".into(),
        Value::from((remain.max(0) + 999) / 1000),
    );
    Ok(out)
}

/// `ModifyAssetImageRegistryScanStop` and `...OneKey`: stops the running scans of
/// the named images or task (images not being scanned are left as they are).
pub fn stop_scans(
    env: &Env,
    _res: &'static Resource,
    raw: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let req: CreateRequest = params(raw)?;
    let (views, running) = views(env)?;
    let targets: Vec<Scan> = if req.task_id.is_some() || req.all != Some(true) {
        scans_in_question(env, &req, &views)?
    } else {
        running.values().cloned().collect()
    };
    let now = env.now_ms;
    let mut ended = Vec::new();
    let mut records = Vec::new();
    for scan in targets.into_iter().filter(|s| s.state == RUNNING) {
        if let Some((record, _)) = views.iter().find(|(r, _)| r.id == scan.image) {
            let mut record = record.clone();
            stop(&mut record, &scan, now);
            records.push(record);
        }
        ended.push(Scan {
            state: "CANCELED".into(),
            stopped_ms: Some(now),
            ..scan
        });
    }
    if !ended.is_empty() {
        let store = env.store.clone();
        run_store(move || store.end_scans(&ended, &records))?;
    }
    Ok(Map::new())
}
