// Remote managers (API.md, "Managers"): a manager served over TCP on 127.0.0.1 (port 0) is
// reached with the right authkey from a child and from a second, independent CLI run; a
// wrong or missing key gets AuthenticationError and no access. On the wire (read with raw
// sockets and a recording forwarder) the key never appears: the manager speaks first with a
// fresh challenge, and a captured valid answer replayed on a new connection is refused.
// A client refuses a server that cannot prove it knows the key; a stranger that says
// nothing, or announces a huge frame, before answering the challenge is cut off.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import { FrameReader, encodeFrame, type Frame } from "../../src/runtime/framing";
import { HANDSHAKE_TIMEOUT_MS } from "../../src/runtime/handshake";
import {
  assertSucceeded,
  assertThrew,
  cleanUp,
  collect,
  describeRun,
  eventsOf,
  parseResults,
  result,
  runArgs,
  runFixture,
  scratch,
  startCli,
  type ErrorReport,
  type FixtureRun,
  type Started,
} from "./helpers";

const FIXTURE = "manager-remote.ts";
const AUTHKEY = `k3y-${crypto.randomBytes(6).toString("hex")}`;
const KEY_FORMS = [Buffer.from(AUTHKEY, "utf8"), Buffer.from(Buffer.from(AUTHKEY).toString("hex"))];
const WAIT_MS = 10_000;

const stopFile = scratch("stop-serving");
const serverTrace = scratch("server.pstrace");
let server: Promise<{ started: Started; port: number }> | null = null;

after(() => {
  fs.writeFileSync(stopFile, "");
  cleanUp();
});

interface Address {
  host: string;
  port: number;
}

/** The serving program, started once for the whole file; resolves once it listens. */
function serving(): Promise<{ started: Started; port: number }> {
  server ??= (async () => {
    const started = startCli(
      runArgs(FIXTURE, serverTrace, { args: ["serve", AUTHKEY, stopFile] }),
      { timeoutMs: 120_000 },
    );
    const [, json] = await started.waitForOutput(/@result address (.*)\n/);
    const address = JSON.parse(json) as Address;
    assert.equal(address.host, "127.0.0.1");
    assert.ok(address.port > 0, `port ${address.port}`);
    return { started, port: address.port };
  })();
  return server;
}

/** What the serving program reported so far. */
async function served<T>(label: string): Promise<T> {
  const { started } = await serving();
  const values = parseResults(started.stdout()).get(label) ?? [];
  assert.equal(values.length, 1, `expected one '${label}' result:\n${started.stdout()}`);
  return values[0] as T;
}

function assertNoKey(bytes: Buffer, what: string): void {
  for (const form of KEY_FORMS) {
    assert.equal(bytes.indexOf(form), -1, `${what} carries the authkey (${form.toString()})`);
  }
}

/** A raw TCP connection to the manager that collects every frame it sends. */
class Raw {
  readonly frames: Frame[] = [];
  readonly received: Buffer[] = [];
  closed = false;
  private readonly reader = new FrameReader();
  private wake: (() => void) | null = null;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received.push(chunk);
      this.reader.push(chunk, (frame) => this.frames.push(frame));
      this.wake?.();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on("error", () => undefined);
  }

  static open(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new Raw(socket)));
      socket.once("error", reject);
    });
  }

  /** Waits until `done()` holds (or the time is up) and returns whether it does. */
  async until(done: () => boolean, ms = WAIT_MS): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.wake = null;
    return done();
  }

  async challenge(): Promise<string> {
    assert.ok(await this.until(() => this.frames.length > 0), "the manager sent nothing");
    const [first] = this.frames;
    assert.equal(first.header.type, "challenge", JSON.stringify(first.header));
    assert.match(String(first.header.nonce), /^[0-9a-f]{64}$/);
    return String(first.header.nonce);
  }

  send(bytes: Buffer | Buffer[]): void {
    for (const chunk of Array.isArray(bytes) ? bytes : [bytes]) this.socket.write(chunk);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A TCP forwarder to the manager that records both directions. */
function forwarder(port: number): Promise<{
  port: number;
  toServer: Buffer[];
  toClient: Buffer[];
  close(): void;
}> {
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
    }
    client.on("data", (chunk: Buffer) => (toServer.push(chunk), upstream.write(chunk)));
    upstream.on("data", (chunk: Buffer) => (toClient.push(chunk), client.write(chunk)));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  return new Promise((resolve) => {
    proxy.listen(0, "127.0.0.1", () =>
      resolve({
        port: (proxy.address() as net.AddressInfo).port,
        toServer,
        toClient,
        close: () => {
          for (const socket of sockets) socket.destroy();
          proxy.close();
        },
      }),
    );
  });
}

