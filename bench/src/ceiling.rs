//! The ceiling: the least a server can do to answer the benchmark's calls.
//!
//! Same HTTP stack and settings as the emulator's accept loop (`tcss_emulator::serve`:
//! hyper http1, `TCP_NODELAY`, header read timeout, bounded head, tokio's multi-thread
//! runtime with its default worker count), but the service only reads the body and
//! answers a fixed JSON body with the emulator's headers. No parsing, no signature,
//! no database: the most HTTP this machine does with this stack.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

#[derive(Debug, clap::Args)]
pub struct CeilingArgs {
    /// File holding the body to answer (the emulator's answer for Id 5427).
    #[arg(long)]
    pub body: PathBuf,
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Busy work per answer, in ns (calibration: what a server that spends this much
    /// more CPU per answer than the ceiling can reach on this machine).
    #[arg(long, default_value_t = 0)]
    pub spin_ns: u64,
}

/// The line the orchestrator waits for, as the emulator prints its own.
pub const READY_PREFIX: &str = "tcss-bench ceiling listening on ";

pub fn main(args: &CeilingArgs) -> crate::Result<()> {
    let body = Bytes::from(std::fs::read(&args.body)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(serve(args.listen, body, Duration::from_nanos(args.spin_ns)))
}

async fn serve(listen: SocketAddr, body: Bytes, spin: Duration) -> crate::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    println!("{READY_PREFIX}{}", listener.local_addr()?);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        let service = service_fn(move |req| answer(req, body.clone(), spin));
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    req: Request<Incoming>,
    body: Bytes,
    spin: Duration,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let found = req.method() == Method::POST && req.uri().path() == "/";
    if !spin.is_zero() {
        let start = std::time::Instant::now();
        while start.elapsed() < spin {
            std::hint::spin_loop();
        }
    }
    // Read the request body, as any server must to keep the connection.
    let _ = req.into_body().collect().await;
    let mut res = if found {
        Response::new(Full::new(body))
    } else {
        let mut res = Response::new(Full::new(Bytes::new()));
        *res.status_mut() = StatusCode::NOT_FOUND;
        res
    };
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-tcss-emulator", HeaderValue::from_static("ceiling"));
    Ok(res)
}
