//! What the reliability tests share: a panic counter, the emulator in-process or as
//! the real binary, a signer, and a raw HTTP/1.1 client over tokio's `TcpStream` for
//! the requests reqwest will not send.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::Parser;
use serde_json::Value;
use tcss_emulator::app::AppState;
use tcss_emulator::config::Cli;
use tcss_emulator::signature::{legacy, tc3};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::oneshot;

pub const ID: &str = "AKIDreliability";
pub const KEY: &str = "reliability-secret-key";
/// A credential with a session token, of another account.
pub const TOKEN_ID: &str = "AKIDreliabilitytoken";
pub const TOKEN: &str = "session-token";
pub const VERSION: &str = "2020-11-01";
pub const DETAIL: &str = "DescribeAssetImageRegistryDetail";
pub const LIST: &str = "DescribeAssetImageRegistryList";
pub const BIN: &str = env!("CARGO_BIN_EXE_tcss-emulator");

// ---------------------------------------------------------------- panics

static SERVER_PANICS: AtomicUsize = AtomicUsize::new(0);

/// Installs (once) a panic hook that counts every panic raised outside this test
/// binary's own code: the in-process server runs on the tests' runtimes, so a panic
/// in a handler (even one `CatchPanicLayer` turns into `InternalError`) or in a
/// connection task is counted here.
pub fn init() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours = info
                .location()
                .is_some_and(|l| l.file().replace('\\', "/").contains("tests/reliability/"));
            if !ours {
                SERVER_PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
}

/// Panics counted so far outside the tests' own code.
pub fn server_panics() -> usize {
    SERVER_PANICS.load(Ordering::SeqCst)
}

// ---------------------------------------------------------------- servers

/// The emulator served in this process (its state is reachable).
pub struct App {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
}

/// The credentials every server of these tests accepts.
fn credential_flags() -> Vec<String> {
    vec![
        "--credential".into(),
        format!("{ID}:{KEY}"),
        "--credential".into(),
        format!("{TOKEN_ID}:{KEY}:other:{TOKEN}"),
    ]
}

/// Serves the emulator (bundled fixtures) in this process with `extra` flags.
pub async fn spawn(extra: &[&str]) -> App {
    init();
    let mut argv: Vec<String> = vec![
        "tcss-emulator".into(),
        "--listen".into(),
        "127.0.0.1:0".into(),
    ];
    argv.extend(credential_flags());
    argv.extend(extra.iter().map(|s| s.to_string()));
    let cli = Cli::try_parse_from(argv).expect("flags parse");
    let state = tcss_emulator::build_state(&cli.serve, |_| None).expect("state builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(tcss_emulator::serve(listener, state.clone(), async {
        let _ = rx.await;
    }));
    App {
        addr,
        state,
        stop: Some(tx),
    }
}

impl App {
    pub fn signer(&self) -> Signer {
        Signer::new(self.addr, chrono::Utc::now().timestamp())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// How long the binary may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The real binary, as a child process on port 0; stderr goes to a file so that
/// panics and crashes show in the test's failure message. Killed on drop.
pub struct Binary {
    child: Child,
    pub addr: SocketAddr,
    stderr: PathBuf,
}

impl Binary {
    /// Starts the binary with the tests' credentials and `extra` flags; `dir` holds
    /// its stderr log.
    pub fn start(extra: &[&str], dir: &Path, log_name: &str) -> Binary {
        Binary::start_with_env(extra, &[], dir, log_name)
    }

    /// [`Binary::start`] with extra environment variables.
    pub fn start_with_env(
        extra: &[&str],
        env: &[(&str, &str)],
        dir: &Path,
        log_name: &str,
    ) -> Binary {
        init();
        let stderr = dir.join(log_name);
        let log = std::fs::File::create(&stderr).expect("log file");
        let mut cmd = Command::new(BIN);
        cmd.args(["--listen", "127.0.0.1:0"])
            .args(credential_flags())
            .args(extra)
            .env_remove("TENCENTCLOUD_SECRET_ID")
            .env_remove("TENCENTCLOUD_SECRET_KEY")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .envs(env.iter().copied());
        let mut child = cmd.spawn().expect("the binary starts");
        let stdout = child.stdout.take().expect("stdout");
        // The first line, read on a thread so that a binary that never prints it
        // fails the test after `START_TIMEOUT` instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(read);
        });
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) => line,
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the emulator printed no address within {START_TIMEOUT:?} ({other:?}); its stderr:\n{}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                );
            }
        };
        let addr = line
            .trim()
            .strip_prefix("tcss-emulator listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .expect("address");
        Binary {
            child,
            addr,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signer(&self) -> Signer {
        Signer::new(self.addr, chrono::Utc::now().timestamp())
    }

    /// A number from `/proc/<pid>/status` (`VmRSS` in KiB, `Threads`, ...).
    pub fn status_value(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("/proc/<pid>/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{field} in /proc/<pid>/status"))
    }

    /// The resident set size (VmRSS) of the process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.status_value("VmRSS")
    }

    /// `None` while running, else how it ended.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// What the process wrote on stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Fails when the process has died, or has logged a panic.
    pub fn assert_healthy(&mut self, context: &str) {
        if let Some(status) = self.exited() {
            panic!(
                "{context}: the emulator died ({status}); its stderr ends with:\n{}",
                tail(&self.stderr(), 1500)
            );
        }
        let log = self.stderr();
        assert!(
            !log.contains("panicked") && !log.contains("overflowed its stack"),
            "{context}: the emulator logged a panic:\n{}",
            tail(&log, 1500)
        );
    }

    /// SIGKILL, then reap.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

