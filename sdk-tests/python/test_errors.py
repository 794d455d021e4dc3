"""API errors reach the SDK as TencentCloudSDKException with the documented code and a
RequestId; plus the wire format the SDK needs to see them at all."""

import json
import urllib.request

import pytest
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile


def _typed_call(kit, client, params_json):
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.from_json_string(params_json)
    return client.DescribeAssetImageRegistryDetail(req)


def test_unknown_id_is_resource_not_found(emulator, kit):
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.Id = 424242
    kit.sdk_error("ResourceNotFound", kit.make_client(emulator).DescribeAssetImageRegistryDetail, req)


@pytest.mark.parametrize("params_json", ['{"Id":"abc"}', '{"Id":-1}', '{"Id":1.5}'])
def test_malformed_id_is_invalid_parameter(emulator, kit, params_json):
    # The SDK does no client-side type check: it sends these values as JSON verbatim.
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.from_json_string(params_json)
    assert req._serialize() == json.loads(params_json)
    kit.sdk_error("InvalidParameter", _typed_call, kit, kit.make_client(emulator), params_json)


@pytest.mark.parametrize("value", ["abc", "-1", "1.5"])
def test_malformed_id_over_get_is_invalid_parameter(emulator, kit, value):
    # Over GET every value is a query-string string (Id=abc).
    client = kit.make_client(emulator, method="GET")
    kit.sdk_error("InvalidParameter", _typed_call, kit, client, json.dumps({"Id": value}))


def test_undeclared_parameter_is_unknown_parameter(emulator, kit):
    client = kit.make_client(emulator)
    kit.sdk_error("UnknownParameter", client.call_json, kit.ACTION, {"Id": 5427, "Foo": 1})


def test_unknown_action_is_invalid_action(emulator, kit):
    client = kit.make_client(emulator)
    kit.sdk_error("InvalidAction", client.call_json, "NoSuchAction", {})


def test_generic_call_json_succeeds(emulator, kit, documented):
    body = kit.make_client(emulator).call_json(kit.ACTION, {"Id": 3421599})
    assert body["Response"]["ImageDigest"] == documented[3421599]["ImageDigest"]
    kit.uuid4(body["Response"]["RequestId"])


def _common_client(emulator, kit, version):
    http = HttpProfile(protocol="http", endpoint=emulator.endpoint, reqTimeout=kit.SDK_TIMEOUT_S)
    return CommonClient("tcss", version, credential.Credential(*kit.CRED_A), "ap-guangzhou",
                        ClientProfile(httpProfile=http))


def test_common_client_with_the_right_version_succeeds(emulator, kit, documented):
    body = _common_client(emulator, kit, "2020-11-01").call_json(kit.ACTION, {"Id": 5427})
    assert body["Response"]["ImageId"] == documented[5427]["ImageId"]


def test_wrong_version_is_no_such_version(emulator, kit):
    client = _common_client(emulator, kit, "2019-01-01")
    kit.sdk_error("NoSuchVersion", client.call_json, kit.ACTION, {"Id": 5427})


def test_error_envelope_is_http_200_exact_application_json(emulator, kit):
    # The Python SDK only raises when Content-Type is exactly "application/json"
    # (or text/plain) and the status is 200; anything else hides the error.
    req = urllib.request.Request(
        emulator.base_url + "/",
        data=b'{"Id":5427}',
        method="POST",
        headers={"Content-Type": "application/json", "X-TC-Action": kit.ACTION, "X-TC-Version": "2020-11-01",
                 "X-TC-Timestamp": "1", "Authorization": "TC3-HMAC-SHA256 Credential=%s/1970-01-01/tcss/tc3_request, "
                 "SignedHeaders=content-type;host, Signature=%s" % (kit.CRED_A[0], "0" * 64)},
    )
    with urllib.request.urlopen(req, timeout=kit.SDK_TIMEOUT_S) as resp:
        status, ctype, raw = resp.status, resp.headers.get("Content-Type"), resp.read()
    assert status == 200
    assert ctype == "application/json", "Content-Type %r hides errors from the Python SDK" % ctype
    body = json.loads(raw)
    err = body["Response"]["Error"]
    assert isinstance(err["Code"], str) and err["Code"].startswith("AuthFailure"), body
    assert isinstance(err["Message"], str) and err["Message"], body
    kit.uuid4(body["Response"]["RequestId"])
