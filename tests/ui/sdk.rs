//! Calls made with the official, pinned Python SDK (`sdk_call.py` run by the venv
//! that `scripts/sdk-venv.sh` makes or reuses; the script holds a lock, so this
//! binary and `tests/sdk_python.rs` may build it at the same time), so the dashboard
//! is shown what a user's SDK sends, not the emulator's own signer.

use std::path::Path;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use tcss_emulator::testing::Emulator;

use crate::common::setup_script;

/// Making the venv (PyPI downloads the first time), then one SDK call.
const VENV_LIMIT: Duration = Duration::from_secs(1200);
const CALL_LIMIT: Duration = Duration::from_secs(60);

/// The venv's python, made once per test binary.
fn python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let python = setup_script("sdk-venv.sh", VENV_LIMIT);
        assert!(Path::new(&python).is_file(), "{python:?} is not a file");
        python
    })
}

/// `action` with `params`, made by the SDK's `TcssClient` against `emu`, signed with
/// `secret_key` and the emulator's SecretId: `{"client": X-TC-RequestClient,
/// "response": {...}}` or `{"client": ..., "error": {"code", "message", ...}}`.
pub async fn call(emu: &Emulator, secret_key: &str, action: &str, params: Value) -> Value {
    call_as(emu, emu.secret_id(), secret_key, action, params).await
}

/// [`call`] with another credential's SecretId.
pub async fn call_as(
    emu: &Emulator,
    secret_id: &str,
    secret_key: &str,
    action: &str,
    params: Value,
) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/sdk_call.py");
    let endpoint = emu.endpoint();
    let args = [
        script,
        &endpoint,
        secret_id,
        secret_key,
        action,
        &params.to_string(),
    ];
    let stdout = run(&args).await;
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// What the venv's python prints when it runs `args` (a script and its arguments, or
/// `-c CODE`); panics with its output when it fails or overruns.
pub async fn run(args: &[&str]) -> String {
    let python = tokio::task::spawn_blocking(python).await.expect("venv");
    let mut cmd = tokio::process::Command::new(python);
    cmd.args(args)
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let out = tokio::time::timeout(CALL_LIMIT, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("python {args:?} did not finish within {CALL_LIMIT:?}"))
        .expect("run the venv's python");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "python {args:?} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
