"""DescribeAssetImageRegistryDetail through the official Python SDK (TC3, POST):
the documented example records, lookups by Id / ImageId, and the response shape."""

import json

import pytest


def _serialized(resp):
    """The SDK model as the SDK itself serialises it (every member, None if absent)."""
    return json.loads(resp.to_json_string())


@pytest.mark.parametrize("record_id", [5427, 3421599])
def test_documented_record_round_trips_field_by_field(emulator, kit, documented, record_id):
    client = kit.make_client(emulator)
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.Id = record_id
    resp = client.DescribeAssetImageRegistryDetail(req)
    got = _serialized(resp)

    expected = documented[record_id]
    mismatches = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    assert not mismatches, "fields differing from fixtures/documented-examples.json (want, got): %r" % mismatches
    assert got["Id"] == record_id
    kit.uuid4(got["RequestId"])
    assert isinstance(got["SensitiveInfoCnt"], int) and not isinstance(got["SensitiveInfoCnt"], bool), (
        "SensitiveInfoCnt must be an integer, got %r" % (got["SensitiveInfoCnt"],))
    if "SensitiveInfoCnt" in expected:
        assert got["SensitiveInfoCnt"] == expected["SensitiveInfoCnt"]


def test_layer_info_keeps_the_documented_double_spaces(emulator, kit):
    # tccli's examples.json has "#(nop)  LABEL" / "#(nop)  CMD" (two spaces); web copies collapse them.
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.Id = 5427
    layer = _serialized(kit.make_client(emulator).DescribeAssetImageRegistryDetail(req))["LayerInfo"]
    assert "/bin/sh -c #(nop)  LABEL org.label-schema" in layer, layer
    assert "/bin/sh -c #(nop)  CMD [\"/bin/bash\"]" in layer, layer
    assert "#(nop) ADD file:" in layer, layer


@pytest.mark.parametrize("record_id", [5427, 3421599])
def test_raw_response_has_every_schema_member_and_no_null(emulator, kit, response_members, record_id):
    body = kit.raw_detail(kit.make_client(emulator), {"Id": record_id})
    resp = body["Response"]
    assert "Error" not in resp, resp
    missing = [m for m in response_members if m not in resp]
    nulls = [m for m in response_members if m in resp and resp[m] is None]
    assert not missing, "response lacks schema members: %s" % missing
    assert not nulls, "response has null members: %s" % nulls
    kit.uuid4(resp["RequestId"])
    assert resp["Id"] == record_id and type(resp["Id"]) is int
    for name in ("SentiveInfoCnt", "SensitiveInfoCnt", "ImageSize", "VulCnt", "IsAuthorized", "Progress"):
        assert type(resp[name]) is int, "%s should be a JSON integer: %r" % (name, resp[name])
    for name in ("Solution", "Reason", "ImageCreateTime", "LayerInfo", "ImageId"):
        assert type(resp[name]) is str, "%s should be a JSON string: %r" % (name, resp[name])


def test_request_ids_are_fresh_per_call(emulator, kit):
    client = kit.make_client(emulator)
    ids = {kit.raw_detail(client, {"Id": 5427})["Response"]["RequestId"] for _ in range(3)}
    assert len(ids) == 3, ids


def test_documented_string_id_via_attribute(emulator, kit, documented):
    # The first documented example request sends {"Id": "5427"} (a string).
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.Id = "5427"
    got = _serialized(kit.make_client(emulator).DescribeAssetImageRegistryDetail(req))
    assert got["Id"] == 5427
    assert got["ImageDigest"] == documented[5427]["ImageDigest"]
    assert got["LayerInfo"] == documented[5427]["LayerInfo"]


def test_documented_string_id_via_from_json_string(emulator, kit, documented):
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.from_json_string('{"Id":"5427"}')
    assert req.Id == "5427"  # the SDK sends it as given
    got = _serialized(kit.make_client(emulator).DescribeAssetImageRegistryDetail(req))
    assert got["Id"] == 5427
    assert got["ImageId"] == documented[5427]["ImageId"]


