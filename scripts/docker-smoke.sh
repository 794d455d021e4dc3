#!/usr/bin/env bash
# docker-smoke.sh - build the container image and check it for real:
#
#   1. build the Dockerfile (tag $IMAGE, default tcss-emulator:dev); print build time and size
#   2. run it with the container port 4577 mapped to a free loopback port; wait for
#      GET /_emulator/health -> 200
#   3. one signed TC3-HMAC-SHA256 call (DescribeAssetImageRegistryDetail, Id 5427) with the
#      built-in credential, by hand and through the official Python SDK; expect
#      ImageName "person1" from the bundled fixtures
#   4. the image's HEALTHCHECK command succeeds inside the container, and the engine reports
#      the container healthy (where it runs health checks)
#   5. stop with SIGTERM: exit code 0, well before the SIGKILL deadline
#   6. persistence: a named volume on /data with TCSS_EMULATOR_DB=/data/tcss.sqlite; a record
#      added through the admin API is still there in a new container on the same volume
#   7. fixtures mounted from the host (-e TCSS_EMULATOR_FIXTURES=/fixtures) replace the
#      bundled ones
# Containers and volumes it made are removed on exit; the image is kept.
#
# Needs: podman or docker, python3 (stdlib for signing and HTTP; the official SDK call uses
# the venv scripts/sdk-venv.sh makes, from PyPI).
#
# Environment (all optional):
#   ENGINE          podman or docker (default: podman if installed, else docker)
#   IMAGE           tag to build and test (default: tcss-emulator:dev)
#   OFFLINE=1       never pull: the base images (FROM lines of the Dockerfile) must already be
#                   local, and the script says so up front when they are not. Without it a
#                   missing base image is simply pulled from Docker Hub by the build.
#   NO_BUILD=1      test $IMAGE as it is, without building
#   BUILD_ARGS      extra words for the build command (e.g. "--no-cache", "--network host")
#   READY_TIMEOUT   seconds to wait for the health route (default: 60)
#   MAX_IMAGE_MB    fail when the image is bigger (default: 25)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

IMAGE=${IMAGE:-tcss-emulator:dev}
OFFLINE=${OFFLINE:-0}
READY_TIMEOUT=${READY_TIMEOUT:-60}
MAX_IMAGE_MB=${MAX_IMAGE_MB:-25}
STOP_TIMEOUT=10      # seconds between SIGTERM and SIGKILL on stop
STOP_FAST=5          # a clean stop must take less than this
CPORT=4577           # the image's TCSS_EMULATOR_LISTEN port

log() { printf '[docker-smoke %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

if [ -z "${ENGINE:-}" ]; then
  if command -v podman >/dev/null; then ENGINE=podman
  elif command -v docker >/dev/null; then ENGINE=docker
  else die "neither podman nor docker is installed"; fi
fi
command -v "$ENGINE" >/dev/null || die "$ENGINE not found"
command -v python3 >/dev/null || die "python3 not found (used to sign the API call)"
"$ENGINE" version >/dev/null 2>&1 || die "'$ENGINE version' fails: is the engine (daemon) running?"

TAG="smoke-$$"
WORK=$(mktemp -d)
CONTAINERS=()
VOLUMES=()
cleanup() {
  local c v
  for c in ${CONTAINERS[@]+"${CONTAINERS[@]}"}; do "$ENGINE" rm -f -v "$c" >/dev/null 2>&1 || true; done
  for v in ${VOLUMES[@]+"${VOLUMES[@]}"}; do "$ENGINE" volume rm -f "$v" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- HTTP + TC3 signing helper (python3 stdlib) ----------------------------------------
cat > "$WORK/smoke_http.py" <<'PY'
import hashlib, hmac, json, sys, time, urllib.error, urllib.request
from datetime import datetime, timezone

def request(method, url, body=None, headers=None, timeout=5):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def tc3(base, secret_id, secret_key, action, version, payload):
    """One Tencent Cloud API 3.0 call signed with TC3-HMAC-SHA256."""
    host = base.split("://", 1)[1].rstrip("/")
    service, ctype = "tcss", "application/json; charset=utf-8"
    ts = int(time.time())
    date = datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d")
    canonical = "\n".join([
        "POST", "/", "",
        f"content-type:{ctype}\nhost:{host}\nx-tc-action:{action.lower()}\n",
        "content-type;host;x-tc-action",
        hashlib.sha256(payload.encode()).hexdigest()])
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(ts), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    h = lambda key, msg: hmac.new(key, msg.encode(), hashlib.sha256).digest()
    k = h(h(h(("TC3" + secret_key).encode(), date), service), "tc3_request")
    sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    auth = (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
            f"SignedHeaders=content-type;host;x-tc-action, Signature={sig}")
    return request("POST", base + "/", payload, {
        "Content-Type": ctype, "Host": host, "Authorization": auth,
        "X-TC-Action": action, "X-TC-Version": version, "X-TC-Timestamp": str(ts)})

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "wait":                      # wait URL TIMEOUT: until HTTP 200
    url, deadline = args[0], time.monotonic() + float(args[1])
    while True:
        try:
            status, body = request("GET", url, timeout=2)
            if status == 200:
                print(body); sys.exit(0)
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.3)
elif cmd in ("get", "post"):           # get URL | post URL BODY: "STATUS BODY"
    status, body = request(cmd.upper(), args[0], args[1] if cmd == "post" else None,
                           {"Content-Type": "application/json"} if cmd == "post" else None)
    print(status, body)
elif cmd == "tc3":                     # tc3 BASE ACTION VERSION PAYLOAD: the JSON answer
    status, body = tc3(args[0], "AKIDTCSSEMULATOR", "tcss-emulator-secret",
                       args[1], args[2], args[3])
    print(body)
    sys.exit(0 if status == 200 else 1)
PY
py() { python3 "$WORK/smoke_http.py" "$@"; }
now_ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }

