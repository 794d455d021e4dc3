"""The pytest plugin (entry point `pytest11`, loaded when the package is installed).

Fixtures:
- `tcss_emulator` (session): one emulator for the whole run, started at first use and
  stopped (it must exit 0) at the end;
- `tcss`: the same emulator, reset before each test to its start-up state (records,
  scans, stubs, faults, the journal, rate-limit windows, and the clock: back to real
  time, running).

ini options (pytest.ini, `[tool.pytest.ini_options]`, ...):
- `tcss_emulator_fixtures`: fixture files loaded at start, after the bundled ones
  (paths relative to the ini file);
- `tcss_emulator_bundled_fixtures` (default true): false starts without the bundled
  documented examples and demo world;
- `tcss_emulator_args`: more command-line flags, e.g. `--rate-limit 0 --scan-duration 1`.

Marker: `@pytest.mark.tcss_fixtures("a.json", ...)` seeds those files (relative to the
test file) after the reset, for that test only (with the `tcss` fixture).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from ._emulator import Emulator

FIXTURES_INI = "tcss_emulator_fixtures"
BUNDLED_INI = "tcss_emulator_bundled_fixtures"
ARGS_INI = "tcss_emulator_args"
MARKER = "tcss_fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declares the plugin's ini options."""
    parser.addini(FIXTURES_INI, "tcss-emulator: fixture files loaded at start, after the "
                  "bundled ones", type="paths", default=[])
    parser.addini(BUNDLED_INI, "tcss-emulator: load the bundled fixtures (documented "
                  "examples, demo world)", type="bool", default=True)
    parser.addini(ARGS_INI, "tcss-emulator: more command-line flags", type="args", default=[])


def pytest_configure(config: pytest.Config) -> None:
    """Registers the `tcss_fixtures` marker."""
    config.addinivalue_line(
        "markers", f"{MARKER}(*paths): fixture files (relative to the test file) the tcss "
        "fixture seeds after its reset, for this test only")


@pytest.fixture(scope="session")
def tcss_emulator(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """One running tcss-emulator for the whole pytest run (configured by the
    `tcss_emulator_*` ini options). It must exit 0 when stopped at the end."""
    emulator = Emulator(
        [Path(p) for p in pytestconfig.getini(FIXTURES_INI)],
        bundled_fixtures=bool(pytestconfig.getini(BUNDLED_INI)),
        args=list(pytestconfig.getini(ARGS_INI)),
    )
    with emulator:
        yield emulator
    if emulator.exit_code != 0:
        pytest.fail(f"tcss-emulator did not stop cleanly (exit code {emulator.exit_code}):\n"
                    f"{emulator.log()}", pytrace=False)


@pytest.fixture
def tcss(tcss_emulator: Emulator, request: pytest.FixtureRequest) -> Emulator:
    """The session's emulator, reset to its start-up state before this test (clock back
    to real time), then seeded with the files of the test's `tcss_fixtures` markers."""
    tcss_emulator.reset()
    tcss_emulator.clock(real=True)
    base = Path(str(request.node.path)).parent
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        for path in marker.args:
            tcss_emulator.seed(base / path)
    return tcss_emulator
