"use strict";
// DescribeAssetImageRegistryList with Filters through the Node SDK, as a JSON POST and
// as a flattened GET: filters ANDed, the values of one ORed, fuzzy unless ExactMatch,
// paging and sorting, TotalCount before paging.

const assert = require("node:assert/strict");
const { test } = require("node:test");

const { sharedEmulator } = require("./support");

const IMAGES = [
  { Id: 7001, ImageName: "shop/nginx", ImageTag: "1.25", Namespace: "web", VulCnt: 3, IsAuthorized: 1 },
  { Id: 7002, ImageName: "shop/nginx", ImageTag: "1.27", Namespace: "web", VulCnt: 9, IsAuthorized: 0 },
  { Id: 7003, ImageName: "shop/redis", ImageTag: "7", Namespace: "cache", VulCnt: 1, IsAuthorized: 1 },
  { Id: 7004, ImageName: "tools/nginx-exporter", ImageTag: "0.11", Namespace: "ops", VulCnt: 5, IsAuthorized: 1 },
];

const emu = sharedEmulator({ setup: (started) => started.seed(IMAGES) });

/** The Ids of the page a List call answers, and its TotalCount. */
async function list(reqMethod, params) {
  const res = await emu.client({ reqMethod }).DescribeAssetImageRegistryList(params);
  return { ids: res.List.map((image) => image.Id), total: res.TotalCount };
}

for (const reqMethod of ["POST", "GET"]) {
  test(`${reqMethod}: filters select, page and sort the images`, async () => {
    const nginx = { Name: "ImageName", Values: ["nginx"] };
    assert.deepEqual(await list(reqMethod, { Filters: [nginx] }), { ids: [7001, 7002, 7004], total: 3 });
    assert.deepEqual(await list(reqMethod, { Filters: [{ ...nginx, Values: ["shop/nginx"], ExactMatch: true }] }), {
      ids: [7001, 7002],
      total: 2,
    });
    // Values of one filter are ORed; filters are ANDed.
    const namespaces = { Name: "Namespace", Values: ["cache", "ops"] };
    assert.deepEqual(await list(reqMethod, { Filters: [namespaces] }), { ids: [7003, 7004], total: 2 });
    assert.deepEqual(await list(reqMethod, { Filters: [namespaces, nginx] }), { ids: [7004], total: 1 });
    assert.deepEqual(await list(reqMethod, { Filters: [nginx, { Name: "IsAuthorized", Values: ["1"] }] }), {
      ids: [7001, 7004],
      total: 2,
    });
    // Paging counts before the page; sorting by a field, descending.
    assert.deepEqual(await list(reqMethod, { Filters: [nginx], Limit: 1, Offset: 1 }), { ids: [7002], total: 3 });
    assert.deepEqual(await list(reqMethod, { Filters: [nginx], By: "VulCnt", Order: "DESC" }), {
      ids: [7002, 7004, 7001],
      total: 3,
    });
  });
}

test("a listed image is the image its detail shows", async () => {
  const client = emu.client();
  const res = await client.DescribeAssetImageRegistryList({
    Filters: [{ Name: "ImageTag", Values: ["1.27"], ExactMatch: true }],
  });
  assert.equal(res.TotalCount, 1);
  const [listed] = res.List;
  const detail = await client.DescribeAssetImageRegistryDetail({ Id: listed.Id });
  for (const field of ["ImageName", "ImageTag", "Namespace", "VulCnt"]) {
    assert.equal(detail[field], listed[field], field);
  }
});