# ---- helpers ------------------------------------------------------------------------------
# start NAME [RUN ARGS...]: run detached, port 4577 on a free loopback port; sets PORT
start() {
  local name=$1; shift
  CONTAINERS+=("$name")
  "$ENGINE" run -d --name "$name" -p "127.0.0.1::$CPORT" "$@" "$IMAGE" \
    >/dev/null 2>>"$WORK/engine.log" || { cat "$WORK/engine.log" >&2; die "run $name failed"; }
  PORT=$("$ENGINE" port "$name" "$CPORT/tcp" | head -n1 | sed 's/.*://')
  [ -n "$PORT" ] || die "no host port mapped for $name"
  local body
  if ! body=$(py wait "http://127.0.0.1:$PORT/_emulator/health" "$READY_TIMEOUT"); then
    "$ENGINE" logs "$name" 2>&1 | tail -20 >&2
    die "$name: no 200 from /_emulator/health within ${READY_TIMEOUT}s"
  fi
  log "$name: healthy on 127.0.0.1:$PORT: $body"
}

# stop_clean NAME: SIGTERM, expect exit code 0 in well under STOP_TIMEOUT
stop_clean() {
  local name=$1 t0 ms code
  t0=$(now_ms)
  "$ENGINE" stop -t "$STOP_TIMEOUT" "$name" >/dev/null 2>>"$WORK/engine.log"
  ms=$(( $(now_ms) - t0 ))
  code=$("$ENGINE" inspect "$name" --format '{{.State.ExitCode}}')
  log "$name: stopped with SIGTERM in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s, exit code $code"
  if [ "$code" != 0 ] || [ "$ms" -ge $((STOP_FAST * 1000)) ]; then
    "$ENGINE" logs "$name" 2>&1 | tail -20 >&2
    die "$name: expected exit code 0 within ${STOP_FAST}s of SIGTERM"
  fi
}

