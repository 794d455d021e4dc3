"""Fixtures for the official-Python-SDK interop suite.

The emulator under test is the real binary, started as a child process on port 0:
its path comes from TCSS_EMULATOR_BIN (set by tests/sdk_python.rs; falls back to
target/debug/tcss-emulator for hand runs). Run with the venv made by
scripts/sdk-venv.sh:

    TCSS_EMULATOR_BIN=target/debug/tcss-emulator target/sdk-venv/bin/python -m pytest -q sdk-tests/python
"""

import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.tcss.v20201101 import models, tcss_client

REPO_ROOT = Path(__file__).resolve().parents[2]
# The child-process runner of the Python package (python/tcss_emulator, standard library
# only), from the checkout: this suite's venv does not install the package.
sys.path.insert(0, str(REPO_ROOT / "python"))
from tcss_emulator._process import EmulatorError, Process  # noqa: E402
DOCUMENTED_EXAMPLES = REPO_ROOT / "fixtures" / "documented-examples.json"
ACTION = "DescribeAssetImageRegistryDetail"
DOCUMENTED_IDS = (5427, 3421599)

# Explicit credentials: the tests never depend on the caller's environment.
CRED_A = ("AKIDsdkInteropTest000000000000000001", "sdkInteropTestKeyA0000000000000001")
CRED_B = ("AKIDsdkInteropTest000000000000000002", "sdkInteropTestKeyB0000000000000002")
ADMIN_TOKEN = "sdk-interop-admin-token"

READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
SDK_TIMEOUT_S = 15

# The shared emulator gets a generous limit so that ordinary tests never trip the
# default 20/s; the rate-limit tests start their own emulators.
SHARED_RATE_LIMIT = 1000


def emulator_bin():
    path = os.environ.get("TCSS_EMULATOR_BIN") or str(REPO_ROOT / "target" / "debug" / "tcss-emulator")
    if not os.access(path, os.X_OK):
        pytest.fail(
            "emulator binary not found or not executable: %r "
            "(set TCSS_EMULATOR_BIN or run `cargo build --bin tcss-emulator`)" % path
        )
    return path


