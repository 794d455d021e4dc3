# Sourced by scripts/sdk-venv.sh and scripts/sdk-node.sh (not run on its own): sets
# `root` (the repository) and `target` (CARGO_TARGET_DIR, default <repo>/target, made
# absolute), defines `fail MESSAGE` (named after the sourcing script, exit 1) with a trap
# that names any failing command, and `lock NAME`, which serialises concurrent runs (e.g.
# two test processes) on the same target dir.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac

fail() {
  printf '%s: FAILED: %s\n' "$(basename "$0")" "$*" >&2
  exit 1
}
trap 'fail "command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

lock() {
  mkdir -p "$target"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$target/.$1.lock"
    flock 9
  fi
}
