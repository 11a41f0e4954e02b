// Pool (API.md, "Pools") on real worker processes: apply, applyAsync with callbacks run in
// the parent, map/starmap with Python's default chunk size and given ones, imap in order and
// imapUnordered as they finish, AsyncResult, initializer and maxtasksperchild; and what the
// trace records of it (pool.submit / pool.start / pool.done / pool.callback, pool workers).
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  assertThrew,
  cleanUp,
  describeRun,
  eventsOf,
  fixtureLine,
  fixturePath,
  result,
  sharedRun,
  type ErrorReport,
  type FixtureRun,
} from "./helpers";

after(cleanUp);

const FIXTURE = "pool-methods.ts";
const scenario = (name: string) => sharedRun(FIXTURE, { args: [name] });
const applyRun = scenario("apply");
const mapRun = scenario("map");

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const fn = (name: string): string => `${fixturePath(FIXTURE)}#${name}`;

async function succeeded(start: () => Promise<FixtureRun>): Promise<FixtureRun> {
  const run = await start();
  assertSucceeded(run);
  return run;
}

/** Display numbers of the run's pool workers, asserting each was spawned as one. */
function workerNumbers(run: FixtureRun): Set<number> {
  const spawns = eventsOf(run.events, "process.spawn", (e) => e.role === "pool-worker");
  for (const spawn of spawns) {
    assert.match(spawn.name, /^PoolWorker-\d+$/);
    assert.equal(spawn.daemon, true, `${spawn.name} is not a daemon`);
    assert.equal(spawn.p, 1, `${spawn.name} was not spawned by the root`);
  }
  return new Set(spawns.map((spawn) => spawn.child));
}

test("apply runs the function in a worker and resolves its (awaited, copied) result", async () => {
  const run = await succeeded(applyRun);
  const root = result<number>(run, "root-pid");
  assert.equal(result(run, "apply"), 5);
  const workerPid = result<number>(run, "apply-no-args");
  assert.notEqual(workerPid, root, "apply ran in the parent");
  const workerPids = eventsOf(run.events, "process.spawn", (e) => e.role === "pool-worker").map(
    (e) => e.pid,
  );
  assert.ok(workerPids.includes(workerPid), `${workerPid} is not a pool worker`);
  const awaited = result<{ x: number; pid: number }>(run, "apply-async-fn");
  assert.equal(awaited.x, 7, "an async function's result is awaited in the worker");
  assert.notEqual(awaited.pid, root);
  assert.deepEqual(result(run, "apply-map-value"), { isMap: true, date: 0 });
});

test("applyAsync: callback and errorCallback run in the parent; the callback runs before get() resolves", async () => {
  const run = await succeeded(applyRun);
  const root = result<number>(run, "root-pid");
  assert.equal(result(run, "is-async-result"), true);
  const calls = result<Array<{ value: number; pid: number }>>(run, "callbacks");
  assert.deepEqual(
    calls.map((c) => c.value).sort((a, b) => a - b),
    range(6),
    "each result's callback ran once",
  );
  for (const call of calls) assert.equal(call.pid, root, "a callback ran outside the parent");
  const errors = result<Array<Record<string, unknown>>>(run, "error-callbacks");
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(errors[0].name, "RangeError");
  assert.equal(errors[0].isError, true);
  assert.equal(errors[0].pid, root, "the errorCallback ran outside the parent");
  assert.match(String(errors[0].message), /^cb in \d+$/);
  assert.notEqual(errors[0].message, `cb in ${root}`, "the failing task ran in the parent");
  assert.deepEqual(result(run, "callback-before-get"), { got: 81, seenAtGet: 81 });
  assertThrew(
    result<ErrorReport>(run, "error-callback-get"),
    "RangeError",
    "get() of a failed task",
  );
  // Results came from both workers, and closing/joining let every callback run first.
  assert.equal(result<number[]>(run, "workers").length, 2);
});

