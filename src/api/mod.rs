//! The one handler for `/`: every cloud API call goes through [`pipeline`].
//!
//! Order of checks: method → size → parsing → Action/Version present → version known
//! → action known → signature → rate limit → parameters against the spec → injected
//! faults → stubs → action. Every call is logged, counted and journaled. A JSON body's
//! syntax is checked with the parsing, but its values are built (and journaled) only
//! once the signature is verified: an unsigned caller cannot make the emulator hold
//! more than its bytes.

pub mod envelope;
pub mod form;
pub mod request;
pub mod syntax;

use std::future::Future;
use std::task::Poll;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use futures_util::stream;
use http_body_util::{BodyExt, Limited};
use uuid::Uuid;

use crate::actions;
use crate::app::AppState;
use crate::error::{ApiError, ErrorCode, Language};
use crate::faults::Effect;
use crate::journal::{Call, Entry};
use crate::signature::{self, Caller, SignedParts};
use crate::spec;
use envelope::Envelope;
use request::{BodyKind, Incoming};

/// What a call came to: for the log line, the journal and the metrics.
#[derive(Debug, Default)]
struct Outcome {
    /// The action as sent.
    action: Option<String>,
    /// The spec's name for it, once known (metrics label).
    known_action: Option<&'static str>,
    caller: Option<Caller>,
    /// The SecretId a refused request claimed.
    claimed_secret_id: Option<String>,
    /// The parameters after unflattening, before validation, as the journal keeps
    /// them; only once the signature is verified.
    params: Option<String>,
    computed: signature::Computed,
    /// The session token a call refused at its signature sent (hidden in the journal).
    token: Option<String>,
    /// A fault asked for the connection to be dropped.
    drop: bool,
}

/// `POST /` and `GET /` (and any other method, which gets `UnsupportedProtocol`).
pub async fn handle(State(app): State<AppState>, req: Request) -> Response {
    let started = Instant::now();
    let arrival_ms = app.clock.now_ms();
    let request_id = Uuid::new_v4();
    let mut outcome = Outcome::default();
    let mut lang = Language::parse(
        req.headers()
            .get("x-tc-language")
            .and_then(|v| v.to_str().ok()),
    );
    let client = client_name(req.headers());
    let result = pipeline(&app, req, &mut outcome, &mut lang).await;
    let envelope = Envelope {
        request_id,
        lang,
        result,
    };
    let latency = started.elapsed();
    // Owned only for a code a stub or fault made up: the body is made before the
    // journal keeps it.
    let code = match &envelope.result {
        _ if outcome.drop => std::borrow::Cow::Borrowed("ConnectionDropped"),
        Ok(_) => std::borrow::Cow::Borrowed("Success"),
        Err(e) => e.code_cow(),
    };
    let secret_id = outcome
        .caller
        .as_ref()
        .map(|c| c.secret_id.clone())
        .or(outcome.claimed_secret_id.take());
    let hint = envelope
        .result
        .as_ref()
        .err()
        .and_then(|e| refusal_hint(&app, e.code));
    crate::logging::call_line(&crate::logging::Call {
        request_id: &request_id,
        action: outcome.action.as_deref().unwrap_or("-"),
        secret_id: secret_id.as_deref().unwrap_or("-"),
        code: &code,
        latency_us: u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
        hint: hint.as_deref(),
    });
    app.metrics.observe(
        outcome.known_action.unwrap_or("-"),
        &code,
        latency.as_secs_f64(),
    );
    // Shared by the response and the journal, not copied.
    let body = bytes::Bytes::from(envelope.into_body());
    if app.journal.enabled() {
        app.journal.record(Entry::new(Call {
            time_ms: arrival_ms,
            request_id,
            action: outcome.action.as_deref(),
            secret_id: secret_id.as_deref(),
            account: outcome.caller.as_ref().map(|c| c.account.as_str()),
            client: client.as_ref().and_then(|v| v.to_str().ok()),
            params: outcome.params,
            code: &code,
            latency_us: u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
            canonical_request: outcome.computed.canonical_request.as_deref(),
            string_to_sign: outcome.computed.string_to_sign.as_deref(),
            signed_headers: outcome.computed.signed_headers.as_deref(),
            cause: outcome.computed.cause.as_deref(),
            answer: (!outcome.drop).then(|| body.clone()),
            token: outcome.token.as_deref(),
        }));
    }
    if outcome.drop {
        return dropped_connection();
    }
    envelope::json_response(axum::http::StatusCode::OK, body)
}

