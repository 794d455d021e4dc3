//! Running an external test suite (the official SDKs' interop suites) from `cargo test`:
//! its output streamed as it comes, its last lines kept for the failure message, and
//! its run bounded in time (the whole process group is killed when it overruns); the
//! setup scripts (`scripts/sdk-*.sh`) run the same way.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How many lines of output a failure message repeats.
pub const TAIL_LINES: usize = 80;

/// Runs `cmd`, printing each stdout/stderr line as it comes (prefixed with `tag`),
/// and returns its exit status with its last lines, each marked `out| ` or `err| `.
/// Panics, naming `tag` and the last lines, when it does not finish within `limit`:
/// its process group (itself and whatever it started) is killed first.
pub fn run_streaming(
    cmd: &mut Command,
    tag: &str,
    limit: Duration,
) -> (ExitStatus, VecDeque<String>) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => panic!("cannot start {cmd:?}: {e}"),
    };
    let pid = child.id();
    let (tx, rx) = mpsc::channel::<String>();
    if let Some(out) = child.stdout.take() {
        forward(out, "out", tx.clone());
    }
    if let Some(err) = child.stderr.take() {
        forward(err, "err", tx.clone());
    }
    drop(tx);
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = done_tx.send(child.wait());
    });

    let deadline = Instant::now() + limit;
    let mut tail = VecDeque::with_capacity(TAIL_LINES);
    // Lines until both streams close, then the exit status: each wait bounded.
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                println!("[{tag}] {}", &line[5..]);
                if tail.len() == TAIL_LINES {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => overran(pid, tag, limit, &tail),
        }
    }
    let left = deadline.saturating_duration_since(Instant::now());
    match done_rx.recv_timeout(left) {
        Ok(Ok(status)) => (status, tail),
        Ok(Err(e)) => panic!("waiting for {tag}: {e}"),
        Err(_) => overran(pid, tag, limit, &tail),
    }
}

/// Kills the process group `pgid` (the one `run_streaming` started) and fails.
fn overran(pgid: u32, tag: &str, limit: Duration, tail: &VecDeque<String>) -> ! {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .status();
    panic!(
        "{tag} did not finish within {limit:?} (killed); last lines:\n{}",
        join(tail)
    )
}

fn forward(stream: impl Read + Send + 'static, prefix: &'static str, tx: mpsc::Sender<String>) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(format!("{prefix}| {line}")).is_err() {
                break;
            }
        }
    });
}

/// The lines, one per line.
pub fn join(lines: &VecDeque<String>) -> String {
    lines
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The last stdout line of `tail` (a setup script's answer, e.g. a path).
pub fn last_out_line(tail: &VecDeque<String>) -> Option<String> {
    tail.iter()
        .rev()
        .find_map(|l| l.strip_prefix("out| "))
        .map(|l| l.trim().to_owned())
}

/// Runs `bash scripts/NAME` in the repository (bounded by `limit`, its output streamed)
/// and returns the last line it printed on stdout, its answer (a path); panics with
/// its last lines when it fails or names nothing.
pub fn setup_script(name: &str, limit: Duration) -> String {
    let mut cmd = Command::new("bash");
    cmd.arg(format!("scripts/{name}"))
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let tag = name.trim_end_matches(".sh");
    let (status, tail) = run_streaming(&mut cmd, tag, limit);
    assert!(
        status.success(),
        "scripts/{name} failed ({status}):\n{}",
        join(&tail)
    );
    last_out_line(&tail)
        .unwrap_or_else(|| panic!("scripts/{name} printed no path:\n{}", join(&tail)))
}
