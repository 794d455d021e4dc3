"""Every way the Python SDK signs and sends a request must be accepted when right and
refused with the documented code when wrong."""

import time
import types

import pytest
from tencentcloud.common import abstract_client

SIGN_METHODS = ["TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256"]
HTTP_METHODS = ["POST", "GET"]
ALL_WAYS = [(m, s) for s in SIGN_METHODS for m in HTTP_METHODS]


def _detail(kit, client, record_id=5427):
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.Id = record_id
    return client.DescribeAssetImageRegistryDetail(req)


@pytest.mark.parametrize("method,sign_method", ALL_WAYS)
def test_signed_call_succeeds(emulator, kit, documented, method, sign_method):
    client = kit.make_client(emulator, method=method, sign_method=sign_method)
    resp = _detail(kit, client)
    assert resp.ImageDigest == documented[5427]["ImageDigest"]
    assert resp.LayerInfo == documented[5427]["LayerInfo"]
    assert resp.Id == 5427
    kit.uuid4(resp.RequestId)


@pytest.mark.parametrize("method", HTTP_METHODS)
def test_tc3_unsigned_payload_succeeds(emulator, kit, documented, method):
    client = kit.make_client(emulator, method=method, unsigned_payload=True)
    resp = _detail(kit, client, 3421599)
    assert resp.ImageId == documented[3421599]["ImageId"]
    kit.uuid4(resp.RequestId)


def test_second_configured_credential_is_accepted(emulator, kit, documented):
    resp = _detail(kit, kit.make_client(emulator, cred=kit.CRED_B))
    assert resp.ImageDigest == documented[5427]["ImageDigest"]


def test_region_is_optional(emulator, kit, documented):
    resp = _detail(kit, kit.make_client(emulator, region=""))
    assert resp.ImageDigest == documented[5427]["ImageDigest"]


@pytest.mark.parametrize("method,sign_method", ALL_WAYS)
def test_wrong_key_is_signature_failure(emulator, kit, method, sign_method):
    secret_id, _ = kit.CRED_A
    client = kit.make_client(emulator, cred=(secret_id, "not-the-right-key"), method=method,
                             sign_method=sign_method)
    kit.sdk_error("AuthFailure.SignatureFailure", _detail, kit, client)


def test_key_of_another_credential_is_signature_failure(emulator, kit):
    client = kit.make_client(emulator, cred=(kit.CRED_A[0], kit.CRED_B[1]))
    kit.sdk_error("AuthFailure.SignatureFailure", _detail, kit, client)


@pytest.mark.parametrize("method,sign_method", ALL_WAYS)
def test_unknown_secret_id_is_secret_id_not_found(emulator, kit, method, sign_method):
    client = kit.make_client(emulator, cred=("AKIDthisIdIsNotConfigured0000000000", kit.CRED_A[1]),
                             method=method, sign_method=sign_method)
    kit.sdk_error("AuthFailure.SecretIdNotFound", _detail, kit, client)


def _clock_shifted_by(monkeypatch, seconds):
    """Make the SDK sign with a timestamp `seconds` away from now (only the SDK's
    view of the clock changes)."""
    fake = types.SimpleNamespace(time=lambda: time.time() + seconds, sleep=time.sleep)
    monkeypatch.setattr(abstract_client, "time", fake)


@pytest.mark.parametrize("sign_method", SIGN_METHODS)
@pytest.mark.parametrize("skew", [-600, 600])
def test_timestamp_more_than_five_minutes_off_is_signature_expire(emulator, kit, monkeypatch, sign_method, skew):
    client = kit.make_client(emulator, sign_method=sign_method)
    _clock_shifted_by(monkeypatch, skew)
    kit.sdk_error("AuthFailure.SignatureExpire", _detail, kit, client)


@pytest.mark.parametrize("skew", [-240, 240])
def test_timestamp_within_five_minutes_is_accepted(emulator, kit, monkeypatch, documented, skew):
    client = kit.make_client(emulator)
    _clock_shifted_by(monkeypatch, skew)
    assert _detail(kit, client).ImageDigest == documented[5427]["ImageDigest"]


@pytest.mark.parametrize("code,make", [
    ("ResourceNotFound", lambda kit, emu, lang: (kit.make_client(emu, language=lang), 999999991)),
    ("AuthFailure.SignatureFailure",
     lambda kit, emu, lang: (kit.make_client(emu, cred=(kit.CRED_A[0], "wrong"), language=lang), 5427)),
], ids=["ResourceNotFound", "SignatureFailure"])
def test_error_message_follows_language(emulator, kit, code, make):
    messages = {}
    for lang in ("en-US", "zh-CN"):
        client, record_id = make(kit, emulator, lang)
        messages[lang] = kit.sdk_error(code, _detail, kit, client, record_id).message
    assert messages["en-US"] != messages["zh-CN"], "same %s message in both languages: %r" % (code, messages)
    assert messages["en-US"].isascii(), "en-US message is not ASCII: %r" % messages["en-US"]


def test_moving_the_emulator_clock_an_hour_does_not_expire_sdk_signatures(spawn_emulator, kit, monkeypatch, documented):
    """The SDKs sign with the machine's clock: the 300 s window is checked against
    real time, whatever the emulator's clock says (README, The clock)."""
    emu = spawn_emulator()
    status, _, raw = emu.admin("POST", "/_emulator/clock", {"advance_seconds": 3600})
    assert status == 200, raw
    for method, sign_method in ALL_WAYS:
        client = kit.make_client(emu, method=method, sign_method=sign_method)
        assert _detail(kit, client).ImageDigest == documented[5427]["ImageDigest"], (method, sign_method)
    # An old timestamp is still refused, and so is one signed with the emulator's time.
    for skew in (-600, 3600):
        client = kit.make_client(emu)
        _clock_shifted_by(monkeypatch, skew)
        kit.sdk_error("AuthFailure.SignatureExpire", _detail, kit, client)
