"""Runtime events, part 2, through the official Python SDK's typed methods: for each
event kind seed (the bundled demo fixture or the admin route), list, filter, mark
handled, read back; for each rule and whitelist kind add, list, modify, delete.

Each test starts from the start-up state (`POST /_emulator/reset`) with the emulator
clock frozen at 2026-12-02 12:00 UTC (the demo events are from 2026-11-30 to
2026-12-02); asynchronous work is finished by advancing the clock, never by sleeping."""

import pytest

NOW = "2026-12-02T12:00:00Z"
WEB1 = "3f2a9c1e7b5d4a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a"


def admin_ok(emu, method, path, body=None):
    status, _, raw = emu.admin(method, path, body)
    assert status == 200, raw[:500]


@pytest.fixture
def client(emulator, kit):
    admin_ok(emulator, "POST", "/_emulator/reset")
    admin_ok(emulator, "POST", "/_emulator/clock", {"now": NOW, "freeze": True})
    return kit.make_client(emulator)


def flt(m, name, *values, exact=True):
    f = m.RunTimeFilters()
    f.Name, f.Values, f.ExactMatch = name, list(values), exact
    return f


def test_virus_events_are_filtered_marked_and_read_back(client, kit):
    m = kit.models
    req = m.DescribeVirusListRequest()
    req.Filters, req.By, req.Order = [flt(m, "Status", "DEAL_NONE")], "CreateTime", "asc"
    res = client.DescribeVirusList(req)
    assert res.TotalCount == 2
    assert [v.Id for v in res.List] == ["vir-demo0001", "vir-demo0002"]
    assert res.List[0].ContainerId == WEB1

    mod = m.ModifyVirusFileStatusRequest()
    mod.EventIdSet, mod.Status, mod.Remark = ["vir-demo0001"], "EVENT_IGNORE", "known miner in the lab"
    client.ModifyVirusFileStatus(mod)
    detail = m.DescribeVirusDetailRequest()
    detail.Id = "vir-demo0001"
    got = client.DescribeVirusDetail(detail)
    assert (got.Status, got.Mark) == ("DEAL_IGNORE", "known miner in the lab")
    assert client.DescribeVirusList(req).TotalCount == 1

    summary = client.DescribeVirusSummary(m.DescribeVirusSummaryRequest())
    assert (summary.RiskCnt, summary.RiskContainerCnt) == (1, 1)
    bad = m.ModifyVirusFileStatusRequest()
    bad.EventIdSet, bad.Status = ["vir-demo0001"], "EVENT_FIXED"
    kit.sdk_error("InvalidParameterValue", client.ModifyVirusFileStatus, bad)


def test_a_virus_scan_finishes_on_the_clock(emulator, client, kit):
    m = kit.models
    req = m.CreateVirusScanTaskRequest()
    req.ScanPathAll, req.ScanRangeType, req.ScanRangeAll, req.Timeout = True, 0, True, 1
    task = client.CreateVirusScanTask(req).TaskID
    status = m.DescribeVirusScanTaskStatusRequest()
    status.TaskID = task
    assert client.DescribeVirusScanTaskStatus(status).Status == "SCAN_SCANNING"
    admin_ok(emulator, "POST", "/_emulator/clock", {"advance_seconds": 5})
    done = client.DescribeVirusScanTaskStatus(status)
    assert (done.Status, done.ContainerTotal, done.RiskCnt) == ("SCAN_FINISH", 3, 2)
    per = m.DescribeVirusTaskListRequest()
    per.TaskId, per.Filters = task, [flt(m, "Status", "FINISHED")]
    assert client.DescribeVirusTaskList(per).TotalCount == 3


def test_virus_whitelist_rules_are_added_modified_and_deleted(client, kit):
    m = kit.models
    add = m.AddOrModifyVirusWhiteListRuleRequest()
    add.Md5List, add.Scope, add.Remark = ["5b98800688cae1533ff965ab31baeab1"], 1, "allowed"
    client.AddOrModifyVirusWhiteListRule(add)
    lst = m.DescribeVirusWhiteListRulesRequest()
    lst.Filters = [flt(m, "Remark", "allowed")]
    rules = client.DescribeVirusWhiteListRules(lst).List
    assert [(r.Id, r.Md5Count) for r in rules] == [(2, 1)]
    mod = m.AddOrModifyVirusWhiteListRuleRequest()
    mod.Id, mod.Md5List, mod.Scope, mod.Remark = 2, ["a", "b"], 1, "allowed"
    client.AddOrModifyVirusWhiteListRule(mod)
    assert client.DescribeVirusWhiteListRules(lst).List[0].Md5List == ["a", "b"]
    rm = m.DeleteVirusWhiteListRuleRequest()
    rm.RuleIdSet = [2]
    client.DeleteVirusWhiteListRule(rm)
    assert client.DescribeVirusWhiteListRules(lst).TotalCount == 0


