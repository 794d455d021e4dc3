"""One `tcss-emulator serve` child process: started, read until its readiness line
(`tcss-emulator listening on ADDR`), its output kept, stopped with SIGTERM (killed when
it does not exit in time). Every wait is bounded."""

from __future__ import annotations

import collections
import os
import queue
import re
import subprocess
import threading
import time
from typing import IO, Deque, Dict, List, Mapping, Optional, Sequence, Tuple

_LISTENING = re.compile(r"listening on (\S+)")
#: Lines of the child's output kept for error messages.
_KEPT_LINES = 200


class EmulatorError(RuntimeError):
    """The emulator could not be started, stopped or asked something.

    `status` is the HTTP status of a refused admin call (`None` otherwise), `code` the
    admin error's code (e.g. `bad_request`), when the emulator gave one.
    """

    def __init__(self, message: str, status: Optional[int] = None, code: Optional[str] = None):
        super().__init__(message)
        self.status = status
        self.code = code


def child_env(extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The caller's environment without `TCSS_EMULATOR_*` (the emulator is configured by
    arguments only, so a shell's `TCSS_EMULATOR_DB` cannot leak in) and without the
    SDK credential variables (they would replace the credential given)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TCSS_EMULATOR_")
        and k not in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")
    }
    env.update(extra or {})
    return env


class Process:
    """The running binary, started in `cwd` (default: this process's). `address` is
    `HOST:PORT` once `start` returned."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], cwd: Optional[str] = None):
        self.argv = list(argv)
        self.env = dict(env)
        self.cwd = cwd
        self.address: Optional[str] = None
        self._proc: Optional[subprocess.Popen] = None
        self._lines: "queue.Queue[Tuple[str, str]]" = queue.Queue()
        self._kept: Deque[str] = collections.deque(maxlen=_KEPT_LINES)
        self._readers: List[threading.Thread] = []

    def start(self, timeout: float) -> str:
        """Starts the binary and returns the address it printed, within `timeout` s."""
        try:
            self._proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as e:
            raise EmulatorError(f"cannot run {self.argv[0]!r}: {e}") from e
        for stream, tag in ((self._proc.stdout, "out"), (self._proc.stderr, "err")):
            reader = threading.Thread(target=self._drain, args=(stream, tag), daemon=True)
            reader.start()
            self._readers.append(reader)
        deadline = time.monotonic() + timeout
        while self.address is None:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise EmulatorError(
                    f"tcss-emulator printed no 'listening on' line within {timeout} s:\n{self.log()}"
                )
            try:
                tag, line = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            if tag == "eof-out":
                code = self._wait(timeout=max(deadline - time.monotonic(), 1.0))
                for reader in self._readers:  # its last words on stderr, in the message
                    reader.join(timeout=max(deadline - time.monotonic(), 1.0))
                raise EmulatorError(
                    f"tcss-emulator exited (code {code}) before it was ready:\n{self.log()}"
                )
            match = _LISTENING.search(line) if tag == "out" else None
            if match:
                self.address = match.group(1)
        return self.address

    def _drain(self, stream: IO[str], tag: str) -> None:
        for line in stream:
            line = line.rstrip("\n")
            self._kept.append(f"{tag}| {line}")
            if self.address is None:
                self._lines.put((tag, line))
        self._lines.put(("eof-" + tag, ""))

    def _wait(self, timeout: float) -> Optional[int]:
        assert self._proc is not None
        try:
            return self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def running(self) -> bool:
        """Whether the child is still running."""
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float) -> Optional[int]:
        """SIGTERM, then its exit code; killed (and `None`) if it does not exit within
        `timeout` s. The emulator finishes requests in flight and exits 0."""
        if self._proc is None:
            return None
        if self._proc.poll() is None:
            self._proc.terminate()
            code = self._wait(timeout)
            if code is None:
                self.kill()
        else:
            code = self._proc.returncode
        for reader in self._readers:
            reader.join(timeout=timeout)
        return code

    def kill(self) -> None:
        """SIGKILL, if it still runs."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._wait(timeout=10.0)

    def log(self, lines: int = 40) -> str:
        """Its last `lines` lines of output, each marked `out| ` or `err| `."""
        kept = list(self._kept)[-lines:]
        return "\n".join(kept) or "(no output)"
