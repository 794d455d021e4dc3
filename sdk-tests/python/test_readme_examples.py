"""The README's worked examples of the resource model ("Worked examples"), one per
kind of family, run as written through the official SDK: a list with filters, a
settings document, an export job and an asynchronous task on the emulator clock."""

import urllib.request


def advance(emu, seconds):
    status, _, raw = emu.admin("POST", "/_emulator/clock", {"advance_seconds": seconds})
    assert status == 200, raw[:300]


def test_a_list_filters_the_seeded_assets(spawn_emulator, kit):
    emu = spawn_emulator()
    m, client = kit.models, kit.make_client(emu)
    req = m.DescribeAssetHostListRequest()
    f = m.AssetFilters()
    f.Name, f.Values, f.ExactMatch = "HostName", ["demo-node"], False
    req.Filters, req.By, req.Order, req.Limit = [f], "HostName", "desc", 10
    res = client.DescribeAssetHostList(req)
    assert res.TotalCount == 2
    assert [h.HostName for h in res.List] == ["demo-node-2", "demo-node-1"]


def test_a_setting_describes_what_was_put(spawn_emulator, kit):
    emu = spawn_emulator()
    m, client = kit.models, kit.make_client(emu)
    put = m.ModifySecLogCleanSettingInfoRequest()
    put.ReservesLimit, put.ReservesDeadline, put.DayLimit = 100, 30, 7
    client.ModifySecLogCleanSettingInfo(put)
    got = client.DescribeSecLogCleanSettingInfo(m.DescribeSecLogCleanSettingInfoRequest())
    assert (got.ReservesLimit, got.ReservesDeadline, got.DayLimit) == (100, 30, 7)


def test_an_export_job_finishes_on_the_clock_with_a_file(spawn_emulator, kit):
    emu = spawn_emulator()
    m, client = kit.models, kit.make_client(emu)
    job = client.CreateHostExportJob(m.CreateHostExportJobRequest()).JobId
    q = m.DescribeExportJobResultRequest()
    q.JobId = job
    assert client.DescribeExportJobResult(q).ExportStatus == "RUNNING"
    advance(emu, 5)
    res = client.DescribeExportJobResult(q)
    assert (res.ExportStatus, res.ExportProgress) == ("SUCCESS", 100)
    with urllib.request.urlopen(res.DownloadURL, timeout=10) as f:
        assert f.read(2) == b"PK"  # an .xlsx file (a zip)


def test_a_refresh_task_runs_on_the_clock(spawn_emulator, kit):
    emu = spawn_emulator()
    m, client = kit.models, kit.make_client(emu)
    task = client.CreateRefreshTask(m.CreateRefreshTaskRequest()).TaskId
    q = m.DescribeRefreshTaskRequest()
    q.TaskId = task
    assert client.DescribeRefreshTask(q).TaskStatus == "Task_Running"
    advance(emu, 5)
    assert client.DescribeRefreshTask(q).TaskStatus == "Task_Finish"
