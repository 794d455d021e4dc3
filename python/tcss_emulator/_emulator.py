"""`Emulator`: a running `tcss-emulator` on `127.0.0.1` and a free port, with its
credential, an official-SDK client for it and thin wrappers of its admin API
(`/_emulator/...`, see the project's README, "Admin API")."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._binary import find_binary
from ._process import EmulatorError, Process, child_env

#: The emulator's built-in credential (used unless `credentials` are given).
DEFAULT_CREDENTIAL: Tuple[str, str] = ("AKIDTCSSEMULATOR", "tcss-emulator-secret")

PathLike = Union[str, "os.PathLike[str]"]
Document = Union[Mapping[str, Any], PathLike]
ErrorSpec = Union[str, Mapping[str, Any]]


class Emulator:
    """A `tcss-emulator serve` child process, as a context manager.

    `fixtures` are fixture files loaded at start after the bundled ones (the documented
    examples and the demo world; `bundled_fixtures=False` leaves those out); they are
    part of the start-up state that `reset()` returns to. `credentials` are the accepted
    `(secret_id, secret_key)` pairs (default: the built-in pair); the first one is the
    one `secret_id`, `secret_key` and `client()` use. `args` are more command-line flags
    (e.g. `["--scan-duration", "1"]`). `binary` defaults to `find_binary()`
    (`TCSS_EMULATOR_BIN`, else the binary installed with this package).

    The emulator listens on `127.0.0.1:0`, keeps its records in memory, and gets none of
    the caller's `TCSS_EMULATOR_*` or `TENCENTCLOUD_SECRET_*` variables.
    """

    def __init__(
        self,
        fixtures: Sequence[PathLike] = (),
        *,
        bundled_fixtures: bool = True,
        credentials: Sequence[Tuple[str, str]] = (DEFAULT_CREDENTIAL,),
        args: Sequence[str] = (),
        binary: Optional[str] = None,
        start_timeout: float = 30.0,
        stop_timeout: float = 15.0,
        request_timeout: float = 30.0,
    ) -> None:
        if not credentials:
            raise ValueError("credentials: at least one (secret_id, secret_key) pair")
        self.fixtures: List[Path] = [Path(f) for f in fixtures]
        self.bundled_fixtures = bundled_fixtures
        self.credentials: List[Tuple[str, str]] = [tuple(c) for c in credentials]  # type: ignore[misc]
        self.args: List[str] = list(args)
        self.binary: Optional[str] = binary
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.request_timeout = request_timeout
        self.exit_code: Optional[int] = None
        self._process: Optional[Process] = None
        self._workdir: Optional[str] = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> "Emulator":
        """Starts the binary and waits until its health route answers."""
        if self._process is not None:
            raise EmulatorError("this Emulator was already started")
        argv = [self.binary or find_binary(), "serve", "--listen", "127.0.0.1:0"]
        for secret_id, secret_key in self.credentials:
            argv += ["--credential", f"{secret_id}:{secret_key}"]
        if not self.bundled_fixtures:
            argv += ["--fixtures", "none"]
        try:
            if self.fixtures:
                # An init directory: loaded after the bundled fixtures, in name order
                # (a bad record is reported under its copy's name, `NNNN-<file name>`).
                self._workdir = tempfile.mkdtemp(prefix="tcss-emulator-")
                for n, path in enumerate(self.fixtures):
                    shutil.copyfile(path, os.path.join(self._workdir, f"{n:04d}-{path.name}"))
                argv += ["--init-dir", self._workdir]
            self._process = Process(argv + self.args, child_env())
            self._process.start(self.start_timeout)
            # It prints its address once it accepts connections, with every start-up
            # fixture loaded, so the health route answers at the first call.
            self.health()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> Optional[int]:
        """Stops it (SIGTERM; killed after `stop_timeout` s) and returns its exit code:
        0 for a clean stop, `None` if it had to be killed."""
        if self._process is not None and self.exit_code is None:
            self.exit_code = self._process.stop(self.stop_timeout)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        return self.exit_code

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the binary is running."""
        return self._process is not None and self._process.running()

    def log(self, lines: int = 40) -> str:
        """The emulator's last `lines` lines of output (stdout and stderr)."""
        return self._process.log(lines) if self._process else "(not started)"

    # -- where it is -----------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """`127.0.0.1:PORT`: what the SDKs' `HttpProfile(endpoint=...)` takes."""
        if self._process is None or self._process.address is None:
            raise EmulatorError("the emulator is not started")
        return self._process.address

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://{self.endpoint}"

    @property
    def secret_id(self) -> str:
        """The SecretId of the first credential."""
        return self.credentials[0][0]

    @property
    def secret_key(self) -> str:
        """The SecretKey of the first credential."""
        return self.credentials[0][1]

    def client(self, region: str = "ap-guangzhou", *, language: Optional[str] = None,
               sign_method: Optional[str] = None, req_method: str = "POST",
               credential: Optional[Tuple[str, str]] = None) -> Any:
        """A `TcssClient` of the official SDK (`tencentcloud-sdk-python-tcss`), plain
        HTTP to this emulator, signed with `credential` (default: the first credential).
        `language`, `sign_method` (e.g. `HmacSHA256`) and `req_method` (`GET`) set the
        client profile. Raises `ImportError` when the SDK is not installed."""
        try:
            from tencentcloud.common import credential as sdk_credential
            from tencentcloud.common.profile.client_profile import ClientProfile
            from tencentcloud.common.profile.http_profile import HttpProfile
            from tencentcloud.tcss.v20201101 import tcss_client
        except ImportError as e:
            raise ImportError(
                "client() needs the official SDK: pip install tencentcloud-sdk-python-tcss"
            ) from e
        http = HttpProfile(protocol="http", endpoint=self.endpoint, reqMethod=req_method,
                           reqTimeout=int(self.request_timeout))
        profile = ClientProfile(httpProfile=http)
        if sign_method is not None:
            profile.signMethod = sign_method
        if language is not None:
            profile.language = language
        secret_id, secret_key = credential or self.credentials[0]
        return tcss_client.TcssClient(sdk_credential.Credential(secret_id, secret_key),
                                      region, profile)

    # -- admin API -------------------------------------------------------------------

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """Calls `/_emulator/<path>` and returns its JSON answer (`None` for 204).
        Raises `EmulatorError` with the HTTP status and the admin error's code."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(f"{self.url}/_emulator/{path.lstrip('/')}", data=data,
                                     method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.request_timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                err = json.loads(raw)["error"]
                code, message = err.get("code"), err.get("message")
            except (ValueError, KeyError, TypeError, AttributeError):
                code, message = None, raw.decode("utf-8", "replace")
            raise EmulatorError(f"{method} /_emulator/{path}: HTTP {e.code}: {message}",
                                status=e.code, code=code) from None
        except OSError as e:
            gone = "" if self.running else f" (the emulator has exited:\n{self.log()})"
            raise EmulatorError(f"{method} /_emulator/{path}: {e}{gone}") from e
        return json.loads(raw) if raw else None

    def health(self) -> Dict[str, Any]:
        """`GET /_emulator/health`: `{"status": "ok", "version": ..., "records": N}`."""
        return self.admin("GET", "health")

    def seed(self, document: Document) -> int:
        """Upserts a fixture document (a dict, or the path of a JSON file) by identifier,
        in one transaction (`POST /_emulator/fixtures`); returns the records upserted.
        A bad record raises `EmulatorError` (HTTP 400) and writes nothing."""
        if not isinstance(document, Mapping):
            document = json.loads(Path(document).read_text(encoding="utf-8"))
        return int(self.admin("POST", "fixtures", dict(document))["upserted"])

    def reset(self) -> int:
        """Back to the start-up state (`POST /_emulator/reset`): the start-up fixtures
        only; scans, stubs, faults, the journal and rate-limit windows cleared. The clock
        is left as it is (see `clock(real=True)`). Returns the records stored."""
        return int(self.admin("POST", "reset")["records"])

    def clock(self, **change: Any) -> Dict[str, Any]:
        """The emulator clock, `{"now": RFC 3339, "frozen": bool}`; with arguments
        (`now`, `advance_seconds`, `freeze`, `real`), changed first
        (`POST /_emulator/clock`)."""
        if change:
            return self.admin("POST", "clock", change)
        return self.admin("GET", "clock")

    def advance(self, seconds: float) -> Dict[str, Any]:
        """Moves the emulator clock forward by `seconds` (scans and tasks end when their
        time comes); returns the clock."""
        return self.clock(advance_seconds=seconds)

    def freeze(self) -> Dict[str, Any]:
        """Stops the emulator clock where it is; returns the clock."""
        return self.clock(freeze=True)

    def unfreeze(self) -> Dict[str, Any]:
        """Lets the emulator clock run on from where it stands; returns the clock."""
        return self.clock(freeze=False)

    def requests(self, **filters: Any) -> List[Dict[str, Any]]:
        """The request journal (`GET /_emulator/requests`), oldest first, filtered by
        `action`, `code`, `secret_id`, `since` (RFC 3339) and `limit` (the newest N)."""
        query = urllib.parse.urlencode({k: v for k, v in filters.items() if v is not None})
        return self.admin("GET", "requests" + (f"?{query}" if query else ""))["requests"]

    def stub(self, action: str, *, match: Optional[Mapping[str, Any]] = None,
             response: Optional[Mapping[str, Any]] = None, error: Optional[ErrorSpec] = None,
             times: Optional[int] = None) -> int:
        """Makes `action` answer `response` (shaped to the schema) or `error`
        (`{"code", "message"}`, or a code alone) for calls whose parameters contain
        `match`, for `times` calls (default: all) (`POST /_emulator/stubs`); returns the
        stub's id."""
        body = _drop_none(action=action, match=match, response=response,
                          error=_error(error), times=times)
        return int(self.admin("POST", "stubs", body)["id"])

    def fault(self, action: str = "*", *, match: Optional[Mapping[str, Any]] = None,
              error: Optional[ErrorSpec] = None, delay_ms: Optional[int] = None,
              drop: bool = False, times: Optional[int] = None,
              probability: Optional[float] = None, seed: Optional[int] = None) -> int:
        """Makes calls of `action` (or `*`, every action) fail: with `error`, after
        `delay_ms`, or with a dropped connection (`drop`), for `times` calls, with
        `probability` drawn from a generator seeded by `seed` (`POST /_emulator/faults`);
        returns the fault's id."""
        body = _drop_none(action=action, match=match, error=_error(error), delay_ms=delay_ms,
                          drop=drop or None, times=times, probability=probability, seed=seed)
        return int(self.admin("POST", "faults", body)["id"])


def _error(error: Optional[ErrorSpec]) -> Optional[Dict[str, Any]]:
    if error is None or isinstance(error, Mapping):
        return None if error is None else dict(error)
    return {"code": str(error)}


def _drop_none(**fields: Any) -> Dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
