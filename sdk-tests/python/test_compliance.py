"""Compliance and the rest of the security surface through the official Python SDK's
typed methods: seed, list, filter, change, read back. Each test starts from the
bundled demo world (POST /_emulator/reset); scans finish when the test moves the
emulator clock, never by sleeping."""

import json


def reset(emu):
    status, _, raw = emu.admin("POST", "/_emulator/reset")
    assert status == 200, raw[:500]


def advance(emu, seconds):
    status, _, raw = emu.admin("POST", "/_emulator/clock", {"advance_seconds": seconds})
    assert status == 200, raw[:500]


def item_summary(client, m, item_id):
    req = m.DescribeCompliancePolicyItemAffectedSummaryRequest()
    req.CustomerPolicyItemId = item_id
    return client.DescribeCompliancePolicyItemAffectedSummary(req).PolicyItemSummary


def asset_detail(client, m, asset_id):
    req = m.DescribeComplianceAssetDetailInfoRequest()
    req.CustomerAssetId = asset_id
    return client.DescribeComplianceAssetDetailInfo(req).AssetDetailInfo


def test_a_compliance_scan_on_the_clock_changes_results(emulator, kit):
    reset(emulator)
    m = kit.models
    client = kit.make_client(emulator)

    req = m.DescribeComplianceAssetListRequest()
    req.AssetTypeSet = ["ASSET_CONTAINER"]
    f = m.ComplianceFilters()
    f.Name, f.Values, f.ExactMatch = "CheckResult", ["RESULT_FAILED"], True
    req.Filters, req.Limit = [f], 10
    failing = client.DescribeComplianceAssetList(req)
    assert failing.TotalCount == 2
    assert sorted(a.AssetName for a in failing.AssetInfoList) == ["web-1", "web-2"]

    # web-1 is fixed (what it breaks now is nothing); its last result still fails.
    fixed = {"compliance_assets": [{"CustomerAssetId": 1, "AssetType": "ASSET_CONTAINER", "AssetName": "web-1",
                                    "CheckStatus": "CHECK_FINISHED", "LastCheckTime": "2026-12-01 02:00:00",
                                    "__violations": [], "__failed": [1]}]}
    status, _, raw = emulator.admin("POST", "/_emulator/fixtures", fixed)
    assert status == 200, raw[:500]
    assert asset_detail(client, m, 1).CheckResult == "RESULT_FAILED"

    scan = m.ScanComplianceAssetsRequest()
    scan.CustomerAssetIdSet = [1]
    task_id = client.ScanComplianceAssets(scan).TaskId
    assert task_id > 1
    assert asset_detail(client, m, 1).CheckStatus == "CHECK_RUNNING"
    advance(emulator, 5)
    done = asset_detail(client, m, 1)
    assert (done.CheckStatus, done.CheckResult, done.FailedPolicyItemCount) == (
        "CHECK_FINISHED", "RESULT_PASSED", 0)
    assert client.DescribeComplianceAssetList(req).TotalCount == 1

    summary = m.DescribeComplianceTaskPolicyItemSummaryListRequest()
    summary.AssetType = "ASSET_CONTAINER"
    listed = client.DescribeComplianceTaskPolicyItemSummaryList(summary)
    assert listed.TaskId == task_id
    first = next(i for i in listed.PolicyItemSummaryList if i.CustomerPolicyItemId == 1)
    assert (first.FailedAssetCount, first.PassedAssetCount) == (1, 1)


def test_a_whitelisted_policy_item_no_longer_fails(emulator, kit):
    reset(emulator)
    m = kit.models
    client = kit.make_client(emulator)
    assert item_summary(client, m, 3).FailedAssetCount == 1

    add = m.AddCompliancePolicyItemToWhitelistRequest()
    add.CustomerPolicyItemIdSet = [3]
    client.AddCompliancePolicyItemToWhitelist(add)
    ignored = item_summary(client, m, 3)
    assert ignored.FailedAssetCount == 0 and ignored.WhitelistId > 0
    assert asset_detail(client, m, 4).CheckResult == "RESULT_PASSED"

    wl = m.DescribeComplianceWhitelistItemListRequest()
    wl.AssetTypeSet = ["ASSET_IMAGE"]
    entries = client.DescribeComplianceWhitelistItemList(wl)
    assert entries.TotalCount == 1
    assert entries.WhitelistItemSet[0].CustomerPolicyItemId == 3

    remove = m.DeleteCompliancePolicyAssetSetFromWhitelistRequest()
    pair = m.CompliancePolicyAssetSetItem()
    pair.CustomerPolicyItemId = 3
    remove.PolicyAssetSetList = [pair]
    client.DeleteCompliancePolicyAssetSetFromWhitelist(remove)
    assert item_summary(client, m, 3).FailedAssetCount == 1
    assert client.DescribeComplianceWhitelistItemList(wl).TotalCount == 0


def test_periodic_tasks_are_changed_and_read_back(emulator, kit):
    reset(emulator)
    m = kit.models
    client = kit.make_client(emulator)
    req = m.ModifyCompliancePeriodTaskRequest()
    req.PeriodTaskId = 1
    rule = m.CompliancePeriodTaskRule()
    rule.Frequency, rule.ExecutionTime, rule.Enable = 3, "01:15:00", False
    req.PeriodRule = rule
    client.ModifyCompliancePeriodTask(req)
    q = m.DescribeCompliancePeriodTaskListRequest()
    q.AssetType = "ASSET_CONTAINER"
    got = client.DescribeCompliancePeriodTaskList(q)
    assert got.TotalCount == 1
    assert (got.PeriodTaskSet[0].PeriodRule.Frequency, got.PeriodTaskSet[0].PeriodRule.Enable) == (3, False)


