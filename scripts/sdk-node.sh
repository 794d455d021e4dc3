#!/usr/bin/env bash
# Installs the official Tencent Cloud Node.js SDK for the interop suite (sdk-tests/node):
#
#   target/sdk-node/node_modules   tencentcloud-sdk-nodejs, the exact version and tree of
#                                  sdk-tests/node/package.json + package-lock.json (npm ci)
#
# Idempotent: reinstalled only when package.json, the lock file, the Node.js version or
# this script's install recipe changed (a sha256 stamp is kept in target/sdk-node).
# Quiet when nothing fails; loud and non-zero when something does (no node or npm is a
# failure, never a skip). The last line printed on stdout is the node_modules path.
#
# Env: CARGO_TARGET_DIR (default <repo>/target).
set -Eeuo pipefail

# shellcheck source=scripts/sdk-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/sdk-common.sh"
src="$root/sdk-tests/node"
dir="$target/sdk-node"
# Bump when the install steps below change, so existing installs get redone.
recipe=1

command -v node >/dev/null 2>&1 || fail "'node' not found (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || fail "'npm' not found (Debian: apt-get install npm)"
# node:test with --test-reporter and a global fetch need Node.js 18 or later.
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
  fail "node $(node --version) is older than 18"
[ -f "$src/package.json" ] && [ -f "$src/package-lock.json" ] ||
  fail "missing $src/package.json or package-lock.json"

lock sdk-node
mkdir -p "$dir"

stamp="$dir/.install.sha256"
want="$( { cat "$src/package.json" "$src/package-lock.json"; node --version; echo "recipe=$recipe"; } |
  sha256sum | cut -d' ' -f1)"
have=""
[ -f "$stamp" ] && have="$(cat "$stamp")"
if [ "$want" != "$have" ] || [ ! -d "$dir/node_modules/tencentcloud-sdk-nodejs" ]; then
  printf 'sdk-node.sh: installing sdk-tests/node/package-lock.json into %s\n' "${dir#"$root"/}" >&2
  rm -f "$stamp"
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || fail "npm ci in $dir"
  printf '%s\n' "$want" >"$stamp"
fi

NODE_PATH="$dir/node_modules" node -e '
  const sdk = require("tencentcloud-sdk-nodejs");
  if (typeof sdk.tcss.v20201101.Client !== "function") process.exit(1);
' || fail "$dir does not load the tcss client of tencentcloud-sdk-nodejs"

printf '%s\n' "$dir/node_modules"
