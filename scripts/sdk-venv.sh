#!/usr/bin/env bash
# Makes the Python environments for the official-SDK interop suite (sdk-tests/python):
#
#   target/sdk-venv        tencentcloud-sdk-python-{common,tcss} + pytest  (requirements.txt)
#   target/sdk-venv-tccli  tccli + its monolithic SDK                      (requirements-tccli.txt)
#
# tccli gets its own venv because its dependency `tencentcloud-sdk-python` ships the
# same files as the split SDK packages (see requirements-tccli.txt).
#
# Idempotent: a venv is (re)installed only when its requirements file, the Python
# version or this script's install recipe changed (a sha256 stamp is kept inside the
# venv). Quiet when nothing fails; loud and non-zero when something does.
# The last line printed on stdout is the path of the SDK venv's python.
#
# Env: PYTHON (default python3), CARGO_TARGET_DIR (default <repo>/target).
set -Eeuo pipefail

# shellcheck source=scripts/sdk-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/sdk-common.sh"
python="${PYTHON:-python3}"
reqdir="$root/sdk-tests/python"
# Bump when the install steps below change, so existing venvs get redone.
recipe=1

need_python "$python"

lock sdk-venv

pyver="$("$python" -c 'import sys; print(sys.version)')"

# ensure_venv DIR REQUIREMENTS_FILE
ensure_venv() {
  local dir="$1" req="$2" stamp want have
  [ -f "$req" ] || fail "missing $req"
  stamp="$dir/.requirements.sha256"
  want="$( { cat "$req"; printf '%s\n' "$pyver" "recipe=$recipe"; } | sha256sum | cut -d' ' -f1)"
  have=""
  [ -f "$stamp" ] && have="$(cat "$stamp")"
  if [ "$want" = "$have" ] && "$dir/bin/python" -c 'import sys' >/dev/null 2>&1; then
    return 0
  fi
  # A venv whose interpreter no longer runs (python upgraded/moved) is rebuilt.
  if [ -e "$dir" ] && ! "$dir/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$dir"
  fi
  printf 'sdk-venv.sh: installing %s into %s\n' "${req#"$root"/}" "${dir#"$root"/}" >&2
  rm -f "$stamp"
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir" || fail "python3 -m venv $dir"
  # Not --quiet on errors: pip still prints them on stderr with -q.
  PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
    "$dir/bin/python" -m pip install -q -r "$req" || fail "pip install -r $req"
  "$dir/bin/python" -m pip check >/dev/null || {
    "$dir/bin/python" -m pip check >&2 || true
    fail "pip check found broken requirements in $dir"
  }
  printf '%s\n' "$want" >"$stamp"
}

ensure_venv "$target/sdk-venv" "$reqdir/requirements.txt"
ensure_venv "$target/sdk-venv-tccli" "$reqdir/requirements-tccli.txt"

"$target/sdk-venv/bin/python" -c 'import tencentcloud.tcss.v20201101.tcss_client, pytest' ||
  fail "SDK venv does not import the tcss client and pytest"
[ -x "$target/sdk-venv-tccli/bin/tccli" ] || fail "tccli missing from $target/sdk-venv-tccli"

printf '%s\n' "$target/sdk-venv/bin/python"
