import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  describeBlocked,
  describeLifetime,
  describeLockHold,
  describeLockWait,
  describeMessage,
  describeOpen,
  describeSpawn,
  formatInstant,
  shortLocation,
  type Naming,
} from "../../src/model/describe";
import type { TraceEvent } from "../../src/protocol/trace";

const ms = 1_000_000;
const naming: Naming = {
  object: (obj) => ({ L: "Lock1", q: "Queue1" })[obj] ?? obj,
  process: (p) => `P${p} (Process-${p - 1})`,
  processOfPid: (pid) => (pid === 11 ? 2 : undefined),
};

test("locations are shortened to file and line", () => {
  assert.equal(shortLocation("/home/me/app/worker.ts:16:5"), "worker.ts:16");
  assert.equal(shortLocation("C:\\app\\worker.ts:16:5"), "worker.ts:16");
  assert.equal(shortLocation("worker.ts:16"), "worker.ts:16");
  assert.equal(shortLocation(undefined), null);
  assert.equal(formatInstant(624_300_000), "0.624 s");
});

test("a lock wait says who waited how long for what, held by whom, where", () => {
  const events: TraceEvent[] = [
    {
      type: "lock.acquired",
      t: 50 * ms,
      p: 3,
      obj: "L",
      wait: 42 * ms,
      heldBy: [5],
      loc: "/w/worker.ts:16:7",
    },
    { type: "lock.timeout", t: 60 * ms, p: 4, obj: "L", wait: 1000 * ms, heldBy: [5, 3] },
    { type: "lock.acquired", t: 50 * ms, p: 6, obj: "L", wait: 1 * ms, heldBy: [] },
  ];
  assert.equal(
    describeLockWait(events, 0, naming),
    "P3 waited 42.0 ms for Lock1, held by P5, at worker.ts:16",
  );
  assert.equal(
    describeLockWait(events, 1, naming),
    "P4 gave up on Lock1 after 1.00 s (timeout), held by P5, then P3",
  );
  assert.equal(
    describeLockWait(events, 2, naming),
    "P6 waited 1.00 ms for Lock1, which no other process held",
  );
});

test("a hold names where the lock was taken and released", () => {
  const events: TraceEvent[] = [
    { type: "lock.acquired", t: 1, p: 3, obj: "L", wait: 0, heldBy: [], loc: "/w/a.ts:5:3" },
    { type: "lock.released", t: 2, p: 3, obj: "L", hold: 21 * ms, loc: "/w/a.ts:9:3" },
  ];
  assert.equal(
    describeLockHold(events, 1, 0, naming),
    "P3 held Lock1 for 21.0 ms, taken at a.ts:5, released at a.ts:9",
  );
});

test("blocked spans: a get, a join, a timeout, a manager call", () => {
  const events: TraceEvent[] = [
    { type: "object.block", t: 0, p: 1, obj: "q", op: "get" },
    {
      type: "message.receive",
      t: 90 * ms,
      p: 1,
      obj: "q",
      msg: "2:1",
      size: 3,
      wait: 90 * ms,
      loc: "/w/q.ts:13:5",
    },
    { type: "process.join", t: 5, p: 1, childPid: 11, wait: 500 * ms, loc: "/w/q.ts:14:5" },
    { type: "object.timeout", t: 5, p: 2, obj: "q", op: "get", wait: 2000 * ms },
    {
      type: "manager.call",
      t: 5,
      p: 3,
      obj: "q",
      server: 2,
      method: "dict.set",
      duration: 1.5 * ms,
      ok: true,
    },
  ];
  assert.equal(
    describeBlocked(events, 1, 0, naming),
    "P1 waited 90.0 ms for a message on Queue1 (get), at q.ts:13",
  );
  assert.equal(
    describeBlocked(events, 2, -1, naming),
    "P1 waited 500.0 ms for P2 (Process-1) to finish (join), at q.ts:14",
  );
  assert.equal(
    describeBlocked(events, 3, -1, naming),
    "P2 gave up waiting on Queue1 (get) after 2.00 s",
  );
  assert.equal(
    describeBlocked(events, 4, -1, naming),
    "P3 waited 1.50 ms for the manager P2 (Process-1) to do dict.set on Queue1",
  );
});

test("a message arrow says who sent what to whom, and how long it took", () => {
  const events: TraceEvent[] = [
    {
      type: "message.send",
      t: 10 * ms,
      p: 2,
      obj: "q",
      msg: "2:1",
      size: 0,
      preview: "[ 42, null, 'hello' ]",
      loc: "/w/q.ts:6:3",
    },
    {
      type: "message.receive",
      t: 12 * ms,
      p: 1,
      obj: "q",
      msg: "2:1",
      size: 18,
      wait: 0,
      loc: "/w/q.ts:13:5",
    },
  ];
  assert.equal(
    describeMessage(events, 1, 0, naming),
    "P2 sent [ 42, null, 'hello' ] (18 B) on Queue1 at q.ts:6; P1 received it 2.00 ms later at q.ts:13",
  );
});

test("open waits, spawns and lifetimes", () => {
  const request: TraceEvent = {
    type: "lock.request",
    t: 1 * ms,
    p: 3,
    obj: "L",
    loc: "/w/a.ts:5:3",
  };
  assert.equal(
    describeOpen(request, 1201 * ms, 5, naming),
    "P3 has been waiting 1.20 s for Lock1, held by P5, at a.ts:5",
  );
  const spawn: TraceEvent = {
    type: "process.spawn",
    t: 1,
    p: 1,
    child: 2,
    pid: 11,
    name: "Process-1",
    target: "/w/lock.ts#report",
    daemon: false,
    role: "process",
    loc: "/w/lock.ts:16:71",
  };
  assert.equal(
    describeSpawn(spawn, naming),
    "P1 started P2 (Process-1), running lock.ts#report, at lock.ts:16",
  );
  assert.equal(
    describeLifetime(2, 390 * ms, 650 * ms, 0, naming),
    "P2 (Process-1) ran from 0.390 s to 0.650 s and exited with code 0",
  );
  assert.equal(
    describeLifetime(2, 390 * ms, null, null, naming),
    "P2 (Process-1) has been running since 0.390 s",
  );
});