@pytest.mark.parametrize("record_id", [5427, 3421599])
def test_lookup_by_image_id_alone(emulator, kit, documented, record_id):
    expected = documented[record_id]
    req = kit.models.DescribeAssetImageRegistryDetailRequest()
    req.ImageId = expected["ImageId"]
    got = _serialized(kit.make_client(emulator).DescribeAssetImageRegistryDetail(req))
    assert got["Id"] == record_id
    assert got["ImageId"] == expected["ImageId"]
    assert got["ImageDigest"] == expected["ImageDigest"]
    assert got["ImageRepoAddress"] == expected["ImageRepoAddress"]


def test_id_and_matching_image_id(emulator, kit, documented):
    req = kit.detail_request(Id=3421599, ImageId=documented[3421599]["ImageId"])
    got = _serialized(kit.make_client(emulator).DescribeAssetImageRegistryDetail(req))
    assert got["Id"] == 3421599
    assert got["ImageTag"] == documented[3421599]["ImageTag"]


def test_id_and_mismatching_image_id_is_resource_not_found(emulator, kit, documented):
    req = kit.detail_request(Id=5427, ImageId=documented[3421599]["ImageId"])
    kit.sdk_error("ResourceNotFound", kit.make_client(emulator).DescribeAssetImageRegistryDetail, req)


def test_unknown_image_id_is_resource_not_found(emulator, kit):
    req = kit.detail_request(ImageId="sha256:" + "0" * 64)
    kit.sdk_error("ResourceNotFound", kit.make_client(emulator).DescribeAssetImageRegistryDetail, req)


def test_health_reports_the_bundled_records(spawn_emulator):
    emu = spawn_emulator()
    health = emu.health()
    assert health.get("status") == "ok", health
    assert isinstance(health.get("version"), str) and health["version"], health
    assert health.get("records") == 2, "fresh emulator should hold the 2 documented records: %r" % health


def test_admin_upsert_is_served_with_zero_values_for_missing_fields(spawn_emulator, kit, response_members):
    emu = spawn_emulator()
    before = emu.health()["records"]
    record = {
        "Id": 880001,
        "ImageId": "sha256:" + "ab" * 32,
        "ImageName": "interop",
        "ImageTag": "t1",
        "VulCnt": 7,
        "SensitiveInfoCnt": 3,
    }
    emu.upsert_images([record])
    assert emu.health()["records"] == before + 1

    client = kit.make_client(emu)
    resp = kit.raw_detail(client, {"Id": 880001})["Response"]
    assert "Error" not in resp, resp
    for k, v in record.items():
        assert resp.get(k) == v, "%s: want %r got %r" % (k, v, resp.get(k))
    nulls = [m for m in response_members if resp.get(m, None) is None]
    assert not nulls, "missing or null members for a sparse record: %s" % nulls
    assert resp["ImageDigest"] == "" and resp["LayerInfo"] == "" and resp["Solution"] == ""
    assert resp["RiskCnt"] == 0 and resp["ImageSize"] == 0 and resp["IsAuthorized"] == 0

    # Upsert again: same Id replaces, no new record.
    emu.upsert_images([dict(record, ImageTag="t2")])
    assert emu.health()["records"] == before + 1
    again = kit.raw_detail(client, {"ImageId": record["ImageId"]})["Response"]
    assert again["ImageTag"] == "t2" and again["Id"] == 880001


def test_fixtures_flag_loads_a_fixture_document(spawn_emulator, kit, tmp_path):
    doc = {"images": [{"Id": 770001, "ImageId": "sha256:" + "cd" * 32, "ImageName": "from-flag", "VulCnt": 5}]}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    emu = spawn_emulator(extra_args=["--fixtures", str(path)])
    assert emu.health()["records"] == 1, "only the --fixtures document should be loaded"
    got = kit.raw_detail(kit.make_client(emu), {"Id": 770001})["Response"]
    assert got.get("ImageName") == "from-flag" and got.get("VulCnt") == 5, got
    kit.sdk_error("ResourceNotFound", kit.raw_detail, kit.make_client(emu), {"Id": 5427})
