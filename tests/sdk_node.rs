//! Runs the official-Node.js-SDK interop suite (`sdk-tests/node`) against the built
//! binary: `scripts/sdk-node.sh` installs (or reuses) the pinned `tencentcloud-sdk-nodejs`
//! in `target/sdk-node`, then Node's own test runner (`node --test`) runs every
//! `*.test.js`, each starting `tcss-emulator` on port 0.
//!
//! There is no way to skip it: without `node` and `npm` (18 or later) it fails, saying so.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{TAIL_LINES, join, run_streaming, setup_script};

/// Bounds on the two steps: installing the SDK (npm downloads the first time), the suite.
const INSTALL_LIMIT: Duration = Duration::from_secs(600);
const SUITE_LIMIT: Duration = Duration::from_secs(600);
/// The suite's tests: fewer passing means files or tests went missing.
const AT_LEAST: u32 = 29;

#[test]
fn node_sdk_interop_suite_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // 1. The SDK; the script's last stdout line is its node_modules.
    let modules = setup_script("sdk-node.sh", INSTALL_LIMIT);
    assert!(
        Path::new(&modules).join("tencentcloud-sdk-nodejs").is_dir(),
        "scripts/sdk-node.sh named {modules:?}, which holds no tencentcloud-sdk-nodejs"
    );

    // 2. node --test over every test file, with the binary cargo built for this run.
    let mut files: Vec<String> = std::fs::read_dir(root.join("sdk-tests/node"))
        .expect("sdk-tests/node")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".test.js"))
        .map(|name| format!("sdk-tests/node/{name}"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no sdk-tests/node/*.test.js");
    let mut node = Command::new("node");
    node.args(["--test", "--test-reporter=tap"])
        .args(&files)
        .current_dir(root)
        .env("NODE_PATH", &modules)
        .env("TCSS_EMULATOR_BIN", env!("CARGO_BIN_EXE_tcss-emulator"))
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY");
    let (status, tail) = run_streaming(&mut node, "node --test", SUITE_LIMIT);
    assert!(
        status.success(),
        "Node SDK interop suite failed ({status}); last {TAIL_LINES} lines:\n{}",
        join(&tail)
    );
    // TAP's summary: `# pass N`, `# fail 0`.
    let count = |key: &str| {
        tail.iter()
            .find_map(|l| l.strip_prefix(&format!("out| # {key} ")))
            .and_then(|n| n.trim().parse::<u32>().ok())
    };
    assert_eq!(count("fail"), Some(0), "{}", join(&tail));
    let passed = count("pass").unwrap_or(0);
    assert!(
        passed >= AT_LEAST,
        "only {passed} Node SDK tests passed (expected at least {AT_LEAST}):\n{}",
        join(&tail)
    );
}
