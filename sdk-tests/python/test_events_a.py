"""Runtime events, part 1, through the official SDK's typed methods: abnormal
processes, access control, reverse shell, risky syscalls and container escape, seeded
by the bundled fixtures/demo-events-a.json. For each event kind: list, filter, mark
handled, read back; for each rule and whitelist kind: add, list, change, delete.

Each test works on its own kind, so they share one emulator."""

import urllib.request

NGINX = "sha256:6f0d4c2a1b3e5f7a9c8d0e2f4a6b8c0d1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b"


def run_filter(m, name, *values, exact=True):
    f = m.RunTimeFilters()
    f.Name, f.Values, f.ExactMatch = name, list(values), exact
    return f


def test_abnormal_process_event_is_marked_handled_and_leaves_the_pending_counts(emulator, kit):
    m, client = kit.models, kit.make_client(emulator)
    req = m.DescribeAbnormalProcessEventsRequest()
    req.Filters = [run_filter(m, "Status", "EVENT_UNDEAL")]
    req.By, req.Order = "FoundTime", "desc"
    res = client.DescribeAbnormalProcessEvents(req)
    assert res.TotalCount == 2
    assert [e.Id for e in res.EventSet] == ["ape-demo0002", "ape-demo0001"]
    assert res.EventSet[1].MatchRuleLevel == "HIGH"

    levels = client.DescribeAbnormalProcessLevelSummary(m.DescribeAbnormalProcessLevelSummaryRequest())
    assert (levels.HighLevelEventCount, levels.MediumLevelEventCount) == (1, 1)

    mark = m.ModifyAbnormalProcessStatusRequest()
    mark.EventIdSet, mark.Status, mark.Remark = ["ape-demo0001"], "EVENT_DEALED", "miner killed"
    client.ModifyAbnormalProcessStatus(mark)

    d = m.DescribeAbnormalProcessDetailRequest()
    d.EventId = "ape-demo0001"
    detail = client.DescribeAbnormalProcessDetail(d)
    assert detail.EventBaseInfo.Status == "EVENT_DEALED"
    assert detail.EventDetail.Remark == "miner killed"
    assert detail.ProcessInfo.ProcessPath == "/dev/shm/xmrig"

    levels = client.DescribeAbnormalProcessLevelSummary(m.DescribeAbnormalProcessLevelSummaryRequest())
    assert levels.HighLevelEventCount == 0
    t = m.DescribeAbnormalProcessEventTendencyRequest()
    t.StartTime, t.EndTime = "2026-11-28", "2026-11-29"
    days = client.DescribeAbnormalProcessEventTendency(t).List
    assert [(x.Date, x.UserDefinedRuleEventCount, x.RiskCmdEventCount) for x in days] == [
        ("2026-11-28", 0, 0), ("2026-11-29", 0, 1)]


def test_abnormal_process_rule_is_added_listed_disabled_and_deleted(emulator, kit):
    m, client = kit.models, kit.make_client(emulator)
    child = m.AbnormalProcessChildRuleInfo()
    child.ProcessPath, child.RuleMode, child.RuleLevel = "/usr/bin/nc", "RULE_MODE_HOLDUP", "HIGH"
    info = m.AbnormalProcessRuleInfo()
    info.RuleName, info.IsEnable, info.ImageIds, info.ChildRules = "no netcat", True, [NGINX], [child]
    add = m.AddEditAbnormalProcessRuleRequest()
    add.RuleInfo = info
    client.AddEditAbnormalProcessRule(add)

    q = m.DescribeAbnormalProcessRulesRequest()
    q.Filters = [run_filter(m, "RuleName", "netcat", exact=False)]
    rules = client.DescribeAbnormalProcessRules(q)
    assert rules.TotalCount == 1
    rule_id = rules.RuleSet[0].RuleId
    assert rules.RuleSet[0].EffectImageCount == 1

    off = m.ModifyAbnormalProcessRuleStatusRequest()
    off.RuleIdSet, off.IsEnable = [rule_id], False
    client.ModifyAbnormalProcessRuleStatus(off)
    d = m.DescribeAbnormalProcessRuleDetailRequest()
    d.RuleId = rule_id
    detail = client.DescribeAbnormalProcessRuleDetail(d).RuleDetail
    assert (detail.RuleName, detail.IsEnable, detail.ChildRules[0].RuleMode) == (
        "no netcat", False, "RULE_MODE_HOLDUP")

    rm = m.DeleteAbnormalProcessRulesRequest()
    rm.RuleIdSet = [rule_id]
    client.DeleteAbnormalProcessRules(rm)
    kit.sdk_error("ResourceNotFound", client.DescribeAbnormalProcessRuleDetail, d)


