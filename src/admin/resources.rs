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
    let (counts, images) = run(move || Ok((store.record_counts()?, store.count_images()?))).await?;
    let list: Vec<Value> = catalog::all()
        .map(|r| {
            let count = if r.name == resources::IMAGES {
                images
            } else {
                counts
                    .iter()
                    .find(|(name, _)| name == r.name)
                    .map_or(0, |(_, n)| *n)
            };
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

fn no_record(name: &str, id: &str) -> AdminError {
    AdminError::not_found_message(&format!("no record `{id}` in `{name}`"))
}

/// A registry image's `Id` (a record of another form names none).
fn image_id(raw: &str) -> Result<i64, AdminError> {
    raw.parse::<i64>()
        .ok()
        .filter(|&id| id >= 0)
        .ok_or_else(|| AdminError::bad_request("the Id must be a non-negative integer"))
}

/// `GET /_emulator/resources/{name}[?account=]`: the collection's records.
pub async fn list_records(
    State(app): State<AppState>,
    Path(name): Path<String>,
    Query(which): Query<Which>,
) -> Result<Json<Value>, AdminError> {
    let res = collection(&name)?;
    let store = app.store.clone();
    let account = which.account;
    let items: Vec<Value> = if res.name == resources::IMAGES {
        let images = run(move || store.list_images()).await?;
        images
            .iter()
            .filter(|r| account.as_deref().is_none_or(|a| a == r.account))
            .map(|r| {
                let mut v = crate::store::fixtures::image_json(r);
                v["Account"] = json!(r.account);
                v
            })
            .collect()
    } else {
        let name = res.name;
        let records = run(move || store.collection_records(name, account.as_deref())).await?;
        records.iter().map(record_json).collect()
    };
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
    if res.name == resources::IMAGES {
        let n = image_id(&id)?;
        return match run(move || store.get_image(n)).await? {
            Some(r) if r.account == account => Ok(Json(crate::store::fixtures::image_json(&r))),
            _ => Err(no_record(&name, &id)),
        };
    }
    match run(move || store.record(res.name, &account, &key)).await? {
        Some(r) => Ok(Json(record_json(&r))),
        None => Err(no_record(&name, &id)),
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
    if res.name == resources::IMAGES {
        let n = image_id(&id)?;
        let deleted = run(move || match store.get_image(n)? {
            Some(r) if r.account == account => store.delete_image(n),
            _ => Ok(false),
        })
        .await?;
        return match deleted {
            true => Ok(StatusCode::NO_CONTENT),
            false => Err(no_record(&name, &id)),
        };
    }
    match run(move || store.delete_records(res.name, &account, &[key])).await? {
        0 => Err(no_record(&name, &id)),
        _ => Ok(StatusCode::NO_CONTENT),
    }
}
