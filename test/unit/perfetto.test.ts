import { test } from "node:test";
import * as assert from "node:assert/strict";
import { toChromeTrace, type ChromeTraceEvent } from "../../src/model/perfetto";
import type { TraceEvent } from "../../src/protocol/trace";

const ms = 1_000_000;

/** Microseconds as an importer reads them: whole nanoseconds. */
const ns = (us: number): number => Math.trunc(us * 1000);

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
  const processes = new Set(events.filter((e) => e.name === "process_name").map((e) => e.pid));
  for (const [key, slices] of tracks) {
    if (!named.has(key)) found.push(`thread ${key} has no name`);
    if (!processes.has(slices[0].pid)) found.push(`process ${slices[0].pid} has no name`);
    slices.sort((a, b) => ns(a.ts!) - ns(b.ts!) || ns(b.dur!) - ns(a.dur!));
    const open: number[] = [];
    for (const slice of slices) {
      while (open.length > 0 && open[open.length - 1] <= ns(slice.ts!)) open.pop();
      const end = ns(slice.ts!) + ns(slice.dur!);
      if (open.length > 0 && end > open[open.length - 1]) {
        found.push(`${slice.name} on ${key} overlaps the slice it starts in`);
      }
      open.push(end);
    }
  }
  const flows = events.filter((e) => e.ph === "s" || e.ph === "f");
  for (const end of flows) {
    const inside = (tracks.get(`${end.pid}|${end.tid}`) ?? []).some(
      (slice) => ns(slice.ts!) <= ns(end.ts!) && ns(end.ts!) <= ns(slice.ts!) + ns(slice.dur!),
    );
    if (!inside) found.push(`flow ${end.ph} ${end.id} is in no slice of its thread`);
  }
  const ids = (ph: string): number[] => flows.filter((e) => e.ph === ph).map((e) => e.id!);
  const [starts, finishes] = [ids("s"), ids("f")];
  if (
    new Set(starts).size !== starts.length ||
    starts.length !== finishes.length ||
    starts.some((id) => !finishes.includes(id))
  ) {
    found.push("flow starts and finishes do not pair one to one");
  }
  return found;
}

/**
 * What Perfetto's JSON importer binds each arrow end to: events in time order (slices
 * before flow events at one time), a stack of slices per thread that drops a slice only
 * when the next one begins after its end, and a flow end bound to the top of that stack.
 * Returns, per flow id, the names of the slices its two ends bound to ("s" then "f"), and
 * for "f" the slice under that one too.
 */
function bindings(events: ChromeTraceEvent[]): Map<number, string[]> {
  const ordered = events
    .filter((e) => e.ph === "X" || e.ph === "s" || e.ph === "f")
    .map((e, index) => ({ e, index }))
    .sort(
      (a, b) =>
        ns(a.e.ts!) - ns(b.e.ts!) ||
        Number(a.e.ph !== "X") - Number(b.e.ph !== "X") ||
        a.index - b.index,
    );
  const stacks = new Map<string, Array<{ name: string; end: number }>>();
  const bound = new Map<number, string[]>();
  for (const { e } of ordered) {
    const key = `${e.pid}|${e.tid}`;
    const stack = stacks.get(key) ?? [];
    stacks.set(key, stack);
    if (e.ph === "X") {
      while (stack.length > 0 && stack[stack.length - 1].end <= ns(e.ts!)) stack.pop();
      stack.push({ name: e.name, end: ns(e.ts!) + ns(e.dur!) });
      continue;
    }
    const top = stack[stack.length - 1]?.name ?? "(nothing)";
    const under = stack[stack.length - 2]?.name ?? "(nothing)";
    bound.set(e.id!, [...(bound.get(e.id!) ?? []), ...(e.ph === "s" ? [top] : [top, under])]);
  }
  return bound;
}

