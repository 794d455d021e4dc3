//! The Stubs and faults page (listed, added from a form, deleted) and the Clock page
//! (now, frozen or not, advance and freeze buttons). A form is turned into the JSON
//! body the admin route takes and checked by the same code.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{BASE, filled, layout, see_other, time_text};
use crate::app::AppState;
use crate::faults::NewFault;
use crate::spec;
use crate::stubs::NewStub;

/// `GET /_emulator/ui/stubs`.
pub async fn page(State(app): State<AppState>) -> Markup {
    render(&app, None)
}

/// The page, with the refusal of a form just sent (`(which form, why)`).
fn render(app: &AppState, refused: Option<(&str, String)>) -> Markup {
    let stubs = app.stubs.list();
    let faults = app.faults.list();
    let refusal = |form: &str| {
        refused
            .as_ref()
            .filter(|(f, _)| *f == form)
            .map(|(_, why)| why.clone())
    };
    layout(
        "Stubs and faults",
        Some("/stubs"),
        html! {
            h1 { "Stubs and faults" }
            datalist #actions { @for a in spec::tcss().actions { option value=(a.name) {} } }
            section aria-labelledby="stubs" {
                h2 #stubs { "Stubs" }
                (listing(&stubs["stubs"], "stubs"))
                h3 { "Add a stub" }
                @if let Some(why) = refusal("stub") { p.error role="alert" { "Refused: " (why) } }
                form.grid method="post" action={ (BASE) "/stubs" } {
                    label for="stub-action" { "Action" }
                    input #stub-action name="action" list="actions" required;
                    label for="stub-match" { "Match (JSON object of parameters, optional)" }
                    textarea #stub-match name="match" rows="2" placeholder=r#"{"Id": 1}"# {}
                    label for="stub-response" { "Response (JSON object)" }
                    textarea #stub-response name="response" rows="3" placeholder=r#"{"TotalCount": 0}"# {}
                    label for="stub-error-code" { "or error code" }
                    input #stub-error-code name="error_code" placeholder="ResourceNotFound";
                    label for="stub-error-message" { "error message" }
                    input #stub-error-message name="error_message";
                    label for="stub-times" { "Times (blank: always)" }
                    input #stub-times name="times" type="number" min="1";
                    button type="submit" { "Add stub" }
                }
            }
            section aria-labelledby="faults" {
                h2 #faults { "Faults" }
                (listing(&faults["faults"], "faults"))
                h3 { "Add a fault" }
                @if let Some(why) = refusal("fault") { p.error role="alert" { "Refused: " (why) } }
                form.grid method="post" action={ (BASE) "/faults" } {
                    label for="fault-action" { "Action (or *)" }
                    input #fault-action name="action" list="actions" value="*" required;
                    label for="fault-match" { "Match (JSON object, optional)" }
                    textarea #fault-match name="match" rows="2" {}
                    label for="fault-error-code" { "Error code" }
                    input #fault-error-code name="error_code" placeholder="RequestLimitExceeded";
                    label for="fault-error-message" { "error message" }
                    input #fault-error-message name="error_message";
                    label for="fault-delay" { "or delay (ms)" }
                    input #fault-delay name="delay_ms" type="number" min="0";
                    label for="fault-drop" { "or drop the connection" }
                    input #fault-drop name="drop" type="checkbox" value="true";
                    label for="fault-times" { "Times (blank: always)" }
                    input #fault-times name="times" type="number" min="1";
                    label for="fault-probability" { "Probability (blank: 1)" }
                    input #fault-probability name="probability" type="number" min="0" max="1" step="any";
                    label for="fault-seed" { "Seed" }
                    input #fault-seed name="seed" type="number" min="0";
                    button type="submit" { "Add fault" }
                }
            }
        },
    )
}

/// The stubs or faults of a `list()` answer, each with its delete button.
fn listing(items: &Value, kind: &str) -> Markup {
    let items = items.as_array().map(Vec::as_slice).unwrap_or_default();
    html! {
        @if items.is_empty() {
            p { "None." }
        } @else {
            ul.records {
                @for item in items {
                    @let id = item["id"].as_u64().unwrap_or_default();
                    li {
                        code { "#" (id) " " (item["action"].as_str().unwrap_or_default()) }
                        " " span.json { (described(item)) }
                        form method="post" action={ (BASE) "/" (kind) "/" (id) "/delete" } {
                            button type="submit" aria-label={ "Delete " (kind) " " (id) } { "Delete" }
                        }
                    }
                }
            }
        }
    }
}

/// An item's JSON without its id and action (shown apart).
fn described(item: &Value) -> String {
    let mut rest = item.as_object().cloned().unwrap_or_default();
    rest.remove("id");
    rest.remove("action");
    rest.retain(|_, v| !v.is_null());
    Value::Object(rest).to_string()
}

/// The fields of both forms (blank fields are left out of the JSON).
#[derive(Debug, Default, Deserialize)]
pub struct Form {
    action: Option<String>,
    #[serde(rename = "match")]
    matcher: Option<String>,
    response: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
    times: Option<String>,
    delay_ms: Option<String>,
    drop: Option<String>,
    probability: Option<String>,
    seed: Option<String>,
}