/** The first whole frame of a byte stream, and its header. */
function firstFrame(stream: Buffer): { bytes: Buffer; header: Frame["header"] } {
  const length = stream.readUInt32LE(0);
  const bytes = stream.subarray(0, 4 + length);
  let header: Frame["header"] | null = null;
  new FrameReader().push(Buffer.from(bytes), (frame) => (header ??= frame.header));
  assert.ok(header, "no whole frame");
  return { bytes, header };
}

async function client(port: number, authkey: string): Promise<FixtureRun> {
  return runFixture(FIXTURE, { args: ["client", "127.0.0.1", String(port), authkey] });
}

const hmac = (key: string, text: string) =>
  crypto
    .createHmac("sha256", Buffer.from(Buffer.from(key, "utf8").toString("hex"), "hex"))
    .update(text)
    .digest("hex");

/** A hello captured from a real client, for the replay test. */
let capturedHello: Buffer | null = null;

test("in the serving program: children connect with the key (string or Buffer); a child handed a proxy reaches the manager", async () => {
  await serving();
  for (const label of ["child-connect", "child-buffer-key"]) {
    const seen = await served<Record<string, unknown>>(label);
    assert.deepEqual(
      { list: seen.list, ns: seen.ns, queue: seen.queue },
      { list: [1, 2], ns: "y", queue: "through the remote manager" },
      label,
    );
    assert.equal(typeof seen.who, "number");
  }
  assert.equal(await served(`child-saw`), "hello");
  assert.equal(typeof (await served(`from-child`)), "number", "the child's write was not seen");
  assert.deepEqual(await served("child-exits"), [0, 0, 0, 0]);
});

test("a child with a wrong authkey gets AuthenticationError", async () => {
  const error = await served<ErrorReport>("child-wrong-key");
  assert.match(assertThrew(error, "AuthenticationError", "wrong key").message, /authkey/);
});

test("a second, independent CLI run connects with the right key and uses the manager; the key is never on the wire", async () => {
  const { port } = await serving();
  const proxy = await forwarder(port);
  try {
    const run = await client(proxy.port, AUTHKEY);
    assertSucceeded(run);
    const seen = result<Record<string, unknown>>(run, "client");
    assert.deepEqual(
      { who: seen.who, list: seen.list, ns: seen.ns, queue: seen.queue },
      { who: 1, list: [1, 2], ns: "y", queue: "through the remote manager" },
    );
    const calls = eventsOf(run.events, "manager.call");
    for (const method of ["dict.set", "dict.get", "list.append", "list.toArray"]) {
      assert.ok(
        calls.some((c) => c.method === method && c.ok && c.duration > 0),
        `no ${method} call recorded`,
      );
    }
    const up = Buffer.concat(proxy.toServer);
    const down = Buffer.concat(proxy.toClient);
    assert.ok(up.length > 0 && down.length > 0, "nothing went through the forwarder");
    assertNoKey(up, "what the client sent");
    assertNoKey(down, "what the manager sent");
    const hello = firstFrame(up);
    assert.equal(hello.header.type, "hello");
    assert.match(String(hello.header.digest), /^[0-9a-f]{64}$/, "the client answers with an HMAC");
    capturedHello = hello.bytes;
  } finally {
    proxy.close();
  }
});