// ---------------------------------------------------------------- requests

/// One HTTP/1.x request, byte for byte.
#[derive(Debug, Clone)]
pub struct Wire {
    pub method: Vec<u8>,
    pub target: Vec<u8>,
    pub version: Vec<u8>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    /// Add `Content-Length` for the body (unless a header already gives one).
    pub auto_length: bool,
    /// Line ending (`\r\n`, or `\n` for the bare-LF cases).
    pub eol: &'static [u8],
}

impl Wire {
    pub fn new(method: &str, target: &str) -> Wire {
        Wire {
            method: method.as_bytes().to_vec(),
            target: target.as_bytes().to_vec(),
            version: b"HTTP/1.1".to_vec(),
            headers: Vec::new(),
            body: Vec::new(),
            auto_length: true,
            eol: b"\r\n",
        }
    }

    /// Appends a header (a repeat of an existing name is a second header line).
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Wire {
        self.headers
            .push((name.to_string(), value.as_ref().to_vec()));
        self
    }

    /// Replaces every header `name` (any case) by one, or appends it.
    pub fn set(self, name: &str, value: impl AsRef<[u8]>) -> Wire {
        self.without(name).header(name, value)
    }

    /// Removes every header `name` (any case).
    pub fn without(mut self, name: &str) -> Wire {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Sends header `name` twice (its first value again).
    pub fn dup(self, name: &str) -> Wire {
        let value = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no header {name} to repeat"));
        self.header(name, value)
    }

    pub fn method(mut self, method: &str) -> Wire {
        self.method = method.as_bytes().to_vec();
        self
    }

    pub fn target(mut self, target: impl AsRef<[u8]>) -> Wire {
        self.target = target.as_ref().to_vec();
        self
    }

    pub fn version(mut self, version: &str) -> Wire {
        self.version = version.as_bytes().to_vec();
        self
    }

    pub fn body(mut self, body: impl AsRef<[u8]>) -> Wire {
        self.body = body.as_ref().to_vec();
        self
    }

    pub fn bare_lf(mut self) -> Wire {
        self.eol = b"\n";
        self
    }

    pub fn has(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 512);
        out.extend_from_slice(&self.method);
        out.push(b' ');
        out.extend_from_slice(&self.target);
        out.push(b' ');
        out.extend_from_slice(&self.version);
        out.extend_from_slice(self.eol);
        for (n, v) in &self.headers {
            out.extend_from_slice(n.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(v);
            out.extend_from_slice(self.eol);
        }
        if self.auto_length
            && !self.has("content-length")
            && !self.has("transfer-encoding")
            && (!self.body.is_empty() || self.method == b"POST")
        {
            out.extend_from_slice(format!("Content-Length: {}", self.body.len()).as_bytes());
            out.extend_from_slice(self.eol);
        }
        out.extend_from_slice(self.eol);
        out.extend_from_slice(&self.body);
        out
    }
}

/// Signs requests like the SDKs do, for one server and one instant.
#[derive(Debug, Clone)]
pub struct Signer {
    pub host: String,
    pub now: i64,
    pub id: String,
    pub key: String,
}

impl Signer {
    pub fn new(addr: SocketAddr, now: i64) -> Signer {
        Signer {
            host: addr.to_string(),
            now,
            id: ID.into(),
            key: KEY.into(),
        }
    }

    pub fn with_id(&self, id: &str) -> Signer {
        Signer {
            id: id.into(),
            ..self.clone()
        }
    }

    /// The TC3 `Authorization` value (signed headers `content-type;host`).
    pub fn auth(&self, method: &str, ct: &str, query: &str, body: &[u8], ts: i64) -> String {
        tc3::authorization_header(
            &self.id, &self.key, "tcss", method, &self.host, ct, query, body, ts,
        )
    }