test("a callback that throws is reported on stderr and the pool goes on", async () => {
  const run = await succeeded(applyRun);
  assert.equal(result(run, "throwing-callback-get"), 4);
  assert.equal(result(run, "after-throwing-callback"), 25);
  assert.match(run.stderr, /a pool callback threw: Error: callback exploded/, describeRun(run));
  const failed = eventsOf(run.events, "pool.callback", (e) => !e.ok);
  assert.equal(failed.length, 1);
});

test("map with the default chunk size (Python's: about four chunks per worker), 1 and 7", async () => {
  const run = await succeeded(mapRun);
  const items = range(20);
  assert.deepEqual(
    result(run, "default"),
    items.map((x) => x * x),
  );
  assert.deepEqual(
    result(run, "chunk-1"),
    items.map((x) => x ** 3),
  );
  assert.deepEqual(
    result(run, "chunk-7"),
    items.map((x) => 3 * x),
  );
  assert.deepEqual(result(run, "empty"), []);
  assert.deepEqual(result(run, "generator"), [10, 12, 14], "any iterable is accepted");
  assert.deepEqual(
    result(run, "numbers-back"),
    { length: 200, wrong: [] },
    "-0, NaN, ±Infinity and extremes round-trip",
  );
  assert.deepEqual(result(run, "numbers-spelled"), [
    "-0",
    "NaN",
    "Infinity",
    "-Infinity",
    String(Number.MAX_VALUE),
    String(Number.MIN_VALUE),
    String(2 ** 53),
    "-1.5",
  ]);
  assert.deepEqual(
    result(run, "mixed"),
    range(100).map((i) => (i % 2 ? i : String(i))),
    "a list of numbers and strings is not packed",
  );
  assertThrew(result<ErrorReport>(run, "chunk-0"), "ValueError", "chunksize 0");

  const chunks = (name: string) =>
    eventsOf(run.events, "pool.submit", (e) => e.fn === fn(name)).map((e) => e.items);
  // 20 items, 2 workers: divmod(20, 8) = (2, 4), so chunks of 3 (and the rest).
  assert.deepEqual(chunks("square"), [3, 3, 3, 3, 3, 3, 2]);
  assert.deepEqual(chunks("cube"), new Array<number>(20).fill(1));
  assert.deepEqual(chunks("triple"), [7, 7, 6]);
});

test("mapAsync, starmap and starmapAsync: results in order, callbacks in the parent", async () => {
  const run = await succeeded(mapRun);
  const root = result<number>(run, "root-pid");
  assert.deepEqual(result(run, "map-async"), { isResult: true, value: [2, 4, 6] });
  assert.deepEqual(result(run, "map-async-callback"), { value: [2, 4, 6], pid: root });
  assert.deepEqual(
    result(run, "starmap"),
    range(10).map((i) => i + 100),
  );
  assert.deepEqual(
    result(run, "starmap-chunk-7"),
    range(10).map((i) => i + 1000),
  );
  assert.deepEqual(
    eventsOf(run.events, "pool.submit", (e) => e.fn === fn("add")).map((e) => e.items),
    [2, 2, 2, 2, 2, 7, 3, 1, 1],
    "starmap: default chunks of 2 for 10 items, then 7, then 1",
  );
  assert.deepEqual(result(run, "starmap-async"), { isResult: true, value: [2, 4] });
  assert.deepEqual(result(run, "starmap-async-callback"), [2, 4]);
});

test("imap reads its iterable as results are taken: an endless generator works, a throwing one fails there", async () => {
  const run = await succeeded(scenario("imap-lazy"));
  assert.deepEqual(
    result(run, "endless-first-10"),
    Array.from({ length: 10 }, (_, i) => i * i),
  );
  // Ten distinct squares, in the order they finished.
  const unordered = result<number[]>(run, "endless-unordered-10");
  assert.equal(new Set(unordered).size, 10, `${unordered}`);
  assert.ok(
    unordered.every((x) => Number.isInteger(Math.sqrt(x))),
    `not all squares: ${unordered}`,
  );
  assert.deepEqual(result(run, "iterable-throws"), {
    before: [1, 4],
    thrown: "RangeError: the iterable broke",
  });
  assert.deepEqual(result(run, "closed-after-call"), { count: 1500, last: 1499 * 1499 });
});

