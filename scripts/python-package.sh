#!/usr/bin/env bash
# Builds the Python package (python/: maturin, `bindings = "bin"`) from this checkout
# and installs it, the way a user does (`pip install ./python`), into a FRESH venv with
# the pinned official SDK and pytest, for the example suite (python/examples):
#
#   target/python-package/wheelhouse  maturin (the pin in python/pyproject.toml) and
#                                     sdk-tests/python/requirements.txt, downloaded once
#                                     (again when a pin or the Python version changes)
#   target/python-package/venv        made anew on every run
#
# pip then works offline (--no-index, the wheelhouse as --find-links), build isolation
# included. The wheel's cargo build uses this target dir and WHEEL_PROFILE (default `dev`),
# the ones `cargo test` uses, so cargo reuses what it built (README, "Python"); it is
# stored uncompressed (a debug binary is large: zipping it cost more than the build).
# Quiet when nothing fails (the build's cargo lines and the venv's python are printed);
# loud and non-zero when something does. The last line on stdout is the venv's python.
#
# Env: PYTHON (default python3), WHEEL_PROFILE (a cargo profile, default dev), CARGO_TARGET_DIR.
set -Eeuo pipefail

# shellcheck source=scripts/sdk-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/sdk-common.sh"
python="${PYTHON:-python3}"
profile="${WHEEL_PROFILE:-dev}"
dir="$target/python-package"
wheels="$dir/wheelhouse"
venv="$dir/venv"
sdk_req="$root/sdk-tests/python/requirements.txt"

need_python "$python"
lock python-package

maturin="$(grep -o '"maturin==[^"]*"' "$root/python/pyproject.toml" | tr -d '"')" ||
  fail "python/pyproject.toml pins no maturin==VERSION in build-system.requires"

rm -rf "$venv"
"$python" -m venv "$venv" || fail "$python -m venv $venv"
"$venv/bin/python" -c 'import pip, sys; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (21, 3))' ||
  fail "the venv's pip is older than 21.3, which pip install ./python needs (in-tree builds)"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
want="$( { cat "$sdk_req"; printf '%s\n' "$maturin" "$("$python" -c 'import sys; print(sys.version)')"; } |
  sha256sum | cut -d' ' -f1)"
if [ "$(cat "$wheels/.stamp" 2>/dev/null)" != "$want" ]; then
  printf 'python-package.sh: downloading %s and %s into %s\n' "$maturin" \
    "${sdk_req#"$root"/}" "${wheels#"$root"/}" >&2
  rm -rf "$wheels"
  PIP_FIND_LINKS= "$venv/bin/pip" download -q -d "$wheels" "$maturin" -r "$sdk_req" ||
    fail "pip download"
  printf '%s\n' "$want" >"$wheels/.stamp"
fi

log="$dir/install.log"
started=$SECONDS
if ! PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels" CARGO_TARGET_DIR="$target" \
  MATURIN_PEP517_ARGS="--profile $profile --compression-method stored" \
  "$venv/bin/pip" install -v "$root/python" -r "$sdk_req" >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  fail "pip install ./python (whole log: $log)"
fi
# What the wheel's cargo build did: `Compiling` lines are units cargo built again.
grep -E '^ +(Compiling|Finished|📦)' "$log" | sed 's/^ */python-package.sh: /' >&2 || true
printf 'python-package.sh: fresh venv with the package in %s s\n' "$((SECONDS - started))" >&2

"$venv/bin/python" -c 'import tcss_emulator, tencentcloud.tcss.v20201101.tcss_client, pytest' ||
  fail "the venv does not import tcss_emulator, the tcss client and pytest"
[ -x "$venv/bin/tcss-emulator" ] || fail "the wheel installed no $venv/bin/tcss-emulator"

printf '%s\n' "$venv/bin/python"
