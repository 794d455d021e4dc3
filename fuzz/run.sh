#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECS seconds each (default 300), one
# after the other, on a stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the
# sanitizer flags). New inputs go to fuzz/work/<target>; seeds stay in fuzz/corpus.
# Crashes land in fuzz/artifacts/<target>/. Extra libFuzzer flags: FUZZ_FLAGS.
#
# Every target runs even when one fails; the script then exits 1, naming each
# target that found something (a crash, a timeout, running out of memory) or did
# not build. Exit 0 means every target ran its time without a finding.
set -euo pipefail
cd "$(dirname "$0")"
SECS="${SECS:-300}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(request_parse signature_verify param_validate fixture_parse journal_keep export_build)
failed=()
for t in "${targets[@]}"; do
    mkdir -p "work/$t"
    echo "== $t for ${SECS}s"
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
    if RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "work/$t" "corpus/$t" -- \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=4096 ${FUZZ_FLAGS:-}; then
        echo "== $t: no finding"
    else
        echo "== $t: FAILED (exit $?): a finding (see artifacts/$t) or a build failure"
        failed+=("$t")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "== fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}" >&2
    exit 1
fi
echo "== fuzz: ${#targets[@]} targets, no finding"
