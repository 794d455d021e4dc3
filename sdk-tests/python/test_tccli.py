"""The official CLI, tccli, against the emulator (its own venv, see requirements-tccli.txt).

tccli reaches a plain-HTTP endpoint only through `--endpoint http://HOST:PORT`, and then
signs (and sends) the literal `Host: http://HOST:PORT`."""

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TCCLI_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def tccli():
    path = os.environ.get("TCSS_TCCLI_BIN") or str(Path(sys.prefix).parent / "sdk-venv-tccli" / "bin" / "tccli")
    if not os.access(path, os.X_OK):
        pytest.fail("tccli not found at %r: run scripts/sdk-venv.sh (or set TCSS_TCCLI_BIN)" % path)
    return path


@pytest.fixture(scope="module")
def official_examples(tccli):
    """tccli's own examples.json for DescribeAssetImageRegistryDetail: (request, Response) pairs."""
    venv = Path(tccli).resolve().parents[1]
    hits = glob.glob(str(venv / "lib" / "python*" / "site-packages" / "tccli" / "services" / "tcss"
                         / "v20201101" / "examples.json"))
    assert hits, "examples.json not found in the tccli venv %s" % venv
    with open(hits[0], encoding="utf-8") as f:
        examples = json.load(f)["actions"]["DescribeAssetImageRegistryDetail"]
    pairs = []
    for ex in examples:
        body = ex["input"].split("\n\n", 1)[1]  # HTTP headers, blank line, JSON body
        pairs.append((json.loads(body), json.loads(ex["output"])["Response"]))
    assert len(pairs) == 2, "expected the two documented examples, got %d" % len(pairs)
    return pairs


def run_tccli(tccli, emu, args, cred, tmp_path):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "TCCLI_", "TKE_"))}
    env["HOME"] = str(home)  # no user config: tccli writes a fresh default profile here
    cmd = [tccli, "tcss", "DescribeAssetImageRegistryDetail", *args,
           "--secretId", cred[0], "--secretKey", cred[1],
           "--region", "ap-guangzhou", "--endpoint", emu.base_url]
    return subprocess.run(cmd, env=env, cwd=str(tmp_path), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=TCCLI_TIMEOUT_S)


def _json_out(proc):
    assert proc.returncode == 0, "tccli exit %s\nstdout: %s\nstderr: %s" % (
        proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    try:
        return json.loads(proc.stdout)
    except ValueError:
        pytest.fail("tccli printed no JSON:\nstdout: %s\nstderr: %s" % (proc.stdout[-2000:], proc.stderr[-2000:]))


def test_tccli_unfolded_id_returns_the_record(emulator, kit, tccli, documented, tmp_path):
    proc = run_tccli(tccli, emulator, ["--cli-unfold-argument", "--Id", "5427"], kit.CRED_A, tmp_path)
    out = _json_out(proc)
    expected = documented[5427]
    mismatches = {k: (v, out.get(k)) for k, v in expected.items() if out.get(k) != v}
    assert not mismatches, "tccli output differs from the fixture (want, got): %r" % mismatches
    nulls = [k for k, v in out.items() if v is None]
    assert not nulls, "tccli shows null members (absent from the response): %s" % nulls
    kit.uuid4(out["RequestId"])


@pytest.mark.parametrize("index", [0, 1])
def test_tccli_documented_example_request_gives_documented_response(emulator, kit, tccli, official_examples,
                                                                    tmp_path, index):
    request, documented_response = official_examples[index]
    req_file = tmp_path / "request.json"
    req_file.write_text(json.dumps(request), encoding="utf-8")
    proc = run_tccli(tccli, emulator, ["--cli-input-json", "file://%s" % req_file], kit.CRED_A, tmp_path)
    out = _json_out(proc)
    mismatches = {k: (v, out.get(k)) for k, v in documented_response.items()
                  if k != "RequestId" and out.get(k) != v}
    assert not mismatches, "differs from tccli's examples.json output (want, got): %r" % mismatches
    assert out["RequestId"] != documented_response["RequestId"]
    kit.uuid4(out["RequestId"])


def test_tccli_wrong_key_reports_signature_failure(emulator, kit, tccli, tmp_path):
    proc = run_tccli(tccli, emulator, ["--cli-unfold-argument", "--Id", "5427"], (kit.CRED_A[0], "wrong-key"),
                     tmp_path)
    assert proc.returncode != 0, "tccli succeeded with a wrong key: %s" % proc.stdout[-2000:]
    assert "code:AuthFailure.SignatureFailure" in proc.stderr, proc.stderr[-2000:]