def test_access_control_event_is_ignored_and_its_rule_kind_round_trips(emulator, kit):
    m, client = kit.models, kit.make_client(emulator)
    mark = m.ModifyAccessControlStatusRequest()
    mark.EventIdSet, mark.Status = ["ace-demo0001"], "EVENT_INGNORE"
    client.ModifyAccessControlStatus(mark)
    q = m.DescribeAccessControlEventsRequest()
    q.Filters = [run_filter(m, "Status", "EVENT_UNDEAL")]
    assert client.DescribeAccessControlEvents(q).TotalCount == 0
    d = m.DescribeAccessControlDetailRequest()
    d.EventId = "ace-demo0001"
    detail = client.DescribeAccessControlDetail(d)
    assert (detail.EventBaseInfo.Status, detail.TamperedFileInfo.FilePath) == ("EVENT_INGNORE", "/etc/shadow")

    child = m.AccessControlChildRuleInfo()
    child.ProcessPath, child.TargetFilePath, child.RuleMode = "*", "/etc/passwd", "RULE_MODE_ALERT"
    info = m.AccessControlRuleInfo()
    info.RuleName, info.IsEnable, info.ImageIds, info.ChildRules = "protect passwd", True, [], [child]
    add = m.AddEditAccessControlRuleRequest()
    add.RuleInfo = info
    client.AddEditAccessControlRule(add)
    q = m.DescribeAccessControlRulesRequest()
    q.Filters = [run_filter(m, "RuleName", "protect passwd")]
    rule_id = client.DescribeAccessControlRules(q).RuleSet[0].RuleId

    info.RuleId, info.RuleName = rule_id, "protect passwd and group"
    client.AddEditAccessControlRule(add)
    d = m.DescribeAccessControlRuleDetailRequest()
    d.RuleId = rule_id
    assert client.DescribeAccessControlRuleDetail(d).RuleDetail.RuleName == "protect passwd and group"
    rm = m.DeleteAccessControlRulesRequest()
    rm.RuleIdSet = [rule_id]
    client.DeleteAccessControlRules(rm)
    assert client.DescribeAccessControlRules(m.DescribeAccessControlRulesRequest()).TotalCount == 1


def test_reverse_shell_event_is_whitelisted_then_deleted(emulator, kit):
    m, client = kit.models, kit.make_client(emulator)
    info = m.ReverseShellWhiteListInfo()
    info.ProcessName, info.DstIp, info.DstPort, info.ImageIds = "bash", "203.0.113.7", "4444", [NGINX]
    add = m.AddEditReverseShellWhiteListRequest()
    add.WhiteListInfo, add.EventId = info, "rse-demo0001"
    client.AddEditReverseShellWhiteList(add)

    q = m.DescribeReverseShellWhiteListsRequest()
    q.Filters = [run_filter(m, "DstIp", "203.0.113.7")]
    lists = client.DescribeReverseShellWhiteLists(q)
    assert lists.TotalCount == 1 and lists.WhiteListSet[0].ImageCount == 1
    wl_id = lists.WhiteListSet[0].Id
    d = m.DescribeReverseShellDetailRequest()
    d.EventId = "rse-demo0001"
    assert client.DescribeReverseShellDetail(d).EventBaseInfo.Status == "EVENT_ADD_WHITE"

    rm = m.DeleteReverseShellWhiteListsRequest()
    rm.WhiteListIdSet = [wl_id]
    client.DeleteReverseShellWhiteLists(rm)
    wd = m.DescribeReverseShellWhiteListDetailRequest()
    wd.WhiteListId = wl_id
    kit.sdk_error("ResourceNotFound", client.DescribeReverseShellWhiteListDetail, wd)

    de = m.DeleteReverseShellEventsRequest()
    de.EventIdSet = ["rse-demo0001"]
    client.DeleteReverseShellEvents(de)
    events = client.DescribeReverseShellEvents(m.DescribeReverseShellEventsRequest())
    assert [e.EventId for e in events.EventSet] == ["rse-demo0002"]


