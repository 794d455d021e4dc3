"use strict";
// A stateful write, then reads, through the Node SDK: a registry scan is started,
// reported SCANNING, refused a second time while it runs, and, once the emulator clock
// has moved past its end (admin route), reported SCANNED with the image's findings.

const assert = require("node:assert/strict");
const { test } = require("node:test");

const { sdkError, sharedEmulator } = require("./support");

const IMAGE = {
  Id: 8101,
  ImageName: "shop/api",
  ImageTag: "2.0",
  ScanStatus: "NOT_SCAN",
  Vulnerabilities: [
    { CVEID: "CVE-2024-0001", Name: "openssl overflow", Level: "3" },
    { CVEID: "CVE-2024-0002", Name: "zlib read", Level: "2" },
  ],
};

const emu = sharedEmulator({ extraArgs: ["--scan-duration", "60"], setup: (started) => started.seed([IMAGE]) });

test("a scan started through the SDK is read back as it runs and when it is done", async () => {
  const client = emu.client();
  const before = await client.DescribeAssetImageRegistryDetail({ Id: IMAGE.Id });
  assert.equal(before.ScanStatus, "NOT_SCAN");
  assert.equal(before.VulCnt, 0, "findings show once scanned");

  const created = await client.CreateAssetImageRegistryScanTask({ Id: [IMAGE.Id], ScanType: ["CVE"] });
  assert.equal(typeof created.TaskID, "number");
  const running = await client.DescribeAssetImageRegistryScanStatusOneKey({ TaskID: created.TaskID });
  assert.equal(running.Status, "SCANNING");
  assert.equal(running.ImageTotal, 1);
  assert.equal(running.ImageStatus[0].ImageName, IMAGE.ImageName);
  await sdkError(
    client.CreateAssetImageRegistryScanTask({ Id: [IMAGE.Id], ScanType: ["CVE"] }),
    "FailedOperation.ErrAlreadyScanning",
  );

  // Past the scan's end on the emulator clock: the SDK's signatures stay valid.
  await emu.clock({ advance_seconds: 3600 });
  const done = await client.DescribeAssetImageRegistryScanStatusOneKey({ TaskID: created.TaskID });
  assert.equal(done.Status, "SCANNED");
  assert.equal(done.SuccessCount, 1);
  assert.equal(done.Schedule, 100);
  const after = await client.DescribeAssetImageRegistryDetail({ Id: IMAGE.Id });
  assert.equal(after.ScanStatus, "SCANNED");
  assert.equal(after.VulCnt, 2);
  const vulns = await client.DescribeAssetImageRegistryVulList({ Id: IMAGE.Id });
  assert.equal(vulns.TotalCount, 2);
  assert.deepEqual(vulns.List.map((v) => v.CVEID).sort(), ["CVE-2024-0001", "CVE-2024-0002"]);
});