    /// A TC3 POST with this content type.
    pub fn post(&self, action: &str, ct: &str, body: &[u8]) -> Wire {
        self.post_at(action, ct, body, self.now)
    }

    pub fn post_at(&self, action: &str, ct: &str, body: &[u8], ts: i64) -> Wire {
        Wire::new("POST", "/")
            .header("Host", &self.host)
            .header("Content-Type", ct)
            .header("Authorization", self.auth("POST", ct, "", body, ts))
            .header("X-TC-Action", action)
            .header("X-TC-Version", VERSION)
            .header("X-TC-Timestamp", ts.to_string())
            .header("X-TC-Language", "en-US")
            .body(body)
    }

    /// A TC3 JSON POST, as the Python SDK sends it.
    pub fn json(&self, action: &str, body: &str) -> Wire {
        self.post(action, "application/json", body.as_bytes())
    }

    /// A TC3 GET with `query` as the parameters.
    pub fn get(&self, action: &str, query: &str) -> Wire {
        let ct = "application/x-www-form-urlencoded";
        Wire::new("GET", &format!("/?{query}"))
            .header("Host", &self.host)
            .header("Content-Type", ct)
            .header("Authorization", self.auth("GET", ct, query, b"", self.now))
            .header("X-TC-Action", action)
            .header("X-TC-Version", VERSION)
            .header("X-TC-Timestamp", self.now.to_string())
    }

    /// A legacy-signed call: GET puts the parameters in the query, POST in a form body.
    /// `params` are the action's own; the common ones are added unless `skip` names them.
    pub fn legacy(
        &self,
        method: &str,
        action: &str,
        params: &[(&str, &str)],
        skip: &[&str],
    ) -> Wire {
        let ts = self.now.to_string();
        let mut pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (k, v) in [
            ("Action", action),
            ("Version", VERSION),
            ("SecretId", self.id.as_str()),
            ("Nonce", "31337"),
            ("Timestamp", ts.as_str()),
            ("SignatureMethod", "HmacSHA256"),
        ] {
            if !skip.contains(&k) && !pairs.iter().any(|(n, _)| n == k) {
                pairs.push((k.into(), v.into()));
            }
        }
        let sts =
            legacy::string_to_sign(method, &self.host, "/", &pairs, legacy::Variant::default());
        let method_used = legacy::Method::parse(
            pairs
                .iter()
                .find(|(n, _)| n == "SignatureMethod")
                .map(|(_, v)| v.as_str()),
        );
        if !skip.contains(&"Signature") {
            let sig = legacy::sign(method_used, &self.key, &sts);
            pairs.push(("Signature".into(), sig));
        }
        let encoded = encode(&pairs);
        if method == "GET" {
            Wire::new("GET", &format!("/?{encoded}")).header("Host", &self.host)
        } else {
            Wire::new(method, "/")
                .header("Host", &self.host)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encoded)
        }
    }
}

/// `k=v&...`, every byte but ASCII alphanumerics percent-encoded.
pub fn encode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn pct(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

// ---------------------------------------------------------------- responses

/// One HTTP response as read off the socket.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    /// `(lower-case name, value)`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `Response` object, after checking the wire format of an API answer
    /// (HTTP 200, `Content-Type: application/json` exactly, `X-TCSS-Emulator`,
    /// a v4 UUID `RequestId`). `Err` says what is wrong.
    pub fn envelope(&self) -> Result<Value, String> {
        if self.status != 200 {
            return Err(format!("HTTP {} (API answers are 200)", self.status));
        }
        if self.header("content-type") != Some("application/json") {
            return Err(format!("Content-Type {:?}", self.header("content-type")));
        }
        if self.header("x-tcss-emulator").is_none() {
            return Err("no X-TCSS-Emulator header".into());
        }
        let body: Value = serde_json::from_slice(&self.body)
            .map_err(|e| format!("body is not JSON ({e}): {}", self.text()))?;
        let response = body
            .get("Response")
            .cloned()
            .ok_or_else(|| format!("no Response: {body}"))?;
        let rid = response["RequestId"]
            .as_str()
            .ok_or_else(|| format!("no RequestId: {body}"))?;
        match uuid::Uuid::parse_str(rid) {
            Ok(u) if u.get_version_num() == 4 => Ok(response),
            _ => Err(format!("RequestId {rid:?} is not a v4 UUID")),
        }
    }

    /// `Response.Error.Code`, `Some("")` for success, `None` when not an envelope.
    pub fn code(&self) -> Option<String> {
        let r = self.envelope().ok()?;
        Some(
            r.get("Error")
                .and_then(|e| e["Code"].as_str())
                .unwrap_or("")
                .to_string(),
        )
    }

    pub fn text(&self) -> String {
        let s = String::from_utf8_lossy(&self.body);
        s.chars().take(400).collect()
    }
}