def child_env():
    """The caller's environment without anything that could configure the emulator
    or the SDK behind the tests' back."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TENCENTCLOUD_", "TCSS_EMULATOR_", "TCCLI_"))
    }
    return env


class Emulator:
    """One running `tcss-emulator serve` child process."""

    def __init__(self, extra_args=(), credentials=(CRED_A, CRED_B), rate_limit=SHARED_RATE_LIMIT):
        self.workdir = tempfile.mkdtemp(prefix="tcss-sdk-test-")
        self.args = [emulator_bin(), "serve", "--listen", "127.0.0.1:0"]
        for secret_id, secret_key in credentials:
            self.args += ["--credential", "%s:%s" % (secret_id, secret_key)]
        if rate_limit is not None:
            self.args += ["--rate-limit", str(rate_limit)]
        self.args += ["--db", os.path.join(self.workdir, "emulator.sqlite3")]
        self.args += ["--admin-token", ADMIN_TOKEN]
        self.args += list(extra_args)
        self.process = Process(self.args, child_env(), cwd=str(REPO_ROOT))
        self.addr = None

    # -- lifecycle -----------------------------------------------------------

    def start(self):
        """Starts the binary and waits for its readiness line (bounded)."""
        try:
            self.addr = self.process.start(READY_TIMEOUT_S)
        except EmulatorError as e:
            pytest.fail(str(e))
        host, _, port = self.addr.rpartition(":")
        assert host == "127.0.0.1" and port.isdigit() and int(port) > 0, (
            "unexpected listen address %r" % self.addr)
        return self

    def running(self):
        return self.process.running()

    def stop(self):
        """SIGTERM, then the exit code (None if it did not exit in time: then killed)."""
        return self.process.stop(STOP_TIMEOUT_S)

    def kill(self):
        self.process.kill()

    def cleanup(self):
        self.process.kill()
        self.process.stop(STOP_TIMEOUT_S)  # the process has exited: joins its readers
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, n=40):
        return self.process.log(n)

    # -- endpoints -------------------------------------------------------------

    @property
    def endpoint(self):
        """For HttpProfile(endpoint=...): host:port, no scheme."""
        return self.addr

    @property
    def base_url(self):
        return "http://%s" % self.addr

    # -- admin API (plain urllib) ------------------------------------------------

    def admin(self, method, path, body=None, token=ADMIN_TOKEN):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer %s" % token)
        try:
            with urllib.request.urlopen(req, timeout=SDK_TIMEOUT_S) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def health(self):
        status, _, raw = self.admin("GET", "/_emulator/health")
        assert status == 200, "health: HTTP %s %r" % (status, raw[:500])
        return json.loads(raw)

    def upsert_images(self, records):
        status, _, raw = self.admin("POST", "/_emulator/fixtures", {"images": list(records)})
        assert 200 <= status < 300, "POST /_emulator/fixtures: HTTP %s %r\n%s" % (
            status, raw[:1000], self.log_tail())
        return raw


def start_emulator(**kwargs):
    emu = Emulator(**kwargs)
    try:
        return emu.start()
    except BaseException:
        emu.cleanup()
        raise


def stop_and_check(emu):
    code = emu.stop()
    log = emu.log_tail()
    emu.cleanup()
    assert code == 0, "emulator did not exit 0 within %ss of SIGTERM (code %r):\n%s" % (
        STOP_TIMEOUT_S, code, log)


# ---------------------------------------------------------------------------
# no silent skips
# ---------------------------------------------------------------------------

_SKIPPED = []


def pytest_runtest_logreport(report):
    """Every skipped (or xfailed) test, by id."""
    if report.skipped:
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """A skip fails the run: this suite has no optional parts, so a test that did not
    run is a test that did not pass."""
    if _SKIPPED and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _SKIPPED:
        terminalreporter.write_line(
            "FAILED: %d test(s) skipped, and this suite allows no skips: %s"
            % (len(_SKIPPED), ", ".join(_SKIPPED)), red=True)


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator():
    """One emulator per test module, bundled fixtures, both test credentials."""
    emu = start_emulator()
    yield emu
    stop_and_check(emu)


@pytest.fixture
def spawn_emulator():
    """Start extra emulators (own flags) inside one test; each is stopped and must exit 0."""
    started = []

    def spawn(**kwargs):
        emu = start_emulator(**kwargs)
        started.append(emu)
        return emu

    yield spawn
    for emu in started:
        stop_and_check(emu)


def make_client(emu, cred=CRED_A, method="POST", sign_method="TC3-HMAC-SHA256",
                language="zh-CN", unsigned_payload=False, region="ap-guangzhou"):
    http = HttpProfile(protocol="http", endpoint=emu.endpoint, reqMethod=method,
                       reqTimeout=SDK_TIMEOUT_S)
    profile = ClientProfile(signMethod=sign_method, httpProfile=http, language=language)
    if unsigned_payload:
        profile.unsignedPayload = True
    return tcss_client.TcssClient(credential.Credential(*cred), region, profile)


@pytest.fixture(scope="session")
def documented():
    """Id -> record, from fixtures/documented-examples.json (the bundled fixture,
    generated from tccli's examples.json)."""
    assert DOCUMENTED_EXAMPLES.is_file(), "missing %s" % DOCUMENTED_EXAMPLES
    doc = json.loads(DOCUMENTED_EXAMPLES.read_text(encoding="utf-8"))
    records = doc["images"] if isinstance(doc, dict) else doc
    by_id = {int(r["Id"]): r for r in records}
    for i in DOCUMENTED_IDS:
        assert i in by_id, "documented example Id %s not in %s" % (i, DOCUMENTED_EXAMPLES)
    return by_id


@pytest.fixture(scope="session")
def response_members():
    """Every member of DescribeAssetImageRegistryDetailResponse as the SDK model
    declares it (the response schema), RequestId included."""
    names = [k[1:] for k in vars(models.DescribeAssetImageRegistryDetailResponse()) if k != "_headers"]
    assert "SentiveInfoCnt" in names and "SensitiveInfoCnt" in names and "Id" in names
    return names


# ---------------------------------------------------------------------------
# assertion helpers (exposed as fixtures so test modules need no imports from here)
# ---------------------------------------------------------------------------


def assert_uuid4(value, what="RequestId"):
    assert isinstance(value, str) and value, "%s missing: %r" % (what, value)
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        pytest.fail("%s is not a UUID: %r" % (what, value))
    assert parsed.version == 4, "%s is not a version-4 UUID: %r" % (what, value)
    assert str(parsed) == value, "%s is not in canonical lowercase form: %r" % (what, value)


def expect_sdk_error(code, fn, *args, **kwargs):
    """Call fn; it must raise TencentCloudSDKException with .code == code and a
    UUID-v4 .requestId. Returns the exception."""
    try:
        result = fn(*args, **kwargs)
    except TencentCloudSDKException as e:
        assert e.code == code, "expected %s, got code=%r message=%r requestId=%r" % (
            code, e.code, e.message, e.requestId)
        assert_uuid4(e.requestId, "RequestId of %s error" % code)
        assert isinstance(e.message, str) and e.message, "empty Message for %s" % code
        return e
    shown = result.to_json_string() if hasattr(result, "to_json_string") else repr(result)
    pytest.fail("expected TencentCloudSDKException %s, but the call returned: %s" % (code, shown[:2000]))


def detail_request(**params):
    """A typed request built the way tccli builds it: from_json_string."""
    req = models.DescribeAssetImageRegistryDetailRequest()
    req.from_json_string(json.dumps(params))
    return req


def raw_detail(client, params):
    """The raw JSON answer (dict with "Response") through the SDK's generic call."""
    return client.call_json(ACTION, params)


@pytest.fixture(scope="session")
def kit():
    """Helpers and constants for the test modules (so they import nothing from here)."""
    return SimpleNamespace(
        ACTION=ACTION,
        Emulator=Emulator,
        CRED_A=CRED_A,
        CRED_B=CRED_B,
        DOCUMENTED_IDS=DOCUMENTED_IDS,
        REPO_ROOT=REPO_ROOT,
        SDK_TIMEOUT_S=SDK_TIMEOUT_S,
        child_env=child_env,
        make_client=make_client,
        detail_request=detail_request,
        raw_detail=raw_detail,
        sdk_error=expect_sdk_error,
        uuid4=assert_uuid4,
        models=models,
        SDKException=TencentCloudSDKException,
    )
