#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECS seconds each (default 300), one
# after the other, on a stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the
# sanitizer flags). New inputs go to fuzz/work/<target>; seeds stay in fuzz/corpus.
# Crashes land in fuzz/artifacts/<target>/. Extra libFuzzer flags: FUZZ_FLAGS.
set -euo pipefail
cd "$(dirname "$0")"
SECS="${SECS:-300}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(request_parse signature_verify param_validate fixture_parse journal_keep export_build)
for t in "${targets[@]}"; do
    mkdir -p "work/$t"
    echo "== $t for ${SECS}s"
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "work/$t" "corpus/$t" -- \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=4096 ${FUZZ_FLAGS:-} || echo "== $t stopped with a finding (see artifacts/$t)"
done