# ---- 1. base images + build -------------------------------------------------------------
if [ "${NO_BUILD:-0}" != 1 ]; then
  build=(build -t "$IMAGE" -f Dockerfile)
  # podman writes OCI images by default, and OCI has no HEALTHCHECK: ask for docker format
  [ "$ENGINE" = podman ] && build+=(--format docker)
  missing=()
  for base in $(awk 'toupper($1) == "FROM" && $2 != "scratch" { print $2 }' Dockerfile); do
    "$ENGINE" image inspect "$base" >/dev/null 2>&1 || missing+=("$base")
  done
  if [ "$OFFLINE" = 1 ]; then
    # never reach a registry: podman takes --pull=never; docker's classic builder uses
    # local images when they exist
    [ "$ENGINE" = podman ] && build+=(--pull=never)
    if [ ${#missing[@]} -gt 0 ]; then
      die "OFFLINE=1 but these base images are not local: ${missing[*]}
  Make them first: '$ENGINE pull ${missing[0]}' on a machine with registry access (then
  '$ENGINE save'/'load'), or build local stand-ins with your offline tooling."
    fi
  elif [ ${#missing[@]} -gt 0 ]; then
    log "base images not local, the build pulls them: ${missing[*]}"
  fi
  # shellcheck disable=SC2206
  build+=(${BUILD_ARGS:-})
  log "$ENGINE ${build[*]} ."
  t0=$(date +%s)
  "$ENGINE" "${build[@]}" . >"$WORK/build.log" 2>&1 || {
    tail -40 "$WORK/build.log" >&2; die "build failed"; }
  log "built $IMAGE in $(( $(date +%s) - t0 ))s"
fi
size=$("$ENGINE" image inspect "$IMAGE" --format '{{.Size}}') || die "no image $IMAGE"
size_mb=$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1000000 }')
log "image $IMAGE: $size_mb MB ($size bytes)"
awk -v s="$size" -v m="$MAX_IMAGE_MB" 'BEGIN { exit !(s > m * 1000000) }' \
  && die "image is bigger than ${MAX_IMAGE_MB} MB"

# ---- 2-5. run, signed call, health check, SIGTERM -------------------------------------------
start "$TAG-api"
answer=$(py tc3 "http://127.0.0.1:$PORT" DescribeAssetImageRegistryDetail 2020-11-01 '{"Id":5427}') \
  || die "signed call failed: $answer"
name=$(printf '%s' "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Response"].get("ImageName"))')
[ "$name" = person1 ] || die "signed call: expected Response.ImageName person1, got: $answer"
log "signed TC3 call DescribeAssetImageRegistryDetail {\"Id\":5427} -> ImageName $name"

# the same through the official Python SDK (the pinned one of the interop tests)
sdk_python=$(bash scripts/sdk-venv.sh | tail -n 1) || die "cannot make the SDK venv (scripts/sdk-venv.sh)"
sdk_name=$("$sdk_python" - "$PORT" <<'PY'
import sys
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.tcss.v20201101 import models, tcss_client

http = HttpProfile(protocol="http", endpoint="127.0.0.1:%s" % sys.argv[1])
client = tcss_client.TcssClient(credential.Credential("AKIDTCSSEMULATOR", "tcss-emulator-secret"),
                                "ap-guangzhou", ClientProfile(httpProfile=http))
req = models.DescribeAssetImageRegistryDetailRequest()
req.Id = 5427
print(client.DescribeAssetImageRegistryDetail(req).ImageName)
PY
) || die "official SDK call through the mapped port failed"
[ "$sdk_name" = person1 ] || die "official SDK call: expected ImageName person1, got: $sdk_name"
log "official Python SDK TcssClient.DescribeAssetImageRegistryDetail(Id=5427) -> ImageName $sdk_name"

# the image's own HEALTHCHECK command, run inside the container: it must need nothing the
# image lacks (no shell, no curl)
"$ENGINE" exec "$TAG-api" /usr/local/bin/tcss-emulator health >/dev/null \
  || die "'tcss-emulator health' inside the container failed"
log "'tcss-emulator health' inside the container: exit 0"
# The engine's own health status. Podman runs health checks from systemd timers (absent on
# some hosts, and behind its docker-compatible socket), so ask it for one check explicitly;
# docker runs the first check one --interval (10s) after the start. A status that never
# leaves "starting" means the engine does not run the checks here: reported, not a failure.
if [ "$ENGINE" = podman ]; then
  "$ENGINE" healthcheck run "$TAG-api" >/dev/null 2>>"$WORK/engine.log" \
    || die "podman healthcheck run: unhealthy"
fi
health=""
for _ in $(seq 1 20); do
  health=$("$ENGINE" inspect "$TAG-api" --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' 2>/dev/null || true)
  case "$health" in starting) sleep 1 ;; *) break ;; esac
done
case "$health" in
  healthy) log "HEALTHCHECK status: healthy" ;;
  ""|starting) log "HEALTHCHECK status: '${health:-none}': $ENGINE did not run the check here (skipped)" ;;
  *) die "HEALTHCHECK status: $health" ;;
esac
stop_clean "$TAG-api"

# ---- 6. persistence on a volume --------------------------------------------------------------
VOL="$TAG-data"
VOLUMES+=("$VOL")
"$ENGINE" volume create "$VOL" >/dev/null
db=(-v "$VOL:/data" -e TCSS_EMULATOR_DB=/data/tcss.sqlite)
start "$TAG-db1" "${db[@]}"
out=$(py post "http://127.0.0.1:$PORT/_emulator/fixtures" '{"images":[{"Id":99,"ImageName":"kept"}]}')
[ "${out%% *}" = 200 ] || die "POST /_emulator/fixtures: $out"
log "POST /_emulator/fixtures -> $out"
stop_clean "$TAG-db1"
start "$TAG-db2" "${db[@]}"
out=$(py get "http://127.0.0.1:$PORT/_emulator/images/99")
[ "${out%% *}" = 200 ] && [[ $out == *'"kept"'* ]] || die "record 99 did not survive a restart: $out"
log "new container, same volume: GET /_emulator/images/99 -> $out"
stop_clean "$TAG-db2"

# ---- 7. fixtures mounted from the host ---------------------------------------------------------
mkdir -p "$WORK/fixtures"
printf '{"images":[{"Id":7,"ImageName":"mounted"}]}\n' > "$WORK/fixtures/mine.json"
chmod a+rx "$WORK" "$WORK/fixtures"; chmod a+r "$WORK/fixtures/mine.json"   # UID 65532 reads them
start "$TAG-fix" -v "$WORK/fixtures:/fixtures:ro,z" -e TCSS_EMULATOR_FIXTURES=/fixtures
mine=$(py get "http://127.0.0.1:$PORT/_emulator/images/7")
bundled=$(py get "http://127.0.0.1:$PORT/_emulator/images/5427")
[ "${mine%% *}" = 200 ] && [ "${bundled%% *}" = 404 ] \
  || die "mounted fixtures: images/7 -> $mine; images/5427 -> $bundled (want 200, 404)"
log "mounted fixtures: GET /_emulator/images/7 -> 200, bundled 5427 -> 404"
stop_clean "$TAG-fix"

log "OK: $IMAGE ($size_mb MB) built, served a signed call, kept data on a volume, read mounted fixtures, stopped cleanly"