/** Exports `events`, checks the result as Perfetto would, and finds a slice's place by name. */
function exportChecked(events: TraceEvent[]): {
  traceEvents: ChromeTraceEvent[];
  span: (name: string) => number[];
} {
  const { traceEvents } = toChromeTrace(events);
  assert.deepEqual(problems(traceEvents), []);
  const span = (name: string): number[] => {
    const found = traceEvents.find((e) => e.ph === "X" && e.name === name);
    assert.ok(found, `no slice named ${name}`);
    return [found.pid, ns(found.ts!), ns(found.dur!)];
  };
  return { traceEvents, span };
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
  const { traceEvents } = exportChecked(events);
  const threadNames = traceEvents
    .filter((e) => e.name === "thread_name" && e.pid === 100)
    .map((e) => e.args?.name);
  assert.deepEqual(threadNames.sort(), ["Lock1", "Lock2", "calls", "calls (2)", "waits on Event1"]);
  // The wake-up is an arrow from P2's set to the end of P1's wait.
  const wake = traceEvents.filter((e) => e.name === "wake-up").sort((a, b) => a.ts! - b.ts!);
  assert.deepEqual(
    wake.map((e) => [e.ph, e.pid, Math.trunc(e.ts! * 1000)]),
    [
      ["s", 200, 12 * ms],
      ["f", 100, 13 * ms - 1],
    ],
  );
  assert.deepEqual(bindings(traceEvents).get(wake[0].id!), ["set Event1", "woken", "wait Event1"]);
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
  const { traceEvents, span } = exportChecked(events);
  assert.equal(span("Pool1 task 1 square")[0], 200, "the task is on its worker");
  assert.equal(span("Pool1 task 2 square (failed)")[0], 200, "the failed task too");
  assert.equal(span("manager dict.set")[2], 1 * ms);
  assert.equal(span("join P3")[0], 100);
  assert.deepEqual(span("wait Lock1 (never ended)"), [300, 9 * ms, 6 * ms]);
  assert.equal(span("wait Barrier1 (never ended)")[0], 100);
  const deadlock = traceEvents.find((e) => e.ph === "i" && e.s === "g");
  assert.match(deadlock?.name ?? "(no global instant)", /P3, P1 wait for each other[\s\S]*Lock1/);
});

test("arrows bind where Perfetto binds them, at nanosecond times, past children and pulses", () => {
  // Times that are not whole microseconds: what a real trace has.
  const t = (n: number): number => n * ms + 123_457;
  const events: TraceEvent[] = [
    start(1, 100, "MainProcess"),
    start(2, 200, "Process-1"),
    { type: "object.create", t: 0, p: 1, obj: "1.1a", kind: "pipe", peer: "1.1b" },
    { type: "object.create", t: 0, p: 1, obj: "1.3", kind: "event" },
    { type: "object.create", t: 0, p: 1, obj: "1.4", kind: "lock" },
    // P1 receives; while it waits, its other task sets the event (a mark inside the recv).
    { type: "object.block", t: t(1), p: 1, obj: "1.1a", op: "recv" },
    { type: "sync.signal", t: t(2), p: 1, obj: "1.3", op: "event.set" },
    { type: "message.send", t: t(3), p: 2, obj: "1.1a", msg: "2:1", size: 1 },
    { type: "message.receive", t: t(4), p: 1, obj: "1.1a", msg: "2:1", size: 1, wait: 3 * ms },
    // P2 waits on the event; P1 pulses it: set, then clear. The arrow comes from the set.
    { type: "object.block", t: t(5), p: 2, obj: "1.3", op: "wait" },
    { type: "sync.signal", t: t(6), p: 1, obj: "1.3", op: "event.set" },
    { type: "sync.signal", t: t(6) + 10, p: 1, obj: "1.3", op: "event.clear" },
    {
      type: "sync.wait",
      t: t(7),
      p: 2,
      obj: "1.3",
      op: "event.wait",
      wait: 2 * ms,
      outcome: "woken",
      wokenBy: 1,
    },
    // A lock waited for, then held from the very nanosecond the wait ends.
    { type: "lock.acquired", t: t(9), p: 2, obj: "1.4", wait: 1 * ms + 1, heldBy: [1] },
    { type: "lock.released", t: t(10), p: 2, obj: "1.4", hold: 1 * ms },
    // A recv that ended with EOFError: it ended, it is not a wait that never did.
    { type: "object.block", t: t(11), p: 1, obj: "1.1a", op: "recv" },
    { type: "object.timeout", t: t(12), p: 1, obj: "1.1a", op: "recv", wait: 1 * ms, eof: true },
    { type: "run.end", t: t(13), p: 1, exitCode: 0, signal: null },
  ];
  const { traceEvents } = exportChecked(events);
  const bound = bindings(traceEvents);
  const idOf = (name: string): number =>
    traceEvents.find((e) => e.ph === "f" && e.name === name)!.id!;
  assert.deepEqual(bound.get(idOf("message")), ["send Pipe1.a", "arrives", "recv Pipe1.a"]);
  assert.deepEqual(bound.get(idOf("wake-up")), ["set Event1", "woken", "wait Event1"]);
  assert.equal(traceEvents.filter((e) => e.ph === "s").length, 2, "no arrow from the clear");
  // Nanoseconds come back whole, truncated or rounded: the hold starts where the wait ends.
  const [wait, hold] = ["wait Lock1", "hold Lock1"].map((name) =>
    traceEvents.find((e) => e.name === name)!,
  );
  for (const convert of [Math.trunc, Math.round]) {
    const whole = (us: number): number => convert(us * 1000);
    assert.equal(whole(wait.ts!) + whole(wait.dur!), whole(hold.ts!));
    assert.equal(whole(hold.ts!), t(9));
  }
  assert.equal(wait.tid, hold.tid, "one thread for the lock");
  assert.ok(traceEvents.some((e) => e.name === "recv Pipe1.a (EOF)"));
  assert.ok(!traceEvents.some((e) => e.name.includes("never ended")));
});

