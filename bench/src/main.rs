//! `tcss-bench`: how much HTTP the emulator leaves on the table, and what it costs.
//!
//! One command, from the repository root, builds both binaries in release mode and
//! runs everything (≈6 min; `--quick` for a ≈35 s smoke):
//!
//! ```sh
//! bench/run.sh            # = cargo build --release && cargo run --release -p tcss-bench -- run
//! bench/run.sh --quick
//! ```
//!
//! `run` prints a table and writes it to `bench/results.md` (`--quick`:
//! `bench/results-quick.md`, ignored by git). It measures, on loopback:
//!
//! - the **ceiling**: `tcss-bench ceiling`, a minimal hyper server (same HTTP stack and
//!   runtime as the emulator) answering `POST /` with the emulator's own answer for
//!   `DescribeAssetImageRegistryDetail` Id 5427: no checks, no database;
//! - the **emulator** (`target/release/tcss-emulator`, next to this binary): TC3-signed
//!   `DescribeAssetImageRegistryDetail` calls, signatures verified, `--rate-limit 0`;
//!   beside them, at concurrency 64, two stateful lists with a page of 10;
//! - latency, cold start, idle RSS;
//! - seeding through `POST /_emulator/fixtures` in batches of 500: 10k and 100k images
//!   and 100k hosts in memory (seconds, RSS after, peak RSS), 100k and 1M images into
//!   `--db` files;
//! - a list with three filters, sorted, a page of 10, over 100k hosts: the first list,
//!   p50/p99 at concurrency 1, req/s at 64, the list right after a write;
//! - lookups by random Id over file databases of 1k, 100k and 1M records; spec
//!   validation in process.
//!
//! The report opens with issue #15's targets, each figure with **met** / **missed**.
//!
//! Server and load generator (`tcss-bench load`, a separate process) are both pinned
//! to CPU 0 with `taskset`: on a 2-core VM, splitting them across cores makes wake-up
//! latency dominate. Rounds are interleaved (ceiling, emulator, ceiling, ...) and the
//! table gives medians of rounds. See `bench/README.md` for every figure.
//!
//! Subcommands: `run` (everything), `ceiling` (the minimal server), `load` (the load
//! generator: keep-alive connections, a pool of pre-signed requests; any action with
//! `--action` / `--params`), `validate`
//! (the spec-validation micro-benchmark alone), `dashboard` (the Requests page with a
//! full journal), `lists` (a filtered list over 100k seeded hosts), `records` (print the seeded records).

mod ceiling;
mod client;
mod dashboard;
mod lists;
mod load;
mod microbench;
mod procs;
mod records;
mod report;
mod run;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, Parser)]
#[command(
    name = "tcss-bench",
    about = "Benchmark of tcss-emulator against a minimal hyper server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Everything: ceiling vs emulator, stateful lists, latency, cold start, RSS, seeding, a list over 100k hosts, lookups, validation.
    Run(run::RunArgs),
    /// The minimal server (the ceiling): answers `POST /` with a fixed body.
    Ceiling(ceiling::CeilingArgs),
    /// The load generator: N keep-alive connections for a fixed time; prints one JSON line.
    Load(load::LoadArgs),
    /// The spec-validation micro-benchmark alone.
    Validate(microbench::ValidateArgs),
    /// The dashboard's Requests page with a full journal (1,000 calls).
    Dashboard(dashboard::DashboardArgs),
    /// A list with three filters, sorted, paged, over N seeded hosts.
    Lists(lists::ListsArgs),
    /// Print a fixture document of generated records (the ones `run` seeds).
    Records(records::RecordsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::main(args),
        Command::Ceiling(args) => ceiling::main(&args),
        Command::Load(args) => load::main(&args),
        Command::Validate(args) => microbench::main(&args),
        Command::Dashboard(args) => dashboard::main(&args),
        Command::Lists(args) => lists::main(&args),
        Command::Records(args) => records::main(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcss-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
