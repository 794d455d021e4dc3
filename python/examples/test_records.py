"""Records through the official SDK: a documented example, a seeded record (gone in the
next test), the ini option's start-up fixture and the `tcss_fixtures` marker."""

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.tcss.v20201101 import models

SEEDED = {"images": [{"Id": 4242, "ImageName": "mine/app", "ImageTag": "1.0", "VulCnt": 3}]}
_seeded_in_an_earlier_test = []


def detail(tcss, image_id):
    req = models.DescribeAssetImageRegistryDetailRequest()
    req.Id = image_id
    return tcss.client().DescribeAssetImageRegistryDetail(req)


def test_a_documented_example_is_read_through_the_official_client(tcss):
    res = detail(tcss, 5427)
    assert (res.ImageName, res.ImageTag, res.Namespace) == ("person1", "v1", "yunding")
    assert res.ImageSize == 74866818
    assert res.RequestId


def test_a_seeded_record_is_read_back(tcss):
    assert tcss.seed(SEEDED) == 1
    res = detail(tcss, 4242)
    assert (res.ImageName, res.ImageTag, res.VulCnt) == ("mine/app", "1.0", 3)
    _seeded_in_an_earlier_test.append(True)


def test_the_seeded_record_is_gone_in_the_next_test(tcss):
    assert _seeded_in_an_earlier_test, "runs after test_a_seeded_record_is_read_back"
    with pytest.raises(TencentCloudSDKException) as err:
        detail(tcss, 4242)
    assert err.value.code == "ResourceNotFound"


def test_the_ini_options_fixture_is_part_of_the_start_up_state(tcss):
    assert detail(tcss, 9001).ImageName == "team/api"
    tcss.reset()
    assert detail(tcss, 9001).ImageName == "team/api", "reset keeps start-up fixtures"


@pytest.mark.tcss_fixtures("fixtures/one-more.json")
def test_the_marker_seeds_its_files_for_this_test(tcss):
    assert detail(tcss, 9002).ImageName == "team/worker"


def test_the_markers_files_are_gone_in_the_next_test(tcss):
    with pytest.raises(TencentCloudSDKException) as err:
        detail(tcss, 9002)
    assert err.value.code == "ResourceNotFound"
