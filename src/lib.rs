//! tcss-emulator: a local emulator of Tencent Cloud's TCSS API (2020-11-01).
//!
//! `main.rs` parses the command line and calls [`build_state`] and [`serve`]; tests
//! do the same on port 0. See the README's architecture section for the layout.

pub mod actions;
pub mod admin;
pub mod answer;
pub mod api;
pub mod app;
pub mod clock;
pub mod config;
pub mod error;
pub mod exports;
pub mod faults;
pub mod journal;
pub mod logging;
pub mod matching;
pub mod metrics;
pub mod ratelimit;
pub mod resources;
pub mod signature;
pub mod spec;
pub mod store;
pub mod stubs;
pub mod testing;
pub mod ui;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;

use tokio::net::TcpListener;

use app::{AppState, Inner};
use config::ServeArgs;
use resources::fixtures::{self, Document};
use store::{Store, StoreError};

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Fixture(#[from] store::fixtures::FixtureError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error(
        "--admin-token (or TCSS_EMULATOR_ADMIN_TOKEN) is empty: give a token, or leave it out to run without admin authentication"
    )]
    EmptyAdminToken,
    #[error("--init-dir `{0}` is not a directory")]
    InitDir(String),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the store, loads the fixtures and builds the shared state.
/// `env` reads environment variables (the SDKs' credential variables).
pub fn build_state(
    args: &ServeArgs,
    env: impl Fn(&str) -> Option<String>,
) -> Result<AppState, StartError> {
    build_state_with(args, env, Document::default())
}

/// [`build_state`] with `extra` records loaded after the fixtures and init directory.
pub fn build_state_with(
    args: &ServeArgs,
    env: impl Fn(&str) -> Option<String>,
    extra: Document,
) -> Result<AppState, StartError> {
    // An empty token would silently turn admin authentication off.
    if args
        .admin_token
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        return Err(StartError::EmptyAdminToken);
    }
    let mut startup = if args.fixtures.is_empty() {
        fixtures::bundled()?
    } else {
        let paths: Vec<_> = args
            .fixtures
            .iter()
            .filter(|p| p.as_os_str() != "none")
            .cloned()
            .collect();
        fixtures::load_paths(&paths)?
    };
    // Init hooks: documents of the init directory, in name order, after the fixtures.
    if let Some(dir) = &args.init_dir {
        if !dir.is_dir() {
            return Err(StartError::InitDir(dir.display().to_string()));
        }
        startup.extend(fixtures::load_paths(std::slice::from_ref(dir))?);
    }
    startup.extend(extra);
    let store =
        Store::open(args.db.as_deref())?.with_renderer(actions::registry::images::renderer());
    store.upsert_document(&startup.images, &startup.records)?;
    let (credentials, source) = args.credentials_and_source(env);
    let credentials = signature::Credentials::new(credentials);
    // Which credentials are accepted is otherwise invisible (the SDKs' variables replace
    // the built-in pair): SecretIds only, never keys.
    tracing::info!(
        secret_ids = %credentials.secret_ids(),
        "accepting the credentials of {}",
        source.describe()
    );
    Ok(AppState::new(Inner {
        store: Arc::new(store),
        credentials,
        signature_mode: args.signature,
        limiter: ratelimit::RateLimiter::new(args.rate_limit),
        clock: Arc::new(clock::Clock::new()),
        admin_token: args.admin_token.clone(),
        stubs: stubs::Stubs::default(),
        faults: faults::Faults::default(),
        journal: journal::Journal::new(args.journal_size, args.journal_bytes),
        metrics: metrics::Metrics::default(),
        exports: Arc::new(exports::Exports::default()),
        scan_duration: Duration::from_secs(args.scan_duration),
        task_duration: Duration::from_secs(args.task_duration),
        startup: Arc::new(startup),
        started: std::time::Instant::now(),
        listen: std::sync::OnceLock::new(),
    }))
}

/// How long a client may take to send its request headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a connection buffers for a request head (request line and headers).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long in-flight requests may take to finish after shutdown was asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves the emulator on `listener` until `shutdown` completes; in-flight requests
/// finish first (for at most 10 s).
///
/// A hand-rolled accept loop over hyper rather than `axum::serve`, for the limits a
/// test double needs against misbehaving clients: a header read timeout and a bound
/// on the request head.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        // The first listener is the one the dashboard names.
        let _ = state.listen.set(addr);
    }
    let app = app::App::new(state);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of descriptors and the like: back off, keep serving.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let service = hyper::service::service_fn(move |req| {
                    let app = app.clone();
                    async move { Ok::<_, std::convert::Infallible>(app.call(req).await) }
                });
                // A client that half-closes after its request still gets the answer
                // (RFC 9112 §9.6): without `half_close`, hyper drops the connection
                // when it reads the EOF while the request is being handled.
                let conn = http1::Builder::new()
                    .half_close(true)
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .max_buf_size(MAX_HEAD_BYTES)
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    // A connection error is the client's business (reset, timeout).
                    let _ = conn.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the drain timeout; closing");
    }
    Ok(())
}
