// Strangers on a run's sockets (docs/security.md): the hub's and the collector's sockets live
// in private directories (0700), and a connection from outside the run, without the run's
// secret or with a wrong one, gets nothing: no answer, no object, no control, no event in
// the trace. It is closed (at once, or after the handshake timeout if it says nothing), and
// the run goes on unaffected.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as v8 from "node:v8";
import { encodeFrame } from "../../src/runtime/framing";
import { HANDSHAKE_TIMEOUT_MS } from "../../src/runtime/handshake";
import {
  assertSucceeded,
  cleanUp,
  collect,
  result,
  runArgs,
  scratch,
  startCli,
  survivors,
  waitFor,
} from "./helpers";

after(cleanUp);

interface Probed {
  closed: boolean;
  /** Bytes the server sent back. */
  received: number;
  /** From connecting until the server closed the connection. */
  ms: number;
}

/** Connects to `socketPath`, writes `chunks`, and waits (up to `waitMs`) for the server to close. */
function probe(socketPath: string, chunks: Buffer[], waitMs: number): Promise<Probed> {
  return new Promise((resolve) => {
    const began = Date.now();
    let received = 0;
    const socket = net.connect(socketPath, () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.on("data", (data: Buffer) => (received += data.length));
    socket.on("error", () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, received, ms: Date.now() - began });
    }, waitMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ closed: true, received, ms: Date.now() - began });
    });
  });
}

const frame = (header: object, body?: Buffer): Buffer => Buffer.concat(encodeFrame(header, body));
const wrongSecret = (): string => crypto.randomBytes(32).toString("hex");
/** A trace batch as the hub relays it, claiming a process that never existed. */
const forgedTrace = (): Buffer =>
  frame(
    { type: "trace" },
    v8.serialize([
      { type: "process.start", t: 1, p: 99, pid: 1, ppid: 1, name: "intruder" },
      { type: "warning", t: 2, p: 1, code: "misuse", message: "intruder was here" },
    ]),
  );
/** A length prefix announcing a 32 MiB frame, and nothing after it. */
const hugePrefix = (): Buffer => {
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(32 * 1024 * 1024, 0);
  prefix.writeUInt32LE(16, 4);
  return prefix;
};

/** What each stranger tries, on the hub's socket (`child` is the run's child's pid). */
function hubAttempts(child: number): Record<string, Buffer[]> {
  return {
    "no secret": [frame({ type: "hello", root: true, pid: process.pid, name: "intruder" })],
    "a wrong secret": [
      frame({ type: "hello", secret: wrongSecret(), root: true, pid: process.pid, name: "x" }),
    ],
    "a secret of the wrong length": [frame({ type: "hello", secret: "0", pid: process.pid })],
    "control frames and no hello": [
      frame({ type: "exited", pid: child, exitCode: 42, signal: null }),
      frame({ type: "spawned", pid: 1, name: "intruder", target: "x#y", daemon: false }),
      forgedTrace(),
    ],
    "a wrong secret, then requests": [
      frame({ type: "hello", secret: wrongSecret(), pid: process.pid }),
      frame({ type: "exited", pid: child, exitCode: 42, signal: null }),
      forgedTrace(),
    ],
    "bytes that are not frames": [Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
    "a 32 MiB frame announced before the hello": [hugePrefix()],
  };
}

function collectorAttempts(): Record<string, Buffer[]> {
  return {
    "no secret": [frame({ type: "hello" }), forgedTrace()],
    "a wrong secret": [frame({ type: "hello", secret: wrongSecret() }), forgedTrace()],
    "events and no hello": [forgedTrace()],
    "bytes that are not frames": [Buffer.from("\u0000\u0001garbage")],
    "a 32 MiB frame announced before the hello": [hugePrefix()],
  };
}

function assertPrivateDirectory(socketPath: string): void {
  const dir = path.dirname(socketPath);
  const stat = fs.statSync(dir);
  assert.equal(stat.mode & 0o777, 0o700, `${dir} is not private`);
  assert.equal(stat.uid, process.getuid!(), `${dir} is not ours`);
  assert.ok(fs.statSync(socketPath).isSocket(), `${socketPath} is not a socket`);
}

test("connections without the run's secret get nothing and are closed; the run is unaffected", async () => {
  const goFile = scratch("strangers-go");
  const tracePath = scratch("strangers.pstrace");
  const started = startCli(runArgs("strangers.ts", tracePath, { args: [goFile] }), {
    timeoutMs: 120_000,
  });
  const [, json] = await started.waitForOutput(/@result sockets (.*)\n/);
  const sockets = JSON.parse(json) as { hub: string; collector: string; child: number };
  assertPrivateDirectory(sockets.hub);
  assertPrivateDirectory(sockets.collector);

  const attempts: Array<[string, Promise<Probed>]> = [];
  for (const [what, chunks] of Object.entries(hubAttempts(sockets.child))) {
    attempts.push([`hub: ${what}`, probe(sockets.hub, chunks, 5000)]);
  }
  for (const [what, chunks] of Object.entries(collectorAttempts())) {
    attempts.push([`collector: ${what}`, probe(sockets.collector, chunks, 5000)]);
  }
  // Saying nothing at all: closed once the handshake's time is up.
  const patience = HANDSHAKE_TIMEOUT_MS + 10_000;
  attempts.push(["hub: silence", probe(sockets.hub, [], patience)]);
  attempts.push(["collector: silence", probe(sockets.collector, [], patience)]);
  for (const [what, outcome] of attempts) {
    const probed = await outcome;
    assert.ok(probed.closed, `${what}: the connection was kept open`);
    assert.equal(probed.received, 0, `${what}: the stranger was answered`);
    if (what.endsWith("silence")) {
      assert.ok(probed.ms >= HANDSHAKE_TIMEOUT_MS - 500, `${what}: closed after ${probed.ms} ms`);
    } else {
      assert.ok(probed.ms < 3000, `${what}: closed only after ${probed.ms} ms`);
    }
  }

  fs.writeFileSync(goFile, "");
  const run = await collect(started, tracePath);
  assertSucceeded(run);
  assert.equal(result(run, "sum"), 5050, "every message reached the child");
  assert.equal(result(run, "child-exit"), 0);
  const text = JSON.stringify(run.events);
  assert.ok(!text.includes("intruder"), "a stranger's event reached the trace");
  assert.deepEqual(
    [...new Set(run.events.map((event) => event.p))].sort(),
    [1, 2],
    "only the run's two processes appear",
  );
  const exits = run.events.filter((event) => event.type === "process.exit" && event.p === 2);
  assert.deepEqual(
    exits.map((event) => event.type === "process.exit" && event.exitCode),
    [0],
    "the forged exit was not recorded",
  );
  // The run's private directories go with it.
  assert.ok(await waitFor(() => !fs.existsSync(path.dirname(sockets.hub)), 5000));
  assert.ok(!fs.existsSync(path.dirname(sockets.collector)));
  assert.ok(await waitFor(() => survivors(run.mark).length === 0, 5000));
});