test("a raw connection gets a fresh challenge without the key; a captured valid answer replayed is refused", async () => {
  const { port } = await serving();
  assert.ok(capturedHello, "no hello was captured (the previous test failed)");
  const first = await Raw.open(port);
  const second = await Raw.open(port);
  try {
    const nonce = await first.challenge();
    assert.notEqual(await second.challenge(), nonce, "the challenge is not fresh");
    assertNoKey(Buffer.concat(first.received), "the challenge");

    first.send(capturedHello);
    assert.ok(await first.until(() => first.closed), "the manager kept a replaying client");
    const replies = first.frames.slice(1);
    assert.equal(replies.length, 1, JSON.stringify(replies.map((f) => f.header)));
    assert.match(String(replies[0].header.error), /authentication failed/);
    assert.equal(replies[0].header.digest, undefined, "the manager proved itself to a replayer");
  } finally {
    first.close();
    second.close();
  }
});

test("a raw connection: a request before the handshake, or a wrong answer, is refused and closed; the right answer is accepted", async () => {
  const { port } = await serving();
  const early = await Raw.open(port);
  const wrong = await Raw.open(port);
  const right = await Raw.open(port);
  try {
    await early.challenge();
    early.send(encodeFrame({ type: "dict", req: 1, obj: "raw.1", entries: [] }));
    early.send(encodeFrame({ type: "dict-op", req: 2, obj: "raw.1", op: "keys", args: [] }));
    assert.ok(await early.until(() => early.closed), "a client without a key was kept");
    assert.ok(
      early.frames.every((f) => f.header.value === undefined),
      `answered: ${JSON.stringify(early.frames.map((f) => f.header))}`,
    );

    const wrongNonce = await wrong.challenge();
    wrong.send(encodeFrame({ type: "hello", req: 1, digest: hmac("wrong", wrongNonce) }));
    assert.ok(await wrong.until(() => wrong.closed), "a wrong answer was kept");
    assert.match(String(wrong.frames[1]?.header.error), /authentication failed/);

    // The same frame with the right HMAC works: the refusals above are about the key.
    const nonce = await right.challenge();
    const mine = crypto.randomBytes(32).toString("hex");
    right.send(encodeFrame({ type: "hello", req: 1, digest: hmac(AUTHKEY, nonce), nonce: mine }));
    assert.ok(await right.until(() => right.frames.length > 1), "no welcome");
    const welcome = right.frames[1].header;
    assert.equal(welcome.error, undefined, JSON.stringify(welcome));
    assert.equal(welcome.digest, hmac(AUTHKEY, mine), "the manager's proof of the key");
    assert.equal(right.closed, false);
    assertNoKey(Buffer.concat(right.received), "the welcome");
  } finally {
    early.close();
    wrong.close();
    right.close();
  }
});

test("a stranger on the manager's port may not hold it: a huge frame announced, or silence, gets the connection closed", async () => {
  const { port } = await serving();
  const huge = await Raw.open(port);
  const silent = await Raw.open(port);
  try {
    await huge.challenge();
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32LE(32 * 1024 * 1024, 0);
    prefix.writeUInt32LE(16, 4);
    const sentAt = Date.now();
    huge.send(prefix);
    assert.ok(await huge.until(() => huge.closed, 3000), "a 32 MiB frame was waited for");
    assert.ok(Date.now() - sentAt < 3000);
    await silent.challenge();
    assert.ok(
      await silent.until(() => silent.closed, HANDSHAKE_TIMEOUT_MS + 10_000),
      "a silent stranger was kept",
    );
    assert.equal(silent.frames.length, 1, "nothing but the challenge");
  } finally {
    huge.close();
    silent.close();
  }
});

