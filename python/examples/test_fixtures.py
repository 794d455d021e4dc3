"""The plugin's two fixtures: `tcss_emulator` (one emulator for the run) and `tcss`
(the same one, reset before each test), and the binary the wheel put on PATH."""

import os
import re
import shutil
import subprocess
import sys

import tcss_emulator as package
from tcss_emulator import Emulator, find_binary


def test_the_session_emulator_listens_on_a_free_local_port(tcss_emulator):
    assert isinstance(tcss_emulator, Emulator)
    assert re.fullmatch(r"127\.0\.0\.1:\d+", tcss_emulator.endpoint), tcss_emulator.endpoint
    assert int(tcss_emulator.endpoint.rsplit(":", 1)[1]) > 0
    assert tcss_emulator.url == "http://" + tcss_emulator.endpoint
    assert (tcss_emulator.secret_id, tcss_emulator.secret_key) == (
        "AKIDTCSSEMULATOR", "tcss-emulator-secret")
    assert tcss_emulator.health()["status"] == "ok"


def test_tcss_is_the_session_emulator_reset(tcss, tcss_emulator):
    assert tcss is tcss_emulator
    assert tcss.requests() == [], "the journal is empty after the reset"


def test_the_wheel_put_tcss_emulator_on_the_venvs_path():
    on_path = shutil.which("tcss-emulator")
    assert on_path, "tcss-emulator is not on PATH"
    venv_bin = os.path.realpath(os.path.dirname(sys.executable))
    assert os.path.realpath(os.path.dirname(on_path)) == venv_bin, (on_path, venv_bin)
    assert "TCSS_EMULATOR_BIN" not in os.environ, "the suite must run the wheel's binary"
    assert os.path.realpath(package.__file__).startswith(os.path.realpath(sys.prefix)), (
        "the installed package, not the checkout's", package.__file__)
    assert os.path.realpath(find_binary()) == os.path.realpath(on_path)

    done = subprocess.run([on_path, "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "--scan-duration" in done.stdout and "TCSS_EMULATOR_LISTEN" in done.stdout


def test_python_m_tcss_emulator_runs_the_same_binary():
    done = subprocess.run([sys.executable, "-m", "tcss_emulator", "--version"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("tcss-emulator "), done.stdout