def test_risk_syscall_whitelist_names_join_the_syscall_names(emulator, kit):
    m, client = kit.models, kit.make_client(emulator)
    info = m.RiskSyscallWhiteListInfo()
    info.ProcessPath, info.SyscallNames, info.ImageIds = "/usr/bin/runc", ["ptrace"], []
    add = m.AddEditRiskSyscallWhiteListRequest()
    add.WhiteListInfo = info
    client.AddEditRiskSyscallWhiteList(add)
    names = client.DescribeRiskSyscallNames(m.DescribeRiskSyscallNamesRequest())
    assert "ptrace" in names.SyscallNames and names.TotalCount == len(names.SyscallNames)

    mark = m.ModifyRiskSyscallStatusRequest()
    mark.EventIdSet, mark.Status = ["rsc-demo0001"], "EVENT_DEALED"
    client.ModifyRiskSyscallStatus(mark)
    q = m.DescribeRiskSyscallEventsRequest()
    q.Filters = [run_filter(m, "Status", "EVENT_DEALED")]
    assert sorted(e.EventId for e in client.DescribeRiskSyscallEvents(q).EventSet) == [
        "rsc-demo0001", "rsc-demo0002"]


def test_escape_event_added_to_the_whitelist_names_its_image(emulator, kit):
    m, client = kit.models, kit.make_client(emulator)
    summary = client.DescribeEscapeEventTypeSummary(m.DescribeEscapeEventTypeSummaryRequest())
    assert summary.PendingEscapeEventCount == 2
    mark = m.ModifyEscapeEventStatusRequest()
    mark.EventIdSet, mark.Status = ["esc-demo0003"], "EVENT_ADD_WHITE"
    mark.ImageIDs, mark.EventType = [NGINX], ["MOUNT_SENSITIVE_PTAH"]
    client.ModifyEscapeEventStatus(mark)

    add = m.AddEscapeWhiteListRequest()
    add.EventType, add.ImageIDs = ["PRIVILEGE"], ["sha256:not-in-the-assets"]
    client.AddEscapeWhiteList(add)
    q = m.DescribeEscapeWhiteListRequest()
    q.By, q.Order = "ID", "asc"
    entries = client.DescribeEscapeWhiteList(q).List
    assert [(e.ImageID, e.ImageName) for e in entries] == [
        ("sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b", "redis:7.2"),
        (NGINX, "nginx:1.25"),
        ("sha256:not-in-the-assets", "")]

    change = m.ModifyEscapeWhiteListRequest()
    change.IDSet, change.EventType = [entries[2].ID], ["ESCAPE_CGROUPS"]
    client.ModifyEscapeWhiteList(change)
    rm = m.DeleteEscapeWhiteListRequest()
    rm.IDSet = [entries[0].ID]
    client.DeleteEscapeWhiteList(rm)
    left = client.DescribeEscapeWhiteList(q).List
    assert [(e.ImageID, e.EventType) for e in left] == [
        (NGINX, ["MOUNT_SENSITIVE_PTAH"]), ("sha256:not-in-the-assets", ["ESCAPE_CGROUPS"])]

    summary = client.DescribeEscapeEventTypeSummary(m.DescribeEscapeEventTypeSummaryRequest())
    assert summary.PendingEscapeEventCount == 1
    state = client.DescribeEscapeSafeState(m.DescribeEscapeSafeStateRequest())
    assert state.IsSafe == "Unsafe"


def test_escape_events_export_holds_the_filtered_rows(emulator, kit):
    m, client = kit.models, kit.make_client(emulator)
    req = m.CreateEscapeEventsExportJobRequest()
    req.Filters = [run_filter(m, "EventType", "PRIVILEGE")]
    job = client.CreateEscapeEventsExportJob(req).JobId
    assert job
    status, _, raw = emulator.admin("POST", "/_emulator/clock", {"advance_seconds": 5})
    assert status == 200, raw[:500]
    r = m.DescribeExportJobResultRequest()
    r.JobId = job
    done = client.DescribeExportJobResult(r)
    assert done.ExportStatus == "SUCCESS"
    url = done.DownloadURL.replace(".xlsx?", ".csv?")
    with urllib.request.urlopen(url, timeout=kit.SDK_TIMEOUT_S) as resp:
        rows = resp.read().decode("utf-8").splitlines()
    assert len(rows) == 2 and "esc-demo0002" in rows[1], rows
