"use strict";
// Every wire form the Node SDK uses (tencentcloud-sdk-nodejs 4.1.313,
// common/http/http_connection.js): TC3 as a JSON POST, a GET with the flattened
// parameters in the query, a multipart POST; the legacy HmacSHA1/HmacSHA256 signature
// as a form POST and as a GET. The Node SDK signs the host without its port and names
// the service after the endpoint's first label ("127"), which verify mode accepts.

const assert = require("node:assert/strict");
const { test } = require("node:test");

const { CRED_A, CRED_B, UUID_V4, sdkError, sharedEmulator } = require("./support");

const emu = sharedEmulator();

const WAYS = [
  ["POST", "TC3-HMAC-SHA256"],
  ["GET", "TC3-HMAC-SHA256"],
  ["POST", "HmacSHA1"],
  ["GET", "HmacSHA1"],
  ["POST", "HmacSHA256"],
  ["GET", "HmacSHA256"],
];

for (const [reqMethod, signMethod] of WAYS) {
  test(`a ${signMethod} ${reqMethod} call is answered the documented example`, async () => {
    const client = emu.client({ reqMethod, signMethod });
    const res = await client.DescribeAssetImageRegistryDetail({ Id: 5427 });
    assert.equal(res.Id, 5427);
    assert.equal(res.ImageName, "person1");
    assert.equal(res.VulCnt, 172);
    assert.match(res.RequestId, UUID_V4);
  });

  test(`a ${signMethod} ${reqMethod} call with a wrong key is SignatureFailure`, async () => {
    const client = emu.client({ reqMethod, signMethod, cred: { ...CRED_A, secretKey: "not-the-key" } });
    await sdkError(client.DescribeAssetImageRegistryDetail({ Id: 5427 }), "AuthFailure.SignatureFailure");
  });
}

test("a TC3 multipart POST carries its parameters", async () => {
  const client = emu.client();
  const res = await client.request(
    "DescribeAssetImageRegistryDetail",
    { ImageId: "sha256:e68ba1280908f76a9e22a813b9ea0c7358e9bcf0ed616fddf88dad557e33d1ca" },
    { multipart: true },
  );
  assert.equal(res.Id, 5427);
});

test("a nested request is flattened into the GET query the emulator unflattens", async () => {
  await emu.seed([{ Id: 9101, ImageName: "flat-get", ImageTag: "v1" }]);
  for (const reqMethod of ["GET", "POST"]) {
    const client = emu.client({ reqMethod });
    const res = await client.DescribeAssetImageRegistryList({
      Filters: [{ Name: "ImageName", Values: ["flat-get"], ExactMatch: true }],
    });
    assert.equal(res.TotalCount, 1, reqMethod);
    assert.equal(res.List[0].Id, 9101, reqMethod);
  }
});

test("the second configured credential is accepted", async () => {
  const res = await emu.client({ cred: CRED_B }).DescribeAssetImageRegistryDetail({ Id: 3421599 });
  assert.equal(res.ImageTag, "mhccrxg1");
});

test("moving the emulator clock an hour does not expire the SDK's signatures", async () => {
  await emu.clock({ advance_seconds: 3600 });
  for (const [reqMethod, signMethod] of WAYS) {
    const res = await emu.client({ reqMethod, signMethod }).DescribeAssetImageRegistryDetail({ Id: 5427 });
    assert.equal(res.Id, 5427, `${signMethod} ${reqMethod}`);
  }
});
