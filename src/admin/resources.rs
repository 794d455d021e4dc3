//! `/_emulator/resources`: the resource table with each collection's count, and the
//! records of a collection, by identifier.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AdminError, run};
use crate::app::AppState;
use crate::resources::{self, catalog};
use crate::store::Record;

/// A record as the admin routes and the state export show it: its fields, with
/// `Account`.
pub fn record_json(r: &Record) -> Value {
    let mut map = serde_json::Map::with_capacity(r.fields.len() + 1);
    map.extend(r.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    map.insert("Account".into(), json!(r.account));
    Value::Object(map)
}

/// `GET /_emulator/resources`: every resource, its identifier member, the types it
/// is shown as, the actions bound to it and how many records it holds.
pub async fn list_resources(State(app): State<AppState>) -> Result<Json<Value>, AdminError> {
    let store = app.store.clone();
    let counts = run(move || store.record_counts()).await?;
    let list: Vec<Value> = catalog::all()
        .map(|r| {
            let count = counts
                .iter()
                .find(|(name, _)| name == r.name)
                .map_or(0, |(_, n)| *n);
            json!({
                "name": r.name,
                "id": r.id.member(),
                "types": r.types,
                "actions": r.bind.iter().map(|b| json!({"action": b.action(), "binding": b.kind()})).collect::<Vec<_>>(),
                "count": count,
            })
        })
        .collect();
    Ok(Json(json!({"resources": list})))
}

#[derive(Debug, Deserialize)]
pub struct Which {
    /// The account whose records to show (default: every account).
    account: Option<String>,
}

fn collection(name: &str) -> Result<&'static resources::Resource, AdminError> {
    resources::resource(name).ok_or_else(|| {
        AdminError::not_found_message(&format!(
            "no collection `{name}` (see GET /_emulator/resources)"
        ))
    })
}

/// `GET /_emulator/resources/{name}[?account=]`: the collection's records.
pub async fn list_records(
    State(app): State<AppState>,
    Path(name): Path<String>,
    Query(which): Query<Which>,
) -> Result<Json<Value>, AdminError> {
    let res = collection(&name)?;
    let store = app.store.clone();
    let records = run(move || store.all_records()).await?;
    let items: Vec<Value> = records
        .iter()
        .filter(|r| r.collection == res.name)
        .filter(|r| which.account.as_deref().is_none_or(|a| a == r.account))
        .map(record_json)
        .collect();
    Ok(Json(json!({ "name": res.name, "records": items })))
}

/// `GET /_emulator/resources/{name}/{id}[?account=]` (account default: `default`).
pub async fn get_record(
    State(app): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    Query(which): Query<Which>,
) -> Result<Json<Value>, AdminError> {
    let res = collection(&name)?;
    let account = which
        .account
        .unwrap_or_else(|| crate::signature::DEFAULT_ACCOUNT.to_string());
    let store = app.store.clone();
    let key = id.clone();
    match run(move || store.record(res.name, &account, &key)).await? {
        Some(r) => Ok(Json(record_json(&r))),
        None => Err(AdminError::not_found_message(&format!(
            "no record `{id}` in `{name}`"
        ))),
    }
}

/// `DELETE /_emulator/resources/{name}/{id}[?account=]`: 204, or 404.
pub async fn delete_record(
    State(app): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    Query(which): Query<Which>,
) -> Result<StatusCode, AdminError> {
    let res = collection(&name)?;
    let account = which
        .account
        .unwrap_or_else(|| crate::signature::DEFAULT_ACCOUNT.to_string());
    let store = app.store.clone();
    let key = id.clone();
    match run(move || store.delete_records(res.name, &account, &[key])).await? {
        0 => Err(AdminError::not_found_message(&format!(
            "no record `{id}` in `{name}`"
        ))),
        _ => Ok(StatusCode::NO_CONTENT),
    }
}
