"""The test-double side: a registry scan finished by moving the clock, the journal, a
stub and a fault, each seen through the official SDK."""

from datetime import datetime

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.tcss.v20201101 import models

_froze_in_an_earlier_test = []


def scan_status(client):
    return client.DescribeAssetImageRegistryScanStatusOneKey(
        models.DescribeAssetImageRegistryScanStatusOneKeyRequest())


def test_a_registry_scan_is_finished_by_advancing_the_clock(tcss):
    client = tcss.client()
    tcss.freeze()
    _froze_in_an_earlier_test.append(True)
    start = models.CreateAssetImageRegistryScanTaskRequest()
    start.Id = [9001]
    task = client.CreateAssetImageRegistryScanTask(start).TaskID
    assert task > 0

    status = scan_status(client)
    assert (status.Status, status.ImageScanCnt) == ("SCANNING", 0)
    tcss.advance(4.999)
    assert scan_status(client).Status == "SCANNING"
    tcss.advance(0.001)  # --scan-duration 5 (pytest.ini)
    status = scan_status(client)
    assert (status.Status, status.ImageScanCnt, status.SuccessCount) == ("SCANNED", 1, 1)

    req = models.DescribeAssetImageRegistryDetailRequest()
    req.Id = 9001
    assert client.DescribeAssetImageRegistryDetail(req).VulCnt == 1, "its finding shows"


def test_the_clock_runs_on_real_time_again_in_the_next_test(tcss):
    assert _froze_in_an_earlier_test, "runs after the scan test, which froze the clock"
    clock = tcss.clock()
    assert clock["frozen"] is False
    now = datetime.fromisoformat(clock["now"].replace("Z", "+00:00"))
    assert abs(now.timestamp() - datetime.now().timestamp()) < 60


def test_the_journal_shows_the_calls(tcss):
    client = tcss.client()
    for image_id in (5427, 1):
        req = models.DescribeAssetImageRegistryDetailRequest()
        req.Id = image_id
        try:
            client.DescribeAssetImageRegistryDetail(req)
        except TencentCloudSDKException:
            pass
    calls = tcss.requests(action="DescribeAssetImageRegistryDetail")
    assert [(c["params"], c["code"]) for c in calls] == [
        ({"Id": 5427}, "Success"), ({"Id": 1}, "ResourceNotFound")]
    assert all(c["secret_id"] == tcss.secret_id for c in calls)
    assert tcss.requests(code="ResourceNotFound", limit=1) == calls[1:]


def test_a_stub_answers_the_sdk(tcss):
    tcss.stub("DescribeAssetImageRegistryList",
              response={"TotalCount": 1, "List": [{"Id": 77, "ImageName": "stubbed"}]})
    res = tcss.client().DescribeAssetImageRegistryList(
        models.DescribeAssetImageRegistryListRequest())
    assert res.TotalCount == 1
    assert [(i.Id, i.ImageName) for i in res.List] == [(77, "stubbed")]


def test_a_fault_is_raised_by_the_sdk_once(tcss):
    tcss.fault("DescribeAssetImageRegistryDetail",
               error={"code": "InternalError", "message": "injected"}, times=1)
    client = tcss.client(language="en-US")
    req = models.DescribeAssetImageRegistryDetailRequest()
    req.Id = 5427
    with pytest.raises(TencentCloudSDKException) as err:
        client.DescribeAssetImageRegistryDetail(req)
    assert (err.value.code, err.value.message) == ("InternalError", "injected")
    assert client.DescribeAssetImageRegistryDetail(req).ImageName == "person1"
