"use strict";
// Shared by the official-Node-SDK interop tests: the emulator binary as a child process
// on port 0 (TCSS_EMULATOR_BIN, set by tests/sdk_node.rs), its admin API, SDK clients
// pointed at it, and the check of an SDK error. Run through tests/sdk_node.rs, or by
// hand after scripts/sdk-node.sh:
//
//   NODE_PATH=target/sdk-node/node_modules TCSS_EMULATOR_BIN=target/debug/tcss-emulator \
//     node --test sdk-tests/node/*.test.js

const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const readline = require("node:readline");
const { after, before } = require("node:test");

const tencentcloud = require("tencentcloud-sdk-nodejs");
const TencentCloudSDKHttpException =
  require("tencentcloud-sdk-nodejs/tencentcloud/common/exception/tencent_cloud_sdk_exception").default;

const TcssClient = tencentcloud.tcss.v20201101.Client;
const REPO_ROOT = path.resolve(__dirname, "..", "..");

// Explicit credentials: the tests never depend on the caller's environment.
const CRED_A = { secretId: "AKIDnodeInteropTest0000000000000001", secretKey: "nodeInteropTestKeyA000000000000001" };
const CRED_B = { secretId: "AKIDnodeInteropTest0000000000000002", secretKey: "nodeInteropTestKeyB000000000000002" };
const ADMIN_TOKEN = "node-interop-admin-token";

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const SDK_TIMEOUT_S = 15;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function emulatorBin() {
  const bin = process.env.TCSS_EMULATOR_BIN || path.join(REPO_ROOT, "target", "debug", "tcss-emulator");
  fs.accessSync(bin, fs.constants.X_OK);
  return bin;
}

/** The caller's environment without anything that could configure the emulator. */
function childEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TENCENTCLOUD_|TCSS_EMULATOR_)/.test(k)),
  );
}

/** A credential as `--credential` takes it. */
function credentialFlag({ secretId, secretKey, token }) {
  return token ? `${secretId}:${secretKey}:default:${token}` : `${secretId}:${secretKey}`;
}

/** One running `tcss-emulator serve` child process. */
class Emulator {
  constructor(proc, addr, workdir, output) {
    this.proc = proc;
    this.addr = addr;
    this.workdir = workdir;
    this.output = output;
  }

  /** A TcssClient of the official SDK pointed at this emulator. */
  client({ cred = CRED_A, reqMethod = "POST", signMethod = "TC3-HMAC-SHA256", language = "en-US" } = {}) {
    return new TcssClient({
      credential: cred,
      region: "ap-guangzhou",
      profile: {
        signMethod,
        language,
        httpProfile: { endpoint: this.addr, protocol: "http://", reqMethod, reqTimeout: SDK_TIMEOUT_S },
      },
    });
  }

  /** An admin call: `{ status, body }` (body parsed when JSON). */
  async admin(method, route, body) {
    const res = await fetch(`http://${this.addr}${route}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(SDK_TIMEOUT_S * 1000),
    });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed };
  }

  /** Upserts fixture records through the admin API. */
  async seed(images) {
    const { status, body } = await this.admin("POST", "/_emulator/fixtures", { images });
    assert.equal(status, 200, JSON.stringify(body));
    return body;
  }

  /** Moves the emulator clock through the admin API. */
  async clock(change) {
    const { status, body } = await this.admin("POST", "/_emulator/clock", change);
    assert.equal(status, 200, JSON.stringify(body));
    return body;
  }

  /** SIGTERM; the emulator must exit 0 in time (else it is killed and this fails). */
  async stop() {
    let code = this.proc.exitCode;
    if (code === null) {
      const exited = new Promise((resolve) => this.proc.once("exit", resolve));
      this.proc.kill("SIGTERM");
      let timer;
      const late = new Promise((resolve) => {
        timer = setTimeout(resolve, STOP_TIMEOUT_MS, "no exit in time");
      });
      code = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (code === "no exit in time") this.proc.kill("SIGKILL");
    }
    fs.rmSync(this.workdir, { recursive: true, force: true });
    assert.equal(code, 0, `emulator did not exit 0 on SIGTERM:\n${this.output.join("")}`);
  }
}

/** Starts the emulator on port 0 and waits for its `listening on` line. */
async function startEmulator({ extraArgs = [], credentials = [CRED_A, CRED_B], rateLimit = 1000 } = {}) {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "tcss-node-test-"));
  const args = ["serve", "--listen", "127.0.0.1:0", "--db", path.join(workdir, "emulator.sqlite3")];
  args.push("--admin-token", ADMIN_TOKEN, "--rate-limit", String(rateLimit));
  for (const cred of credentials) args.push("--credential", credentialFlag(cred));
  args.push(...extraArgs);
  const proc = spawn(emulatorBin(), args, { cwd: REPO_ROOT, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const output = [];
  proc.stderr.setEncoding("utf8");
  proc.stderr.on("data", (chunk) => output.push(chunk));
  const addr = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`no 'listening on' line within ${READY_TIMEOUT_MS} ms:\n${output.join("")}`));
    }, READY_TIMEOUT_MS);
    readline.createInterface({ input: proc.stdout }).on("line", (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) before listening:\n${output.join("")}`));
    });
  });
  return new Emulator(proc, addr, workdir, output);
}

/**
 * The emulator one test file shares: started (then given to `setup`, e.g. to seed it)
 * before its tests, stopped (and checked to exit 0) after them. The object answers for
 * the started `Emulator`.
 */
function sharedEmulator({ setup, ...options } = {}) {
  let started;
  before(async () => {
    started = await startEmulator(options);
    if (setup) await setup(started);
  });
  after(async () => {
    await started.stop();
  });
  return new Proxy(
    {},
    {
      get(_, name) {
        const value = started[name];
        return typeof value === "function" ? value.bind(started) : value;
      },
    },
  );
}

/**
 * Awaits `promise`, which must reject with the SDK's TencentCloudSDKHttpException
 * carrying `code` and a UUID-v4 RequestId. Returns the exception.
 */
async function sdkError(promise, code) {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  assert.ok(outcome.error, `expected ${code}, the call returned ${JSON.stringify(outcome.value)}`);
  const e = outcome.error;
  assert.ok(e instanceof TencentCloudSDKHttpException, `not the SDK's exception: ${e && e.stack}`);
  assert.equal(e.code, code, `code of ${e}`);
  assert.match(e.requestId, UUID_V4, `RequestId of ${e}`);
  assert.ok(typeof e.message === "string" && e.message.length > 0, `message of ${e}`);
  return e;
}

module.exports = {
  ADMIN_TOKEN,
  CRED_A,
  CRED_B,
  TencentCloudSDKHttpException,
  UUID_V4,
  sdkError,
  sharedEmulator,
  startEmulator,
};
