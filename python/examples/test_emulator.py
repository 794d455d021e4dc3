"""`Emulator` from code: its own fixtures, credential and flags, a clean stop, errors."""

import json

import pytest

from tcss_emulator import Emulator, EmulatorError

CRED = ("AKIDexampleOwnCredential01", "exampleOwnKey01")


def test_an_emulator_from_code_takes_fixtures_credentials_and_flags(tmp_path):
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"images": [{"Id": 7, "ImageName": "from-code"}]}))
    with Emulator([mine], bundled_fixtures=False, credentials=[CRED],
                  args=["--rate-limit", "0"]) as emu:
        assert (emu.secret_id, emu.secret_key) == CRED
        assert emu.health()["records"] == 1, "only its own fixture, no bundled ones"
        assert emu.reset() == 1, "its fixture is part of the start-up state"
        res = emu.client().call_json("DescribeAssetImageRegistryDetail", {"Id": 7})
        assert res["Response"]["ImageName"] == "from-code"
    assert emu.exit_code == 0 and not emu.running, emu.log()


def test_a_refused_admin_call_raises_with_its_status(tcss):
    with pytest.raises(EmulatorError) as err:
        tcss.seed({"images": [{"Id": 1, "VulCnt": "many"}]})
    assert err.value.status == 400
    assert "VulCnt" in str(err.value)


def test_tcss_emulator_bin_names_the_binary(monkeypatch, tmp_path):
    monkeypatch.setenv("TCSS_EMULATOR_BIN", str(tmp_path / "no-such-binary"))
    with pytest.raises(FileNotFoundError, match="TCSS_EMULATOR_BIN"):
        Emulator().start()


def test_a_bad_start_up_fixture_fails_the_start_naming_it(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"images": [{"Id": "x"}]}')
    with pytest.raises(EmulatorError, match="bad.json"):
        Emulator([bad]).start()
