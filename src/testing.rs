//! An in-process emulator for Rust tests: starts on `127.0.0.1:0` with chosen fixtures
//! and credentials, hands out its endpoint and credential, and stops when dropped.
//!
//! It runs on its own thread and runtime, so it works the same from a plain `#[test]`
//! and from `#[tokio::test]`.
//!
//! ```
//! use serde_json::json;
//! use tcss_emulator::testing::Emulator;
//!
//! let emu = Emulator::builder()
//!     .fixture_json(r#"{"images": [{"Id": 1, "ImageName": "nginx", "VulCnt": 3}]}"#)
//!     .start()
//!     .unwrap();
//! // Point an SDK at `emu.endpoint()` (plain http) with `emu.secret_id()` / `emu.secret_key()`,
//! // or use the built-in signed client:
//! let rt = tokio::runtime::Runtime::new().unwrap();
//! let res = rt
//!     .block_on(emu.call("DescribeAssetImageRegistryDetail", json!({"Id": 1})))
//!     .unwrap();
//! assert_eq!(res["ImageName"], "nginx");
//! assert_eq!(res["VulCnt"], 3);
//! // The bundled documented examples are there too.
//! let res = rt
//!     .block_on(emu.call("DescribeAssetImageRegistryDetail", json!({"Id": 5427})))
//!     .unwrap();
//! assert_eq!(res["ImageTag"], "v1");
//! drop(emu); // stops the server
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

use serde_json::Value;
use tokio::sync::oneshot;

use crate::app::AppState;
use crate::config::{ListenAddr, ServeArgs};
use crate::resources::fixtures;
use crate::signature::{Credential, Mode, SecretKey, tc3};

/// The `User-Agent` of [`Emulator::call`]: what the journal shows as its client.
pub const CLIENT: &str = concat!("tcss-emulator-testing/", env!("CARGO_PKG_VERSION"));
use crate::{StartError, build_state_with};

/// The credential a test emulator accepts unless told otherwise.
pub const SECRET_ID: &str = "AKIDTCSSEMULATORTEST";
pub const SECRET_KEY: &str = "tcss-emulator-test-secret";

/// How to start an [`Emulator`].
#[derive(Debug, Clone)]
pub struct Builder {
    args: ServeArgs,
    documents: Vec<String>,
    bundled: bool,
}

/// A running in-process emulator.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    state: AppState,
    secret_id: String,
    secret_key: String,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Default for Builder {
    fn default() -> Self {
        Self {
            args: ServeArgs {
                listen: ListenAddr::loopback(0),
                db: None,
                fixtures: Vec::new(),
                credentials: Vec::new(),
                rate_limit: 20,
                signature: Mode::Verify,
                journal_size: 1000,
                journal_bytes: crate::journal::DEFAULT_BYTES,
                scan_duration: 5,
                task_duration: 5,
                init_dir: None,
                admin_token: None,
            },
            documents: Vec::new(),
            bundled: true,
        }
    }
}

impl Builder {
    /// Adds a fixture document (`{"images": [...]}`) as JSON text.
    pub fn fixture_json(mut self, document: impl Into<String>) -> Self {
        self.documents.push(document.into());
        self
    }

