// RLock, Semaphore and BoundedSemaphore (API.md, "Synchronization and shared state"), on
// real processes: re-entry per process, permits, over-release, timeouts, block: false.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  cleanUp,
  eventsOf,
  fixtureLine,
  describeRun,
  result,
  resultsOf,
  runFixture,
  sharedRun,
  type ErrorReport,
  assertThrew,
} from "./helpers";

after(cleanUp);

const FIXTURE = "sync-rlock-semaphore.ts";
const ms = 1_000_000;
const scenario = (name: string) => sharedRun(FIXTURE, { args: [name] });
const rlock = scenario("rlock");
const timeouts = scenario("timeouts");
const bounded = scenario("bounded");

const assertValueError = (error: ErrorReport | null, what: string): void => {
  assertThrew(error, "ValueError", what);
};

test("RLock: the holder re-enters it (acquire twice, even with block: false)", async () => {
  const run = await rlock();
  assertSucceeded(run);
  assert.equal(result(run, "child-first-acquire"), true);
  assert.equal(result(run, "child-second-acquire"), true, "re-entry in the holder must not wait");
  assert.equal(result(run, "child-exit"), 0);
});

test("RLock: another process is kept out until the holder's last release", async () => {
  const run = await rlock();
  assert.equal(result(run, "parent-no-block-while-held-twice"), false);
  // One release of two levels leaves the lock held: the holder released it only once.
  assert.equal(result(run, "parent-no-block-while-held-once"), false);
  assert.equal(result(run, "parent-waits-while-held-once"), true, "acquire did not wait");
  assert.equal(result(run, "parent-acquired-after-last-release"), true);
  assert.equal(result(run, "parent-reenters"), true);

  const child = eventsOf(run.events, "process.spawn")[0].child;
  const lockId = eventsOf(run.events, "object.create", (e) => e.kind === "rlock")[0].obj;
  const [granted] = eventsOf(
    run.events,
    "lock.acquired",
    (e) => e.p === 1 && e.obj === lockId && e.heldBy.length > 0,
  );
  assert.deepEqual(granted.heldBy, [child], "the parent waited for the child");
  assert.ok(granted.loc?.startsWith(fixtureLine(FIXTURE, "rlock-parent-wait")), granted.loc);
  // The child's hold ended at its second (last) release.
  const [childRelease] = eventsOf(run.events, "lock.released", (e) => e.p === child);
  assert.ok(
    childRelease.loc?.startsWith(fixtureLine(FIXTURE, "rlock-child-last-release")),
    childRelease.loc,
  );
  const childReleaseAt = childRelease.t;
  assert.ok(granted.t > childReleaseAt, "the parent got the lock before the child let it go");
});

test("RLock: release without holding it throws ValueError, in the holder and elsewhere", async () => {
  const run = await rlock();
  assertValueError(result(run, "release-never-acquired"), "release of a fresh RLock");
  assertValueError(result(run, "parent-release-others"), "release of another process's RLock");
  assertValueError(result(run, "child-extra-release"), "a third release after two acquires");
  assertValueError(result(run, "parent-extra-release"), "release after the last level");
});

test("Lock (unlike RLock) is not re-entrant: a second acquire in the holder waits", async () => {
  const run = await runFixture(FIXTURE, { args: ["lock-not-reentrant"] });
  assertSucceeded(run);
  assert.equal(result(run, "lock-second-acquire-times-out"), false);
});

test("Semaphore(n) lets exactly n processes in at once", async () => {
  const run = await runFixture(FIXTURE, { args: ["semaphore-concurrency"] });
  assertSucceeded(run);
  // Each worker meets another at a 2-party barrier while inside: only possible if 2 are in.
  assert.deepEqual(result(run, "crowd-exit-codes"), [0, 0, 0, 0, 0, 0]);
  assert.equal(resultsOf(run, "crowd-done").length, 6);
  assert.equal(result(run, "most-inside"), 2, "the most workers counted inside at once");
  assert.equal(result(run, "inside-at-end"), 0);
  assert.equal(result(run, "value-at-end"), 2, "every permit came back");
  const semId = eventsOf(run.events, "object.create", (e) => e.kind === "semaphore")[0];
  assert.equal(semId.value, 2, "object.create carries the initial permits");
  assert.equal(eventsOf(run.events, "lock.acquired", (e) => e.obj === semId.obj).length, 6);
  assert.equal(eventsOf(run.events, "lock.released", (e) => e.obj === semId.obj).length, 6);
});

