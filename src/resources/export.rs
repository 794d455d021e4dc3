//! The export binding: a file of the rows a list action answers for the same
//! `Filters`, `By` and `Order` (`Offset`/`Limit` as given; without `Limit`, every
//! row), with the `ExportField` columns (none: every field of the list's item type).
//! The file is served at once by its `DownloadUrl` (`.xlsx`, or `.csv` at the same
//! URL ending `.csv`); the job is recorded in `export_jobs`, `RUNNING` until the task
//! duration has passed, then `SUCCESS` with its `DownloadURL`
//! (`DescribeExportJobResult`, `DescribeExportJobDownloadURL`,
//! `DescribeExportJobManageList`).

use serde_json::{Map, Value, json};

use super::engine::{item_type, linked, load, save, transition};
use super::hooks::datetime;
use super::{Bind, Env, Resource, bound, project, query, resource};
use crate::error::ApiError;
use crate::exports::{self, Column};
use crate::spec::{self, Action};
use crate::store::Record;

/// How long a job's file is said to stay (`Timeout` of `ExportJobInfo`).
const KEPT_MS: i64 = 24 * 3600 * 1000;

pub fn export(
    env: &Env,
    res: &Resource,
    action: &'static Action,
    list: &str,
    params: Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let svc = spec::tcss();
    let (Some(list_action), Some((list_res, Bind::List { items, .. }))) =
        (svc.action(list), bound(list))
    else {
        tracing::error!(action = action.name, list, "export bound to no list");
        return Err(ApiError::internal());
    };
    let item = item_type(list_action, items);
    let shown = linked(env, list_res, &params)?
        .iter()
        .map(|r| project(&r.fields, item))
        .collect();
    let rows = query::select(list_res, list_action, item, shown, &params)?;
    write_page(env, res, action, item, rows, &params)
}

/// The file of `rows` (shown as `item`, filtered and sorted) for the export
/// `action` of `res`, paged by the request's `Offset`/`Limit` (without `Limit`,
/// every row): written, served and recorded as a job. For exports of lists that a
/// hook computes (affected images, a vulnerability's containers).
pub fn write_page(
    env: &Env,
    res: &Resource,
    action: &'static Action,
    item: &'static spec::Object,
    rows: Vec<Map<String, Value>>,
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let offset = params.get("Offset").and_then(Value::as_u64).unwrap_or(0);
    let limit = params
        .get("Limit")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    let rows: Vec<_> = rows
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    write(env, res, action, item, &rows, params)
}

/// Writes `rows` (shown as `item`) as the file of an export job for `res`, with the
/// request's `ExportField` columns (none: every field of `item`), and records the
/// job: for hooks whose list is computed rather than stored.
pub fn write(
    env: &Env,
    res: &Resource,
    action: &'static Action,
    item: &'static spec::Object,
    rows: &[Map<String, Value>],
    params: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let asked: Vec<String> = params
        .get("ExportField")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let fields: Vec<&str> = item.members.iter().map(|m| m.name).collect();
    let columns = if asked.is_empty() {
        fields
            .iter()
            .map(|f| Column {
                header: (*f).to_string(),
                field: Some((*f).to_string()),
            })
            .collect()
    } else {
        crate::actions::registry::findings::export_columns(action.name, &asked, &fields, item.name)?
    };
    let made = exports::build(&columns, rows, exports::MAX_FILE_BYTES)?;
    let job = uuid::Uuid::new_v4().to_string();
    let sign = exports::new_sign();
    let url = exports::download_url(&env.base_url, &job, &sign);
    env.exports.put(job.clone(), sign, made);
    record_job(env, &job, res.name, &url)?;
    let mut out = Map::new();
    out.insert("JobId".into(), json!(job));
    out.insert("DownloadUrl".into(), json!(url));
    Ok(out)
}

/// The job in `export_jobs`: `RUNNING` now, `SUCCESS` with its URL after the task
/// duration.
fn record_job(env: &Env, job: &str, source: &str, url: &str) -> Result<(), ApiError> {
    let Some(jobs) = resource("export_jobs") else {
        return Ok(());
    };
    let n = load(env, jobs)?.len() + 1;
    let mut fields = Map::new();
    fields.insert("JobID".into(), json!(job));
    fields.insert("JobName".into(), json!(format!("{source}-{n}")));
    fields.insert("Source".into(), json!(source));
    fields.insert("InsertTime".into(), json!(datetime(env.now_ms)));
    fields.insert("Timeout".into(), json!(datetime(env.now_ms + KEPT_MS)));
    fields.insert("FailureMsg".into(), json!(""));
    transition(
        &mut fields,
        &[
            ("ExportStatus", json!("RUNNING")),
            ("ExportProgress", json!(0)),
        ],
        env.now_ms + env.task_ms,
        &[
            ("ExportStatus", json!("SUCCESS")),
            ("ExportProgress", json!(100)),
            ("DownloadURL", json!(url)),
        ],
    );
    let record = Record {
        collection: jobs.name.to_string(),
        account: env.account.clone(),
        id: job.to_string(),
        seq: 0,
        fields,
    };
    save(env, std::slice::from_ref(&record))
}
