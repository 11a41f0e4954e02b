// Event and Condition (API.md, "Synchronization and shared state") across real processes:
// who waits, who wakes them (the trace's sync.wait / sync.signal), timeouts and misuse.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  cleanUp,
  eventsOf,
  fixtureLine,
  result,
  resultsOf,
  runFixture,
  sharedRun,
  type EventOf,
  type ErrorReport,
  assertThrew,
} from "./helpers";

after(cleanUp);

const FIXTURE = "sync-event-condition.ts";
const ms = 1_000_000;
const scenario = (name: string) => sharedRun(FIXTURE, { args: [name] });
const eventLocal = scenario("event-local");
const eventAcross = scenario("event-across");
const producerConsumer = scenario("producer-consumer");
const notify = scenario("notify");
const misuse = scenario("condition-misuse");

const assertValueError = (error: ErrorReport | null, what: string): void => {
  assertThrew(error, "ValueError", what);
};

function at(event: { loc?: string }, line: string): void {
  assert.ok(event.loc?.startsWith(fixtureLine(FIXTURE, line)), `${event.loc} is not @line:${line}`);
}

test("Event: isSet follows set and clear; wait on a set event returns true at once", async () => {
  const run = await eventLocal();
  assertSucceeded(run);
  assert.deepEqual(result(run, "event-states"), [false, true, false, true]);
  assert.equal(result(run, "wait-when-set"), true);
  assert.equal(result(run, "timed-wait-when-set"), true);
  const [atOnce] = eventsOf(run.events, "sync.wait");
  at(atOnce, "wait-when-set");
  assert.equal(atOnce.op, "event.wait");
  assert.equal(atOnce.outcome, "woken");
  assert.equal(atOnce.wokenBy, null, "nobody woke it: it was set already");
});

test("Event: wait(timeout) on a clear event resolves false, recorded as a timeout", async () => {
  const run = await eventLocal();
  assert.equal(result(run, "timed-wait-when-clear"), false);
  const [timedOut] = eventsOf(run.events, "sync.wait", (e) => e.outcome === "timeout");
  at(timedOut, "timed-wait-clear");
  assert.equal(timedOut.wokenBy, null);
  assert.ok(timedOut.wait >= 280 * ms, `gave up after ${timedOut.wait} ns`);
  const signals = eventsOf(run.events, "sync.signal").map((e) => e.op);
  assert.deepEqual(signals, ["event.set", "event.clear", "event.set", "event.set"]);
});

test("Event: one set() in the parent wakes every child waiting on it", async () => {
  const run = await eventAcross();
  assertSucceeded(run);
  assert.equal(result(run, "set-before-wake"), false);
  assert.deepEqual(result(run, "waiter-exits"), [0, 0, 0]);
  const waiters = result<number[]>(run, "waiter-numbers");
  const woken = resultsOf<{ p: number; woken: boolean; isSet: boolean }>(run, "child-woken");
  assert.deepEqual(
    woken.map((w) => w.p).sort(),
    [...waiters].sort(),
    "every waiter reported its wake-up",
  );
  for (const w of woken) assert.deepEqual([w.woken, w.isSet], [true, true], `P${w.p}`);

  const [set] = eventsOf(run.events, "sync.signal", (e) => e.p === 1 && e.op === "event.set");
  at(set, "parent-event-set");
  for (const p of waiters) {
    const [wait] = eventsOf(run.events, "sync.wait", (e) => e.p === p);
    assert.equal(wait.op, "event.wait");
    assert.equal(wait.outcome, "woken");
    assert.equal(wait.wokenBy, 1, `P${p} was woken by the parent (P1)`);
    assert.equal(wait.obj, set.obj);
    at(wait, "child-event-wait");
    assert.ok(wait.t > set.t, "woken before the set");
    // The wait said when it began, so that a hang there shows as one.
    const [began] = eventsOf(
      run.events,
      "object.block",
      (e) => e.p === p && e.obj === set.obj && e.op === "wait",
    );
    at(began, "child-event-wait");
    assert.ok(began.t < set.t, `P${p}'s wait began before the set`);
  }
});