test("imap yields in order even when a later item finishes first; imapUnordered as they finish", async () => {
  const run = await succeeded(scenario("imap"));
  const squares = range(20).map((x) => x * x);
  assert.equal(result(run, "imap-is-async-iterable"), true);
  assert.deepEqual(result(run, "imap-chunk-7"), squares);
  const unordered = result<number[]>(run, "imap-unordered-default");
  assert.deepEqual(
    [...unordered].sort((a, b) => a - b),
    squares,
  );

  // Item 0 is held until another item finished (imap) or was yielded (imapUnordered).
  const gated = result<{ firstFinished: number; yielded: number[] }>(run, "imap-gated");
  assert.notEqual(gated.firstFinished, 0, "item 0 was not held back");
  assert.deepEqual(gated.yielded, [0, 10, 20]);
  const free = result<number[]>(run, "imap-unordered-gated");
  assert.notEqual(free[0], 0, `imapUnordered waited for item 0: ${JSON.stringify(free)}`);
  assert.deepEqual(
    [...free].sort((a, b) => a - b),
    [0, 10, 20],
  );
});

test("AsyncResult: ready, successful (ValueError before ready), get(timeout) (TimeoutError), wait", async () => {
  const run = await succeeded(scenario("async-result"));
  const before = result<Record<string, unknown>>(run, "before");
  assert.equal(before.ready, false);
  assertThrew(before.successful as ErrorReport, "ValueError", "successful() before ready");
  assertThrew(before.get as ErrorReport, "TimeoutError", "get(0.2) of a blocked task");
  assert.equal(before.wait, false, "wait(0.1) of a blocked task");
  assert.equal(before.readyAfterWait, false);
  assert.deepEqual(result(run, "after"), {
    wait: true,
    ready: true,
    successful: true,
    get: "value",
    getZeroTimeout: "value",
    waitZeroTimeout: true,
  });
  const failed = result<Record<string, unknown>>(run, "failed");
  assert.equal(failed.wait, true);
  assert.equal(failed.ready, true);
  assert.equal(failed.successful, false);
  const error = assertThrew(failed.get as ErrorReport, "RangeError", "get() of a failed task");
  assert.match(error.message, /^bad in \d+$/);
  assert.deepEqual(failed.getAgain, failed.get, "get() rejects the same way every time");
  assert.deepEqual(result(run, "map-async-wait"), { wait: true, value: [1, 4, 9] });
});

test("initializer(initargs) runs once in each worker, before its tasks, and not in the parent", async () => {
  const run = await succeeded(scenario("initializer"));
  const states = result<
    Array<{ state: { tag: string; n: number; pid: number } | null; inits: number; pid: number }>
  >(run, "states");
  assert.equal(states.length, 8);
  for (const s of states) {
    assert.deepEqual(s.state, { tag: "ready", n: 42, pid: s.pid }, JSON.stringify(s));
    assert.equal(s.inits, 1, `initializer ran ${s.inits} times in ${s.pid}`);
  }
  const root = result<{ state: unknown; inits: number; pid: number }>(run, "root-state");
  assert.deepEqual({ state: root.state, inits: root.inits }, { state: null, inits: 0 });
  assert.ok(
    states.every((s) => s.pid !== root.pid),
    "a task ran in the parent",
  );
  assert.equal(workerNumbers(run).size, 2);
  assertThrew(result<ErrorReport>(run, "bad-processes"), "ValueError", "Pool(0)");
  assertThrew(result<ErrorReport>(run, "bad-maxtasks"), "ValueError", "maxtasksperchild 0");
});

