import { test } from "node:test";
import * as assert from "node:assert/strict";
import { RunModel } from "../../src/model/run-model";
import type { TraceEvent } from "../../src/protocol/trace";

const ms = 1_000_000;

function model(events: TraceEvent[]): RunModel {
  const m = new RunModel();
  for (const event of events) m.add(event);
  return m;
}

test("builds the process tree from spawn, start and exit events", () => {
  const m = model([
    { type: "process.start", t: 0, p: 1, pid: 100, ppid: 1, name: "MainProcess" },
    {
      type: "process.spawn",
      t: 1 * ms,
      p: 1,
      child: 2,
      pid: 101,
      name: "Process-1",
      target: "a.ts#f",
      daemon: false,
      role: "process",
    },
    {
      type: "process.spawn",
      t: 2 * ms,
      p: 2,
      child: 3,
      pid: 102,
      name: "Process-1:1",
      target: "a.ts#g",
      daemon: true,
      role: "process",
    },
    { type: "process.exit", t: 5 * ms, p: 3, exitCode: -9, signal: "SIGKILL", source: "parent" },
  ]);
  const tree = m
    .tree()
    .map(({ row, depth }) => `${depth}:${row.label}:${row.name}:${row.exitCode}`);
  assert.deepEqual(tree, ["0:P1:MainProcess:null", "1:P2:Process-1:null", "2:P3:Process-1:1:-9"]);
});

test("pairs sends and receives into routes and counts what is left", () => {
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.1", kind: "queue", maxsize: 0 },
    { type: "message.send", t: 1, p: 2, obj: "1.1", msg: "2:1", size: 0 },
    { type: "message.send", t: 2, p: 3, obj: "1.1", msg: "3:1", size: 0 },
    { type: "message.send", t: 3, p: 3, obj: "1.1", msg: "3:2", size: 0 },
    { type: "message.receive", t: 4, p: 1, obj: "1.1", msg: "2:1", size: 10, wait: 0 },
    { type: "message.receive", t: 5, p: 1, obj: "1.1", msg: "3:1", size: 12, wait: 0 },
  ]);
  const flow = m.flows.get("1.1")!;
  assert.equal(flow.name, "Queue1");
  assert.equal(flow.sends, 3);
  assert.equal(flow.receives, 2);
  assert.equal(flow.pending, 1);
  assert.equal(flow.bytes, 22);
  assert.deepEqual(
    [...flow.routes],
    [
      ["P2→P1", 1],
      ["P3→P1", 1],
    ],
  );
});

test("lock statistics: contended share, wait percentiles, longest hold", () => {
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "lock" },
    { type: "lock.acquired", t: 1, p: 2, obj: "1.2", wait: 0, heldBy: [] },
    { type: "lock.acquired", t: 2, p: 3, obj: "1.2", wait: 40 * ms, heldBy: [2] },
    { type: "lock.released", t: 3, p: 2, obj: "1.2", hold: 30 * ms },
    { type: "lock.acquired", t: 4, p: 4, obj: "1.2", wait: 10 * ms, heldBy: [3] },
    { type: "lock.timeout", t: 5, p: 5, obj: "1.2", wait: 1 * ms, heldBy: [4] },
  ]);
  const [lock] = m.lockSummaries();
  assert.equal(lock.name, "Lock1");
  assert.equal(lock.acquisitions, 3);
  assert.equal(Math.round(lock.contendedPercent), 67);
  assert.equal(lock.p50Wait, 10 * ms);
  assert.equal(lock.maxWait, 40 * ms);
  assert.equal(lock.totalWait, 51 * ms, "the timed-out wait counts too");
  assert.equal(lock.maxHold, 30 * ms);
  assert.equal(lock.timeouts, 1);
});

