"""Vulnerabilities through the official SDK's typed methods, as a CI gate uses them:
read an image's vulnerabilities, ignore an accepted one and see it leave the lists
(then take the ignore back), and run a vulnerability scan that finishes on the
emulator clock (advanced, never slept); as a SOAR playbook and a policy-as-code job do,
mark a defence event handled and keep a RASP whitelist rule in sync. The data is the bundled demo world
(fixtures/demo-world.json, fixtures/demo-vulns.json)."""

NGINX = "sha256:6f0d4c2a1b3e5f7a9c8d0e2f4a6b8c0d1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b"


def set_clock(emu, **change):
    status, _, raw = emu.admin("POST", "/_emulator/clock", change)
    assert status == 200, raw[:500]


def system_vul_ids(client, m):
    req = m.DescribeSystemVulListRequest()
    req.Limit, req.Offset = 100, 0
    return sorted(v.PocID for v in client.DescribeSystemVulList(req).List)


def image_vul_names(client, m):
    req = m.DescribeAssetImageVulListRequest()
    req.ImageID, req.Limit = NGINX, 100
    return sorted(v.Name for v in client.DescribeAssetImageVulList(req).List)


def test_an_ignored_vulnerability_leaves_the_lists(emulator, kit):
    m = kit.models
    client = kit.make_client(emulator)
    assert system_vul_ids(client, m) == ["pcmgr-demo0001", "pcmgr-demo0002"]
    before = image_vul_names(client, m)
    assert "HTTP/2 Rapid Reset denial of service" in before

    entry = m.ModifyIgnoreVul()
    entry.PocID, entry.ImageIDs, entry.ImageType = "pcmgr-demo0001", [NGINX], "LOCAL"
    add = m.AddIgnoreVulRequest()
    add.List = [entry]
    client.AddIgnoreVul(add)

    assert system_vul_ids(client, m) == ["pcmgr-demo0002"]
    assert "HTTP/2 Rapid Reset denial of service" not in image_vul_names(client, m)
    ignored = client.DescribeScanIgnoreVulList(m.DescribeScanIgnoreVulListRequest())
    assert [(i.PocID, i.LocalImageCount, i.IsIgnoreAll) for i in ignored.List] == [
        ("pcmgr-demo0001", 1, 0)]
    images = m.DescribeVulIgnoreLocalImageListRequest()
    images.PocID = "pcmgr-demo0001"
    assert [i.ImageName for i in client.DescribeVulIgnoreLocalImageList(images).List] == ["nginx:1.25"]
    levels = m.DescribeVulLevelSummaryRequest()
    levels.CategoryType = "SYSTEM"
    assert client.DescribeVulLevelSummary(levels).HighLevelVulCount == 0

    delete = m.DeleteIgnoreVulRequest()
    delete.List = [entry]
    client.DeleteIgnoreVul(delete)
    assert system_vul_ids(client, m) == ["pcmgr-demo0001", "pcmgr-demo0002"]
    assert image_vul_names(client, m) == before


def test_a_vulnerability_scan_finishes_on_the_clock(emulator, kit):
    m = kit.models
    client = kit.make_client(emulator)
    set_clock(emulator, freeze=True)
    try:
        req = m.CreateVulScanTaskRequest()
        req.LocalImageScanType, req.LocalImageIDs = "IMAGEIDS", [NGINX]
        task = client.CreateVulScanTask(req).LocalTaskID
        assert task > 0

        info = m.DescribeVulScanInfoRequest()
        info.LocalTaskID = task
        running = client.DescribeVulScanInfo(info)
        assert (running.Status, running.LocalImageScanCount) == ("SCANNING", 1)
        assert running.RemainingTime > 0

        set_clock(emulator, advance_seconds=5)
        done = client.DescribeVulScanInfo(info)
        assert (done.Status, done.ScanProgress, done.FoundVulCount) == ("SCANNED", 100, 3)
        rows = m.DescribeVulScanLocalImageListRequest()
        rows.TaskID = task
        row = client.DescribeVulScanLocalImageList(rows).List[0]
        assert (row.ImageName, row.ScanStatus, row.HighLevelVulCount) == ("nginx:1.25", "FINISHED", 1)
    finally:
        set_clock(emulator, real=True)


def test_a_defence_event_is_marked_handled_and_a_rasp_rule_kept_in_sync(emulator, kit):
    m = kit.models
    client = kit.make_client(emulator)
    f = m.RunTimeFilters()
    f.Name, f.Values = "Status", ["EVENT_UNDEAL"]
    open_req = m.DescribeVulDefenceEventRequest()
    open_req.Filters = [f]
    open_ids = [e.EventID for e in client.DescribeVulDefenceEvent(open_req).List]
    assert open_ids == [2]

    mark = m.ModifyVulDefenceEventStatusRequest()
    mark.EventIDs, mark.Status, mark.Remark = open_ids, "EVENT_DEALED", "patched"
    client.ModifyVulDefenceEventStatus(mark)
    detail = m.DescribeVulDefenceEventDetailRequest()
    detail.EventID = 2
    assert client.DescribeVulDefenceEventDetail(detail).EventDetail.Status == "EVENT_DEALED"
    assert client.DescribeVulDefenceEvent(open_req).TotalCount == 0

    add = m.ModifyRaspRulesRequest()
    add.VulVulsIDs, add.URLRegexp, add.WhiteType = [1005], "^/actuator/health$", 1
    client.ModifyRaspRules(add)
    rules = {r.Id: r for r in client.DescribeRaspRules(m.DescribeRaspRulesRequest()).List}
    new_id = max(rules)
    assert (rules[new_id].VulVulsID, rules[new_id].CveID) == (1005, "CVE-2022-22965")

    edit = m.ModifyRaspRulesRequest()
    edit.Id, edit.VulVulsIDs, edit.URLRegexp, edit.WhiteType = new_id, [1005], "^/ping$", 1
    client.ModifyRaspRules(edit)
    rules = {r.Id: r for r in client.DescribeRaspRules(m.DescribeRaspRulesRequest()).List}
    assert rules[new_id].URLRegexp == "^/ping$"

    delete = m.DeleteRaspRulesRequest()
    delete.IDs = [new_id]
    client.DeleteRaspRules(delete)
    rules = client.DescribeRaspRules(m.DescribeRaspRulesRequest()).List
    assert new_id not in [r.Id for r in rules]