    /// Adds a fixture file or directory (replaces the bundled fixtures).
    pub fn fixture_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.args.fixtures.push(path.into());
        self
    }

    /// Starts without the bundled documented examples.
    pub fn without_bundled_fixtures(mut self) -> Self {
        self.bundled = false;
        self
    }

    /// Accepts this credential (the first one added is the one [`Emulator`] hands out).
    pub fn credential(mut self, secret_id: &str, secret_key: &str) -> Self {
        self.args.credentials.push(Credential {
            secret_id: secret_id.into(),
            secret_key: SecretKey::new(secret_key),
            account: crate::signature::DEFAULT_ACCOUNT.into(),
            token: None,
        });
        self
    }

    /// Calls per second per (SecretId, Action); 0 turns the limit off.
    pub fn rate_limit(mut self, limit: u32) -> Self {
        self.args.rate_limit = limit;
        self
    }

    pub fn signature(mut self, mode: Mode) -> Self {
        self.args.signature = mode;
        self
    }

    /// Needs this bearer token on the admin routes and the dashboard.
    pub fn admin_token(mut self, token: &str) -> Self {
        self.args.admin_token = Some(token.into());
        self
    }

    /// A SQLite file instead of memory.
    pub fn db(mut self, path: impl Into<PathBuf>) -> Self {
        self.args.db = Some(path.into());
        self
    }

    /// Starts the emulator and waits until it accepts connections.
    pub fn start(mut self) -> Result<Emulator, StartError> {
        if self.args.credentials.is_empty() {
            self = self.credential(SECRET_ID, SECRET_KEY);
        }
        if !self.bundled && self.args.fixtures.is_empty() {
            self.args.fixtures.push(PathBuf::from("none"));
        }
        let mut extra = crate::resources::fixtures::Document::default();
        for (i, doc) in self.documents.iter().enumerate() {
            extra.extend(fixtures::parse(&format!("fixture_json #{i}"), doc)?);
        }
        let state = build_state_with(&self.args, |_| None, extra)?;
        let (secret_id, secret_key) = self
            .args
            .credentials
            .first()
            .map(|c| (c.secret_id.clone(), c.secret_key.expose().to_string()))
            .unwrap_or_default();

        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let served = state.clone();
        let thread = std::thread::Builder::new()
            .name("tcss-emulator".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", 0)).await {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(listener.local_addr());
                    let _ = crate::serve(listener, served, async {
                        let _ = stop_rx.await;
                    })
                    .await;
                });
            })?;
        let addr = ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("the emulator thread stopped before listening"))??;
        Ok(Emulator {
            addr,
            state,
            secret_id,
            secret_key,
            // Named in the journal's `client` (the dashboard's Client column).
            client: reqwest::Client::builder()
                .user_agent(CLIENT)
                .build()
                .unwrap_or_default(),
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

impl Emulator {
    /// A builder, to choose fixtures, credentials and limits.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// An emulator with the bundled fixtures and the test credential.
    pub fn start() -> Result<Self, StartError> {
        Builder::default().start()
    }

    /// `127.0.0.1:PORT`: the SDKs' endpoint setting (with the `http` scheme).
    pub fn endpoint(&self) -> String {
        self.addr.to_string()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// The running state: its clock, store, journal, stubs and faults.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A TC3-signed call, as the SDKs make it; returns the `Response` object (which
    /// holds `Error` when the call failed).
    pub async fn call(&self, action: &str, params: Value) -> Result<Value, reqwest::Error> {
        self.call_signed_with(&self.secret_key, action, params)
            .await
    }

    /// [`Self::call`] signed with `secret_key` instead of the emulator's: what a
    /// client with a wrong or stale key sends (an `AuthFailure.SignatureFailure`,
    /// which the journal and the dashboard explain).
    pub async fn call_signed_with(
        &self,
        secret_key: &str,
        action: &str,
        params: Value,
    ) -> Result<Value, reqwest::Error> {
        let body = serde_json::to_vec(&params).unwrap_or_default();
        // Signed with the machine's clock, as the SDKs sign: the emulator checks the
        // signature's window against real time, whatever its own clock says.
        let ts = chrono::Utc::now().timestamp();
        let auth = tc3::authorization_header(
            &self.secret_id,
            secret_key,
            crate::signature::SERVICE,
            "POST",
            &self.endpoint(),
            "application/json",
            "",
            &body,
            ts,
        );
        let mut res: Value = self
            .client
            .post(format!("{}/", self.url()))
            .header("authorization", auth)
            .header("content-type", "application/json")
            .header("x-tc-action", action)
            .header("x-tc-version", crate::spec::tcss().version)
            .header("x-tc-timestamp", ts.to_string())
            .body(body)
            .send()
            .await?
            .json()
            .await?;
        Ok(res
            .get_mut("Response")
            .map(Value::take)
            .unwrap_or(Value::Null))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