test("lock statistics: a wait that never ended (waiter killed, run over) counts in total and max wait", () => {
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "lock" },
    { type: "lock.request", t: 0, p: 2, obj: "1.2" },
    { type: "lock.acquired", t: 1 * ms, p: 2, obj: "1.2", wait: 1 * ms, heldBy: [] },
    { type: "lock.request", t: 2 * ms, p: 3, obj: "1.2" },
    { type: "lock.request", t: 3 * ms, p: 4, obj: "1.2" },
    { type: "lock.timeout", t: 5 * ms, p: 4, obj: "1.2", wait: 2 * ms, heldBy: [2] },
    // P3 dies waiting, 500 ms after it asked; P5 is still waiting when the run ends.
    { type: "process.exit", t: 502 * ms, p: 3, exitCode: -9, signal: "SIGKILL", source: "parent" },
    { type: "lock.request", t: 600 * ms, p: 5, obj: "1.2" },
    { type: "run.end", t: 800 * ms, p: 1, exitCode: 3, signal: null },
  ]);
  const [lock] = m.lockSummaries();
  assert.equal(lock.acquisitions, 1);
  assert.equal(lock.timeouts, 1);
  assert.equal(lock.unendedWaits, 2);
  assert.equal(lock.maxWait, 500 * ms);
  assert.equal(lock.totalWait, 1 * ms + 2 * ms + 500 * ms + 200 * ms);
  assert.equal(lock.p50Wait, 1 * ms, "the median is of waits that ended");
});

test("a message lost in a pool worker's task queue says what the pool does about it", () => {
  const lost = (obj: string): TraceEvent => ({
    type: "warning",
    t: 3 * ms,
    p: 2,
    code: "message-lost",
    obj,
    message: `P2 ended holding 1 message(s) of ${obj} it had fetched and not reported taken: 1:7`,
    msgs: ["1:7"],
  });
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.1", kind: "pool", value: 2 },
    {
      type: "object.create",
      t: 0,
      p: 1,
      obj: "1.2",
      kind: "queue",
      owner: "1.1",
      role: "tasks of PoolWorker-1",
    },
    { type: "object.create", t: 0, p: 1, obj: "1.3", kind: "queue" },
    lost("1.2"),
    lost("1.3"),
  ]);
  const [pooled, plain] = m.warnings.map((w) => w.message);
  assert.match(pooled, /^P2 ended holding 1 message\(s\) of Pool1 tasks of PoolWorker-1 .*: 1:7; /);
  assert.match(pooled, /the pool fails the one its worker was running and hands the rest/);
  assert.equal(
    plain,
    "P2 ended holding 1 message(s) of Queue1 it had fetched and not reported taken: 1:7",
  );
});

test("a semaphore's permit given back by a process that holds none comes off the oldest holder", () => {
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.3", kind: "semaphore", value: 2 },
    { type: "lock.acquired", t: 1, p: 2, obj: "1.3", wait: 0, heldBy: [] },
    { type: "lock.acquired", t: 2, p: 3, obj: "1.3", wait: 0, heldBy: [] },
    // P4 signals with the semaphore: its release frees P2's permit, as the hub counts it.
    { type: "lock.released", t: 3, p: 4, obj: "1.3", hold: 0 },
    { type: "lock.released", t: 4, p: 3, obj: "1.3", hold: 2 },
  ]);
  const [semaphore] = m.lockSummaries();
  assert.equal(semaphore.inUse, 0, "no permit is held at the end");
  assert.deepEqual([...m.locks.get("1.3")!.holders], []);
});

test("a holder that died is no longer counted as holding: the hub gave its permits back", () => {
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "lock" },
    { type: "lock.acquired", t: 1, p: 2, obj: "1.2", wait: 0, heldBy: [] },
    { type: "process.exit", t: 2, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
    // The hub's warning names the dead holder; the process granted the lock next warns too.
    {
      type: "warning",
      t: 3,
      p: 2,
      code: "holder-died",
      obj: "1.2",
      holder: 2,
      message: "P2 ended while holding 1.2; it was released and the next waiter got it",
    },
    { type: "lock.acquired", t: 4, p: 3, obj: "1.2", wait: 3, heldBy: [2] },
    {
      type: "warning",
      t: 5,
      p: 3,
      code: "holder-died",
      obj: "1.2",
      message: "1.2 was granted after a process died holding it",
    },
  ]);
  const [lock] = m.lockSummaries();
  assert.equal(lock.inUse, 1, "P3 holds it");
  assert.deepEqual([...m.locks.get("1.2")!.holders], [[3, 1]]);
  assert.equal(m.locks.get("1.2")!.holder, 3);
  assert.match(m.warnings[0].message, /holding Lock1/);
});

