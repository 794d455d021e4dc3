"use strict";
// An error of each class reaches Node code as the SDK's TencentCloudSDKHttpException
// with `code` (and the RequestId): authentication, request, parameters, resources,
// the rate limit, a stubbed code; a dropped connection as one without a code.

const assert = require("node:assert/strict");
const { test } = require("node:test");

const { CRED_A, TencentCloudSDKHttpException, sdkError, sharedEmulator, startEmulator } = require("./support");

const emu = sharedEmulator();

test("an unknown SecretId is AuthFailure.SecretIdNotFound", async () => {
  const client = emu.client({ cred: { secretId: "AKIDnotConfigured000000000000000", secretKey: "k" } });
  await sdkError(client.DescribeAssetImageRegistryDetail({ Id: 5427 }), "AuthFailure.SecretIdNotFound");
});

test("each parameter error has its code, in the language asked for", async () => {
  const client = emu.client();
  const cases = [
    [{ ImageId: 123 }, "InvalidParameter", "`ImageId`"],
    [{ Id: "abc" }, "InvalidParameter", "`Id`"],
    [{ Id: 5427, Foo: 1 }, "UnknownParameter", "`Foo`"],
  ];
  for (const [params, code, names] of cases) {
    const e = await sdkError(client.DescribeAssetImageRegistryDetail(params), code);
    assert.ok(e.message.includes(names), e.message);
    assert.match(e.message, /^[\x20-\x7e]+$/, "en-US messages are English");
  }
  const list = (params) => client.DescribeAssetImageRegistryList(params);
  await sdkError(list({ Filters: [{ Name: "ImageName" }] }), "MissingParameter");
  await sdkError(list({ Limit: 0 }), "InvalidParameterValue");
});

test("a number for a string is refused in the gateway's words", async () => {
  const zh = emu.client({ language: "zh-CN" });
  const e = await sdkError(
    zh.DescribeAssetImageRegistryList({ Filters: [{ Name: "ImageName", Values: ["a", 5] }] }),
    "InvalidParameter",
  );
  assert.equal(e.message, "参数 `Filters.0.Values.1` 取值类型错误。参数类型应为 `string`");
  const en = await sdkError(emu.client().DescribeAssetImageRegistryDetail({ ImageId: true }), "InvalidParameter");
  assert.equal(en.message, "The value type of parameter `ImageId` is wrong. The parameter type should be `string`");
});

test("an unknown action is InvalidAction and another version NoSuchVersion", async () => {
  const client = emu.client();
  await sdkError(client.request("DescribeNoSuchThing", {}), "InvalidAction");
  client.apiVersion = "2017-03-12";
  const e = await sdkError(client.DescribeAssetImageRegistryDetail({ Id: 5427 }), "NoSuchVersion");
  assert.ok(e.message.includes("`2020-11-01`"), e.message);
});

test("an image that does not exist is ResourceNotFound", async () => {
  await sdkError(emu.client().DescribeAssetImageRegistryDetail({ Id: 987654321 }), "ResourceNotFound");
});

test("a stubbed error code reaches the caller as it was given", async () => {
  const { status } = await emu.admin("POST", "/_emulator/stubs", {
    action: "DescribeAssetImageRegistrySummary",
    error: { code: "ResourceUnavailable.Maintenance", message: "down for maintenance" },
    times: 1,
  });
  assert.equal(status, 201);
  const client = emu.client();
  const e = await sdkError(client.DescribeAssetImageRegistrySummary({}), "ResourceUnavailable.Maintenance");
  assert.equal(e.message, "down for maintenance");
  const res = await client.DescribeAssetImageRegistrySummary({});
  assert.equal(typeof res.UnScannedImageCnt, "number");
});

test("a dropped connection is an SDK exception without a code", async () => {
  const { status } = await emu.admin("POST", "/_emulator/faults", {
    action: "DescribeAssetImageRegistryDetail",
    drop: true,
    times: 1,
  });
  assert.equal(status, 201);
  const outcome = await emu.client().DescribeAssetImageRegistryDetail({ Id: 5427 }).then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  assert.ok(outcome.error instanceof TencentCloudSDKHttpException, String(outcome.error || outcome.value));
  assert.equal(outcome.error.code, undefined);
  assert.ok(outcome.error.message.length > 0);
});

test("the rate limit is RequestLimitExceeded", async () => {
  const limited = await startEmulator({ rateLimit: 1 });
  try {
    // A frozen clock puts both calls in one window.
    await limited.clock({ freeze: true });
    const client = limited.client();
    await client.DescribeAssetImageRegistryDetail({ Id: 5427 });
    await sdkError(client.DescribeAssetImageRegistryDetail({ Id: 5427 }), "RequestLimitExceeded");
    await limited.clock({ advance_seconds: 1 });
    assert.equal((await client.DescribeAssetImageRegistryDetail({ Id: 5427 })).Id, 5427);
  } finally {
    await limited.stop();
  }
});

test("a temporary credential needs its token, in both signature methods", async () => {
  const temp = { secretId: "AKIDnodeTemp00000000000000000001", secretKey: "tempKey", token: "session-tok" };
  const tokened = await startEmulator({ credentials: [CRED_A, temp] });
  try {
    for (const [reqMethod, signMethod] of [
      ["POST", "TC3-HMAC-SHA256"],
      ["GET", "HmacSHA256"],
    ]) {
      const without = tokened.client({ reqMethod, signMethod, cred: { ...temp, token: undefined } });
      const e = await sdkError(without.DescribeAssetImageRegistryDetail({ Id: 5427 }), "AuthFailure.TokenFailure");
      assert.ok(e.message.includes("carries no token"), e.message);
      const wrong = tokened.client({ reqMethod, signMethod, cred: { ...temp, token: "other" } });
      await sdkError(wrong.DescribeAssetImageRegistryDetail({ Id: 5427 }), "AuthFailure.TokenFailure");
      const res = await tokened.client({ reqMethod, signMethod, cred: temp }).DescribeAssetImageRegistryDetail({ Id: 5427 });
      assert.equal(res.Id, 5427, `${signMethod} ${reqMethod}`);
    }
  } finally {
    await tokened.stop();
  }
});
