//! The Resources page: every collection with its count, a collection's records (each
//! deletable), and a fixture document pasted or uploaded, checked and written as
//! `POST /_emulator/fixtures` does.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::{BASE, layout, message_page, see_other};
use crate::admin::{AdminError, run};
use crate::app::AppState;
use crate::resources::{self, catalog};

// The registry images, which the store keeps apart from the other collections.
use crate::resources::IMAGES;

/// `GET /_emulator/ui/resources`.
pub async fn list(State(app): State<AppState>) -> Response {
    page(&app, None).await
}

/// The collections page, with what a fixture document came to (`Ok(n)`: written).
async fn page(app: &AppState, loaded: Option<Result<usize, AdminError>>) -> Response {
    let store = app.store.clone();
    let counts = match run(move || Ok((store.count_images()?, store.record_counts()?))).await {
        Ok(counts) => counts,
        Err(e) => return message_page(e.status(), "Resources", e.message()).into_response(),
    };
    let (images, counts) = counts;
    let count = |name: &str| {
        if name == IMAGES {
            return images;
        }
        counts
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, n)| *n)
    };
    let status = match &loaded {
        Some(Err(e)) => e.status(),
        _ => StatusCode::OK,
    };
    let body = layout(
        "Resources",
        Some("/resources"),
        html! {
            h1 { "Resources" }
            table {
                caption.visually-hidden { "Collections" }
                thead { tr { th scope="col" { "Collection" } th scope="col" { "Identifier" } th scope="col" { "Records" } } }
                tbody {
                    @for r in catalog::all() {
                        tr {
                            td { a href={ (BASE) "/resources/" (r.name) } { (r.name) } }
                            td { (r.id.member().unwrap_or("-")) } td.num { (count(r.name)) }
                        }
                    }
                }
            }
            h2 #load { "Load a fixture document" }
            @match &loaded {
                Some(Ok(n)) => p.ok role="status" { "Written: " (n) " records." },
                Some(Err(e)) => p.error role="alert" { "Refused, nothing written: " (e.message()) },
                None => {},
            }
            p { "Checked record by record and written in one transaction, as " code { "POST /_emulator/fixtures" } " does: one bad record writes nothing." }
            form method="post" action={ (BASE) "/fixtures#load" } enctype="multipart/form-data" {
                label for="document" { "Paste a document" }
                textarea #document name="document" rows="8" placeholder=r#"{"images": [{"Id": 1, "ImageName": "nginx", "ImageTag": "1.25"}]}"# {}
                label for="file" { "or upload a file" }
                input #file type="file" name="file" accept=".json,application/json";
                button type="submit" { "Load" }
            }
        },
    );
    (status, body).into_response()
}

/// `GET /_emulator/ui/resources/{name}`: the collection's records.
pub async fn collection(State(app): State<AppState>, Path(name): Path<String>) -> Response {
    let store = app.store.clone();
    let records: Result<Vec<(String, String, serde_json::Value)>, AdminError> = if name == IMAGES {
        run(move || store.list_images()).await.map(|images| {
            images
                .iter()
                .map(|r| {
                    let json = crate::store::fixtures::image_json(r);
                    (
                        r.id.to_string(),
                        json["Account"].as_str().unwrap_or_default().to_string(),
                        json,
                    )
                })
                .collect()
        })
    } else {
        let Some(res) = resources::resource(&name) else {
            return message_page(
                StatusCode::NOT_FOUND,
                "No such collection",
                &format!("There is no collection `{name}`."),
            )
            .into_response();
        };
        run(move || store.collection_records(res.name, None))
            .await
            .map(|records| {
                records
                    .iter()
                    .map(|r| {
                        (
                            r.id.clone(),
                            r.account.clone(),
                            crate::admin::record_json(r),
                        )
                    })
                    .collect()
            })
    };
    let records = match records {
        Ok(records) => records,
        Err(e) => return message_page(e.status(), "Resources", e.message()).into_response(),
    };
    layout(
        &name,
        Some("/resources"),
        html! {
            p { a href={ (BASE) "/resources" } { "← All collections" } }
            h1 { (name) }
            p { (records.len()) " records." }
            ul.records {
                @for (id, account, json) in &records {
                    li {
                        details {
                            summary { code { (id) } " · account " (account) }
                            pre tabindex="0" { (serde_json::to_string_pretty(json).unwrap_or_default()) }
                        }
                        form method="post" action={ (BASE) "/resources/" (name) "/delete" } {
                            input type="hidden" name="id" value=(id);
                            input type="hidden" name="account" value=(account);
                            button type="submit" aria-label={ "Delete " (id) } { "Delete" }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct Which {
    id: String,
    account: String,
}

/// `POST /_emulator/ui/resources/{name}/delete` (`id`, `account`).
pub async fn delete(
    State(app): State<AppState>,
    Path(name): Path<String>,
    axum::Form(which): axum::Form<Which>,
) -> Response {
    let store = app.store.clone();
    let deleted = if name == IMAGES {
        match which.id.parse::<i64>() {
            Ok(id) => run(move || store.delete_image(id)).await,
            Err(_) => Ok(false),
        }
    } else {
        match resources::resource(&name) {
            Some(res) => run(move || store.delete_records(res.name, &which.account, &[which.id]))
                .await
                .map(|n| n > 0),
            None => Ok(false),
        }
    };
    match deleted {
        Ok(true) => see_other(&format!("/resources/{name}")),
        Ok(false) => message_page(
            StatusCode::NOT_FOUND,
            "Not found",
            "No such record (deleted already?).",
        )
        .into_response(),
        Err(e) => message_page(e.status(), "Not deleted", e.message()).into_response(),
    }
}

/// `POST /_emulator/ui/fixtures` (multipart: `document` pasted, or `file`).
pub async fn load(State(app): State<AppState>, mut form: Multipart) -> Response {
    let mut pasted = bytes::Bytes::new();
    let mut file = bytes::Bytes::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let Ok(data) = field.bytes().await else {
                    break;
                };
                match name.as_str() {
                    "document" => pasted = data,
                    "file" => file = data,
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => {
                let refused = AdminError::bad_request(&format!("the form could not be read: {e}"));
                return page(&app, Some(Err(refused))).await;
            }
        }
    }
    let body = if file.is_empty() { pasted } else { file };
    let written = crate::admin::write_document(&app, body, false).await;
    page(&app, Some(written)).await
}