def test_search_templates_and_warning_rules_are_kept(emulator, kit):
    reset(emulator)
    m = kit.models
    client = kit.make_client(emulator)
    t = m.SearchTemplate()
    t.Name, t.LogType, t.Condition, t.TimeRange = "escapes", "container_launch", "c", "1d"
    t.Query, t.Flag, t.DisplayData = "q", "standard", "d"
    req = m.CreateSearchTemplateRequest()
    req.SearchTemplate = t
    client.CreateSearchTemplate(req)
    listed = client.DescribeSearchTemplates(m.DescribeSearchTemplatesRequest())
    assert [x.Name for x in listed.List] == ["bash on demo-node-1", "escapes"]
    delete = m.DeleteSearchTemplateRequest()
    delete.Id = listed.List[1].Id
    client.DeleteSearchTemplate(delete)
    assert client.DescribeSearchTemplates(m.DescribeSearchTemplatesRequest()).TotalCount == 1

    rule = m.WarningRule()
    rule.Type, rule.Switch, rule.BeginTime, rule.EndTime, rule.ControlBits = "IMG_VUL", "ON", "09:00", "18:00", "100"
    edit = m.AddEditWarningRulesRequest()
    edit.WarningRules = [rule]
    client.AddEditWarningRules(edit)
    rules = client.DescribeWarningRules(m.DescribeWarningRulesRequest()).WarningRules
    assert ("IMG_VUL", "100") in [(r.Type, r.ControlBits) for r in rules]


def test_security_log_join_objects_follow_what_was_set(emulator, kit):
    reset(emulator)
    m = kit.models
    client = kit.make_client(emulator)
    mod = m.ModifySecLogJoinObjectsRequest()
    mod.LogType, mod.BindList = "container_launch", ["host-demo0002"]
    client.ModifySecLogJoinObjects(mod)
    q = m.DescribeSecLogJoinObjectListRequest()
    q.LogType = "container_launch"
    f = m.RunTimeFilters()
    f.Name, f.Values = "HostIP", ["10.0.0.12"]
    q.Filters = [f]
    got = client.DescribeSecLogJoinObjectList(q)
    assert got.TotalCount == 1
    assert (got.List[0].HostID, got.List[0].JoinState) == ("host-demo0002", True)


def test_cluster_risks_name_the_nodes_they_affect(emulator, kit):
    reset(emulator)
    m = kit.models
    client = kit.make_client(emulator)
    req = m.DescribeRiskListRequest()
    req.ClusterId = "cls-demo0001"
    f = m.ComplianceFilters()
    f.Name, f.Values = "RiskLevel", ["Serious"]
    req.Filters = [f]
    risks = client.DescribeRiskList(req)
    assert risks.TotalCount == 1
    item = risks.ClusterRiskItems[0]
    assert (item.CheckItem.CVENumber, item.AffectedNodeCount) == ("CVE-2024-21626", 2)
    nodes = m.DescribeAffectedNodeListRequest()
    nodes.CheckItemId = item.CheckItem.CheckItemId
    got = client.DescribeAffectedNodeList(nodes)
    assert sorted(n.InstanceId for n in got.AffectedNodeList) == ["ins-demo0001", "ins-demo0002"]
    assert json.loads(got.to_json_string())["TotalCount"] == 2


def test_the_compliance_status_export_is_a_job_on_the_clock(emulator, kit):
    reset(emulator)
    m = kit.models
    client = kit.make_client(emulator)
    req = m.CreateExportComplianceStatusListJobRequest()
    req.AssetType, req.ExportByAsset, req.ExportAll = "ASSET_HOST", True, True
    f = m.RunTimeFilters()
    f.Name, f.Values, f.ExactMatch = "CheckResult", ["RESULT_FAILED"], True
    req.Filters = [f]
    job_id = client.CreateExportComplianceStatusListJob(req).JobId
    q = m.DescribeExportJobResultRequest()
    q.JobId = job_id
    assert client.DescribeExportJobResult(q).ExportStatus == "RUNNING"
    advance(emulator, 5)
    done = client.DescribeExportJobResult(q)
    assert done.ExportStatus == "SUCCESS" and done.DownloadURL
    status, _, raw = emulator.admin("GET", "/_emulator/exports/%s.csv" % job_id)
    assert status == 200, raw[:300]
    rows = raw.decode("utf-8").splitlines()
    assert len(rows) == 2 and "demo-node-1" in rows[1], rows


def test_a_cluster_check_fills_the_task_result_summary(emulator, kit):
    reset(emulator)
    m = kit.models
    client = kit.make_client(emulator)
    before = client.DescribeTaskResultSummary(m.DescribeTaskResultSummaryRequest())
    assert before.SeriousRiskNodeCount == [0] * 7
    req = m.CreateClusterCheckTaskRequest()
    item = m.ClusterCheckTaskItem()
    item.ClusterId, item.ClusterRegion = "cls-demo0001", "ap-guangzhou"
    req.ClusterCheckTaskList = [item]
    client.CreateClusterCheckTask(req)
    advance(emulator, 5)
    after = client.DescribeTaskResultSummary(m.DescribeTaskResultSummaryRequest())
    assert (after.SeriousRiskNodeCount[-1], after.HighRiskNodeCount[-1]) == (2, 1)
