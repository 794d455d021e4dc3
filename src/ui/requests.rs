//! The Requests page: the journal, newest first, filtered by action, outcome code and
//! SecretId and refreshed live; and one call opened: its parameters, answer, latency
//! and, for a refused signature, what the emulator computed beside what was signed.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::{BASE, filled, layout, message_page, pretty, see_other, time_text};
use crate::app::AppState;
use crate::journal::{self, Entry};

/// The filters of the Requests page (blank fields are no filter).
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    action: Option<String>,
    code: Option<String>,
    secret_id: Option<String>,
    /// `rows`: only the table's rows (what the live refresh fetches).
    fragment: Option<String>,
}

impl Filters {
    fn query(&self) -> journal::Query {
        journal::Query {
            action: filled(&self.action).map(str::to_string),
            code: filled(&self.code).map(str::to_string),
            secret_id: filled(&self.secret_id).map(str::to_string),
            ..journal::Query::default()
        }
    }
}

/// `GET /_emulator/ui/requests[?action=&code=&secret_id=][&fragment=rows]`.
pub async fn list(State(app): State<AppState>, Query(filters): Query<Filters>) -> Response {
    let entries = app.journal.find(&filters.query(), None);
    if filters.fragment.as_deref() == Some("rows") {
        return rows(&entries).into_response();
    }
    render(&app, &filters, &entries).into_response()
}

/// The whole page of `entries` (oldest first; shown newest first).
pub fn render(app: &AppState, filters: &Filters, entries: &[Arc<Entry>]) -> Markup {
    let value = |f: &Option<String>| f.clone().unwrap_or_default();
    layout(
        "Requests",
        Some("/requests"),
        html! {
            h1 { "Requests" }
            form.filters method="get" action={ (BASE) "/requests" } role="search" {
                label { "Action " input name="action" value=(value(&filters.action)) placeholder="any action"; }
                label { "Outcome code " input name="code" value=(value(&filters.code)) placeholder="any code"; }
                label { "SecretId " input name="secret_id" value=(value(&filters.secret_id)) placeholder="any SecretId"; }
                button type="submit" { "Filter" }
                a href={ (BASE) "/requests" } { "Clear filters" }
            }
            div.bar {
                label { input #live type="checkbox" checked; " Live (refresh every 2 s)" }
                span #count aria-live="polite" {
                    (entries.len()) " calls shown; the journal keeps " (app.journal.len()) " in all"
                }
                form method="post" action={ (BASE) "/requests" } {
                    button type="submit" { "Clear the journal" }
                }
            }
            table.journal {
                caption.visually-hidden { "Calls, newest first" }
                thead { tr {
                    th scope="col" { "#" } th scope="col" { "Time (emulator)" } th scope="col" { "Action" }
                    th scope="col" { "SecretId" } th scope="col" { "Client" } th scope="col" { "Outcome" }
                    th scope="col" { "Latency" }
                } }
                tbody #rows { (rows(entries)) }
            }
        },
    )
}

/// The table's rows, newest first.
fn rows(entries: &[Arc<Entry>]) -> Markup {
    html! {
        @for e in entries.iter().rev() {
            tr {
                td { a href={ (BASE) "/requests/" (e.seq) } { (e.seq) } }
                td { (time_text(e.time_ms)) }
                td { (e.action.as_deref().unwrap_or("-")) }
                td { (e.secret_id.as_deref().unwrap_or("-")) }
                td { (e.client.as_deref().unwrap_or("-")) }
                td class=(if e.code == "Success" { "ok" } else { "bad" }) { (e.code) }
                td.num { (latency(e.latency_us)) }
            }
        }
    }
}

fn latency(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1000.0)
}

