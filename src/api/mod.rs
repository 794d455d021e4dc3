//! The one handler for `/`: every cloud API call goes through [`pipeline`].
//!
//! Order of checks: method → size → parsing → Action/Version present → version known
//! → action known → signature → rate limit → parameters against the spec → action.

pub mod envelope;
pub mod form;
pub mod request;

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use http_body_util::{BodyExt, Limited};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::actions;
use crate::app::AppState;
use crate::error::{ApiError, Language};
use crate::signature::{self, Caller, SignedParts};
use crate::spec;
use envelope::Envelope;
use request::{BodyKind, Incoming};

/// What a call came to, for the log line (and later the journal).
#[derive(Debug, Default)]
struct Outcome {
    action: Option<String>,
    caller: Option<Caller>,
}

/// `POST /` and `GET /` (and any other method, which gets `UnsupportedProtocol`).
pub async fn handle(State(app): State<AppState>, req: Request) -> Response {
    let started = Instant::now();
    let request_id = Uuid::new_v4();
    let mut outcome = Outcome::default();
    let mut lang = Language::parse(
        req.headers()
            .get("x-tc-language")
            .and_then(|v| v.to_str().ok()),
    );
    let result = pipeline(&app, req, &mut outcome, &mut lang).await;
    let envelope = Envelope {
        request_id,
        lang,
        result,
    };
    tracing::info!(
        request_id = %request_id,
        action = outcome.action.as_deref().unwrap_or("-"),
        secret_id = outcome.caller.as_ref().map_or("-", |c| c.secret_id.as_str()),
        code = envelope.code(),
        latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "call"
    );
    envelope.into_response()
}

async fn read_body(body: Body, limit: usize) -> Result<bytes::Bytes, ApiError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(ApiError::request_size_limit(limit))
        }
        Err(_) => Err(ApiError::invalid_parameter(
            "The request body could not be read.",
            "无法读取请求体。",
        )),
    }
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
    loop {
        match parts.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let text = field
                    .text()
                    .await
                    .map_err(|e| ApiError::invalid_request(&e.to_string()))?;
                if out.iter().any(|(n, _)| *n == name) {
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
) -> Result<Map<String, Value>, ApiError> {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_string();
    if method != "GET" && method != "POST" {
        return Err(ApiError::unsupported_protocol(&method));
    }
    let query = parts.uri.query().unwrap_or("").to_string();
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok());
    let limit = request::size_limit(&method, content_type);
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
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let incoming = Incoming {
        method,
        headers,
        query,
        body,
    };
    let kind = incoming.body_kind()?;
    let multipart = if kind == BodyKind::Multipart {
        read_multipart(&incoming).await?
    } else {
        Vec::new()
    };
    let tc = request::parse(&incoming, kind, multipart)?;
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
        .ok_or_else(|| ApiError::no_such_version(version, spec::tcss().name))?;
    let action = svc
        .action(action_name)
        .ok_or_else(|| ApiError::invalid_action(action_name))?;

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
    let caller = signature::verify(
        &signed,
        &app.credentials,
        app.signature_mode,
        app.clock.now_secs(),
    )
    .map_err(|refusal| refusal.error)?;
    outcome.caller = Some(caller.clone());
    app.limiter
        .check(&caller.secret_id, action.name, app.clock.now_ms())?;
    let params = spec::validate(svc, svc.object(action.input), tc.params)?;
    if let Some(reply) = app.stubs.take(action.name, &params) {
        return reply.into_result();
    }
    actions::dispatch(app, &caller, svc, action, params).await
}
