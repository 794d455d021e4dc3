"""The registry-image world through the official SDK's typed methods, on the 60-image
fixture (tests/fixtures/registry-images.json) with the emulator clock frozen through
the admin API: list with filters and paging -> detail of a listed image -> its
vulnerability list (length == VulCnt) -> start a scan -> poll its status while the
test advances the clock -> SCANNED with results -> the summary agrees. No sleeps:
emulator time moves only when the test says so (the SDK signs with real time, and
a few seconds of advance stay well inside the 300 s signature window)."""

import json
from datetime import datetime

FIXTURE = ("tests", "fixtures", "registry-images.json")
SCAN_SECONDS = 5  # the default --scan-duration


def load_fixture(kit):
    path = kit.REPO_ROOT.joinpath(*FIXTURE)
    return path, {r["Id"]: r for r in json.loads(path.read_text(encoding="utf-8"))["images"]}


def set_clock(emu, **change):
    status, _, raw = emu.admin("POST", "/_emulator/clock", change)
    assert status == 200, "POST /_emulator/clock %r: HTTP %s %r" % (change, status, raw[:500])
    return json.loads(raw)


def epoch_ms(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def as_dict(model):
    return json.loads(model.to_json_string())


def has_explicit_counts(record):
    return any(k in record for k in ("VulCnt", "RiskCnt", "VirusCnt"))


def test_list_detail_vuls_scan_poll_results_summary(spawn_emulator, kit):
    path, fx = load_fixture(kit)
    m = kit.models
    emu = spawn_emulator(extra_args=("--fixtures", str(path)))
    frozen = set_clock(emu, freeze=True)
    assert frozen["frozen"] is True, frozen
    t0_ms = epoch_ms(frozen["now"])
    client = kit.make_client(emu)

    # 1. List: nginx images (exact name) of any authorization, largest first, two pages.
    def list_page(offset):
        name = m.AssetFilters()
        name.Name, name.Values, name.ExactMatch = "ImageName", ["nginx"], True
        auth = m.AssetFilters()
        auth.Name, auth.Values = "IsAuthorized", ["all"]
        req = m.DescribeAssetImageRegistryListRequest()
        req.Filters = [name, auth]
        req.By, req.Order = "ImageSize", "desc"
        req.Limit, req.Offset = 6, offset
        return client.DescribeAssetImageRegistryList(req)

    first, second = list_page(0), list_page(6)
    expected = sorted((r for r in fx.values() if r["ImageName"] == "nginx"),
                      key=lambda r: r["ImageSize"], reverse=True)
    assert first.TotalCount == second.TotalCount == len(expected) == 10
    assert len(first.List) == 6 and len(second.List) == 4
    listed_ids = [i.Id for i in first.List] + [i.Id for i in second.List]
    assert listed_ids == [r["Id"] for r in expected], "two pages, in ImageSize order, no overlap"
    listed = {i.Id: as_dict(i) for i in first.List + second.List}
    for i, entry in listed.items():
        assert entry["ImageName"] == "nginx" and entry["ImageId"] == fx[i]["ImageId"]

    # 2. Detail of a listed (scanned) image: the same image as its list entry.
    shown_id = next(i for i in listed_ids
                    if fx[i]["ScanStatus"] == "SCANNED" and fx[i]["Vulnerabilities"]
                    and not has_explicit_counts(fx[i]))
    req = m.DescribeAssetImageRegistryDetailRequest()
    req.Id = shown_id
    detail = as_dict(client.DescribeAssetImageRegistryDetail(req))
    shared = (set(detail) & set(listed[shown_id])) - {"RequestId"}
    assert len(shared) >= 30, sorted(shared)
    differing = {k: (listed[shown_id][k], detail[k]) for k in shared if listed[shown_id][k] != detail[k]}
    assert not differing, "detail vs list entry (list, detail): %r" % differing

    # 3. Its vulnerability list: as long as VulCnt says, the fixture's CVEs.
    req = m.DescribeAssetImageRegistryVulListRequest()
    req.Id, req.Limit = shown_id, 100
    vuls = client.DescribeAssetImageRegistryVulList(req)
    assert len(vuls.List) == vuls.TotalCount == detail["VulCnt"] > 0
    assert [v.CVEID for v in vuls.List] == [v["CVEID"] for v in fx[shown_id]["Vulnerabilities"]]

    summary = client.DescribeAssetImageRegistrySummary(m.DescribeAssetImageRegistrySummaryRequest())
    unscanned_before = summary.UnScannedImageCnt
    assert unscanned_before == sum(1 for r in fx.values() if r["ScanStatus"] != "SCANNED")

    # 4. Start a scan of a listed image not scanned yet (its findings are hidden so far).
    target = next(i for i in listed_ids
                  if fx[i]["ScanStatus"] == "NOT_SCAN" and fx[i]["Vulnerabilities"]
                  and "ScanFailure" not in fx[i] and not has_explicit_counts(fx[i]))
    req = m.DescribeAssetImageRegistryDetailRequest()
    req.Id = target
    before = client.DescribeAssetImageRegistryDetail(req)
    assert before.ScanStatus == "NOT_SCAN" and before.VulCnt == 0
    req = m.CreateAssetImageRegistryScanTaskRequest()
    req.Id = [target]
    task = client.CreateAssetImageRegistryScanTask(req).TaskID
    assert isinstance(task, int) and task > 0

    # 5. Poll: SCANNING, progress rising one second of emulator time at a time.
    def status():
        req = m.DescribeAssetImageRegistryScanStatusOneKeyRequest()
        req.TaskID = task
        return client.DescribeAssetImageRegistryScanStatusOneKey(req)

    schedules = []
    for second in range(SCAN_SECONDS):
        st = status()
        assert st.Status == "SCANNING", st.to_json_string()
        assert st.ImageTotal == 1 and st.ImageScanCnt == 0
        assert st.ImageStatus[0].ImageId == fx[target]["ImageId"]
        assert st.ImageStatus[0].ScanStatus == "SCANNING"
        assert st.ScanRemainTime == SCAN_SECONDS - second
        schedules.append(st.Schedule)
        assert set_clock(emu, advance_seconds=1)["frozen"] is True
    assert schedules == [0, 20, 40, 60, 80], schedules

    # 6. SCANNED, with results.
    st = status()
    assert st.Status == "SCANNED", st.to_json_string()
    assert (st.Schedule, st.ScanRemainTime, st.ImageScanCnt, st.SuccessCount) == (100, 0, 1, 1)
    assert st.RiskCount == 1 and st.ImageStatus[0].ScanStatus == "SCANNED"
    req = m.DescribeAssetImageRegistryDetailRequest()
    req.Id = target
    after = client.DescribeAssetImageRegistryDetail(req)
    assert (after.ScanStatus, after.Progress) == ("SCANNED", 100)
    assert epoch_ms(after.ScanTime) // 1000 == (t0_ms + SCAN_SECONDS * 1000) // 1000, after.ScanTime
    req = m.DescribeAssetImageRegistryVulListRequest()
    req.Id, req.Limit = target, 100
    vuls = client.DescribeAssetImageRegistryVulList(req)
    assert after.VulCnt == len(vuls.List) == vuls.TotalCount == len(fx[target]["Vulnerabilities"]) > 0
    assert [v.CVEID for v in vuls.List] == [v["CVEID"] for v in fx[target]["Vulnerabilities"]]
    page = list_page(0 if target in [i.Id for i in first.List] else 6)
    entry = next(as_dict(i) for i in page.List if i.Id == target)
    assert (entry["ScanStatus"], entry["VulCnt"]) == ("SCANNED", after.VulCnt), "the list agrees"

    # 7. The summary: one image fewer not scanned.
    summary = client.DescribeAssetImageRegistrySummary(m.DescribeAssetImageRegistrySummaryRequest())
    assert summary.UnScannedImageCnt == unscanned_before - 1
