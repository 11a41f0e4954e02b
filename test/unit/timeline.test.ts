import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { Naming } from "../../src/model/describe";
import { processState } from "../../src/model/process-state";
import { RunModel } from "../../src/model/run-model";
import { TimelineModel } from "../../src/model/timeline";
import type { TraceEvent } from "../../src/protocol/trace";

const ms = 1_000_000;

function fold(events: TraceEvent[]): TimelineModel {
  const timeline = new TimelineModel();
  events.forEach((event, index) => timeline.add(event, index, events));
  return timeline;
}

const naming: Naming = {
  object: (obj) => (obj === "e" ? "Event1" : obj),
  process: (p) => `P${p}`,
  processOfPid: () => undefined,
};

/** What the process tree says of P1 after `events`. */
function stateOfP1(events: TraceEvent[]): string {
  const model = new RunModel();
  for (const event of events) model.add(event);
  return processState(model.processes.get(1)!, fold(events).lanes.get(1), naming).text;
}

const spawn = (t: number, child: number, pid: number): TraceEvent => ({
  type: "process.spawn",
  t,
  p: 1,
  child,
  pid,
  name: `Process-${child - 1}`,
  target: "a.ts#f",
  daemon: false,
  role: "process",
  loc: "/w/a.ts:9:3",
});

test("a blocked get becomes a span from its block to its receive, and an arrow pairs send and receive", () => {
  const events: TraceEvent[] = [
    { type: "process.start", t: 0, p: 1, pid: 10, ppid: 1, name: "MainProcess" },
    spawn(1 * ms, 2, 11),
    { type: "object.block", t: 2 * ms, p: 1, obj: "q", op: "get" },
    { type: "message.send", t: 5 * ms, p: 2, obj: "q", msg: "2:1", size: 3 },
    { type: "message.receive", t: 6 * ms, p: 1, obj: "q", msg: "2:1", size: 3, wait: 4 * ms },
  ];
  const timeline = fold(events);
  const lane = timeline.lanes.get(1)!;
  assert.equal(lane.blocked.length, 1);
  assert.equal(lane.blocked.start(0), 2 * ms);
  assert.equal(lane.blocked.end(0), 6 * ms);
  assert.equal(lane.blocked.secondRef(0), 2, "refers back to the block event");
  assert.equal(lane.blockedOn(), null);
  assert.equal(timeline.messages.length, 1);
  assert.equal(timeline.messages.start(0), 5 * ms);
  assert.equal(timeline.messages.ref(0), 4);
  assert.equal(timeline.messages.secondRef(0), 3);
  assert.equal(timeline.end, 6 * ms);
  assert.equal(timeline.processOfPid(11), 2);
});

test("a receive relayed before its send still pairs", () => {
  const events: TraceEvent[] = [
    { type: "message.receive", t: 6, p: 1, obj: "q", msg: "2:1", size: 3, wait: 0 },
    { type: "message.send", t: 5, p: 2, obj: "q", msg: "2:1", size: 3 },
  ];
  const timeline = fold(events);
  assert.equal(timeline.messages.length, 1);
  assert.equal(timeline.messages.start(0), 5);
  assert.equal(timeline.messages.end(0), 6);
});

test("lock request, grant and release give a wait span, a hold span, and who holds and waits now", () => {
  const events: TraceEvent[] = [
    { type: "lock.request", t: 1, p: 2, obj: "L" },
    { type: "lock.acquired", t: 2, p: 2, obj: "L", wait: 1, heldBy: [] },
    { type: "lock.request", t: 3, p: 3, obj: "L" },
  ];
  const timeline = fold(events);
  assert.equal(timeline.holderOf("L"), 2);
  assert.deepEqual(timeline.waitersOf("L"), [3]);
  assert.equal(timeline.lanes.get(3)!.blockedOn()?.op, "acquire");
  const more: TraceEvent[] = [
    ...events,
    { type: "lock.released", t: 7, p: 2, obj: "L", hold: 5 },
    { type: "lock.acquired", t: 8, p: 3, obj: "L", wait: 5, heldBy: [2] },
  ];
  const after = fold(more);
  assert.equal(after.holderOf("L"), 3);
  assert.deepEqual(after.waitersOf("L"), []);
  const holds = after.lanes.get(2)!.lockHolds;
  assert.deepEqual([holds.start(0), holds.end(0), holds.secondRef(0)], [2, 7, 1]);
  const waits = after.lanes.get(3)!.lockWaits;
  assert.deepEqual([waits.start(0), waits.end(0), waits.secondRef(0)], [3, 8, 2]);
});

test("a process that exits ends its open waits and holds there", () => {
  const events: TraceEvent[] = [
    { type: "lock.acquired", t: 2, p: 2, obj: "L", wait: 0, heldBy: [] },
    { type: "object.block", t: 3, p: 2, obj: "q", op: "get" },
    { type: "process.exit", t: 9, p: 2, exitCode: 1, signal: null, source: "parent" },
  ];
  const lane = fold(events).lanes.get(2)!;
  assert.equal(lane.exitedAt, 9);
  assert.equal(lane.openWaits.size, 0);
  assert.deepEqual([lane.blocked.start(0), lane.blocked.end(0), lane.blocked.ref(0)], [3, 9, 1]);
  assert.deepEqual([lane.lockHolds.start(0), lane.lockHolds.end(0)], [2, 9]);
});

