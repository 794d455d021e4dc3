"""Every action answers an official SDK call: a sample of actions spread across the
whole API, each called through its typed TcssClient method with its documented
example request, and the SDK-parsed answer checked against the response schema."""

import json
from pathlib import Path

import pytest
from tencentcloud.tcss.v20201101 import models

SPEC = json.loads(
    (Path(__file__).resolve().parents[2] / "spec" / "tcss-2020-11-01.json").read_text(encoding="utf-8"))
SCALARS = {
    "string": str, "date": str, "datetime": str, "datetime_iso": str,
    "uint64": int, "int64": int, "float": (int, float), "bool": bool,
}


def sample(models):
    """Every 11th action (by name) that the pinned SDK also has: 30+ across the API."""
    have = [a for a in sorted(SPEC["actions"]) if hasattr(models, a + "Request")]
    return have[::11]


def check(value, members, path):
    """Every member the schema always answers is present (not None) with its type."""
    for m in members:
        if m["name"] == "RequestId" or not m.get("output_required"):
            continue
        v = value.get(m["name"])
        where = "%s.%s" % (path, m["name"])
        assert v is not None, "%s is missing/null" % where
        items = v if m["list"] else [v]
        if m["list"]:
            assert isinstance(v, list), "%s is not a list: %r" % (where, v)
        for i, item in enumerate(items):
            kind = m["type"]
            if kind in SCALARS:
                ok = isinstance(item, SCALARS[kind]) and (kind == "bool" or not isinstance(item, bool))
                assert ok, "%s[%d] = %r is not %s" % (where, i, item, kind)
            else:
                assert isinstance(item, dict), "%s[%d] is not an object" % (where, i)
                check(item, SPEC["objects"][kind]["members"], where)


SAMPLE = sample(models)


def test_the_sample_spans_at_least_30_actions():
    assert len(SAMPLE) >= 30, SAMPLE


def example_ids(request):
    """Image Ids a documented example request names (`Id`: one or a list)."""
    ids = request.get("Id")
    ids = ids if isinstance(ids, list) else [ids]
    return [int(i) for i in ids if isinstance(i, int) or (isinstance(i, str) and i.isdigit())]


# Actions of the resource model that name records: (collection, identifier field,
# request member, one identifier or a list), so that the records an example names exist.
READS = {
    "DescribeAssetContainerDetail": ("containers", "ContainerID", "ContainerId"),
    "DescribeAssetHostDetail": ("hosts", "HostID", "HostId"),
    "DescribeAssetImageDetail": ("local_images", "ImageID", "ImageID"),
    "DescribeClusterDetail": ("clusters", "ClusterId", "ClusterId"),
    "DescribeAssetImageRegistryRegistryDetail": ("registries", "RegistryId", "RegistryId"),
    "DescribeRiskSyscallWhiteListDetail": ("risk_syscall_whitelists", "Id", "WhiteListId"),
    "DescribeK8sApiAbnormalEventInfo": ("k8s_api_abnormal_events", "ID", "ID"),
    "DeleteSearchTemplate": ("search_templates", "Id", "Id"),
    "DescribeComplianceAssetDetailInfo": ("compliance_assets", "CustomerAssetId", "CustomerAssetId"),
    "ScanComplianceAssets": ("compliance_assets", "CustomerAssetId", "CustomerAssetIdSet"),
}


def seed_read(emulator, name, request):
    if name in READS:
        collection, field, member = READS[name]
        ids = request[member] if isinstance(request[member], list) else [request[member]]
        status, _, raw = emulator.admin("POST", "/_emulator/fixtures",
                                        {collection: [{field: i} for i in ids]})
        assert status == 200, raw


@pytest.mark.parametrize("name", SAMPLE)
def test_sampled_action_through_its_typed_sdk_method(emulator, kit, name):
    action = SPEC["actions"][name]
    request = action["examples"][0]["request"]
    # Stateful actions look records up: give the example's Ids records to find.
    emulator.upsert_images([{"Id": i, "ImageName": "example-%d" % i} for i in example_ids(request)])
    seed_read(emulator, name, request)
    req = getattr(kit.models, name + "Request")()
    req.from_json_string(json.dumps(request))
    status, _, raw = emulator.admin("GET", "/_emulator/actions")
    answered_by = {a["action"]: a["answered_by"] for a in json.loads(raw)["actions"]}
    if "TaskID" in request and answered_by[name] == "stateful":
        # A documented TaskID names one of Tencent's tasks, not one made here.
        kit.sdk_error("ResourceNotFound", getattr(kit.make_client(emulator), name), req)
        return
    resp = getattr(kit.make_client(emulator), name)(req)
    got = json.loads(resp.to_json_string())
    kit.uuid4(got["RequestId"])
    check(got, SPEC["objects"][action["output"]]["members"], name)
