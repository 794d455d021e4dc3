//! The admin API under `/_emulator/`: health, seeding, inspection, reset.
//!
//! Plain JSON with real HTTP statuses (`AdminError`), never the cloud envelope. With
//! `--admin-token`, every route but health needs `Authorization: Bearer <token>`.

mod error;
mod resources;
pub(crate) mod tooling;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::api::BodyError;
use crate::api::envelope::VERSION;
use crate::app::AppState;
use crate::resources::fixtures;
use crate::store::fixtures::{Fed, MAX_RECORD_BYTES};
pub use error::AdminError;
pub(crate) use resources::record_json;

/// The largest admin body. A fixture document is read and written record by record
/// in batches (`write_document`), so what it costs beyond its own bytes is bounded
/// (a batch, and one record of at most 4 MiB of JSON): measured peaks are in the
/// README's "Security" section.
pub const ADMIN_BODY_LIMIT: usize = 64 * 1024 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    let guarded = Router::new()
        .route("/fixtures", post(load_fixtures))
        .route("/images", get(list_images))
        .route("/images/{id}", get(get_image).delete(delete_image))
        .route("/reset", post(reset))
        .route("/state", get(export_state).post(import_state))
        .route("/clock", get(tooling::get_clock).post(tooling::set_clock))
        .route(
            "/stubs",
            post(tooling::add_stub)
                .get(tooling::list_stubs)
                .delete(tooling::clear_stubs),
        )
        .route("/stubs/{id}", delete(tooling::delete_stub))
        .route(
            "/faults",
            post(tooling::add_fault)
                .get(tooling::list_faults)
                .delete(tooling::clear_faults),
        )
        .route("/faults/{id}", delete(tooling::delete_fault))
        .route(
            "/requests",
            get(tooling::list_requests).delete(tooling::clear_requests),
        )
        .route("/actions", get(tooling::list_actions))
        .route("/resources", get(resources::list_resources))
        .route("/resources/{name}", get(resources::list_records))
        .route(
            "/resources/{name}/{id}",
            get(resources::get_record).delete(resources::delete_record),
        )
        .route("/metrics", get(tooling::metrics))
        // The body read here is handed on whole; the extractors need not bound it again.
        .layer(DefaultBodyLimit::max(ADMIN_BODY_LIMIT))
        .route_layer(middleware::from_fn(read_whole_body))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/health", get(health))
        // A download URL works by itself (its `sign`), or with the admin token.
        .route("/exports/{job}", get(tooling::get_export))
        .merge(guarded)
        .nest("/ui", crate::ui::router(state))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> AdminError {
    AdminError::method_not_allowed()
}

/// No admin token is set, or `headers` carry it (`Authorization: Bearer <token>`,
/// compared in constant time).
pub(crate) fn authorized(app: &AppState, headers: &axum::http::HeaderMap) -> bool {
    let Some(expected) = &app.admin_token else {
        return true;
    };
    let sent = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

async fn require_token(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if !authorized(&app, req.headers()) {
        return AdminError::unauthorized().into_response();
    }
    next.run(req).await
}

/// Reads an admin request's body before its handler runs, under the same 10 s read
/// timeout as the cloud API (else `408`) and [`ADMIN_BODY_LIMIT`] (else `413`).
pub(crate) async fn read_whole_body(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    match crate::api::collect_body(body, ADMIN_BODY_LIMIT).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(BodyError::Timeout) => AdminError::body_timeout().into_response(),
        Err(BodyError::TooLarge) => AdminError::too_large(ADMIN_BODY_LIMIT).into_response(),
        Err(BodyError::Broken) => {
            AdminError::bad_request("the body could not be read").into_response()
        }
    }
}

pub(crate) async fn run<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, AdminError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(AdminError::from),
        Err(e) => {
            tracing::error!(error = %e, "admin task failed");
            Err(AdminError::internal())
        }
    }
}

async fn health(State(app): State<AppState>) -> Result<Json<Value>, AdminError> {
    let store = app.store.clone();
    let records = run(move || store.count_images()).await?;
    Ok(Json(
        json!({"status": "ok", "version": VERSION, "records": records}),
    ))
}