test("a join with a wait is a blocked span; spawns are remembered", () => {
  const events: TraceEvent[] = [
    spawn(1, 2, 11),
    { type: "process.join", t: 50, p: 1, childPid: 11, wait: 20 },
  ];
  const timeline = fold(events);
  assert.deepEqual(timeline.spawns, [{ t: 1, parent: 1, child: 2, ref: 0 }]);
  const blocked = timeline.lanes.get(1)!.blocked;
  assert.deepEqual([blocked.start(0), blocked.end(0)], [30, 50]);
  assert.equal(timeline.lanes.get(2)!.startedAt, 1);
});

test("a wait on an event is blocked from its beginning: the tree says on what, and the span ends with the wait", () => {
  const events: TraceEvent[] = [
    { type: "process.start", t: 0, p: 1, pid: 10, ppid: 1, name: "MainProcess" },
    { type: "object.block", t: 2 * ms, p: 1, obj: "e", op: "wait", loc: "/w/a.ts:4:9" },
  ];
  assert.equal(stateOfP1(events), "blocked on Event1 (wait) since 0.002 s");
  events.push({
    type: "sync.wait",
    t: 7 * ms,
    p: 1,
    obj: "e",
    op: "event.wait",
    wait: 5 * ms,
    outcome: "woken",
    wokenBy: 2,
  });
  const lane = fold(events).lanes.get(1)!;
  assert.equal(stateOfP1(events), "running");
  assert.deepEqual(
    [lane.blocked.length, lane.blocked.start(0), lane.blocked.end(0)],
    [1, 2 * ms, 7 * ms],
  );
});

test("a wait left pending while the process goes on working is not what it is blocked on", () => {
  const events: TraceEvent[] = [
    { type: "process.start", t: 0, p: 1, pid: 10, ppid: 1, name: "MainProcess" },
    // void stop.wait().then(…), then work: a send, a lock.
    { type: "object.block", t: 1 * ms, p: 1, obj: "stop", op: "wait" },
    { type: "message.send", t: 2 * ms, p: 1, obj: "q", msg: "1:1", size: 3 },
  ];
  assert.equal(stateOfP1(events), "running");
  // Then it blocks in a get: that is what it waits on now.
  events.push({ type: "object.block", t: 3 * ms, p: 1, obj: "q", op: "get" });
  assert.equal(stateOfP1(events), "blocked on q (get) since 0.003 s");
});

test("a semaphore's permit given back by a process that holds none ends the oldest hold", () => {
  const events: TraceEvent[] = [
    { type: "object.create", t: 0, p: 1, obj: "s", kind: "semaphore", value: 2 },
    { type: "lock.acquired", t: 1 * ms, p: 2, obj: "s", wait: 0, heldBy: [] },
    { type: "lock.acquired", t: 2 * ms, p: 3, obj: "s", wait: 0, heldBy: [] },
    { type: "lock.released", t: 5 * ms, p: 4, obj: "s", hold: 0 },
  ];
  const timeline = fold(events);
  assert.deepEqual(timeline.holdersOf("s"), [3]);
  const holds = timeline.lanes.get(2)!.lockHolds;
  assert.deepEqual([holds.length, holds.start(0), holds.end(0)], [1, 1 * ms, 5 * ms]);
  assert.equal(timeline.lanes.get(4)?.lockHolds.length ?? 0, 0, "the releaser held nothing");
});

test("two gets of one process on one queue: one served, the process still waits on the other", () => {
  const events: TraceEvent[] = [
    { type: "process.start", t: 0, p: 1, pid: 10, ppid: 1, name: "MainProcess" },
    // await Promise.all([q.get(), q.get()])
    { type: "object.block", t: 1 * ms, p: 1, obj: "q", op: "get" },
    { type: "object.block", t: 2 * ms, p: 1, obj: "q", op: "get" },
    { type: "message.receive", t: 5 * ms, p: 1, obj: "q", msg: "2:1", size: 1, wait: 4 * ms },
  ];
  assert.equal(stateOfP1(events), "blocked on q (get) since 0.002 s");
  // It dies waiting for the second: both waits are drawn, each from its own beginning.
  events.push({
    type: "process.exit",
    t: 9 * ms,
    p: 1,
    exitCode: -9,
    signal: "SIGKILL",
    source: "parent",
  });
  const lane = fold(events).lanes.get(1)!;
  const spans = Array.from({ length: lane.blocked.length }, (_, i) => [
    lane.blocked.start(i),
    lane.blocked.end(i),
  ]);
  assert.deepEqual(spans, [
    [1 * ms, 5 * ms],
    [2 * ms, 9 * ms],
  ]);
});