test("Event: a child's set() wakes the parent; wokenBy names the child", async () => {
  const run = await eventAcross();
  assert.equal(result(run, "parent-woken"), true);
  const setter = result<number>(run, "setter");
  assert.notEqual(setter, 1);
  const [wait] = eventsOf(run.events, "sync.wait", (e) => e.p === 1);
  at(wait, "parent-event-wait");
  assert.equal(wait.wokenBy, setter);
  const [set] = eventsOf(run.events, "sync.signal", (e) => e.p === setter);
  at(set, "child-event-set");
});

test("Event: after clear(), a child's timed wait resolves false", async () => {
  const run = await eventAcross();
  assert.equal(result(run, "brief-exit"), 0);
  assert.deepEqual(result(run, "child-timed-wait"), { isSet: false, woken: false });
  const timeouts = eventsOf(run.events, "sync.wait", (e) => e.outcome === "timeout");
  assert.equal(timeouts.length, 1);
  assert.notEqual(timeouts[0].p, 1);
});

test("Condition: producer/consumer across processes; every item consumed exactly once", async () => {
  const run = await producerConsumer();
  assertSucceeded(run);
  assert.deepEqual(result(run, "consumer-exits"), [0, 0]);
  assert.deepEqual(resultsOf(run, "consumer-gave-up"), []);
  const consumed = resultsOf<{ p: number; taken: number }>(run, "consumed");
  assert.equal(consumed.length, 2);
  const total = consumed.reduce((sum, c) => sum + c.taken, 0);
  assert.equal(total, result<number>(run, "items"), JSON.stringify(consumed));
  assert.equal(result(run, "left"), 0);
  assert.equal(result(run, "same-lock"), true, "Condition(lock) uses the lock it was given");
});

test("Condition: consumers' waits are woken by the producer's notify/notifyAll", async () => {
  const run = await producerConsumer();
  const consumers = result<number[]>(run, "consumers");
  const notifies = eventsOf(
    run.events,
    "sync.signal",
    (e) => e.p === 1 && e.op === "condition.notify",
  );
  const items = result<number>(run, "items");
  assert.equal(notifies.length, items + 1);
  for (const n of notifies.slice(0, items)) {
    assert.equal(n.count, 1);
    at(n, "producer-notify");
  }
  at(notifies[items], "producer-notify-all");
  assert.ok(notifies[items].count! >= consumers.length, "notifyAll asks to wake everyone");
  for (const p of consumers) {
    const waits = eventsOf(run.events, "sync.wait", (e) => e.p === p);
    at(waits[0], "consumer-first-wait");
    // Each wait says when it began, once the condition's lock is let go: the consumer's
    // record just before it is that release.
    const own = run.events.filter((e) => e.p === p);
    const began = own.flatMap((e, i) =>
      e.type === "object.block" && e.op === "wait" ? [{ block: e, before: own[i - 1] }] : [],
    );
    assert.equal(began.length, waits.length, `P${p}: one beginning per wait`);
    for (const { block, before } of began) {
      assert.equal(block.obj, waits[0].obj);
      assert.equal(before?.type, "lock.released", `P${p}: the lock is let go first`);
    }
    for (const wait of waits) {
      assert.equal(wait.op, "condition.wait");
      assert.equal(wait.outcome, "woken");
      assert.equal(wait.wokenBy, 1, "woken by the producer");
    }
  }
});

