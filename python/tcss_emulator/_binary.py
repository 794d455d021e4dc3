"""Where the `tcss-emulator` binary is: `TCSS_EMULATOR_BIN`, else the one this wheel
installed (the scripts directory of the environment, or of the user scheme), else the
first on `PATH`."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Iterator, Optional

#: The variable that points the package at another binary (e.g. a `cargo build`).
BIN_ENV = "TCSS_EMULATOR_BIN"

_EXE = "tcss-emulator" + (".exe" if sys.platform == "win32" else "")


def _user_scripts() -> Optional[str]:
    """The scripts directory of the user scheme (`pip install --user`), if any."""
    try:
        return sysconfig.get_path("scripts", f"{os.name}_user")
    except KeyError:
        return None


def _installed_candidates() -> Iterator[Path]:
    """Scripts directories a wheel's binary may have been installed to."""
    for scripts in (sysconfig.get_path("scripts"), _user_scripts()):
        if scripts:
            yield Path(scripts) / _EXE
    # `pip install --target DIR`: DIR/bin next to DIR/tcss_emulator.
    yield Path(__file__).resolve().parent.parent / "bin" / _EXE


def find_binary() -> str:
    """The path of the `tcss-emulator` binary to run.

    `TCSS_EMULATOR_BIN` wins when set (it must name an executable file); otherwise
    the binary installed with this package; otherwise `tcss-emulator` on `PATH`.
    Raises `FileNotFoundError` naming what was tried.
    """
    override = os.environ.get(BIN_ENV)
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        raise FileNotFoundError(f"{BIN_ENV}={override!r} is not an executable file")
    tried = []
    for candidate in _installed_candidates():
        tried.append(str(candidate))
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    on_path = shutil.which(_EXE)
    if on_path:
        return on_path
    raise FileNotFoundError(
        f"no tcss-emulator binary: {BIN_ENV} is not set, none at {', '.join(tried)}, "
        "none on PATH (pip install tcss-emulator, or set TCSS_EMULATOR_BIN)"
    )
