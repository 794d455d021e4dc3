//! The admin API under `/_emulator/`: health, seeding, inspection, reset.
//!
//! Plain JSON with real HTTP statuses (`AdminError`), never the cloud envelope. With
//! `--admin-token`, every route but health needs `Authorization: Bearer <token>`.

mod error;

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::actions;
use crate::api::envelope::VERSION;
use crate::app::AppState;
use crate::spec;
use crate::store::{ImageRecord, fixtures};
use crate::stubs::NewStub;
pub use error::AdminError;

/// Admin bodies may be large (bulk seeding).
const ADMIN_BODY_LIMIT: usize = 512 * 1024 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    let guarded = Router::new()
        .route("/fixtures", post(load_fixtures))
        .route("/images", get(list_images))
        .route("/images/{id}", get(get_image).delete(delete_image))
        .route("/reset", post(reset))
        .route("/stubs", post(add_stub).get(list_stubs).delete(clear_stubs))
        .route("/stubs/{id}", axum::routing::delete(delete_stub))
        .route("/actions", get(list_actions))
        .layer(DefaultBodyLimit::max(ADMIN_BODY_LIMIT))
        .route_layer(middleware::from_fn_with_state(state, require_token));
    Router::new().route("/health", get(health)).merge(guarded)
}

async fn require_token(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(expected) = &app.admin_token {
        let sent = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
            return AdminError::unauthorized().into_response();
        }
    }
    next.run(req).await
}

async fn run<T: Send + 'static>(
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

fn record_json(r: &ImageRecord) -> Value {
    let mut map = serde_json::Map::with_capacity(r.fields.len() + 2);
    map.insert("Id".into(), json!(r.id));
    map.insert("Account".into(), json!(r.account));
    map.extend(r.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    Value::Object(map)
}

async fn load_fixtures(
    State(app): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, AdminError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| AdminError::bad_request("the body is not UTF-8 text"))?;
    let records = fixtures::parse("request body", text).map_err(AdminError::fixture)?;
    let store = app.store.clone();
    let n = run(move || store.upsert_images(&records)).await?;
    Ok(Json(json!({"upserted": n})))
}

async fn list_images(State(app): State<AppState>) -> Result<Json<Value>, AdminError> {
    let store = app.store.clone();
    let records = run(move || store.list_images()).await?;
    Ok(Json(
        json!({"images": records.iter().map(record_json).collect::<Vec<_>>()}),
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
        Some(r) => Ok(Json(record_json(&r))),
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
    let n = run(move || store.replace_images(&startup)).await?;
    app.limiter.clear();
    app.stubs.clear();
    Ok(Json(json!({"records": n})))
}

async fn add_stub(
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

async fn list_stubs(State(app): State<AppState>) -> Json<Value> {
    Json(app.stubs.list())
}

async fn clear_stubs(State(app): State<AppState>) -> StatusCode {
    app.stubs.clear();
    StatusCode::NO_CONTENT
}

async fn delete_stub(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AdminError> {
    let id: u64 = id
        .parse()
        .map_err(|_| AdminError::bad_request("a stub id is a positive integer"))?;
    if app.stubs.remove(id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AdminError::no_stub(id))
    }
}

/// Every action, and how it is answered: `stateful` (hand-written), `example`
/// (documented example), `stubbed` (a stub answers at least some calls).
async fn list_actions(State(app): State<AppState>) -> Json<Value> {
    let svc = spec::tcss();
    let mut counts = serde_json::Map::new();
    let actions: Vec<Value> = svc
        .actions
        .iter()
        .map(|a| {
            let how = if app.stubs.covers(a.name) {
                "stubbed"
            } else if actions::STATEFUL.contains(&a.name) {
                "stateful"
            } else {
                "example"
            };
            let n = counts.entry(how).or_insert(json!(0));
            *n = json!(n.as_u64().unwrap_or(0) + 1);
            json!({"action": a.name, "answered_by": how, "examples": a.examples.len(), "deprecated": a.deprecated})
        })
        .collect();
    Json(json!({"service": svc.name, "version": svc.version, "counts": counts, "actions": actions}))
}