test("each wake-up arrow starts at the set or notify that woke that wait", () => {
  const wait = (t: number, p: number, obj: string, waited: number): TraceEvent => ({
    type: "sync.wait",
    t,
    p,
    obj,
    op: obj === "c" ? "condition.wait" : "event.wait",
    wait: waited,
    outcome: "woken",
    wokenBy: 1,
  });
  const events: TraceEvent[] = [
    start(1, 100, "MainProcess"),
    start(2, 200, "Process-1"),
    start(3, 300, "Process-2"),
    { type: "object.create", t: 0, p: 1, obj: "c", kind: "condition" },
    { type: "object.create", t: 0, p: 1, obj: "e", kind: "event" },
    // Two waiters on the condition; notify(1), then notify(1): one each, in order.
    { type: "object.block", t: 1 * ms, p: 2, obj: "c", op: "wait" },
    { type: "object.block", t: 1 * ms, p: 3, obj: "c", op: "wait" },
    {
      type: "sync.signal",
      t: 2 * ms,
      p: 1,
      obj: "c",
      op: "condition.notify",
      count: 1,
      loc: "a.ts:11:3",
    },
    {
      type: "sync.signal",
      t: 3 * ms,
      p: 1,
      obj: "c",
      op: "condition.notify",
      count: 1,
      loc: "a.ts:12:3",
    },
    wait(4 * ms, 2, "c", 3 * ms),
    wait(5 * ms, 3, "c", 4 * ms),
    // An event pulsed set, clear, set: both waiters were woken by the first set.
    { type: "object.block", t: 6 * ms, p: 2, obj: "e", op: "wait" },
    { type: "object.block", t: 6 * ms, p: 3, obj: "e", op: "wait" },
    { type: "sync.signal", t: 7 * ms, p: 1, obj: "e", op: "event.set", loc: "a.ts:20:3" },
    { type: "sync.signal", t: 8 * ms, p: 1, obj: "e", op: "event.clear", loc: "a.ts:21:3" },
    { type: "sync.signal", t: 9 * ms, p: 1, obj: "e", op: "event.set", loc: "a.ts:22:3" },
    wait(10 * ms, 2, "e", 4 * ms),
    wait(10 * ms + 5, 3, "e", 4 * ms + 5),
    { type: "run.end", t: 11 * ms, p: 1, exitCode: 0, signal: null },
  ];
  const { traceEvents } = exportChecked(events);
  const starts = traceEvents.filter((e) => e.ph === "s" && e.name === "wake-up");
  const finishes = traceEvents.filter((e) => e.ph === "f" && e.name === "wake-up");
  const sourceOf = (pid: number, waitEnd: number): string => {
    const finish = finishes.find((e) => e.pid === pid && ns(e.ts!) === waitEnd - 1)!;
    const from = starts.find((e) => e.id === finish.id)!;
    const mark = traceEvents.find((e) => e.ph === "X" && e.pid === 100 && e.ts === from.ts)!;
    return String(mark.args?.location);
  };
  assert.equal(sourceOf(200, 4 * ms), "a.ts:11:3");
  assert.equal(sourceOf(300, 5 * ms), "a.ts:12:3");
  assert.equal(sourceOf(200, 10 * ms), "a.ts:20:3");
  assert.equal(sourceOf(300, 10 * ms + 5), "a.ts:20:3");
});