/// A keep-alive connection: requests and responses in turn.
pub struct Conn {
    reader: AsyncBufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (r, w) = stream.into_split();
        Ok(Conn {
            reader: AsyncBufReader::with_capacity(16 * 1024, r),
            writer: w,
        })
    }

    pub async fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes).await
    }

    /// Reads one response; `None` when the server closed before sending anything.
    /// `head` is true for a response to HEAD (no body follows).
    pub async fn read(&mut self, head: bool) -> std::io::Result<Option<Reply>> {
        read_reply(&mut self.reader, head).await
    }

    /// Sends a request and reads its response.
    pub async fn call(&mut self, bytes: &[u8]) -> std::io::Result<Reply> {
        self.send(bytes).await?;
        self.read(false).await?.ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed without a response",
            )
        })
    }

    /// Waits until the server closes the connection; anything it sends first is
    /// returned.
    pub async fn until_closed(&mut self) -> std::io::Result<Vec<u8>> {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest).await {
            Ok(_) => Ok(rest),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(rest),
            Err(e) => Err(e),
        }
    }

    pub fn split(self) -> (AsyncBufReader<OwnedReadHalf>, OwnedWriteHalf) {
        (self.reader, self.writer)
    }
}

pub async fn read_reply(
    reader: &mut AsyncBufReader<OwnedReadHalf>,
    head: bool,
) -> std::io::Result<Option<Reply>> {
    let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let mut line = String::new();
    let n = match reader.read_line(&mut line).await {
        Ok(n) => n,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
        Err(e) => return Err(e),
    };
    if n == 0 {
        return Ok(None);
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let _version = parts.next();
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).await? == 0 {
            return Err(bad("closed inside the response head".into()));
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| bad(format!("header {h:?}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    if head || (100..200).contains(&status) || status == 204 || status == 304 {
        return Ok(Some(reply));
    }
    if let Some(len) = reply.header("content-length") {
        let len: usize = len.parse().map_err(|_| bad(format!("length {len}")))?;
        reply.body = vec![0; len];
        reader.read_exact(&mut reply.body).await?;
    } else if reply
        .header("transfer-encoding")
        .is_some_and(|t| t.contains("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| bad(format!("chunk size {size:?}")))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await?;
            if size == 0 {
                break;
            }
            reply.body.extend_from_slice(&chunk[..size]);
        }
    } else {
        reader.read_to_end(&mut reply.body).await?;
    }
    Ok(Some(reply))
}

/// How a raw exchange ends on the client's side once everything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Keep the connection open and read.
    Read,
    /// Half-close (no more data from the client), then read.
    HalfClose,
}

/// Opens a connection, writes `bytes` (from a separate task, so a server that
/// answers before reading everything is read while the client still writes), and
/// reads one response within `limit`.
pub async fn exchange(
    addr: SocketAddr,
    bytes: Vec<u8>,
    after: After,
    head: bool,
    limit: Duration,
) -> Result<Option<Reply>, String> {
    let conn = Conn::open(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (mut reader, mut writer) = conn.split();
    let write = tokio::spawn(async move {
        let _ = writer.write_all(&bytes).await;
        if after == After::HalfClose {
            let _ = writer.shutdown().await;
        }
        // Keep the write half (and so the connection) open until the read is over.
        writer
    });
    let read = tokio::time::timeout(limit, read_reply(&mut reader, head)).await;
    // A server that answered without reading everything may never read the rest.
    write.abort();
    let _ = write.await;
    match read {
        Err(_) => Err(format!("no response within {limit:?}")),
        Ok(Err(e)) => Err(format!("read: {e}")),
        Ok(Ok(reply)) => Ok(reply),
    }
}

/// A correctly signed call of the hand-written action must succeed on a new
/// connection, within 10 s: the server is still serving.
pub async fn assert_serves(addr: SocketAddr, signer: &Signer) -> Result<(), String> {
    let signer = Signer {
        now: chrono::Utc::now().timestamp(),
        ..signer.clone()
    };
    let wire = signer.json(DETAIL, r#"{"Id": 5427}"#);
    let reply = exchange(
        addr,
        wire.bytes(),
        After::Read,
        false,
        Duration::from_secs(10),
    )
    .await?
    .ok_or("the server closed without answering a valid call")?;
    let response = reply.envelope()?;
    if response.get("Error").is_some() || response["Id"] != 5427 {
        return Err(format!("a valid call failed: {response}"));
    }
    Ok(())
}
