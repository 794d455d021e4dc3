//! Runs the official-Python-SDK interop suite (`sdk-tests/python`) against the built
//! binary: `scripts/sdk-venv.sh` makes (or reuses) the venvs, then pytest starts
//! `tcss-emulator` itself on port 0 for each scenario.
//!
//! It always runs (there is no switch to skip it), and never waits unbounded: each
//! step has an overall time limit after which its whole process group (pytest and
//! the emulators it started) is killed and the test fails with the output's tail.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{TAIL_LINES, join, run_streaming, setup_script};

/// Bounds on the two steps: making the venvs (PyPI downloads the first time), the suite.
const VENV_LIMIT: Duration = Duration::from_secs(1200);
const SUITE_LIMIT: Duration = Duration::from_secs(300);

#[test]
fn python_sdk_interop_suite_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // 1. The venv; the script's last stdout line is the venv's python.
    let python = setup_script("sdk-venv.sh", VENV_LIMIT);
    assert!(
        Path::new(&python).is_file(),
        "scripts/sdk-venv.sh named {python:?}, which is not a file"
    );

    // 2. pytest, with the binary cargo built for this test run.
    let mut pytest = Command::new(&python);
    pytest
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "sdk-tests/python",
        ])
        .current_dir(root)
        .env("TCSS_EMULATOR_BIN", env!("CARGO_BIN_EXE_tcss-emulator"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY");
    let (status, tail) = run_streaming(&mut pytest, "pytest", SUITE_LIMIT);
    assert!(
        status.success(),
        "Python SDK interop suite failed ({status}); last {TAIL_LINES} lines:\n{}",
        join(&tail)
    );
}