async fn load_fixtures(
    State(app): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, AdminError> {
    let n = write_document(&app, body, false).await?;
    Ok(Json(json!({"upserted": n})))
}

/// Checks and writes a fixture document record by record, in batches, in one
/// transaction (`store::Batch`): one record's values in memory at a time, and nothing
/// written when any record is refused. With `replace`, every record and scan there
/// was goes.
pub(crate) async fn write_document(
    app: &AppState,
    body: Bytes,
    replace: bool,
) -> Result<usize, AdminError> {
    enum Refused {
        NotUtf8,
        Fixture(crate::store::fixtures::FixtureError),
        Store(crate::store::StoreError),
    }
    impl From<crate::store::StoreError> for Refused {
        fn from(e: crate::store::StoreError) -> Self {
            Self::Store(e)
        }
    }
    let store = app.store.clone();
    let written =
        tokio::task::spawn_blocking(move || {
            let text = std::str::from_utf8(&body).map_err(|_| Refused::NotUtf8)?;
            store.write_fed(replace, |batch| {
                fixtures::for_each("request body", text, MAX_RECORD_BYTES, |entry, bytes| {
                    match entry {
                        fixtures::Entry::Image(image) => batch.push(image, bytes),
                        fixtures::Entry::Record(record) => batch.push_record(&record),
                    }
                })
                .map_err(|e| match e {
                    Fed::Fixture(e) => Refused::Fixture(e),
                    Fed::Other(e) => Refused::Store(e),
                })
            })
        })
        .await;
    match written {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(Refused::NotUtf8)) => Err(AdminError::bad_request("the body is not UTF-8 text")),
        Ok(Err(Refused::Fixture(e))) => Err(AdminError::fixture(e)),
        Ok(Err(Refused::Store(e))) => Err(AdminError::from(e)),
        Err(e) => {
            tracing::error!(error = %e, "admin task failed");
            Err(AdminError::internal())
        }
    }
}

async fn list_images(State(app): State<AppState>) -> Result<Json<Value>, AdminError> {
    let store = app.store.clone();
    let records = run(move || store.list_images()).await?;
    Ok(Json(
        json!({"images": records.iter().map(crate::store::fixtures::image_json).collect::<Vec<_>>()}),
    ))
}

fn parse_id(raw: &str) -> Result<i64, AdminError> {
    raw.parse::<i64>()
        .ok()
        .filter(|&id| id >= 0)
        .ok_or_else(|| AdminError::bad_request("the Id must be a non-negative integer"))
}

async fn get_image(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, AdminError> {
    let id = parse_id(&id)?;
    let store = app.store.clone();
    match run(move || store.get_image(id)).await? {
        Some(r) => Ok(Json(crate::store::fixtures::image_json(&r))),
        None => Err(AdminError::not_found(id)),
    }
}

async fn delete_image(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AdminError> {
    let id = parse_id(&id)?;
    let store = app.store.clone();
    if run(move || store.delete_image(id)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AdminError::not_found(id))
    }
}

async fn reset(State(app): State<AppState>) -> Result<Json<Value>, AdminError> {
    let store = app.store.clone();
    let startup = app.startup.clone();
    let n = run(move || {
        store.clear_scans()?;
        store.replace_document(&startup.images, &startup.records)
    })
    .await?;
    app.limiter.clear();
    app.exports.clear();
    app.stubs.clear();
    app.faults.clear();
    app.journal.clear();
    app.metrics.clear();
    Ok(Json(json!({"records": n})))
}

/// Everything in the store as one fixture document (records by Id, fields as stored),
/// so export → reset → import gives the same bytes back.
async fn export_state(State(app): State<AppState>) -> Result<Response, AdminError> {
    let store = app.store.clone();
    let (images, records) = run(move || Ok((store.list_images()?, store.all_records()?))).await?;
    let mut doc = serde_json::Map::new();
    doc.insert(
        "images".into(),
        images
            .iter()
            .map(crate::store::fixtures::image_json)
            .collect::<Vec<_>>()
            .into(),
    );
    for record in &records {
        if let Value::Array(items) = doc
            .entry(record.collection.clone())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            items.push(resources::record_json(record));
        }
    }
    let body = serde_json::to_vec(&doc).map_err(|_| AdminError::internal())?;
    Ok(crate::api::envelope::json_response(StatusCode::OK, body))
}

/// Replaces every record with the document's, in one transaction.
async fn import_state(State(app): State<AppState>, body: Bytes) -> Result<Json<Value>, AdminError> {
    let n = write_document(&app, body, true).await?;
    Ok(Json(json!({"records": n})))
}
