//! The application: shared state and the router (cloud API on `/`, admin API under
//! `/_emulator/`).

use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::any;
use tower_http::catch_panic::CatchPanicLayer;

use crate::api::{self, envelope};
use crate::clock::Clock;
use crate::error::{ApiError, Language};
use crate::ratelimit::RateLimiter;
use crate::signature::{Credentials, Mode};
use crate::store::Store;

/// Everything a request can reach. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub store: Arc<Store>,
    pub credentials: Credentials,
    pub signature_mode: Mode,
    pub limiter: RateLimiter,
    pub clock: Arc<Clock>,
    pub admin_token: Option<String>,
    pub stubs: crate::stubs::Stubs,
    pub faults: crate::faults::Faults,
    pub journal: crate::journal::Journal,
    pub metrics: crate::metrics::Metrics,
    pub exports: Arc<crate::exports::Exports>,
    /// How long a registry image scan takes in emulator time.
    pub scan_duration: std::time::Duration,
    /// How long asynchronous work of the resource model takes in emulator time.
    pub task_duration: std::time::Duration,
    /// The records loaded at start, which `reset` goes back to.
    pub startup: Arc<crate::resources::fixtures::Document>,
    /// When the state was built (the dashboard's uptime).
    pub started: std::time::Instant,
    /// The address `serve` listens on, once it does.
    pub listen: std::sync::OnceLock<std::net::SocketAddr>,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }
}

/// A panic in a handler is a bug; the client still gets a Tencent-shaped answer.
fn panic_response(_: Box<dyn std::any::Any + Send>) -> Response {
    tracing::error!("handler panicked");
    let envelope = api::envelope::Envelope {
        request_id: uuid::Uuid::new_v4(),
        lang: Language::EnUs,
        result: Err(ApiError::internal()),
    };
    envelope::json_response(StatusCode::OK, envelope.into_body())
}

async fn not_found() -> Response {
    envelope::json_response(
        StatusCode::NOT_FOUND,
        br#"{"error":{"code":"NotFound","message":"no such route: the cloud API is at / and the admin API under /_emulator/"}}"#.to_vec(),
    )
}

/// A request head (request line and headers) over `crate::MAX_HEAD_BYTES` is refused
/// with 431. hyper bounds its read buffer only between reads, so a large head that
/// arrives in one read would otherwise get through.
fn head_too_large<B>(req: &http::Request<B>) -> Option<Response> {
    let head: usize = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len())
        + req
            .headers()
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len() + 4)
            .sum::<usize>();
    (head > crate::MAX_HEAD_BYTES).then(|| {
        envelope::json_response(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            br#"{"error":{"code":"RequestHeaderFieldsTooLarge","message":"the request line and headers exceed 64 KiB"}}"#.to_vec(),
        )
    })
}

async fn limit_head(req: Request, next: Next) -> Response {
    match head_too_large(&req) {
        Some(refused) => refused,
        None => next.run(req).await,
    }
}

/// The service each connection runs: cloud API calls (`/`) go straight to their
/// handler, everything else through the router. The API path is the hot one: the
/// router's matching, boxing and middleware were ≈6% of a Detail call's instructions.
/// Both paths refuse oversized heads and turn a panic into an `InternalError` answer.
#[derive(Clone)]
pub struct App {
    state: AppState,
    router: Router,
}

impl App {
    pub fn new(state: AppState) -> Self {
        Self {
            router: router(state.clone()),
            state,
        }
    }

    pub async fn call(self, req: http::Request<hyper::body::Incoming>) -> Response {
        if req.uri().path() != "/" {
            let req = req.map(axum::body::Body::new);
            return match tower::ServiceExt::oneshot(self.router, req).await {
                Ok(res) => res,
                Err(never) => match never {},
            };
        }
        if let Some(refused) = head_too_large(&req) {
            return refused;
        }
        let req = req.map(axum::body::Body::new);
        let call = api::handle(axum::extract::State(self.state), req);
        match futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(call)).await {
            Ok(res) => res,
            Err(panic) => panic_response(panic),
        }
    }
}

/// The whole router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", any(api::handle))
        .nest("/_emulator", crate::admin::router(state.clone()))
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(limit_head))
        .layer(CatchPanicLayer::custom(panic_response))
}
