//! Admin routes for test tooling: stubs, faults, the request journal, the action
//! list and metrics.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Value, json};

use super::{AdminError, run};
use crate::actions;
use crate::api::envelope::json_response;
use crate::app::AppState;
use crate::faults::NewFault;
use crate::journal;
use crate::metrics::Gauges;
use crate::spec;
use crate::stubs::NewStub;

fn parse_id(raw: &str, what: &str) -> Result<u64, AdminError> {
    raw.parse()
        .map_err(|_| AdminError::bad_request(&format!("a {what} id is a positive integer")))
}

pub async fn add_stub(
    State(app): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AdminError> {
    let new: NewStub = serde_json::from_slice(&body)
        .map_err(|e| AdminError::bad_request(&format!("not a stub: {e}")))?;
    let id = app
        .stubs
        .add(spec::tcss(), new)
        .map_err(|e| AdminError::bad_request(&e))?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

pub async fn list_stubs(State(app): State<AppState>) -> Json<Value> {
    Json(app.stubs.list())
}

pub async fn clear_stubs(State(app): State<AppState>) -> StatusCode {
    app.stubs.clear();
    StatusCode::NO_CONTENT
}

pub async fn delete_stub(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AdminError> {
    let id = parse_id(&id, "stub")?;
    if app.stubs.remove(id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AdminError::not_found_thing("stub", id))
    }
}

pub async fn add_fault(
    State(app): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AdminError> {
    let new: NewFault = serde_json::from_slice(&body)
        .map_err(|e| AdminError::bad_request(&format!("not a fault: {e}")))?;
    let id = app
        .faults
        .add(spec::tcss(), new)
        .map_err(|e| AdminError::bad_request(&e))?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

pub async fn list_faults(State(app): State<AppState>) -> Json<Value> {
    Json(app.faults.list())
}

pub async fn clear_faults(State(app): State<AppState>) -> StatusCode {
    app.faults.clear();
    StatusCode::NO_CONTENT
}

pub async fn delete_fault(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AdminError> {
    let id = parse_id(&id, "fault")?;
    if app.faults.remove(id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AdminError::not_found_thing("fault", id))
    }
}

/// `GET /_emulator/requests?action=&code=&secret_id=&since=&limit=`.
pub async fn list_requests(
    State(app): State<AppState>,
    query: Result<Query<journal::Query>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AdminError> {
    let Query(query) = query.map_err(|e| AdminError::bad_request(&e.body_text()))?;
    let since_ms = match &query.since {
        Some(raw) => Some(
            chrono::DateTime::parse_from_rfc3339(raw)
                .map_err(|_| AdminError::bad_request("`since` must be an RFC 3339 time"))?
                .timestamp_millis(),
        ),
        None => None,
    };
    Ok(journal_response(app.journal.find(&query, since_ms)))
}

/// `{"requests": [...]}`, written a page of entries at a time as the client reads it:
/// the entries are shared with the journal, never copied whole into one body.
fn journal_response(entries: Vec<Arc<journal::Entry>>) -> Response {
    const PAGE: usize = 64;
    let pages = entries.len().div_ceil(PAGE);
    let page = move |p: usize| {
        let mut buf = Vec::with_capacity(PAGE * 512);
        for (i, entry) in entries.iter().enumerate().skip(p * PAGE).take(PAGE) {
            if i > 0 {
                buf.push(b',');
            }
            // Writing to memory fails only for maps with non-string keys: none here.
            let _ = serde_json::to_writer(&mut buf, entry.as_ref());
        }
        Bytes::from(buf)
    };
    let chunks = std::iter::once(Bytes::from_static(b"{\"requests\":["))
        .chain((0..pages).map(page))
        .chain(std::iter::once(Bytes::from_static(b"]}")));
    let body = Body::from_stream(futures_util::stream::iter(
        chunks.map(Ok::<_, std::convert::Infallible>),
    ));
    json_response(StatusCode::OK, body)
}

pub async fn clear_requests(State(app): State<AppState>) -> StatusCode {
    app.journal.clear();
    StatusCode::NO_CONTENT
}

/// Prometheus text format.
pub async fn metrics(State(app): State<AppState>) -> Result<Response, AdminError> {
    let store = app.store.clone();
    let records = run(move || store.count_images()).await?;
    let (exports, export_bytes) = app.exports.usage();
    let text = app.metrics.render(&Gauges {
        records,
        journal_entries: app.journal.len(),
        journal_bytes: app.journal.bytes(),
        stubs: app.stubs.len(),
        faults: app.faults.len(),
        exports,
        export_bytes,
    });
    let mut res = json_response(StatusCode::OK, text.into_bytes());
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    Ok(res)
}

/// Every action, and how it is answered: `stateful` (hand-written), `example`
/// (documented example), `stubbed` (a stub answers at least some calls).
pub async fn list_actions(State(app): State<AppState>) -> Json<Value> {
    let svc = spec::tcss();
    let mut counts = serde_json::Map::new();
    let actions: Vec<Value> = svc
        .actions
        .iter()
        .map(|a| {
            let how = if app.stubs.covers(a.name) {
                "stubbed"
            } else if actions::is_stateful(a.name) {
                "stateful"
            } else {
                "example"
            };
            let n = counts.entry(how).or_insert(json!(0));
            *n = json!(n.as_u64().unwrap_or(0) + 1);
            let mut entry = json!({"action": a.name, "answered_by": how, "examples": a.examples.len(), "deprecated": a.deprecated});
            if let Some(res) = crate::resources::bound(a.name).map(|(r, _)| r.name) {
                entry["resource"] = json!(res);
            } else if how != "stateful" {
                entry["why"] = json!(crate::resources::unbound::why(a));
            }
            entry
        })
        .collect();
    Json(json!({"service": svc.name, "version": svc.version, "counts": counts, "actions": actions}))
}

fn clock_json(app: &AppState) -> Value {
    let now = app.clock.now_ms();
    let text = chrono::DateTime::from_timestamp_millis(now)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    json!({"now": text, "frozen": app.clock.is_frozen()})
}

/// `GET /_emulator/clock`: `{"now": "<RFC 3339>", "frozen": bool}`.
pub async fn get_clock(State(app): State<AppState>) -> Json<Value> {
    Json(clock_json(&app))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockChange {
    /// `true`: back to the machine's time, running (as at start-up), before the rest.
    #[serde(default)]
    real: bool,
    freeze: Option<bool>,
    now: Option<String>,
    advance_seconds: Option<f64>,
}

/// `POST /_emulator/clock`: goes back to real time (`real`), sets `now`, then advances
/// by `advance_seconds`, then freezes or releases; answers the clock as `GET` does.
pub async fn set_clock(
    State(app): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, AdminError> {
    let change: ClockChange = serde_json::from_slice(&body).map_err(|e| {
        AdminError::bad_request(&format!(
            "not a clock change ({{\"real\": bool, \"freeze\": bool, \"now\": RFC 3339, \"advance_seconds\": number}}): {e}"
        ))
    })?;
    let now = match &change.now {
        Some(raw) => Some(
            chrono::DateTime::parse_from_rfc3339(raw)
                .map_err(|_| AdminError::bad_request("`now` must be an RFC 3339 time"))?
                .timestamp_millis(),
        ),
        None => None,
    };
    let advance = match change.advance_seconds {
        Some(s) if s.is_finite() && s.abs() < 1e12 => Some((s * 1000.0).round() as i64),
        Some(_) => {
            return Err(AdminError::bad_request(
                "`advance_seconds` must be a finite number of seconds",
            ));
        }
        None => None,
    };
    if change.real {
        app.clock.to_real();
    }
    if now.is_some() || advance.is_some() || change.freeze.is_some() {
        app.clock.apply(now, advance, change.freeze);
    }
    Ok(Json(clock_json(&app)))
}

/// The query of a download URL.
#[derive(Debug, serde::Deserialize)]
pub struct Download {
    sign: Option<String>,
}

/// `GET /_emulator/exports/{job}?sign=…`: the CSV an export action made, for the URL it
/// answered (its `sign`), or for an admin without it.
pub async fn get_export(
    State(app): State<AppState>,
    Path(job): Path<String>,
    query: Result<Query<Download>, axum::extract::rejection::QueryRejection>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AdminError> {
    let Query(query) = query.map_err(|e| AdminError::bad_request(&e.body_text()))?;
    let admin = super::authorized(&app, &headers);
    if query.sign.is_none() && !admin {
        return Err(AdminError::unauthorized());
    }
    let (job, format, content_type) = match job.strip_suffix(".xlsx") {
        Some(job) => (
            job,
            crate::exports::Format::Xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        None => (
            job.trim_end_matches(".csv"),
            crate::exports::Format::Csv,
            "text/csv; charset=utf-8",
        ),
    };
    let file = app
        .exports
        .get_as(job, query.sign.as_deref(), admin, format)
        .ok_or_else(|| AdminError::not_found_message(&format!("no export `{job}`")))?;
    let mut res = json_response(StatusCode::OK, file);
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(content_type),
    );
    Ok(res)
}
