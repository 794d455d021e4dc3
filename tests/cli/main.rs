//! The built binary, as a user runs it: port 0, the printed address, real calls, the
//! `TCSS_EMULATOR_*` variables, a clean stop on SIGTERM (with a call in flight),
//! start-up errors and warnings, the `health` and `seed` subcommands.
//!
//! Every wait on the child process is bounded ([`WAIT`]); a child left over is killed
//! when its handle drops.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod basics;
mod env;
mod first_run;
mod security;
mod shutdown;

use std::process::{ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

pub const BIN: &str = env!("CARGO_BIN_EXE_tcss-emulator");
pub const DETAIL: &str = "DescribeAssetImageRegistryDetail";
/// The longest any test waits on the binary (start, answer, exit).
pub const WAIT: Duration = Duration::from_secs(30);

/// The binary as a test runs it: nothing of this process's environment that could
/// configure the emulator (no `TCSS_EMULATOR_*`, no SDK credential), logs at `warn`,
/// killed if the test drops it.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("TCSS_EMULATOR_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    cmd
}

/// A running emulator: its address, and its stderr as it comes.
pub struct Running {
    child: Child,
    pub addr: String,
    stderr: Arc<Mutex<Vec<String>>>,
    stderr_reader: JoinHandle<()>,
}

impl Running {
    /// Starts the binary and reads stdout until it names the bound address.
    pub async fn start(args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut child = command(args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let kept = stderr.clone();
        let stderr_reader = tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                kept.lock().unwrap().push(line);
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let read = tokio::time::timeout(WAIT, stdout.read_line(&mut line)).await;
        let addr = match line.trim().strip_prefix("tcss-emulator listening on ") {
            Some(addr) if matches!(read, Ok(Ok(_))) => addr.to_string(),
            _ => panic!(
                "no `listening on` line within {WAIT:?} ({read:?}, first line {line:?}); stderr:\n{}",
                stderr.lock().unwrap().join("\n")
            ),
        };
        Running {
            child,
            addr,
            stderr,
            stderr_reader,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends SIGTERM without waiting.
    pub fn sigterm(&self) {
        let pid = self.child.id().expect("still running").to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM {pid}: {status}");
    }

    /// SIGTERM, then the exit status and everything written on stderr, each within
    /// [`WAIT`].
    pub async fn terminate(mut self) -> (ExitStatus, String) {
        self.sigterm();
        let status = tokio::time::timeout(WAIT, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("no exit within {WAIT:?} of SIGTERM"))
            .unwrap();
        tokio::time::timeout(WAIT, &mut self.stderr_reader)
            .await
            .expect("stderr closes after the exit")
            .unwrap();
        let stderr = self.stderr.lock().unwrap().join("\n");
        (status, stderr)
    }
}

/// Runs the binary to completion (bounded by [`WAIT`]).
pub async fn run_to_end(args: &[&str]) -> Output {
    let child = command(args, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("`tcss-emulator {}` ran over {WAIT:?}", args.join(" ")))
        .unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(WAIT).build().unwrap()
}

/// A TC3-signed call (signed now, by this machine's clock); the whole JSON answer.
pub async fn call(addr: &str, id: &str, key: &str, action: &str, body: &str) -> Value {
    let ts = chrono::Utc::now().timestamp();
    let auth = tcss_emulator::signature::tc3::authorization_header(
        id,
        key,
        "tcss",
        "POST",
        addr,
        "application/json",
        "",
        body.as_bytes(),
        ts,
    );
    client()
        .post(format!("http://{addr}/"))
        .header("authorization", auth)
        .header("content-type", "application/json")
        .header("x-tc-action", action)
        .header("x-tc-version", "2020-11-01")
        .header("x-tc-timestamp", ts.to_string())
        .header("x-tc-language", "en-US")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `Response.Error.Code` of an answer, `None` on success.
pub fn code(answer: &Value) -> Option<&str> {
    answer["Response"]["Error"]["Code"].as_str()
}

/// An admin call: `(status, JSON body or null)`.
pub async fn admin(
    addr: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> (u16, Value) {
    let mut req = client().request(method, format!("http://{addr}/_emulator/{path}"));
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