test("a client refuses an impostor that cannot prove it knows the key, and never shows it the key", async () => {
  const heard: Buffer[] = [];
  const impostor = net.createServer((socket) => {
    socket.on("error", () => undefined);
    socket.write(
      Buffer.concat(
        encodeFrame({
          type: "challenge",
          nonce: crypto.randomBytes(32).toString("hex"),
          server: 1,
        }),
      ),
    );
    const reader = new FrameReader();
    socket.on("data", (chunk: Buffer) => {
      heard.push(chunk);
      reader.push(chunk, ({ header }) => {
        // Welcomes anyone, with a proof it cannot have made.
        if (header.type === "hello") {
          socket.write(
            Buffer.concat(
              encodeFrame({ type: "reply", req: header.req, server: 1, digest: "0".repeat(64) }),
            ),
          );
        }
      });
    });
  });
  await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = impostor.address() as net.AddressInfo;
    const run = await client(port, AUTHKEY);
    assertSucceeded(run);
    assert.equal(run.results.get("client"), undefined, "the client used the impostor");
    assert.match(
      assertThrew(result(run, "refused"), "AuthenticationError", "impostor").message,
      /did not prove it knows the authkey/,
    );
    const up = Buffer.concat(heard);
    assert.ok(up.length > 0, "the client said nothing");
    assertNoKey(up, "what the client told the impostor");
  } finally {
    impostor.close();
  }
});

test("another run with a wrong or an empty authkey gets AuthenticationError and no access", async () => {
  const { port } = await serving();
  const wrong = await client(port, "wrong-key");
  assertSucceeded(wrong);
  assert.equal(wrong.results.get("client"), undefined, "the wrong key got access");
  const refused = assertThrew(result(wrong, "refused"), "AuthenticationError", "wrong key");
  // The error names the manager and never carries the key that was tried, in any form.
  assert.equal(
    refused.message,
    `manager at 127.0.0.1:${port}: authentication failed: wrong or missing authkey`,
  );
  const seen = `${wrong.stdout}${wrong.stderr}${JSON.stringify(wrong.events)}`;
  for (const form of [Buffer.from("wrong-key").toString("hex"), btoa("wrong-key")]) {
    assert.ok(!seen.includes(form), `the key tried leaks as ${form}`);
  }
  assert.deepEqual(
    wrong.events.filter((e) => e.type === "manager.call"),
    [],
    "a refused client made calls",
  );
  const missing = await client(port, "-");
  assertSucceeded(missing);
  assertThrew(result(missing, "empty-key"), "AuthenticationError", "empty key");
});

test("Manager.connect() without an authkey gets AuthenticationError", async () => {
  const { port } = await serving();
  const missing = await client(port, "-");
  assertThrew(result(missing, "missing-key"), "AuthenticationError", "missing key");
});

test("a process already connected to the manager still gets AuthenticationError for a wrong key", async () => {
  assertThrew(await served(`same-process-wrong-key`), "AuthenticationError", "same process");
});

test("shutdown() of a second connection to a manager leaves the first connection working", async () => {
  const run = await runFixture(FIXTURE, { args: ["connect-twice"] });
  assertSucceeded(run);
  assert.equal(result(run, "first-still-works"), null, describeRun(run));
});

test("the serving program ends when told; its trace shows the manager and who called it", async () => {
  const { started } = await serving();
  fs.writeFileSync(stopFile, "");
  const run = await collect(started, serverTrace);
  assertSucceeded(run);
  assert.equal(result(run, "greeting-at-end"), "hello");
  const [manager] = eventsOf(run.events, "process.spawn", (e) => e.role === "manager");
  const childNumber = (target: string) =>
    eventsOf(run.events, "process.spawn", (e) => e.target.endsWith(`#${target}`)).map(
      (e) => e.child,
    );
  for (const p of [...childNumber("connectingChild"), ...childNumber("proxyChild")]) {
    const calls = run.events.filter((e) => e.type === "manager.call" && e.p === p);
    assert.ok(calls.length > 0, `P${p} made no recorded call`);
    assert.ok(calls.every((c) => c.type === "manager.call" && c.server === manager.child));
  }
  const [refused] = childNumber("wrongKeyChild");
  assert.deepEqual(
    run.events.filter((e) => e.type === "manager.call" && e.p === refused),
    [],
    "the refused child made calls",
  );
});