test("Condition: notify(n) wakes n waiters, notifyAll the rest, nobody more", async () => {
  const run = await notify();
  assertSucceeded(run);
  assert.deepEqual(result(run, "notify-exits"), [0, 0, 0, 0]);
  assert.deepEqual(result(run, "notify-1"), { woken: 1, extra: null });
  assert.deepEqual(result(run, "notify-2"), { woken: 2, extra: null });
  assert.deepEqual(result(run, "notify-all"), { woken: 1, extra: null });
  for (const n of resultsOf<{ p: number; woken: boolean; holds: number }>(run, "notified")) {
    assert.deepEqual([n.woken, n.holds], [true, 1], `P${n.p} woke holding the lock`);
  }
  // In the trace, each wake-up comes after the notify that allowed it, and between two
  // notifies exactly as many waiters wake as the first one asked for.
  const signals = eventsOf(run.events, "sync.signal", (e) => e.op === "condition.notify");
  assert.equal(signals.length, 3);
  const wakes = eventsOf(run.events, "sync.wait", (e) => e.op === "condition.wait");
  assert.equal(wakes.length, 4);
  const between = (from: EventOf<"sync.signal">, to?: EventOf<"sync.signal">) =>
    wakes.filter((w) => w.t > from.t && (to === undefined || w.t < to.t)).length;
  assert.equal(between(signals[0], signals[1]), 1);
  assert.equal(between(signals[1], signals[2]), 2);
  assert.equal(between(signals[2]), 1);
  for (const w of wakes) {
    assert.equal(w.wokenBy, 1);
    at(w, "notify-wait");
  }
});

test("Condition: notify, notifyAll, wait and release without the lock throw ValueError", async () => {
  const run = await misuse();
  assertSucceeded(run);
  assertValueError(result(run, "notify-unheld"), "notify() without the lock");
  assertValueError(result(run, "notify-all-unheld"), "notifyAll() without the lock");
  assertValueError(result(run, "wait-unheld"), "wait() without the lock");
  assertValueError(result(run, "release-unheld"), "release() without the lock");
  assert.equal(result(run, "default-lock-is-rlock"), true);
});

test("Condition: wait(timeout) and waitFor(timeout) resolve false, holding the lock again", async () => {
  const run = await misuse();
  assert.equal(result(run, "timed-wait"), false);
  assert.equal(result(run, "holds-after-timeout"), 1);
  assert.equal(result(run, "wait-for-timeout"), false);
  assert.ok(result<number>(run, "wait-for-waited-ms") >= 280, "waitFor gave up early");
  assert.equal(result(run, "holds-after-wait-for"), 1);
  assert.equal(result(run, "wait-for-true-at-once"), true);
  assert.equal(result(run, "with-lock"), 1, "withLock re-enters the condition's RLock");
  assert.equal(result(run, "holds-at-end"), 0);
  const timeouts = eventsOf(run.events, "sync.wait", (e) => e.outcome === "timeout");
  at(timeouts[0], "condition-timed-wait");
  assert.ok(timeouts[0].wait >= 280 * ms, `gave up after ${timeouts[0].wait} ns`);
  assert.ok(timeouts.length >= 2, "waitFor's wait timed out too");
  for (const timeout of timeouts) assert.equal(timeout.op, "condition.wait");
});

test("Condition: wait at RLock depth 2 lets another process in, and returns at depth 2", async () => {
  const run = await runFixture(FIXTURE, { args: ["condition-rlock-depth"] });
  assertSucceeded(run);
  assert.equal(result(run, "child-got-lock-during-wait"), true, "wait kept part of its RLock");
  assert.equal(result(run, "depth-woken"), true);
  // heldHere counts the process's hold, not its depth: the depth shows in the releases.
  assert.equal(result(run, "depth-after-wait"), 1, "the lock was taken back");
  assert.equal(result(run, "still-held-after-one-release"), 1, "the depth was not restored");
  assert.equal(result(run, "held-after-two-releases"), 0);
  assertValueError(result(run, "depth-extra-release"), "a third release");
  assert.equal(result(run, "depth-child-exit"), 0);
  // The child's condition (passed in args) uses the parent's lock object.
  assert.equal(result(run, "child-lock-id"), result(run, "parent-lock-id"));
});

test("Condition(lock): wait lets go of the given Lock and takes it back", async () => {
  const run = await runFixture(FIXTURE, { args: ["condition-lock"] });
  assertSucceeded(run);
  assert.equal(result(run, "given-lock-used"), true);
  assert.equal(result(run, "child-got-lock-during-wait"), true);
  assert.equal(result(run, "lock-woken"), true);
  assert.equal(result(run, "lock-held-after-wait"), 1);
  assert.equal(result(run, "lock-child-exit"), 0);
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const [wait] = eventsOf(run.events, "sync.wait", (e) => e.p === 1);
  assert.equal(wait.wokenBy, child);
});
