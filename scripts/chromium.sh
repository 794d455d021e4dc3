#!/usr/bin/env bash
# Makes sure Debian's headless browser for the dashboard tests (tests/ui) is here:
# `chromium` and `chromium-driver` (WebDriver), installed with apt-get when missing.
#
# Idempotent and quiet when both are installed. Loud and non-zero when the install
# fails. The last line printed on stdout is the path of chromedriver.
set -Eeuo pipefail

fail() { echo "chromium.sh: $*" >&2; exit 1; }

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 ||
    fail "chromium or chromedriver is missing and there is no apt-get: install Debian's chromium and chromium-driver"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # One install at a time (test binaries may start together).
  exec 9>"${TMPDIR:-/tmp}/tcss-emulator-chromium.lock"
  flock 9
  if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    log="$(mktemp)"
    if ! { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium chromium-driver; } >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      fail "apt-get install chromium chromium-driver failed (output above)"
    fi
    rm -f "$log"
  fi
fi
command -v chromium >/dev/null 2>&1 || fail "chromium is still missing after the install"
command -v chromedriver
