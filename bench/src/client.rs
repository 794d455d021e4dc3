//! What a client sends: TC3-signed calls (signed with the emulator's own helper,
//! `tcss_emulator::signature::tc3::authorization_header`), and one-off requests.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tcss_emulator::signature::tc3;
use tokio::net::TcpStream;

/// The credential the benchmark gives the emulator (`--credential ID:KEY`).
pub const SECRET_ID: &str = "AKIDTCSSBENCH";
pub const SECRET_KEY: &str = "tcss-bench-secret";
pub const ACTION: &str = "DescribeAssetImageRegistryDetail";

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// The body of a Detail call by Id, as the Python SDK writes it.
pub fn detail_body(id: u64) -> Bytes {
    Bytes::from(format!("{{\"Id\": {id}}}"))
}

/// The headers of a TC3-signed JSON POST to `host`, as the official SDKs send them
/// (signed headers `content-type;host`).
pub fn signed_headers(host: &str, action: &str, body: &[u8], ts: i64) -> HeaderMap {
    let auth = tc3::authorization_header(
        SECRET_ID,
        SECRET_KEY,
        "tcss",
        "POST",
        host,
        "application/json",
        "",
        body,
        ts,
    );
    let mut h = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(HeaderName::from_static(name), v);
        }
    };
    put("host", host);
    put("authorization", &auth);
    put("content-type", "application/json");
    put("x-tc-action", action);
    put("x-tc-version", "2020-11-01");
    put("x-tc-timestamp", &ts.to_string());
    put("x-tc-language", "en-US");
    h
}

/// A `POST /` request with these headers and body.
pub fn post(headers: HeaderMap, body: Bytes) -> Request<Full<Bytes>> {
    let mut req = Request::new(Full::new(body));
    *req.method_mut() = Method::POST;
    *req.uri_mut() = hyper::Uri::from_static("/");
    *req.headers_mut() = headers;
    req
}

/// A signed Detail call for `id` to the emulator at `addr`.
pub fn signed_detail(addr: SocketAddr, id: u64) -> Request<Full<Bytes>> {
    signed_call(addr, ACTION, detail_body(id))
}

/// A signed call of `action` with the JSON parameters `body` to the emulator at `addr`.
pub fn signed_call(addr: SocketAddr, action: &str, body: Bytes) -> Request<Full<Bytes>> {
    let headers = signed_headers(&addr.to_string(), action, &body, now_secs());
    post(headers, body)
}

/// An answer of the cloud API is a success unless its `Response` starts with `Error`
/// (the emulator writes `Error` first; success answers start with a data member).
pub fn is_success(status: StatusCode, body: &[u8]) -> bool {
    status == StatusCode::OK
        && body.starts_with(b"{\"Response\":{")
        && !body.starts_with(b"{\"Response\":{\"Error\"")
}

/// Sends one request on a new connection and reads the whole answer.
pub async fn once(
    addr: SocketAddr,
    req: Request<Full<Bytes>>,
) -> crate::Result<(StatusCode, Bytes)> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    let conn = tokio::spawn(conn);
    let res = sender.send_request(req).await?;
    let status = res.status();
    let body = res.into_body().collect().await?.to_bytes();
    drop(sender);
    conn.abort();
    Ok((status, body))
}

/// One keep-alive HTTP/1.1 connection, one request at a time. Its driver task runs
/// on the runtime that opened it, while that runtime runs (`block_on`).
pub struct Conn {
    sender: http1::SendRequest<Full<Bytes>>,
    task: tokio::task::JoinHandle<hyper::Result<()>>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> crate::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
        Ok(Self {
            sender,
            task: tokio::spawn(conn),
        })
    }

    /// Sends `req` and reads the whole answer.
    pub async fn send(&mut self, req: Request<Full<Bytes>>) -> crate::Result<(StatusCode, Bytes)> {
        self.sender.ready().await?;
        let res = self.sender.send_request(req).await?;
        let status = res.status();
        let body = res.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A plain (admin) request: `method path` with a JSON body.
pub fn admin(
    addr: SocketAddr,
    method: Method,
    path: &str,
    body: Bytes,
) -> crate::Result<Request<Full<Bytes>>> {
    let mut req = Request::new(Full::new(body));
    *req.method_mut() = method;
    *req.uri_mut() = path.parse()?;
    req.headers_mut()
        .insert("host", HeaderValue::from_str(&addr.to_string())?);
    req.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    Ok(req)
}
