//! tcss-emulator: a local emulator of Tencent Cloud's TCSS API (2020-11-01).
//!
//! `main.rs` parses the command line and calls [`build_state`] and [`serve`]; tests
//! do the same on port 0. See the README's architecture section for the layout.

pub mod actions;
pub mod admin;
pub mod api;
pub mod app;
pub mod clock;
pub mod config;
pub mod error;
pub mod ratelimit;
pub mod signature;
pub mod spec;
pub mod store;
pub mod stubs;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

use app::{AppState, Inner};
use config::ServeArgs;
use store::{Store, StoreError, fixtures};

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Fixture(#[from] fixtures::FixtureError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the store, loads the fixtures and builds the shared state.
/// `env` reads environment variables (the SDKs' credential variables).
pub fn build_state(
    args: &ServeArgs,
    env: impl Fn(&str) -> Option<String>,
) -> Result<AppState, StartError> {
    let startup = if args.fixtures.is_empty() {
        fixtures::bundled()?
    } else if args.fixtures.iter().all(|p| p.as_os_str() == "none") {
        Vec::new()
    } else {
        let paths: Vec<_> = args
            .fixtures
            .iter()
            .filter(|p| p.as_os_str() != "none")
            .cloned()
            .collect();
        fixtures::load_paths(&paths)?
    };
    let store = Store::open(args.db.as_deref())?;
    store.upsert_images(&startup)?;
    Ok(AppState::new(Inner {
        store: Arc::new(store),
        credentials: signature::Credentials::new(args.effective_credentials(env)),
        signature_mode: args.signature,
        limiter: ratelimit::RateLimiter::new(args.rate_limit),
        clock: Arc::new(clock::Clock::new()),
        admin_token: args.admin_token.clone().filter(|t| !t.is_empty()),
        stubs: stubs::Stubs::default(),
        startup: Arc::new(startup),
    }))
}

/// Serves the emulator on `listener` until `shutdown` completes; in-flight requests
/// finish first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app::router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
