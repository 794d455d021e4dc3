//! Runs the official-Python-SDK interop suite (`sdk-tests/python`) against the built
//! binary: `scripts/sdk-venv.sh` makes (or reuses) the venvs, then pytest starts
//! `tcss-emulator` itself on port 0 for each scenario.
//!
//! It always runs (there is no switch to skip it), and never waits unbounded: each
//! step has an overall time limit after which its whole process group (pytest and
//! the emulators it started) is killed and the test fails with the output's tail.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How many lines of output the failure message repeats.
const TAIL_LINES: usize = 80;
/// Making the venvs: a first install downloads the pinned SDKs from PyPI.
const VENV_LIMIT: Duration = Duration::from_secs(600);
/// The whole pytest run (under 10 s on a shared two-core machine).
const PYTEST_LIMIT: Duration = Duration::from_secs(300);

#[test]
fn python_sdk_interop_suite_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // 1. The venv; the script's last stdout line is the venv's python.
    let mut venv = Command::new("bash");
    venv.arg("scripts/sdk-venv.sh").current_dir(root);
    let (status, tail) = run_bounded(&mut venv, "sdk-venv", VENV_LIMIT);
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
    let (status, tail) = run_bounded(&mut pytest, "pytest", PYTEST_LIMIT);
    assert!(
        status.success(),
        "Python SDK interop suite failed ({status}); last {TAIL_LINES} lines:\n{}",
        join(&tail)
    );
}

/// What the reader and waiter threads report.
enum Event {
    Line(String),
    Exited(std::io::Result<ExitStatus>),
}

/// Runs `cmd` in a process group of its own, printing each stdout/stderr line as it
/// comes (prefixed with `tag`), and returns the exit status with the last lines, each
/// marked `out| ` or `err| `. Past `limit`, the whole group is killed and the test
/// fails with those lines.
fn run_bounded(cmd: &mut Command, tag: &str, limit: Duration) -> (ExitStatus, VecDeque<String>) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let deadline = Instant::now() + limit;
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => panic!("cannot start {cmd:?}: {e}"),
    };
    let pid = child.id();
    let (tx, rx) = mpsc::channel::<Event>();
    if let Some(out) = child.stdout.take() {
        forward(out, "out", tx.clone());
    }
    if let Some(err) = child.stderr.take() {
        forward(err, "err", tx.clone());
    }
    let waiter = tx.clone();
    thread::spawn(move || {
        let _ = waiter.send(Event::Exited(child.wait()));
    });
    drop(tx);

    let mut tail = VecDeque::with_capacity(TAIL_LINES);
    let mut status = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Event::Line(line)) => {
                println!("[{tag}] {}", &line[5..]);
                if tail.len() == TAIL_LINES {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
            Ok(Event::Exited(Ok(s))) => status = Some(s),
            Ok(Event::Exited(Err(e))) => panic!("waiting for {cmd:?}: {e}"),
            // Both streams closed and the process reaped.
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // The group's id is the child's pid (process_group(0)).
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{pid}")])
                    .status();
                panic!(
                    "{tag} did not finish within {limit:?}: killed it and its process group; last {TAIL_LINES} lines:\n{}",
                    join(&tail)
                );
            }
        }
    }
    match status {
        Some(status) => (status, tail),
        None => panic!("{tag}: no exit status"),
    }
}

fn forward(stream: impl Read + Send + 'static, prefix: &'static str, tx: mpsc::Sender<Event>) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(Event::Line(format!("{prefix}| {line}"))).is_err() {
                break;
            }
        }
    });
}

fn join(lines: &VecDeque<String>) -> String {
    lines
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}