test("holds: one never released ends with its holder; a permit given back by another ends the oldest", () => {
  const events: TraceEvent[] = [
    start(1, 100, "MainProcess"),
    start(2, 200, "Process-1"),
    start(3, 300, "Process-2"),
    { type: "object.create", t: 0, p: 1, obj: "l", kind: "lock" },
    { type: "object.create", t: 0, p: 1, obj: "s", kind: "semaphore", value: 2 },
    { type: "lock.acquired", t: 1 * ms, p: 2, obj: "l", wait: 0, heldBy: [] },
    { type: "lock.acquired", t: 2 * ms, p: 2, obj: "s", wait: 0, heldBy: [] },
    // P3 signals with the semaphore: P2's permit is the one given back.
    { type: "lock.released", t: 4 * ms, p: 3, obj: "s", hold: 0 },
    { type: "process.exit", t: 9 * ms, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
    { type: "run.end", t: 10 * ms, p: 1, exitCode: 0, signal: null },
  ];
  const { traceEvents, span } = exportChecked(events);
  assert.deepEqual(span("hold Lock1 (never released)"), [200, 1 * ms, 8 * ms]);
  assert.deepEqual(span("hold Semaphore1"), [200, 2 * ms, 2 * ms]);
  assert.equal(span("release Semaphore1")[0], 300);
  assert.ok(!traceEvents.some((e) => e.name === "hold Semaphore1 (never released)"));
});

test("pool tasks: one whose worker died runs from its start to that death; one cut short by terminate() says so", () => {
  const events: TraceEvent[] = [
    start(1, 100, "MainProcess"),
    start(2, 200, "PoolWorker-1"),
    start(3, 300, "PoolWorker-2"),
    { type: "object.create", t: 0, p: 1, obj: "1.1", kind: "pool", value: 2 },
    { type: "pool.submit", t: 1 * ms, p: 1, obj: "1.1", task: 5, fn: "/w/a.ts#die", items: 1 },
    { type: "pool.submit", t: 1 * ms, p: 1, obj: "1.1", task: 7, fn: "/w/a.ts#spin", items: 1 },
    { type: "pool.start", t: 2 * ms, p: 2, obj: "1.1", task: 5 },
    { type: "pool.start", t: 3 * ms, p: 3, obj: "1.1", task: 7 },
    { type: "process.exit", t: 6 * ms, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
    {
      type: "pool.done",
      t: 7 * ms,
      p: 1,
      obj: "1.1",
      task: 5,
      ok: false,
      duration: 0,
      error: "worker died",
      workerPid: 200,
    },
    // terminate(): worker 2 ends in the middle of task 7.
    { type: "process.exit", t: 9 * ms, p: 3, exitCode: -15, signal: "SIGTERM", source: "parent" },
    { type: "run.end", t: 10 * ms, p: 1, exitCode: 0, signal: null },
  ];
  const { span } = exportChecked(events);
  assert.deepEqual(
    span("Pool1 task 5 die (failed)"),
    [200, 2 * ms, 4 * ms],
    "to its worker's death",
  );
  assert.deepEqual(span("Pool1 task 7 spin (never finished)"), [300, 3 * ms, 6 * ms]);
});
