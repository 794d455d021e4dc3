//! Runs the official-Python-SDK interop suite (`sdk-tests/python`) against the built
//! binary: `scripts/sdk-venv.sh` makes (or reuses) the venvs, then pytest starts
//! `tcss-emulator` itself on port 0 for each scenario.
//!
//! `TCSS_SKIP_SDK_TESTS=1` skips it, for quick local loops only; CI never sets it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;

/// How many lines of output the failure message repeats.
const TAIL_LINES: usize = 80;

#[test]
fn python_sdk_interop_suite_passes() {
    if std::env::var("TCSS_SKIP_SDK_TESTS").as_deref() == Ok("1") {
        println!(
            "TCSS_SKIP_SDK_TESTS=1: SKIPPING the official Python SDK interop suite (sdk-tests/python)"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // 1. The venv; the script's last stdout line is the venv's python.
    let mut venv = Command::new("bash");
    venv.arg("scripts/sdk-venv.sh").current_dir(root);
    let (status, tail) = run_streaming(&mut venv, "sdk-venv");
    assert!(
        status.success(),
        "scripts/sdk-venv.sh failed ({status}):\n{}",
        join(&tail)
    );
    let python = match tail.iter().rev().find(|l| l.starts_with("out| ")) {
        Some(line) => line.trim_start_matches("out| ").trim().to_owned(),
        None => panic!(
            "scripts/sdk-venv.sh printed no python path:\n{}",
            join(&tail)
        ),
    };
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
    let (status, tail) = run_streaming(&mut pytest, "pytest");
    assert!(
        status.success(),
        "Python SDK interop suite failed ({status}); last {TAIL_LINES} lines:\n{}",
        join(&tail)
    );
}

/// Runs `cmd`, printing each stdout/stderr line as it comes (prefixed with `tag`),
/// and returns the exit status with the last lines, each marked `out| ` or `err| `.
fn run_streaming(cmd: &mut Command, tag: &str) -> (ExitStatus, VecDeque<String>) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => panic!("cannot start {cmd:?}: {e}"),
    };
    let (tx, rx) = mpsc::channel::<String>();
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(forward(out, "out", tx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(forward(err, "err", tx.clone()));
    }
    drop(tx);

    let mut tail = VecDeque::with_capacity(TAIL_LINES);
    for line in rx {
        println!("[{tag}] {}", &line[5..]);
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    for reader in readers {
        let _ = reader.join();
    }
    match child.wait() {
        Ok(status) => (status, tail),
        Err(e) => panic!("waiting for {cmd:?}: {e}"),
    }
}

fn forward(
    stream: impl Read + Send + 'static,
    prefix: &'static str,
    tx: mpsc::Sender<String>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(format!("{prefix}| {line}")).is_err() {
                break;
            }
        }
    })
}

fn join(lines: &VecDeque<String>) -> String {
    lines
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}
