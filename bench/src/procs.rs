//! Child processes: the emulator, the ceiling and load runs, optionally pinned with
//! `taskset -c CPU` (which execs the program: the pid is the server's own).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::client;

/// Where the children run.
#[derive(Debug, Clone)]
pub struct Placement {
    /// `Some(cpu)`: pinned with taskset.
    pub cpu: Option<usize>,
}

impl Placement {
    pub fn command(&self, program: &Path) -> Command {
        match self.cpu {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpu.to_string()).arg(program);
                c
            }
            None => Command::new(program),
        }
    }
}

/// `true` when `taskset` (util-linux) can run here.
pub fn taskset_works() -> bool {
    Command::new("taskset")
        .args(["-c", "0", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A running server that printed `PREFIX ADDR` on stdout.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// Kept open: the server may print again.
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Spawns `cmd` (stdout piped, stderr discarded) and waits for the ready line.
    pub fn spawn(mut cmd: Command, prefix: &str) -> crate::Result<Self> {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                let status = child.wait()?;
                return Err(format!("server exited before listening ({status}): {cmd:?}").into());
            }
            if let Some(addr) = line.trim().strip_prefix(prefix) {
                let addr = addr.parse()?;
                return Ok(Self {
                    child,
                    addr,
                    _stdout: reader,
                });
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `VmRSS` of the process, in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.pid())
    }

    /// `VmHWM` of the process (the highest RSS since it started), in KiB.
    pub fn hwm_kib(&self) -> Option<u64> {
        hwm_kib(self.pid())
    }

    /// SIGTERM (clean stop), then SIGKILL after 10 s.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only reached without stop() (an error path): never leave a server behind.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// CPU time used so far by every thread of `pid`, in nanoseconds (the first field
/// of `/proc/PID/task/TID/schedstat`).
pub fn cpu_ns(pid: u32) -> Option<u64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0;
    for task in tasks.flatten() {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        total += stat
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Some(total)
}

/// Context switches (voluntary and not) of every thread of `pid` so far.
pub fn switches(pid: u32) -> Option<u64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0;
    for task in tasks.flatten() {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        total += status
            .lines()
            .filter(|l| l.contains("voluntary_ctxt_switches:"))
            .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum::<u64>();
    }
    Some(total)
}

/// A `kB` field (`VmRSS:`, `VmHWM:`, ...) of `/proc/PID/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `VmRSS` of `pid` from /proc, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

/// `VmHWM` of `pid` from /proc (its peak RSS so far), in KiB.
pub fn hwm_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM:")
}

/// The ready line the emulator prints.
pub const EMULATOR_READY: &str = "tcss-emulator listening on ";

/// The emulator command line the benchmark uses: port 0, rate limit off, the
/// benchmark's credential, default log level (the log goes to /dev/null), every
/// `TCSS_EMULATOR_*` / SDK credential variable of this shell removed; then `extra`
/// (e.g. `--fixtures none`: no bundled fixtures).
pub fn emulator_command(
    place: &Placement,
    binary: &Path,
    db: Option<&Path>,
    extra: &[&str],
) -> Command {
    let mut cmd = place.command(binary);
    cmd.args([
        "--listen",
        "127.0.0.1:0",
        "--rate-limit",
        "0",
        "--credential",
    ])
    .arg(format!("{}:{}", client::SECRET_ID, client::SECRET_KEY));
    if let Some(db) = db {
        cmd.arg("--db").arg(db);
    }
    cmd.args(extra);
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("TCSS_EMULATOR_") || k.starts_with("TENCENTCLOUD_") || k == "RUST_LOG" {
            cmd.env_remove(k.as_ref());
        }
    }
    cmd
}

pub fn emulator(
    place: &Placement,
    binary: &Path,
    db: Option<&Path>,
    extra: &[&str],
) -> crate::Result<Server> {
    Server::spawn(emulator_command(place, binary, db, extra), EMULATOR_READY)
}

pub fn ceiling(place: &Placement, me: &Path, body: &Path, spin_ns: u64) -> crate::Result<Server> {
    let mut cmd = place.command(me);
    cmd.arg("ceiling").arg("--body").arg(body);
    cmd.args(["--spin-ns", &spin_ns.to_string()]);
    Server::spawn(cmd, crate::ceiling::READY_PREFIX)
}

/// A directory removed (with its content) when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> crate::Result<Self> {
        let dir = std::env::temp_dir().join(format!("tcss-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