def test_malicious_connection_whitelist_entries_are_added_and_modified(client, kit):
    m = kit.models
    add = m.AddOrModifyMaliciousConnectionWhiteListRequest()
    add.RequestType, add.WhiteDomainList, add.Remark = "DOMAIN", ["repo.example"], "ci"
    client.AddOrModifyMaliciousConnectionWhiteList(add)
    lst = m.DescribeMaliciousConnectionWhiteListRequest()
    lst.Filters = [flt(m, "WhiteDomain", "repo.example")]
    rule = client.DescribeMaliciousConnectionWhiteList(lst).List[0]
    mod = m.AddOrModifyMaliciousConnectionWhiteListRequest()
    mod.ID, mod.RequestType, mod.WhiteDomainList, mod.Remark = rule.RuleID, "DOMAIN", ["repo.example"], "ci mirror"
    client.AddOrModifyMaliciousConnectionWhiteList(mod)
    assert client.DescribeMaliciousConnectionWhiteList(lst).List[0].Remark == "ci mirror"
    black = m.DescribeMaliciousConnectionBlackListRequest()
    black.Filters = [flt(m, "RequestType", "IP")]
    assert [r.Address for r in client.DescribeMaliciousConnectionBlackList(black).List] == ["203.0.113.66"]


def test_k8s_api_abnormal_events_are_marked_and_their_rules_kept(client, kit):
    m = kit.models
    lst = m.DescribeK8sApiAbnormalEventListRequest()
    lst.Filters = [flt(m, "Status", "EVENT_UNDEAL")]
    assert [e.ID for e in client.DescribeK8sApiAbnormalEventList(lst).List] == [1, 2]
    mod = m.ModifyK8sApiAbnormalEventStatusRequest()
    mod.EventIDSet, mod.Status = [2], "EVENT_IGNORE"
    client.ModifyK8sApiAbnormalEventStatus(mod)
    info = m.DescribeK8sApiAbnormalEventInfoRequest()
    info.ID = 2
    assert client.DescribeK8sApiAbnormalEventInfo(info).Info.Status == "EVENT_IGNORE"
    summary = client.DescribeK8sApiAbnormalSummary(m.DescribeK8sApiAbnormalSummaryRequest())
    assert (summary.UnhandleEventCount, summary.UnhandleHighLevelEventCount) == (1, 1)

    rule = m.K8sApiAbnormalRuleInfo()
    rule.RuleName, rule.RuleType, rule.Status = "secrets read", "RT_USER", True
    rule.EffectAllCluster, rule.EffectClusterIDSet = True, []
    scope = m.K8sApiAbnormalRuleScopeInfo()
    scope.Action, scope.Scope, scope.RiskLevel = "RULE_MODE_ALERT", '{"Resource":"secrets"}', "HIGH"
    rule.RuleInfoList = [scope]
    create = m.CreateK8sApiAbnormalRuleInfoRequest()
    create.RuleInfo = rule
    rule_id = client.CreateK8sApiAbnormalRuleInfo(create).RuleID
    switch = m.ModifyK8sApiAbnormalRuleStatusRequest()
    switch.RuleID, switch.Status = rule_id, False
    client.ModifyK8sApiAbnormalRuleStatus(switch)
    rules = m.DescribeK8sApiAbnormalRuleListRequest()
    rules.Filters = [flt(m, "RuleName", "secrets", exact=False)]
    got = client.DescribeK8sApiAbnormalRuleList(rules).List
    assert [(r.RuleID, r.Status, r.EffectClusterCount) for r in got] == [(rule_id, False, 1)]
    rm = m.DeleteK8sApiAbnormalRuleRequest()
    rm.RuleIDSet = [rule_id]
    client.DeleteK8sApiAbnormalRule(rm)
    assert client.DescribeK8sApiAbnormalRuleList(rules).TotalCount == 0


def test_risky_dns_events_are_marked_and_read_back(client, kit):
    m = kit.models
    lst = m.DescribeRiskDnsListRequest()
    lst.Filters = [flt(m, "EventType", "IP")]
    events = client.DescribeRiskDnsList(lst).List
    assert [(e.EventID, e.Address) for e in events] == [(2, "203.0.113.66")]
    mod = m.ModifyRiskDnsEventStatusRequest()
    mod.EventIDSet, mod.EventStatus, mod.Remark = [2], "EVENT_DEALED", "blocked at the firewall"
    client.ModifyRiskDnsEventStatus(mod)
    detail = m.DescribeRiskDnsEventDetailRequest()
    detail.EventID = 2
    got = client.DescribeRiskDnsEventDetail(detail)
    assert (got.EventStatus, got.Remark) == ("EVENT_DEALED", "blocked at the firewall")
    sec = client.DescribeContainerSecEventSummary(m.DescribeContainerSecEventSummaryRequest())
    assert sec.UnhandledMaliciousConnectionEventCnt == 1


def test_image_deny_events_and_rules_are_listed_and_read(client, kit):
    m = kit.models
    lst = m.DescribeImageDenyEventListRequest()
    lst.Filters = [flt(m, "ImageName", "redis", exact=False)]
    events = client.DescribeImageDenyEventList(lst).List
    assert [(e.EventID, e.DealBehavior) for e in events] == [(2, "BEHAVIOR_ALERT")]
    detail = m.DescribeImageDenyRuleDetailRequest()
    detail.RuleID = events[0].RuleID
    assert client.DescribeImageDenyRuleDetail(detail).RuleName == "no privileged redis"
    tend = m.DescribeImageDenyEventTendencyRequest()
    tend.StartTime, tend.EndTime = "2026-12-01", "2026-12-02"
    res = client.DescribeImageDenyEventTendency(tend)
    assert [d.EventCount for d in res.DenyList] == [1, 0]
