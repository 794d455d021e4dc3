# Sourced by scripts/sdk-venv.sh, sdk-node.sh and python-package.sh (not run on its own):
# sets `root` (the repository) and `target` (CARGO_TARGET_DIR, default <repo>/target, made
# absolute), defines `fail MESSAGE` (named after the sourcing script, exit 1) with a trap
# that names any failing command, `need_python PYTHON` (3.8+ with venv, else fail), and
# `lock NAME`, which serialises concurrent runs (e.g. two test processes) on the same
# target dir.

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

need_python() {
  command -v "$1" >/dev/null 2>&1 || fail "'$1' not found (set PYTHON=...)"
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)' ||
    fail "$1 is older than 3.8"
  "$1" -c 'import venv, ensurepip' 2>/dev/null ||
    fail "$1 lacks venv/ensurepip (Debian: apt-get install python3-venv)"
}
