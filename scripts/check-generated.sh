#!/usr/bin/env bash
# Fail if src/spec/generated.rs is not exactly what scripts/gen-spec.py makes from
# the committed spec/tcss-2020-11-01.json (no network needed).
set -euo pipefail
cd "$(dirname "$0")/.."

target=src/spec/generated.rs
python3 scripts/gen-spec.py --from-json

if ! git ls-files --error-unmatch -- "$target" >/dev/null 2>&1; then
    echo "error: $target is not tracked by git; generate and commit it first:" >&2
    echo "  python3 scripts/gen-spec.py --from-json && git add $target" >&2
    exit 1
fi
if ! git diff --exit-code --stat -- "$target"; then
    echo >&2
    echo "error: $target is out of date with spec/tcss-2020-11-01.json (or was edited by hand)." >&2
    echo "  Regenerate it with: python3 scripts/gen-spec.py --from-json" >&2
    echo "  and commit the result. Never edit $target directly." >&2
    exit 1
fi
echo "ok: $target matches spec/tcss-2020-11-01.json"