/// `GET /_emulator/ui/requests/{seq}`: one call.
pub async fn detail(State(app): State<AppState>, Path(seq): Path<String>) -> Response {
    let Some(e) = seq.parse().ok().and_then(|seq| app.journal.get(seq)) else {
        return message_page(
            StatusCode::NOT_FOUND,
            "No such call",
            "The journal does not keep this call (any more): it keeps the newest calls within --journal-size and --journal-bytes.",
        )
        .into_response();
    };
    let title = format!("Call {} · {}", e.seq, e.action.as_deref().unwrap_or("-"));
    layout(
        &title,
        Some("/requests"),
        html! {
            p { a href={ (BASE) "/requests" } { "← All requests" } }
            h1 { (title) }
            dl.facts {
                dt { "Outcome" } dd class=(if e.code == "Success" { "ok" } else { "bad" }) { (e.code) }
                dt { "Time (emulator)" } dd { (time_text(e.time_ms)) }
                dt { "Latency" } dd { (latency(e.latency_us)) }
                dt { "RequestId" } dd { code { (e.request_id) } }
                dt { "SecretId" } dd { (e.secret_id.as_deref().unwrap_or("-")) }
                dt { "Account" } dd { (e.account.as_deref().unwrap_or("-")) }
                dt { "Client" } dd #client { (e.client.as_deref().unwrap_or("-")) }
            }
            @if e.canonical_request.is_some() || e.string_to_sign.is_some() {
                (signature(&e))
            }
            h2 { "Parameters" }
            @if e.params.get() == "null" {
                p { "Not kept: the call was refused before its signature was verified." }
            } @else {
                pre #params tabindex="0" { (pretty(e.params.get())) }
            }
            h2 { "Answer" }
            @match &e.answer {
                Some(answer) => pre #answer tabindex="0" { (pretty(&String::from_utf8_lossy(answer))) },
                None => p { "No answer: the connection was dropped (fault injection)." },
            }
        },
    )
    .into_response()
}

/// Why a signature was refused: the likely cause, then the emulator's canonical
/// request and string to sign beside the headers that were signed.
fn signature(e: &Entry) -> Markup {
    html! {
        section.signature aria-labelledby="why" {
            h2 #why { "Why the signature was refused" }
            @if let Some(cause) = &e.cause {
                h3 { "Likely cause" }
                ul #cause { @for line in cause.lines() { li { (line) } } }
            }
            p { "What the emulator computed from the request it received; compare it with what your client computed (most SDKs log it at debug level)." }
            div.columns {
                @if let Some(text) = &e.canonical_request {
                    div { h3 { "Canonical request" } pre #canonical-request tabindex="0" { (text) } }
                }
                @if let Some(text) = &e.string_to_sign {
                    div { h3 { "String to sign" } pre #string-to-sign tabindex="0" { (text) } }
                }
                @if let Some(text) = &e.signed_headers {
                    div { h3 { "Signed headers, as received" } pre #signed-headers tabindex="0" { (text) } }
                }
            }
        }
    }
}

/// `POST /_emulator/ui/requests`: clears the journal.
pub async fn clear(State(app): State<AppState>) -> Response {
    app.journal.clear();
    see_other("/requests")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Call;

    /// Not a timed test: it checks the page is built in one pass over the entries
    /// (the time goal is measured in `bench/`).
    #[test]
    fn a_page_of_a_thousand_calls_shows_each_newest_first() {
        let entries: Vec<Arc<Entry>> = (0..1000)
            .map(|i| {
                let mut e = Entry::new(Call {
                    time_ms: 1_700_000_000_000 + i,
                    action: Some("DescribeAssetImageRegistryDetail"),
                    secret_id: Some("AKIDTCSSEMULATOR"),
                    code: if i % 2 == 0 {
                        "Success"
                    } else {
                        "ResourceNotFound"
                    },
                    latency_us: 84,
                    ..Call::default()
                });
                e.seq = i as u64;
                Arc::new(e)
            })
            .collect();
        let html = rows(&entries).into_string();
        assert_eq!(html.matches("<tr>").count(), 1000);
        let newest = html.find("/requests/999\"").unwrap();
        let oldest = html.find("/requests/0\"").unwrap();
        assert!(newest < oldest);
    }
}
