#!/usr/bin/env bash
# Builds the emulator and the benchmark in release mode, then runs the benchmark.
#   bench/run.sh           full run (≈3 min), writes bench/results.md
#   bench/run.sh --quick   ≈30 s smoke, writes bench/results-quick.md
# Any other flag goes to `tcss-bench run` (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin tcss-emulator
cargo build --release -p tcss-bench
# Not `cargo run`: the binary runs outside cargo, so it holds no build lock for minutes.
exec "${CARGO_TARGET_DIR:-target}/release/tcss-bench" run "$@"