/// Who made the call, for the journal: the `X-TC-RequestClient` header the SDKs send,
/// else the `User-Agent`.
/// (A header value's clone shares its bytes.)
fn client_name(headers: &axum::http::HeaderMap) -> Option<axum::http::HeaderValue> {
    ["x-tc-requestclient", "user-agent"]
        .iter()
        .find_map(|name| headers.get(*name))
        .cloned()
}

/// What the log line of a refused call adds, pointing at the diagnosis the emulator
/// has: the SecretIds it accepts, or where its canonical request and string to sign are.
fn refusal_hint(app: &AppState, code: ErrorCode) -> Option<String> {
    match code {
        ErrorCode::SecretIdNotFound => Some(format!(
            "accepted SecretIds: {} (see the start-up log for their source)",
            app.credentials.secret_ids()
        )),
        ErrorCode::SignatureFailure if app.journal.enabled() => Some(format!(
            "why, with the canonical request and string to sign the emulator computed: GET /_emulator/requests?code={0} or the dashboard, /_emulator/ui/requests?code={0}",
            code.as_str()
        )),
        ErrorCode::SignatureFailure => Some(
            "the journal, which keeps the computed canonical request and string to sign, is off (--journal-size 0)".into(),
        ),
        _ => None,
    }
}

/// A response whose body fails at once: hyper closes the connection without an
/// answer, which clients see as a network error.
fn dropped_connection() -> Response {
    Response::new(Body::from_stream(stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::other(
            "fault injection: connection dropped",
        ))
    })))
}

/// The machine's real time, in seconds since the Unix epoch (what clients sign with).
fn machine_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// How long a client may take to send its body once the head has arrived.
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Not all of it within [`BODY_READ_TIMEOUT`].
    Timeout,
    /// More than the limit.
    TooLarge,
    /// The connection failed while it was read.
    Broken,
}

/// Reads a whole body of at most `limit` bytes within [`BODY_READ_TIMEOUT`] of being
/// asked (the API's and the admin API's bodies alike).
pub async fn collect_body(body: Body, limit: usize) -> Result<bytes::Bytes, BodyError> {
    let mut collect = std::pin::pin!(Limited::new(body, limit).collect());
    // Most bodies arrive with the head: no timer for those.
    let collected = match std::future::poll_fn(|cx| Poll::Ready(collect.as_mut().poll(cx))).await {
        Poll::Ready(collected) => collected,
        Poll::Pending => tokio::time::timeout(BODY_READ_TIMEOUT, collect)
            .await
            .map_err(|_| BodyError::Timeout)?,
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Broken),
    }
}

async fn read_body(body: Body, limit: usize) -> Result<bytes::Bytes, ApiError> {
    collect_body(body, limit).await.map_err(|e| match e {
        BodyError::Timeout => ApiError::invalid_parameter(
            "The request body did not arrive in time (10 s).",
            "请求体未能按时到达（10秒）。",
        ),
        BodyError::TooLarge => ApiError::request_size_limit(limit),
        BodyError::Broken => {
            ApiError::invalid_parameter("The request body could not be read.", "无法读取请求体。")
        }
    })
}

async fn read_multipart(incoming: &Incoming) -> Result<Vec<(String, String)>, ApiError> {
    let ct = incoming.header("content-type")?.unwrap_or("");
    let boundary =
        multer::parse_boundary(ct).map_err(|e| ApiError::invalid_request(&e.to_string()))?;
    let body = incoming.body.clone();
    let mut parts = multer::Multipart::new(
        stream::once(async move { Ok::<_, std::convert::Infallible>(body) }),
        boundary,
    );
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    loop {
        match parts.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let text = field
                    .text()
                    .await
                    .map_err(|e| ApiError::invalid_request(&e.to_string()))?;
                if !seen.insert(name.clone()) {
                    return Err(ApiError::invalid_request(&format!(
                        "field `{name}` is repeated"
                    )));
                }
                out.push((name, text));
            }
            Ok(None) => return Ok(out),
            Err(e) => return Err(ApiError::invalid_request(&e.to_string())),
        }
    }
}

