//! The `tcss-emulator` binary: `serve` (default) and `health`.

use std::process::ExitCode;

use clap::Parser;
use tcss_emulator::config::{Cli, Command, HealthArgs, SeedArgs, ServeArgs};
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
        let listener = match TcpListener::bind(args.listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("tcss-emulator: cannot listen on {}: {e}", args.listen);
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
        let shutdown = match shutdown_signal() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("tcss-emulator: cannot handle signals: {e}");
                return ExitCode::FAILURE;
            }
        };
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

/// A future that completes on SIGINT or SIGTERM. The handlers are installed here,
/// before it is first polled, so that a signal sent as soon as the readiness line is
/// out still stops the emulator cleanly (not by the signal's default action).
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {},
            _ = term.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

/// A future that completes on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    })
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

/// `seed`: checks each file locally (errors name file, record and field), then
/// upserts it through `POST /_emulator/fixtures`.
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
    for file in &args.files {
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("seed: {name}: cannot read: {e}");
                return ExitCode::from(2);
            }
        };
        let records = match tcss_emulator::resources::fixtures::parse(&name, &text) {
            Ok(r) => r.len(),
            Err(e) => {
                eprintln!("seed: {e}");
                return ExitCode::from(2);
            }
        };
        let mut req = client.post(&url).body(text);
        if let Some(token) = &args.admin_token {
            req = req.bearer_auth(token);
        }
        let outcome = rt.block_on(async {
            let res = req
                .send()
                .await
                .map_err(|e| format!("cannot reach {url}: {e}"))?;
            let status = res.status();
            let body: serde_json::Value = res.json().await.unwrap_or_default();
            if status.is_success() {
                Ok(())
            } else {
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
        });
        match outcome {
            Ok(()) => println!("{name}: {records} records upserted"),
            Err(e) => {
                eprintln!("seed: {name}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
