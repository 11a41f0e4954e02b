import { test } from "node:test";
import * as assert from "node:assert/strict";
import { toChromeTrace, type ChromeTraceEvent } from "../../src/model/perfetto";
import type { TraceEvent } from "../../src/protocol/trace";

const ms = 1_000_000;

/** Checks what Perfetto requires of a JSON trace's slices and flows; returns the problems. */
function problems(events: ChromeTraceEvent[]): string[] {
  const found: string[] = [];
  const tracks = new Map<string, ChromeTraceEvent[]>();
  for (const event of events.filter((e) => e.ph === "X")) {
    const key = `${event.pid}|${event.tid}`;
    tracks.set(key, [...(tracks.get(key) ?? []), event]);
  }
  const named = new Set(
    events.filter((e) => e.name === "thread_name").map((e) => `${e.pid}|${e.tid}`),
  );
  for (const [key, slices] of tracks) {
    if (!named.has(key)) found.push(`thread ${key} has no name`);
    slices.sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    const open: number[] = [];
    for (const slice of slices) {
      while (open.length > 0 && open[open.length - 1] <= slice.ts!) open.pop();
      const end = slice.ts! + slice.dur!;
      if (open.length > 0 && end > open[open.length - 1] + 1e-6) {
        found.push(`${slice.name} on ${key} overlaps the slice it starts in`);
      }
      open.push(end);
    }
  }
  const flows = events.filter((e) => e.ph === "s" || e.ph === "f");
  for (const end of flows) {
    const inside = (tracks.get(`${end.pid}|${end.tid}`) ?? []).some(
      (slice) => slice.ts! - 1e-6 <= end.ts! && end.ts! <= slice.ts! + slice.dur! + 1e-6,
    );
    if (!inside) found.push(`flow ${end.ph} ${end.id} is in no slice of its thread`);
  }
  const starts = new Set(flows.filter((e) => e.ph === "s").map((e) => e.id));
  const finishes = new Set(flows.filter((e) => e.ph === "f").map((e) => e.id));
  if (starts.size !== finishes.size || [...starts].some((id) => !finishes.has(id))) {
    found.push("flow starts and finishes do not pair");
  }
  return found;
}

function start(p: number, pid: number, name: string): TraceEvent {
  return { type: "process.start", t: 0, p, pid, ppid: 1, name };
}

test("calls that overlap without nesting go to threads of their own, and every thread nests", () => {
  const events: TraceEvent[] = [
    start(1, 100, "MainProcess"),
    start(2, 200, "Process-1"),
    { type: "object.create", t: 0, p: 1, obj: "1.1", kind: "queue", maxsize: 0 },
    { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "queue", maxsize: 0 },
    { type: "object.create", t: 0, p: 1, obj: "1.3", kind: "event" },
    { type: "object.create", t: 0, p: 1, obj: "1.4", kind: "lock" },
    { type: "object.create", t: 0, p: 1, obj: "1.5", kind: "lock" },
    // P1 watches the event in the background, and awaits two gets together.
    { type: "object.block", t: 1 * ms, p: 1, obj: "1.3", op: "wait" },
    { type: "object.block", t: 2 * ms, p: 1, obj: "1.1", op: "get" },
    { type: "object.block", t: 3 * ms, p: 1, obj: "1.2", op: "get" },
    { type: "message.send", t: 4 * ms, p: 2, obj: "1.1", msg: "2:1", size: 1 },
    { type: "message.receive", t: 5 * ms, p: 1, obj: "1.1", msg: "2:1", size: 1, wait: 3 * ms },
    { type: "message.send", t: 6 * ms, p: 2, obj: "1.2", msg: "2:2", size: 1 },
    { type: "message.receive", t: 7 * ms, p: 1, obj: "1.2", msg: "2:2", size: 1, wait: 4 * ms },
    // P1 holds two locks, let go in the order it took them.
    { type: "lock.acquired", t: 8 * ms, p: 1, obj: "1.4", wait: 0, heldBy: [] },
    { type: "lock.acquired", t: 9 * ms, p: 1, obj: "1.5", wait: 0, heldBy: [] },
    { type: "lock.released", t: 10 * ms, p: 1, obj: "1.4", hold: 2 * ms },
    { type: "lock.released", t: 11 * ms, p: 1, obj: "1.5", hold: 2 * ms },
    { type: "sync.signal", t: 12 * ms, p: 2, obj: "1.3", op: "event.set" },
    {
      type: "sync.wait",
      t: 13 * ms,
      p: 1,
      obj: "1.3",
      op: "event.wait",
      wait: 12 * ms,
      outcome: "woken",
      wokenBy: 2,
    },
    { type: "process.exit", t: 20 * ms, p: 2, exitCode: 0, signal: null, source: "parent" },
    { type: "run.end", t: 21 * ms, p: 1, exitCode: 0, signal: null },
  ];
  const { traceEvents } = toChromeTrace(events);
  assert.deepEqual(problems(traceEvents), []);
  const threadNames = traceEvents
    .filter((e) => e.name === "thread_name" && e.pid === 100)
    .map((e) => e.args?.name);
  assert.deepEqual(threadNames.sort(), ["Lock1", "Lock2", "calls", "calls (2)", "waits on Event1"]);
  // The wake-up is an arrow from P2's set to the end of P1's wait.
  const wake = traceEvents.filter((e) => e.name === "wake-up").sort((a, b) => a.ts! - b.ts!);
  assert.deepEqual(
    wake.map((e) => [e.ph, e.pid, e.ts]),
    [
      ["s", 200, 12_000],
      ["f", 100, 13_000],
    ],
  );
  const messages = traceEvents.filter((e) => e.name === "message" && e.ph === "f");
  assert.equal(messages.length, 2);
  // P1 lived to the end of the run without an exit event: its lifetime still shows.
  assert.ok(
    traceEvents.some((e) => e.name === "P1 MainProcess (still running when the run ended)"),
  );
});