test("Semaphore: getValue() follows acquires and releases; release may exceed the start", async () => {
  const run = await runFixture(FIXTURE, { args: ["semaphore-value"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "semaphore-values"), [3, 2, 0, 1, 3, 4]);
  assert.equal(result(run, "no-block-when-empty"), false);
  assert.equal(result(run, "default-value"), 1, "Semaphore() starts with one permit");
  assertValueError(result(run, "negative-value"), "new Semaphore(-1)");
  assertValueError(result(run, "fractional-value"), "new Semaphore(1.5)");
  assertValueError(result(run, "negative-timeout"), "acquire({ timeout: -1 })");
  assertValueError(result(run, "timeout-with-no-block"), "acquire({ block: false, timeout })");
});

test("Semaphore(0): a child's acquire waits until another process releases", async () => {
  const run = await runFixture(FIXTURE, { args: ["semaphore-zero"] });
  assertSucceeded(run);
  assert.equal(result(run, "zero-value-while-waiting"), 0);
  assert.equal(result(run, "zero-semaphore-granted"), true);
  assert.equal(result(run, "zero-child-exit"), 0);
  assert.equal(result(run, "zero-value-at-end"), 1);
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const [granted] = eventsOf(run.events, "lock.acquired", (e) => e.p === child);
  const [parentRelease] = eventsOf(run.events, "lock.released", (e) => e.p === 1);
  assert.ok(parentRelease.loc?.startsWith(fixtureLine(FIXTURE, "sem-parent-release")));
  assert.ok(granted.t > parentRelease.t, "granted before the release");
  assert.ok(granted.wait >= 150 * ms, `waited ${granted.wait} ns`);
  assert.ok(granted.loc?.startsWith(fixtureLine(FIXTURE, "sem-child-wait")), granted.loc);
});

test("Semaphore: a process that ends keeps the permits it took; one released for it is not given back twice", async () => {
  // As in Python: a semaphore counts tokens, not owners. Only a killed holder's permits
  // come back (sync-holder-death.test.ts).
  const run = await scenario("semaphore-tokens")();
  assertSucceeded(run);
  assert.deepEqual(resultsOf(run, "token"), [true, true, true, false, false]);
  assert.equal(result(run, "tokens-left"), 0);
  assert.deepEqual(result(run, "plain-after-end"), { value: 1, exitCode: 0 });
  assert.deepEqual(result(run, "bounded-after-end"), { value: 1, exitCode: 0 });
  const died = run.events.filter((e) => e.type === "warning" && e.code === "holder-died");
  assert.deepEqual(died, [], "a process that ended normally is no dead holder");
});

test("BoundedSemaphore: an over-release not awaited does not end the program; it is a misuse warning", async () => {
  const run = await scenario("unawaited-over-release")();
  assertSucceeded(run);
  assert.equal(result(run, "still-running"), 1);
  const misuse = run.events.filter((e) => e.type === "warning" && e.code === "misuse");
  assert.equal(misuse.length, 1, describeRun(run));
  assert.match(
    (misuse[0] as { message: string }).message,
    /released too many times \(its value would exceed 1\)/,
  );
});

test("BoundedSemaphore: release above the initial value rejects ValueError", async () => {
  const run = await bounded();
  assertSucceeded(run);
  assertValueError(result(run, "bounded-over-release-when-full"), "release of a full semaphore");
  assert.deepEqual(result(run, "bounded-values"), [0, 2]);
  assertValueError(result(run, "bounded-over-release"), "a third release after two acquires");
  assert.equal(
    result(run, "bounded-value-after-over-release"),
    2,
    "the refused release changed the value",
  );
  assert.equal(result(run, "bounded-default-value"), 1);
});

test("BoundedSemaphore: over-release from a child rejects there; withLock gives back", async () => {
  const run = await bounded();
  assertValueError(result(run, "child-over-release"), "over-release in a child");
  assert.equal(result(run, "child-bounded-value"), 2);
  assert.equal(result(run, "bounded-child-exit"), 0);
  assert.equal(result(run, "bounded-with-lock"), 1, "a permit is held inside withLock");
  assert.equal(result(run, "bounded-value-after-with-lock"), 2);
  // A refused release is not a release: the trace shows only the two real ones (and
  // withLock's), never a hold ending that did not happen.
  const semId = eventsOf(run.events, "object.create", (e) => e.kind === "bounded-semaphore")[0].obj;
  const acquired = eventsOf(run.events, "lock.acquired", (e) => e.obj === semId);
  const released = eventsOf(run.events, "lock.released", (e) => e.obj === semId);
  assert.equal(released.length, acquired.length, "releases recorded = acquires");
});

for (const name of ["rlock", "semaphore", "bounded"] as const) {
  test(`${name}: block: false and timeout give up (false) while another process holds it`, async () => {
    const run = await timeouts();
    assertSucceeded(run);
    assert.equal(result(run, `${name}-child-exit`), 0);
    assert.equal(result(run, `${name}-no-block`), false);
    assert.equal(result(run, `${name}-timeout`), false);
    const ids = result<Record<string, string>>(run, "ids");
    const seen = result<{ child: string; p: number }>(run, `${name}-ids`);
    assert.equal(seen.child, ids[name], "the child's object is the parent's");

    const giveUps = eventsOf(run.events, "lock.timeout", (e) => e.obj === ids[name]);
    assert.deepEqual(
      giveUps.map((e) => e.p),
      [seen.p, seen.p],
      "both tries timed out in the child",
    );
    for (const giveUp of giveUps) assert.deepEqual(giveUp.heldBy, [1], "held by the parent");
    assert.ok(giveUps[0].loc?.startsWith(fixtureLine(FIXTURE, "try-no-block")), giveUps[0].loc);
    assert.ok(giveUps[1].loc?.startsWith(fixtureLine(FIXTURE, "try-timeout")), giveUps[1].loc);
    // The timed try waited its 0.3 s before giving up.
    assert.ok(giveUps[1].wait >= 280 * ms, `gave up after ${giveUps[1].wait} ns`);
    const requests = eventsOf(run.events, "lock.request", (e) => e.obj === ids[name]);
    assert.equal(requests.length, 3, "the parent's acquire and the child's two tries");
  });
}
