//! The `tcss-emulator` binary: `serve` (default) and `health`.

use std::process::ExitCode;

use clap::Parser;
use tcss_emulator::config::{Cli, Command, HealthArgs, ListenAddr, SeedArgs, ServeArgs};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Health(args)) => health(&args),
        Some(Command::Seed(args)) => seed(&args),
        Some(Command::Serve(args)) => run(args),
        None => run(cli.serve),
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    // Store calls share one SQLite connection: more blocking threads than a few only
    // queue on its lock (and each costs memory).
    tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(8)
        .enable_all()
        .build()
}

fn run(args: ServeArgs) -> ExitCode {
    let log = tcss_emulator::logging::LogSink::stderr();
    log.install();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(log.clone())
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let code = serve(args, &log);
    log.flush();
    code
}

fn serve(args: ServeArgs, log: &tcss_emulator::logging::LogSink) -> ExitCode {
    let state = match tcss_emulator::build_state(&args, |k| std::env::var(k).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tcss-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tcss-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let log = log.clone();
    rt.block_on(async move {
        log.spawn_flusher();
        let listener = match bind(&args.listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("tcss-emulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("tcss-emulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        if !addr.ip().is_loopback() && args.admin_token.is_none() {
            tracing::warn!(%addr, "listening beyond loopback without --admin-token: anyone who can reach this port can change the emulator's data");
        }
        // Signal handlers before the line tools wait for: a SIGTERM sent as soon as it
        // is read must stop the emulator cleanly, not kill it.
        let shutdown = shutdown_signal();
        // The one line tools wait for (stdout, flushed by println!).
        println!("tcss-emulator listening on {addr}");
        match tcss_emulator::serve(listener, state, shutdown).await {
            Ok(()) => {
                tracing::info!("stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("tcss-emulator: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// Binds `listen`, resolving a host name (`localhost:4577`): the first of its
/// addresses that binds.
async fn bind(listen: &ListenAddr) -> Result<TcpListener, String> {
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((listen.host(), listen.port()))
        .await
        .map_err(|e| {
            format!(
                "cannot listen on {listen}: cannot resolve `{}`: {e} (a numeric address such as 127.0.0.1:{} needs no lookup)",
                listen.host(),
                listen.port()
            )
        })?
        .collect();
    TcpListener::bind(&addrs[..])
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))
}

/// Installs the SIGINT and SIGTERM handlers now (not when first polled) and completes
/// on either signal.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let int = signal(SignalKind::interrupt());
    let term = signal(SignalKind::terminate());
    async move {
        let wait = |s: std::io::Result<tokio::signal::unix::Signal>| async move {
            match s {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = wait(int) => {},
            () = wait(term) => {},
        }
        tracing::info!("shutting down");
    }
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    }
}

fn health(args: &HealthArgs) -> ExitCode {
    let url = args.health_url();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => return ExitCode::FAILURE,
    };
    let ok = rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(3))
            .build();
        match client {
            Ok(c) => c
                .get(&url)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success()),
            Err(_) => false,
        }
    });
    if ok {
        println!("healthy: {url}");
        ExitCode::SUCCESS
    } else {
        eprintln!("unhealthy: {url}");
        ExitCode::FAILURE
    }
}

/// `seed`: checks every file locally first (errors name file, record and field) and
/// sends none when any is bad; then upserts each through `POST /_emulator/fixtures`.
fn seed(args: &SeedArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => return ExitCode::FAILURE,
    };
    let url = format!("{}/_emulator/fixtures", args.url.trim_end_matches('/'));
    let client = match reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(300))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("seed: {e}");
            return ExitCode::FAILURE;
        }
    };
    // 1. Every file checked, every problem reported; nothing sent if any is bad.
    let mut checked = Vec::with_capacity(args.files.len());
    let mut bad = 0;
    for file in &args.files {
        let name = file.display().to_string();
        let parsed = std::fs::read_to_string(file)
            .map_err(|e| format!("{name}: cannot read: {e}"))
            .and_then(|text| {
                tcss_emulator::resources::fixtures::parse(&name, &text)
                    .map(|records| (text, records.len()))
                    .map_err(|e| e.to_string())
            });
        match parsed {
            Ok((text, records)) => checked.push((name, text, records)),
            Err(e) => {
                eprintln!("seed: {e}");
                bad += 1;
            }
        }
    }
    if bad > 0 {
        eprintln!(
            "seed: nothing sent: {bad} of {} files are bad (every file is checked before any is sent)",
            args.files.len()
        );
        return ExitCode::from(2);
    }
    // 2. Each file in order; a failure names the files not sent.
    for (i, (name, text, records)) in checked.iter().enumerate() {
        let mut req = client.post(&url).body(text.clone());
        if let Some(token) = &args.admin_token {
            req = req.bearer_auth(token);
        }
        match rt.block_on(send_seed(req, &url)) {
            Ok(()) => println!("{name}: {records} records upserted"),
            Err(e) => {
                eprintln!("seed: {name}: {e}");
                let rest: Vec<&str> = checked[i + 1..].iter().map(|(n, ..)| n.as_str()).collect();
                if !rest.is_empty() {
                    eprintln!("seed: not sent: {}", rest.join(", "));
                }
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

/// Sends one fixture document; the emulator's refusal as a message.
async fn send_seed(req: reqwest::RequestBuilder, url: &str) -> Result<(), String> {
    let res = req
        .send()
        .await
        .map_err(|e| format!("cannot reach {url}: {e}"))?;
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    if status.is_success() {
        return Ok(());
    }
    let message = body["error"]["message"]
        .as_str()
        .unwrap_or("no message")
        .trim_start_matches("request body: ")
        .to_string();
    Err(format!(
        "rejected by the emulator (HTTP {}): {message}",
        status.as_u16()
    ))
}
