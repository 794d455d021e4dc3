//! The Python package (`python/`): `scripts/python-package.sh` builds its wheel from
//! this checkout with maturin (`pip install ./python`) into a fresh venv with the pinned
//! official SDK and pytest, then the example suite (`python/examples`) runs in that venv
//! through the pytest plugin's fixtures, with the binary the wheel installed (not the one
//! cargo put in `target/`).
//!
//! The wheel's cargo build gets this test's target dir and profile, and resolves the same
//! features but for the regex stack, so cargo reuses every other unit `cargo test` built
//! for this run: the test fails if the build compiled anything else.
//! It always runs (no switch skips it) and every step is bounded: past its limit, its
//! process group is killed and the test fails with the output's tail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{TAIL_LINES, join, last_out_line, run_streaming};

/// Bounds on the two steps: the venv with the wheel (PyPI downloads and a cargo build
/// the first time), the example suite.
const BUILD_LIMIT: Duration = Duration::from_secs(1200);
const SUITE_LIMIT: Duration = Duration::from_secs(300);
/// What the wheel's build may compile again: the regex stack (proptest, a dev-dependency,
/// turns regex-syntax's Unicode tables on in `cargo test`), and so the crate.
const RECOMPILED: &[&str] = &[
    "regex-syntax",
    "regex-automata",
    "matchers",
    "tracing-subscriber",
    "tcss-emulator",
];
/// The example suite's tests: fewer passing means files or tests went missing.
const EXAMPLES: usize = 19;

/// The target dir and cargo profile this test binary was built into, read from the
/// path of the emulator binary cargo built for it (`<target>/<profile dir>/tcss-emulator`).
fn target_and_profile() -> (PathBuf, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_tcss-emulator"));
    let dirs = bin
        .parent()
        .and_then(|p| Some((p.parent()?, p.file_name()?.to_str()?)));
    match dirs {
        Some((target, "debug")) => (target.to_path_buf(), "dev".to_owned()),
        Some((target, profile)) => (target.to_path_buf(), profile.to_owned()),
        None => panic!("no <target>/<profile> in {}", bin.display()),
    }
}

#[test]
fn the_wheel_installs_and_its_pytest_plugin_runs_the_example_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (target, profile) = target_and_profile();

    // 1. The fresh venv with the wheel; the script's last stdout line is its python.
    let started = Instant::now();
    let mut build = Command::new("bash");
    build
        .arg("scripts/python-package.sh")
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .env("WHEEL_PROFILE", &profile);
    let (status, tail) = run_streaming(&mut build, "python-package", BUILD_LIMIT);
    assert!(
        status.success(),
        "scripts/python-package.sh failed ({status}):\n{}",
        join(&tail)
    );
    let python = match last_out_line(&tail) {
        Some(line) => PathBuf::from(line),
        None => panic!("python-package.sh printed no python path:\n{}", join(&tail)),
    };
    // The wheel's cargo build reused what `cargo test` built for this run, but for the
    // crate and the regex stack, whose features the dev-dependencies change (Cargo.toml).
    let compiled: Vec<&str> = tail
        .iter()
        .filter_map(|l| l.split("python-package.sh: Compiling ").nth(1))
        .collect();
    let finished = tail
        .iter()
        .any(|l| l.contains("python-package.sh: Finished"));
    let unexpected: Vec<&&str> = compiled
        .iter()
        .filter(|unit| {
            !RECOMPILED
                .iter()
                .any(|r| unit.starts_with(&format!("{r} v")))
        })
        .collect();
    assert!(
        finished && unexpected.is_empty(),
        "the wheel's build compiled again what cargo test built (do features or the \
         profile differ? see the feature-unification note in Cargo.toml): {unexpected:#?}"
    );
    let Some(venv_bin) = python.parent() else {
        panic!("{} has no directory", python.display())
    };
    assert!(
        venv_bin.join("tcss-emulator").is_file(),
        "no tcss-emulator in {}",
        venv_bin.display()
    );
    println!("fresh venv with the wheel in {:?}", started.elapsed());

    // 2. The example suite, the venv first on PATH, the wheel's binary (no override).
    let started = Instant::now();
    let path = std::env::join_paths(std::iter::once(venv_bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let mut pytest = Command::new(&python);
    pytest
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"])
        .current_dir(root.join("python/examples"))
        .env("PATH", path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env_remove("TCSS_EMULATOR_BIN")
        .env_remove("PYTEST_ADDOPTS")
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY");
    let (status, tail) = run_streaming(&mut pytest, "examples", SUITE_LIMIT);
    assert!(
        status.success(),
        "the example suite failed ({status}); last {TAIL_LINES} lines:\n{}",
        join(&tail)
    );
    // Every test ran and passed: `N passed[, N warnings] in ...`, nothing else.
    let summary = tail
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("out| ").filter(|l| l.contains(" passed")))
        .unwrap_or_default();
    let others = ["failed", "error", "skipped", "xfail", "xpass", "deselected"];
    assert!(
        summary.starts_with(&format!("{EXAMPLES} passed"))
            && !others.iter().any(|o| summary.contains(o)),
        "expected exactly `{EXAMPLES} passed`, got {summary:?}:\n{}",
        join(&tail)
    );
    println!("example suite in {:?}", started.elapsed());
}