async fn pipeline(
    app: &AppState,
    req: Request,
    outcome: &mut Outcome,
    lang: &mut Language,
) -> Result<envelope::Answer, ApiError> {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str();
    if method != "GET" && method != "POST" {
        return Err(ApiError::unsupported_protocol(method));
    }
    let query = parts.uri.query().unwrap_or("").to_string();
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok());
    let limit = request::size_limit(method, content_type);
    if query.len() > request::GET_LIMIT
        || parts
            .headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > limit as u64)
    {
        return Err(ApiError::request_size_limit(limit));
    }
    let body = read_body(body, limit).await?;
    let incoming = Incoming::new(&parts, query, body);
    run(app, &incoming, outcome, lang).await
}

/// The pipeline from the parsed request on.
async fn run(
    app: &AppState,
    incoming: &Incoming,
    outcome: &mut Outcome,
    lang: &mut Language,
) -> Result<envelope::Answer, ApiError> {
    let kind = incoming.body_kind()?;
    let multipart = if kind == BodyKind::Multipart {
        read_multipart(incoming).await?
    } else {
        Vec::new()
    };
    let mut tc = request::parse_head(incoming, kind, multipart)?;
    *lang = Language::parse(tc.language.as_deref());
    outcome.action.clone_from(&tc.action);

    let action_name = tc
        .action
        .as_deref()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::missing_parameter("Action"))?;
    let version = tc
        .version
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing_parameter("Version"))?;
    let svc = spec::SERVICES
        .iter()
        .copied()
        .find(|s| s.version == version)
        .ok_or_else(|| {
            let known: Vec<&str> = spec::SERVICES.iter().map(|s| s.version).collect();
            ApiError::no_such_version(version, spec::tcss().name, &known.join("`, `"))
        })?;
    let action = svc
        .action(action_name)
        .ok_or_else(|| ApiError::invalid_action(action_name))?;
    outcome.known_action = Some(action.name);

    let signed = SignedParts {
        method: &incoming.method,
        host: incoming.header("host")?.unwrap_or(""),
        query: &incoming.query,
        body: &incoming.body,
        headers: &incoming.headers,
        authorization: tc.authorization.as_deref(),
        timestamp: tc.timestamp.as_deref(),
        token: tc.token.as_deref(),
        params: &tc.pairs,
    };
    // The 300 s window is the machine's real time, not the emulator clock: clients sign
    // with their machine's clock, and moving emulator time must not expire them.
    let caller = match signature::verify(
        &signed,
        &app.credentials,
        app.signature_mode,
        machine_secs(),
    ) {
        Ok(caller) => caller,
        Err(refusal) => {
            outcome.claimed_secret_id = signature::claimed_secret_id(&signed).map(str::to_string);
            if *refusal.computed != signature::Computed::default() {
                outcome.token.clone_from(&tc.token);
            }
            outcome.computed = *refusal.computed;
            return Err(refusal.error);
        }
    };
    outcome.caller = Some(caller.clone());
    // Only a verified call's parameters are read whole and kept: an unsigned one may
    // carry megabytes, and its refusal is explained without them.
    tc.read_json(incoming)?;
    if app.journal.enabled() {
        outcome.params = Some(crate::journal::params_text(&tc.params));
    }
    app.limiter
        .check(&caller.secret_id, action.name, app.clock.now_ms())?;
    let params = spec::validate(svc, svc.object(action.input), tc.params)?;
    match app.faults.take(action.name, &params) {
        Some(Effect::Error { code, message }) => return Err(ApiError::custom(&code, &message)),
        Some(Effect::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Effect::Drop) => {
            outcome.drop = true;
            return Err(ApiError::internal());
        }
        None => {}
    }
    if let Some(reply) = app.stubs.take(action.name, &params) {
        return reply.into_result();
    }
    let env = crate::resources::Env {
        store: app.store.clone(),
        account: caller.account.clone(),
        now_ms: app.clock.now_ms(),
        base_url: base_url(incoming.header("host").ok().flatten()),
        task_ms: millis(app.task_duration),
        scan_ms: millis(app.scan_duration).max(1),
        exports: app.exports.clone(),
    };
    actions::dispatch(env, svc, action, params).await
}

/// A duration in milliseconds, as the model counts time.
fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// `http://host:port` as the client reached us (tccli sends the scheme already): the
/// base of download URLs.
fn base_url(host: Option<&str>) -> String {
    match host {
        Some(h) if h.starts_with("http://") || h.starts_with("https://") => {
            h.trim_end_matches('/').to_string()
        }
        Some(h) if !h.is_empty() => format!("http://{h}"),
        _ => "http://127.0.0.1".to_string(),
    }
}
