//! The dashboard at `/_emulator/ui`: server-rendered pages over what the admin API
//! offers (the journal, the resources, stubs and faults, the clock), for a person
//! looking at what a test did and why a call failed.
//!
//! Pages are compiled `maud` templates with one hand-written stylesheet and a few
//! lines of hand-written JavaScript (live refresh of the journal, copy buttons); every
//! action is a plain form, so the pages work from the keyboard and without scripts.
//! With `--admin-token`, a page needs the token: `Authorization: Bearer`, or the
//! cookie the login form sets.

mod overview;
mod requests;
mod resources;
mod tooling;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use subtle::ConstantTimeEq;

use crate::api::envelope::VERSION;
use crate::app::AppState;

/// Where the dashboard lives.
pub const BASE: &str = "/_emulator/ui";
/// The cookie the login form sets: the admin token, hex-encoded.
const COOKIE: &str = "tcss_emulator_admin";

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("live.js");

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(overview::page))
        .route("/login", get(login_page).post(login))
        .route("/requests", get(requests::list).post(requests::clear))
        .route("/requests/{seq}", get(requests::detail))
        .route("/resources", get(resources::list))
        .route("/resources/{name}", get(resources::collection))
        .route("/resources/{name}/delete", post(resources::delete))
        .route("/fixtures", post(resources::load))
        .route("/stubs", get(tooling::page).post(tooling::add_stub))
        .route("/stubs/{id}/delete", post(tooling::delete_stub))
        .route("/faults", post(tooling::add_fault))
        .route("/faults/{id}/delete", post(tooling::delete_fault))
        .route("/clock", get(tooling::clock).post(tooling::set_clock))
        // Bodies as the admin API's: 64 MiB, 10 s to arrive; read after the token check.
        .layer(DefaultBodyLimit::max(crate::admin::ADMIN_BODY_LIMIT))
        .route_layer(middleware::from_fn(crate::admin::read_whole_body))
        .route_layer(middleware::from_fn_with_state(state, guard))
}

/// The token the request carries (bearer header or login cookie) is the admin token,
/// or none is set.
fn authorized(app: &AppState, headers: &axum::http::HeaderMap) -> bool {
    let Some(expected) = &app.admin_token else {
        return true;
    };
    if crate::admin::authorized(app, headers) {
        return true;
    }
    let want = hex::encode(expected);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .any(|sent| bool::from(sent.as_bytes().ct_eq(want.as_bytes())))
}

/// Pages need the admin token (but the login form); a form posted from another site
/// is refused, whatever cookie it carries.
async fn guard(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let cross_site = req
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    if req.method() == axum::http::Method::POST && cross_site {
        return message_page(
            StatusCode::FORBIDDEN,
            "Refused",
            "a form posted from another site",
        )
        .into_response();
    }
    if req.uri().path().ends_with("/login") || authorized(&app, req.headers()) {
        return next.run(req).await;
    }
    (StatusCode::UNAUTHORIZED, login_form(None)).into_response()
}

async fn login_page() -> Markup {
    login_form(None)
}

#[derive(serde::Deserialize)]
struct Login {
    token: String,
}

/// Sets the cookie when the token is right (and goes to the overview).
async fn login(State(app): State<AppState>, form: axum::Form<Login>) -> Response {
    let Some(expected) = &app.admin_token else {
        return see_other("");
    };
    if !bool::from(form.token.as_bytes().ct_eq(expected.as_bytes())) {
        return (
            StatusCode::UNAUTHORIZED,
            login_form(Some("That is not the admin token.")),
        )
            .into_response();
    }
    let mut res = see_other("");
    let cookie = format!(
        "{COOKIE}={}; Path={BASE}; HttpOnly; SameSite=Strict",
        hex::encode(expected)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, value);
    }
    res
}

fn login_form(error: Option<&str>) -> Markup {
    layout(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            p { "This emulator runs with " code { "--admin-token" } ": enter it to use the dashboard." }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action={ (BASE) "/login" } {
                label for="token" { "Admin token" }
                input #token type="password" name="token" autocomplete="current-password" required autofocus;
                button type="submit" { "Sign in" }
            }
        },
    )
}

/// `303 See Other` to a dashboard path (after a form).
fn see_other(path: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("{BASE}{path}")) {
        res.headers_mut().insert(header::LOCATION, value);
    }
    res
}

/// A page that only says something (a refusal, a missing record).
fn message_page(status: StatusCode, title: &str, message: &str) -> (StatusCode, Markup) {
    (
        status,
        layout(
            title,
            None,
            html! { h1 { (title) } p.error role="alert" { (message) } },
        ),
    )
}

/// The navigation's pages: (path, label).
const NAV: &[(&str, &str)] = &[
    ("", "Overview"),
    ("/requests", "Requests"),
    ("/resources", "Resources"),
    ("/stubs", "Stubs and faults"),
    ("/clock", "Clock"),
];

/// The page around `body`; `current` is the navigation entry to mark.
fn layout(title: &str, current: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · tcss-emulator" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header {
                    span.brand { "tcss-emulator " span.version { (VERSION) } }
                    nav aria-label="Dashboard" {
                        @for (path, label) in NAV {
                            @if current == Some(*path) {
                                a href={ (BASE) (path) } aria-current="page" { (label) }
                            } @else {
                                a href={ (BASE) (path) } { (label) }
                            }
                        }
                    }
                }
                main #main { (body) }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

/// Emulator time (ms since the epoch) as RFC 3339 with milliseconds.
fn time_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// JSON text indented for reading (as it is when it is not JSON, e.g. cut).
fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string())
}

/// A form's optional text field: `None` when blank.
fn filled(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}