test("maxtasksperchild: workers are replaced (new pids) after 2 tasks each, and every task is done", async () => {
  const run = await succeeded(scenario("maxtasks"));
  const results = result<Array<{ x: number; pid: number }>>(run, "results");
  const more = result<Array<{ x: number; pid: number }>>(run, "more");
  assert.deepEqual(
    results.map((r) => r.x),
    range(10),
  );
  assert.deepEqual(
    more.map((r) => r.x),
    [100, 101, 102, 103],
  );
  const perPid = new Map<number, number>();
  for (const r of [...results, ...more]) perPid.set(r.pid, (perPid.get(r.pid) ?? 0) + 1);
  for (const [pid, count] of perPid) assert.ok(count <= 2, `${pid} ran ${count} tasks`);
  assert.ok(perPid.size >= 7, `14 tasks, 2 per worker, on only ${perPid.size} pids`);
  const spawned = eventsOf(run.events, "process.spawn", (e) => e.role === "pool-worker");
  assert.ok(spawned.length >= 7, `only ${spawned.length} workers were started`);
  // The retired workers ended normally.
  for (const spawn of spawned) {
    const exits = run.events.filter((e) => e.type === "process.exit" && e.p === spawn.child);
    assert.equal(exits.length, 1, `${spawn.name}: ${exits.length} exits`);
    assert.equal((exits[0] as { exitCode: number }).exitCode, 0, `${spawn.name} exit`);
  }
  assert.deepEqual(result(run, "still-running-after-join"), []);
});

test("trace: pool.submit in the parent, pool.start and pool.done in the worker that ran each task", async () => {
  const run = await succeeded(mapRun);
  const workers = workerNumbers(run);
  assert.equal(workers.size, 2);
  const [pool] = eventsOf(run.events, "object.create", (e) => e.kind === "pool");
  assert.equal(pool.value, 2, "the pool's size");
  const submits = eventsOf(run.events, "pool.submit");
  assert.deepEqual(
    submits.map((e) => e.task),
    range(submits.length).map((i) => i + 1),
    "tasks are numbered 1, 2, … in submit order",
  );
  for (const submit of submits) {
    assert.equal(submit.p, 1);
    assert.equal(submit.obj, pool.obj);
    const starts = run.events.filter(
      (e) => e.type === "pool.start" && e.obj === pool.obj && e.task === submit.task,
    );
    const dones = run.events.filter(
      (e): e is Extract<typeof e, { type: "pool.done" }> =>
        e.type === "pool.done" && e.obj === pool.obj && e.task === submit.task,
    );
    assert.equal(starts.length, 1, `task ${submit.task}: ${starts.length} starts`);
    assert.equal(dones.length, 1, `task ${submit.task}: ${dones.length} dones`);
    assert.ok(workers.has(starts[0].p), `task ${submit.task} started in P${starts[0].p}`);
    assert.equal(dones[0].p, starts[0].p, `task ${submit.task} ended elsewhere`);
    assert.equal(dones[0].ok, true);
    assert.ok(dones[0].duration > 0, `task ${submit.task}: duration ${dones[0].duration}`);
    assert.ok(starts[0].t >= submit.t && dones[0].t >= starts[0].t, `task ${submit.task} order`);
  }
  // Both workers took part.
  const busy = new Set(eventsOf(run.events, "pool.start").map((e) => e.p));
  assert.deepEqual([...busy].sort(), [...workers].sort());
});

test("trace: applyAsync's submit points at the call's line, callbacks are recorded in the parent", async () => {
  const run = await succeeded(applyRun);
  const line = fixtureLine(FIXTURE, "apply-async");
  const submits = eventsOf(run.events, "pool.submit", (e) => e.fn === fn("slowTagged"));
  const atLine = submits.filter((e) => e.loc?.startsWith(line));
  assert.equal(atLine.length, 6, submits.map((e) => e.loc).join("\n"));
  const callbacks = eventsOf(run.events, "pool.callback");
  for (const callback of callbacks) assert.equal(callback.p, 1);
  for (const submit of atLine) {
    const delivered = callbacks.filter((e) => e.task === submit.task);
    assert.equal(delivered.length, 1, `task ${submit.task}: ${delivered.length} callbacks`);
    assert.equal(delivered[0].ok, true);
  }
  const failed = eventsOf(run.events, "pool.done", (e) => !e.ok);
  assert.equal(failed.length, 1, JSON.stringify(failed));
  assert.match(failed[0].error ?? "", /^RangeError: cb in \d+$/);
});
