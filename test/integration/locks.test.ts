// Lock: API.md's synchronization row for Lock, its contention trace, and mutual exclusion.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  assertSucceeded,
  assertThrew,
  cleanUp,
  eventsOf,
  fixtureLine,
  result,
  runFixture,
  scratch,
  sharedRun,
} from "./helpers";

after(cleanUp);

const ms = 1_000_000;
const contended = sharedRun("locks.ts", { args: ["contended"] });

test("acquire: block: false and timeout give up (false) while another process holds it", async () => {
  const run = await contended();
  assertSucceeded(run);
  assert.equal(result(run, "no-block-while-held"), false);
  assert.equal(result(run, "timeout-while-held"), false);
});

test("a blocking acquire waits for the holder's release, then gets the lock", async () => {
  const run = await contended();
  assert.equal(result(run, "acquire-waits-while-held"), true, "acquire did not wait");
  assert.equal(result(run, "acquired-after-release"), true);
});

test("release of a lock this process does not hold throws ValueError", async () => {
  const run = await contended();
  assertThrew(result(run, "release-unlocked"), "ValueError", "release of an unlocked lock");
});

test("withLock returns the function's value and releases the lock however it ends", async () => {
  const run = await runFixture("locks.ts", { args: ["with-lock"] });
  assertSucceeded(run);
  assert.equal(result(run, "with-lock-result"), "inside");
  assert.equal(result(run, "free-after-with-lock"), true);
  assert.equal(result(run, "with-lock-rethrows"), "failed inside");
  assert.equal(result(run, "free-after-failure"), true);
  assertThrew(result(run, "timeout-with-no-block"), "ValueError", "timeout with block: false");
});

test("a loop that only awaits an uncontended lock still lets timers and I/O run", async () => {
  const run = await runFixture("locks.ts", { args: ["loop-until-timer"], timeoutMs: 10_000 });
  assertSucceeded(run);
  assert.equal(result(run, "stopped-by-timer"), true);
});

test("processes holding the lock exclude each other (no lost update, no overlap)", async () => {
  const file = scratch("counter.txt");
  const run = await runFixture("locks.ts", { args: ["mutual-exclusion", file] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "exit-codes"), [0, 0, 0, 0]);
  assert.equal(result(run, "counter"), result(run, "expected"));
  const log = fs.readFileSync(`${file}.log`, "utf8").trim().split("\n");
  assert.equal(log.length, 2 * result<number>(run, "expected"));
  // Inside the lock each worker writes "enter" then "leave": nobody else may come between.
  for (let i = 0; i < log.length; i += 2) {
    const [enter, enterPid] = log[i].split(" ");
    const [leave, leavePid] = log[i + 1].split(" ");
    assert.deepEqual([enter, leave, leavePid], ["enter", "leave", enterPid], `at log line ${i}`);
  }
  const pids = new Set(log.map((line) => Number(line.split(" ")[1])));
  assert.deepEqual([...pids].sort(), [...result<number[]>(run, "pids")].sort());
});

test("trace: every acquire is requested, then acquired or timed out, with who held it", async () => {
  const run = await contended();
  const lockId = eventsOf(run.events, "object.create", (e) => e.kind === "lock")[0].obj;
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const onLock = run.events.filter((e) => "obj" in e && e.obj === lockId);
  const requests = onLock.filter((e) => e.type === "lock.request");
  const outcomes = onLock.filter((e) => e.type === "lock.acquired" || e.type === "lock.timeout");
  // Child: 1 acquire; parent: block: false, timeout, blocking.
  assert.equal(requests.length, 4);
  assert.equal(outcomes.length, 4);

  const [childAcquired] = eventsOf(run.events, "lock.acquired", (e) => e.p === child);
  assert.deepEqual(childAcquired.heldBy, [], "the lock was free for the child");

  const timeouts = eventsOf(run.events, "lock.timeout", (e) => e.p === 1);
  assert.equal(timeouts.length, 2);
  for (const timeout of timeouts) assert.deepEqual(timeout.heldBy, [child]);
  // The timed acquire gave up only after its 0.2 s.
  assert.ok(timeouts[1].wait >= 190 * ms, `timed out after ${timeouts[1].wait} ns`);

  const [parentAcquired] = eventsOf(run.events, "lock.acquired", (e) => e.p === 1);
  assert.deepEqual(parentAcquired.heldBy, [child], "the parent waited on the child");
  assert.ok(parentAcquired.wait >= 300 * ms, `waited ${parentAcquired.wait} ns`);
});

test("trace: lock.released carries the hold time; every grant is released once", async () => {
  const run = await contended();
  const acquired = eventsOf(run.events, "lock.acquired");
  const released = eventsOf(run.events, "lock.released");
  assert.deepEqual(released.map((e) => e.p).sort(), acquired.map((e) => e.p).sort());
  for (const release of released) assert.ok(release.hold > 0, `hold ${release.hold}`);
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const [childRelease] = released.filter((e) => e.p === child);
  // The child held the lock through the parent's timed-out tries and its blocked wait.
  assert.ok(childRelease.hold >= 500 * ms, `held ${childRelease.hold} ns`);
  // Grants and releases alternate in time: the lock is never granted twice at once.
  const sequence = run.events
    .filter((e) => e.type === "lock.acquired" || e.type === "lock.released")
    .map((e) => e.type);
  assert.deepEqual(sequence, ["lock.acquired", "lock.released", "lock.acquired", "lock.released"]);
});

test("trace: lock events point at the fixture's lines", async () => {
  const run = await contended();
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const expectations: Array<[string, number, string]> = [
    ["lock.acquired", child, "child-acquire"],
    ["lock.released", child, "child-release"],
    ["lock.released", 1, "parent-release"],
  ];
  for (const [type, p, line] of expectations) {
    const event = run.events.find((e) => e.type === type && e.p === p);
    assert.ok(event && "loc" in event, `no ${type} in P${p}`);
    assert.ok(event.loc?.startsWith(fixtureLine("locks.ts", line)), `${type}: ${event.loc}`);
  }
  const parentTries = run.events.filter((e) => e.type === "lock.request" && e.p === 1);
  assert.deepEqual(
    parentTries.map((e) => ("loc" in e ? e.loc?.replace(/:\d+$/, ":") : undefined)),
    ["no-block", "timeout", "blocking"].map((line) => fixtureLine("locks.ts", line)),
  );
});