test("a wait on a barrier or an event that never ended counts in its waits, total and max wait", () => {
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.4", kind: "barrier", value: 2 },
    { type: "object.create", t: 0, p: 1, obj: "1.5", kind: "event" },
    { type: "object.block", t: 1 * ms, p: 2, obj: "1.4", op: "wait" },
    { type: "object.block", t: 2 * ms, p: 3, obj: "1.4", op: "wait" },
    {
      type: "sync.wait",
      t: 12 * ms,
      p: 3,
      obj: "1.4",
      op: "barrier.wait",
      wait: 10 * ms,
      outcome: "broken",
      wokenBy: null,
    },
    // P2 was killed waiting at 101 ms; P4 still waits on the event when the run ends.
    { type: "process.exit", t: 101 * ms, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
    { type: "object.block", t: 150 * ms, p: 4, obj: "1.5", op: "wait" },
    { type: "run.end", t: 400 * ms, p: 1, exitCode: 130, signal: "SIGINT" },
  ]);
  const barrier = m.signals.get("1.4")!;
  assert.deepEqual(
    [barrier.waits, barrier.unended, barrier.broken, barrier.totalWait, barrier.maxWait],
    [2, 1, 1, 110 * ms, 100 * ms],
  );
  const event = m.signals.get("1.5")!;
  assert.deepEqual([event.waits, event.unended, event.maxWait], [1, 1, 250 * ms]);
});

test("live, a wait can come before its object's creation: it still counts when it never ends", () => {
  const m = model([
    { type: "object.block", t: 1 * ms, p: 2, obj: "1.4", op: "wait" },
    { type: "object.create", t: 0, p: 1, obj: "1.4", kind: "barrier", value: 2 },
    { type: "process.exit", t: 5 * ms, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
  ]);
  const barrier = m.signals.get("1.4")!;
  assert.equal(barrier.name, "Barrier1");
  assert.deepEqual([barrier.waits, barrier.unended, barrier.maxWait], [1, 1, 4 * ms]);
});

test("of two waits of one process on one lock, an end closes the one that began when it says", () => {
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "lock" },
    { type: "lock.acquired", t: 0, p: 1, obj: "1.2", wait: 0, heldBy: [] },
    // P2: void lock.acquire() at 1 ms, then acquire({ timeout: 0.1 }) at 5 ms, which gives up.
    { type: "lock.request", t: 1 * ms, p: 2, obj: "1.2" },
    { type: "lock.request", t: 5 * ms, p: 2, obj: "1.2" },
    { type: "lock.timeout", t: 105 * ms, p: 2, obj: "1.2", wait: 100 * ms, heldBy: [1] },
    { type: "process.exit", t: 201 * ms, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
  ]);
  const [lock] = m.lockSummaries();
  assert.equal(lock.unendedWaits, 1);
  assert.equal(lock.maxWait, 200 * ms, "the first wait never ended: 1 ms to 201 ms");
});

test("a hold that ends with its holder (killed in a deadlock, or the run ending) counts in max hold", () => {
  const m = model([
    { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "lock" },
    { type: "object.create", t: 0, p: 1, obj: "1.3", kind: "semaphore", value: 2 },
    { type: "lock.acquired", t: 1 * ms, p: 2, obj: "1.2", wait: 0, heldBy: [] },
    { type: "lock.acquired", t: 2 * ms, p: 3, obj: "1.3", wait: 0, heldBy: [] },
    // P2 is killed holding the lock; P3 still holds a permit when the run ends.
    { type: "process.exit", t: 755 * ms, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
    { type: "run.end", t: 902 * ms, p: 1, exitCode: 3, signal: null },
  ]);
  const [lock, semaphore] = m.lockSummaries();
  assert.equal(lock.maxHold, 754 * ms);
  assert.equal(semaphore.maxHold, 900 * ms);
});