test("waits that never ended, pool tasks on their workers, joins, manager calls and a deadlock", () => {
  const events: TraceEvent[] = [
    start(1, 100, "MainProcess"),
    start(2, 200, "ForkPoolWorker-1"),
    start(3, 300, "Process-1"),
    { type: "object.create", t: 0, p: 1, obj: "1.1", kind: "pool", value: 1 },
    { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "lock" },
    { type: "object.create", t: 0, p: 1, obj: "1.3", kind: "barrier", value: 2 },
    { type: "pool.submit", t: 1 * ms, p: 1, obj: "1.1", task: 1, fn: "/w/a.ts#square", items: 1 },
    { type: "pool.submit", t: 1 * ms, p: 1, obj: "1.1", task: 2, fn: "/w/a.ts#square", items: 1 },
    { type: "pool.done", t: 4 * ms, p: 2, obj: "1.1", task: 1, ok: true, duration: 2 * ms },
    // The worker died in task 2: its owner says so.
    {
      type: "pool.done",
      t: 6 * ms,
      p: 1,
      obj: "1.1",
      task: 2,
      ok: false,
      duration: 0,
      error: "worker died",
      workerPid: 200,
    },
    { type: "process.exit", t: 6 * ms, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
    {
      type: "manager.call",
      t: 8 * ms,
      p: 1,
      server: 4,
      method: "dict.set",
      duration: 1 * ms,
      ok: true,
    },
    { type: "lock.request", t: 9 * ms, p: 3, obj: "1.2" },
    { type: "object.block", t: 9 * ms, p: 1, obj: "1.3", op: "wait" },
    {
      type: "deadlock",
      t: 10 * ms,
      p: 1,
      processes: [
        { p: 3, obj: "1.2", op: "lock.acquire", waitingFor: [1] },
        { p: 1, obj: "1.3", op: "barrier.wait", waitingFor: [3] },
      ],
      message: "deadlock",
    },
    { type: "process.join", t: 12 * ms, p: 1, childPid: 300, wait: 1 * ms },
    { type: "run.end", t: 15 * ms, p: 1, exitCode: 3, signal: null },
  ];
  const { traceEvents } = toChromeTrace(events);
  assert.deepEqual(problems(traceEvents), []);
  const named = (name: string): ChromeTraceEvent | undefined =>
    traceEvents.find((e) => e.name === name);
  assert.equal(named("Pool1 task 1 square")?.pid, 200, "the task is on its worker");
  assert.equal(named("Pool1 task 2 square (failed)")?.pid, 200);
  assert.equal(named("manager dict.set")?.dur, 1000);
  assert.equal(named("join P3")?.pid, 100);
  const lock = named("wait Lock1 (never ended)");
  assert.deepEqual([lock?.pid, lock?.ts, lock?.dur], [300, 9000, 6000]);
  assert.equal(named("wait Barrier1 (never ended)")?.pid, 100);
  const deadlock = traceEvents.find((e) => e.ph === "i" && e.s === "g");
  assert.match(deadlock?.name ?? "", /P3, P1 wait for each other[\s\S]*Lock1/);
});
