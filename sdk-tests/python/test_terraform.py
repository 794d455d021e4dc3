"""The Terraform provider's TCSS resources, replayed call for call through the official
SDK's typed methods (tencentcloudstack/terraform-provider-tencentcloud,
tencentcloud/services/tcss/): tencentcloud_tcss_image_registry,
tencentcloud_tcss_cluster_access and tencentcloud_tcss_refresh_task_operation.

Where the provider polls (resource.Retry), the test advances the emulator clock one
second per poll instead of sleeping; the SDK signs with real time, and a few seconds
of emulator time stay inside the 300 s signature window."""

import json

CLUSTER = "cls-demo0001"  # the bundled demo world's cluster
MAX_POLLS = 30


def set_clock(emu, **change):
    status, _, raw = emu.admin("POST", "/_emulator/clock", change)
    assert status == 200, raw[:500]


def registry_by_id(client, m, registry_id):
    """DescribeTcssImageRegistryById: pages of 20 until a short page, then a search."""
    req = m.DescribeAssetImageRegistryRegistryListRequest()
    offset, limit, found = 0, 20, []
    while True:
        req.Offset, req.Limit = offset, limit
        res = client.DescribeAssetImageRegistryRegistryList(req)
        if not res.List:
            break
        found.extend(res.List)
        if len(res.List) < limit:
            break
        offset += limit
    return next((r for r in found if r.RegistryId == registry_id), None)


def test_image_registry_create_read_update_delete(emulator, kit):
    m = kit.models
    client = kit.make_client(emulator)

    req = m.AddAssetImageRegistryRegistryDetailRequest()
    req.Name, req.Username, req.Password = "tf-harbor", "admin", "secret"
    req.Url, req.RegistryType, req.RegistryVersion = "https://harbor.tf.example", "harbor", "V2"
    req.NetType, req.RegistryRegion, req.SpeedLimit, req.Insecure = "public", "default", 100, 0
    conn = m.ConnDetectConfig()
    conn.Quuid, conn.Uuid = "q-1", "u-1"
    req.ConnDetectConfig, req.NeedScan = [conn], True
    registry_id = client.AddAssetImageRegistryRegistryDetail(req).RegistryId
    assert registry_id > 0

    got = registry_by_id(client, m, registry_id)
    assert got is not None, "the new registry is listed"
    assert (got.Name, got.Url, got.RegistryType, got.NetType, got.RegistryVersion) == (
        "tf-harbor", "https://harbor.tf.example", "harbor", "public", "V2")

    upd = m.UpdateAssetImageRegistryRegistryDetailRequest()
    upd.Name, upd.Username, upd.Password = "tf-harbor", "admin", "secret2"
    upd.Url, upd.RegistryType, upd.RegistryVersion = "https://harbor2.tf.example", "harbor", "V2"
    upd.NetType, upd.RegistryRegion, upd.SpeedLimit, upd.Insecure = "public", "default", 50, 0
    upd.RegistryId = registry_id
    client.UpdateAssetImageRegistryRegistryDetail(upd)
    assert registry_by_id(client, m, registry_id).Url == "https://harbor2.tf.example"

    rm = m.RemoveAssetImageRegistryRegistryDetailRequest()
    rm.RegistryId = registry_id
    client.RemoveAssetImageRegistryRegistryDetail(rm)
    assert registry_by_id(client, m, registry_id) is None, "a removed registry is not listed"


def user_cluster(client, m, cluster_id):
    """DescribeTcssClusterAccessById: ClusterID (the provider's spelling), exact, Limit 1."""
    req = m.DescribeUserClusterRequest()
    req.Offset, req.Limit = 0, 1
    f = m.ComplianceFilters()
    f.Name, f.Values, f.ExactMatch = "ClusterID", [cluster_id], True
    req.Filters = [f]
    res = client.DescribeUserCluster(req)
    assert res.ClusterInfoList, "Describe user cluster failed, Response is nil."
    return res.ClusterInfoList[0]


def poll(emu, read, done, fail=()):
    """resource.Retry: read until `done`; the clock moves 1 s between reads."""
    seen = []
    for _ in range(MAX_POLLS):
        value = read()
        seen.append(value)
        assert value not in fail, seen
        if value in done:
            return seen
        set_clock(emu, advance_seconds=1)
    raise AssertionError("still not done after %d polls: %r" % (MAX_POLLS, seen))


def modify_defend(client, m, cluster_id, on):
    req = m.ModifyDefendStatusRequest()
    req.InstanceIDs, req.InstanceType, req.IsAll, req.SwitchOn = [cluster_id], "Cluster", False, on
    client.ModifyDefendStatus(req)


def test_cluster_access_create_switch_and_delete(spawn_emulator, kit):
    m = kit.models
    emu = spawn_emulator()
    set_clock(emu, freeze=True)
    client = kit.make_client(emu)

    # Create: access, then wait for an installed state.
    req = m.CreateClusterAccessRequest()
    req.ClusterIDs = [CLUSTER]
    client.CreateClusterAccess(req)
    seen = poll(emu, lambda: user_cluster(client, m, CLUSTER).AccessedStatus,
                done={"AccessedDefended", "AccessedInstalled", "AccessedPartialDefence"},
                fail={"AccessedException"})
    assert seen[0] == "AccessedInstalling" and len(seen) == 6, seen

    # switch_on = true: defence on, wait for Defended.
    modify_defend(client, m, CLUSTER, True)
    poll(emu, lambda: user_cluster(client, m, CLUSTER).DefenderStatus, done={"Defended", "PartDefened"})
    got = user_cluster(client, m, CLUSTER)
    assert (got.ClusterId, got.AccessedStatus) == (CLUSTER, "AccessedDefended")

    # Update switch_on = false: wait for UnDefended.
    modify_defend(client, m, CLUSTER, False)
    poll(emu, lambda: user_cluster(client, m, CLUSTER).DefenderStatus, done={"UnDefended"})

    # Delete: uninstall, wait for AccessedNone.
    req = m.UninstallClusterContainerSecurityRequest()
    req.ClusterIDs = [CLUSTER]
    client.UninstallClusterContainerSecurity(req)
    poll(emu, lambda: user_cluster(client, m, CLUSTER).AccessedStatus, done={"AccessedNone"},
         fail={"AccessedUninstallException"})


def test_refresh_task_operation_gets_a_task_id(spawn_emulator, kit):
    m = kit.models
    emu = spawn_emulator()
    set_clock(emu, freeze=True)
    client = kit.make_client(emu)
    req = m.CreateRefreshTaskRequest()
    req.ClusterIDs, req.IsSyncListOnly = [CLUSTER], False
    first = client.CreateRefreshTask(req)
    assert first.TaskId > 0 and first.CreateResult == "Succ", first.to_json_string()

    status = m.DescribeRefreshTaskRequest()
    status.TaskId = first.TaskId
    assert client.DescribeRefreshTask(status).TaskStatus == "Task_Running"
    set_clock(emu, advance_seconds=5)
    assert client.DescribeRefreshTask(status).TaskStatus == "Task_Finish"
    second = client.CreateRefreshTask(req)
    assert second.TaskId == first.TaskId + 1, json.loads(second.to_json_string())