impl Form {
    /// The JSON body of `POST /_emulator/stubs` or `/faults` this form stands for.
    fn body(&self) -> Result<Map<String, Value>, String> {
        let mut body = Map::new();
        body.insert(
            "action".into(),
            json!(filled(&self.action).unwrap_or_default()),
        );
        let mut json_field = |key: &str, text: &Option<String>| -> Result<(), String> {
            if let Some(text) = filled(text) {
                let value: Value =
                    serde_json::from_str(text).map_err(|e| format!("`{key}` is not JSON: {e}"))?;
                body.insert(key.into(), value);
            }
            Ok(())
        };
        json_field("match", &self.matcher)?;
        json_field("response", &self.response)?;
        if let Some(code) = filled(&self.error_code) {
            body.insert(
                "error".into(),
                json!({"code": code, "message": filled(&self.error_message)}),
            );
        }
        for (key, text) in [
            ("times", &self.times),
            ("delay_ms", &self.delay_ms),
            ("seed", &self.seed),
        ] {
            if let Some(text) = filled(text) {
                let n: u64 = text
                    .parse()
                    .map_err(|_| format!("`{key}` is not a whole number"))?;
                body.insert(key.into(), json!(n));
            }
        }
        if let Some(text) = filled(&self.probability) {
            let p: f64 = text
                .parse()
                .map_err(|_| "`probability` is not a number".to_string())?;
            body.insert("probability".into(), json!(p));
        }
        if filled(&self.drop).is_some() {
            body.insert("drop".into(), json!(true));
        }
        Ok(body)
    }
}

/// `POST /_emulator/ui/stubs`: a stub from the form, checked as the admin route does.
pub async fn add_stub(State(app): State<AppState>, axum::Form(form): axum::Form<Form>) -> Response {
    added(&app, &form, "stub", |body| {
        let new: NewStub = serde_json::from_value(body).map_err(|e| format!("not a stub: {e}"))?;
        app.stubs.add(spec::tcss(), new)
    })
}

/// `POST /_emulator/ui/faults`.
pub async fn add_fault(
    State(app): State<AppState>,
    axum::Form(form): axum::Form<Form>,
) -> Response {
    added(&app, &form, "fault", |body| {
        let new: NewFault =
            serde_json::from_value(body).map_err(|e| format!("not a fault: {e}"))?;
        app.faults.add(spec::tcss(), new)
    })
}

/// Adds what `form` stands for with `add` (given the admin route's JSON body): back to
/// the page, or the page again with the refusal beside the `kind` form.
fn added(
    app: &AppState,
    form: &Form,
    kind: &str,
    add: impl FnOnce(Value) -> Result<u64, String>,
) -> Response {
    match form.body().and_then(|body| add(Value::Object(body))) {
        Ok(_) => see_other("/stubs"),
        Err(why) => (StatusCode::BAD_REQUEST, render(app, Some((kind, why)))).into_response(),
    }
}

/// `POST /_emulator/ui/stubs/{id}/delete`.
pub async fn delete_stub(State(app): State<AppState>, Path(id): Path<u64>) -> Response {
    app.stubs.remove(id);
    see_other("/stubs")
}

/// `POST /_emulator/ui/faults/{id}/delete`.
pub async fn delete_fault(State(app): State<AppState>, Path(id): Path<u64>) -> Response {
    app.faults.remove(id);
    see_other("/stubs")
}

/// `GET /_emulator/ui/clock`.
pub async fn clock(State(app): State<AppState>) -> Markup {
    let frozen = app.clock.is_frozen();
    layout(
        "Clock",
        Some("/clock"),
        html! {
            h1 { "Clock" }
            p { "The emulator's time: scans, asynchronous tasks, the rate limit's window and the journal read it. Signatures are checked against this machine's real time whatever it says." }
            dl.facts {
                dt { "Now" } dd #now { (time_text(app.clock.now_ms())) }
                dt { "Frozen" } dd #frozen { (if frozen { "yes" } else { "no" }) }
            }
            form method="post" action={ (BASE) "/clock" } {
                label for="advance" { "Advance by (seconds)" }
                input #advance name="advance" type="number" step="any" value="60";
                button type="submit" name="do" value="advance" { "Advance" }
                @for (s, label) in [(5, "+5 s"), (60, "+1 min"), (3600, "+1 h")] {
                    button type="submit" name="quick" value=(s) { (label) }
                }
            }
            form method="post" action={ (BASE) "/clock" } {
                @if frozen {
                    button type="submit" name="freeze" value="false" { "Unfreeze" }
                } @else {
                    button type="submit" name="freeze" value="true" { "Freeze" }
                }
            }
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct ClockForm {
    advance: Option<String>,
    /// A quick button's seconds (wins over `advance`).
    quick: Option<String>,
    freeze: Option<String>,
}

/// `POST /_emulator/ui/clock`: advance, or freeze and release.
pub async fn set_clock(
    State(app): State<AppState>,
    axum::Form(form): axum::Form<ClockForm>,
) -> Response {
    let seconds = filled(&form.quick)
        .or(filled(&form.advance))
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && s.abs() < 1e12);
    let freeze = filled(&form.freeze).map(|f| f == "true");
    app.clock
        .apply(None, seconds.map(|s| (s * 1000.0).round() as i64), freeze);
    see_other("/clock")
}
