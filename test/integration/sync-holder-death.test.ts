// Holder death: a process SIGKILLed while it holds a Lock, an RLock, a Semaphore (or a lock
// biased to it) does not leave the next waiter hanging: the waiter gets it, and the trace
// carries a holder-died warning naming the dead holder.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  cleanUp,
  describeRun,
  eventsOf,
  fixtureLine,
  result,
  runFixture,
  scratch,
  sharedRun,
  type FixtureRun,
} from "./helpers";

after(cleanUp);

const FIXTURE = "sync-holder-death.ts";

interface Who {
  p: number;
  pid: number;
}

/** Every scenario runs for a fixed bound; a hanging waiter fails it instead of the suite. */
const scenario = (name: string) => sharedRun(FIXTURE, { args: [name], timeoutMs: 30_000 });

const scenarios = {
  lock: { run: scenario("lock"), kind: "lock", permits: 1 },
  rlock: { run: scenario("rlock"), kind: "rlock", permits: 2 },
  semaphore: { run: scenario("semaphore"), kind: "semaphore", permits: 2 },
  "biased-lock": { run: scenario("biased-lock"), kind: "lock", permits: 1 },
} as const;

function objectOf(run: FixtureRun, kind: string): string {
  return eventsOf(run.events, "object.create", (e) => e.kind === kind)[0].obj;
}

for (const [name, { run: start, kind, permits }] of Object.entries(scenarios)) {
  test(`${name}: the waiter queued behind a killed holder gets it`, async () => {
    const run = await start();
    assertSucceeded(run);
    const exits = result<{ holder: number; doomed: number; waiter: number }>(run, "exits");
    assert.deepEqual(exits, { holder: -9, doomed: -9, waiter: 0 }, describeRun(run));
    assert.equal(result(run, "doomed-dropped"), true, "the hub never learnt the waiter died");
    const waiter = result<Who>(run, "waiter");
    assert.deepEqual(result(run, "waiter-granted"), { p: waiter.p, granted: true });
    // Nothing is lost with the dead: the parent takes every permit back.
    assert.deepEqual(result(run, "parent-retakes"), new Array<boolean>(permits).fill(true));
    if (kind === "semaphore") assert.equal(result(run, "value-at-end"), permits);

    const obj = objectOf(run, kind);
    const [granted] = eventsOf(run.events, "lock.acquired", (e) => e.p === waiter.p);
    assert.equal(granted.obj, obj);
    assert.ok(granted.loc?.startsWith(fixtureLine(FIXTURE, "waiter-acquire")), granted.loc);
    const holder = result<Who>(run, "holder");
    assert.ok(granted.heldBy.includes(holder.p), `heldBy ${JSON.stringify(granted.heldBy)}`);
    // The holder never let go: it died holding (RLock re-entry is counted in the holder).
    const count = (type: "lock.acquired" | "lock.released") =>
      run.events.filter((e) => e.type === type && e.p === holder.p && e.obj === obj).length;
    const heldAtDeath = kind === "rlock" ? 1 : permits;
    assert.equal(count("lock.acquired") - count("lock.released"), heldAtDeath);
  });

  test(`${name}: a holder-died warning names the dead holder and the object`, async () => {
    const run = await start();
    const holder = result<Who>(run, "holder");
    const obj = objectOf(run, kind);
    const warnings = eventsOf(run.events, "warning", (e) => e.code === "holder-died");
    const fromHub = warnings.filter((w) => w.p === holder.p);
    assert.equal(fromHub.length, 1, JSON.stringify(warnings));
    assert.equal(fromHub[0].obj, obj);
    assert.match(fromHub[0].message, new RegExp(`\\bP${holder.p}\\b`));
    if (kind === "semaphore") assert.match(fromHub[0].message, /2 permits/);
    // The dead waiter held nothing: it is not blamed.
    const doomedBlamed = warnings.filter(
      (w) => w.p !== holder.p && w.p !== result<Who>(run, "waiter").p,
    );
    assert.deepEqual(doomedBlamed, []);
  });
}

test("a process a lock is biased to dies without holding it: no warning, the lock is free", async () => {
  const run = await runFixture(FIXTURE, { args: ["biased-free"], timeoutMs: 30_000 });
  assertSucceeded(run);
  assert.equal(result(run, "owner-exit"), -9);
  assert.equal(result(run, "free-after-owner-death"), true);
  const warnings = run.events.filter((e) => e.type === "warning" && e.code === "holder-died");
  assert.deepEqual(warnings, [], "the dead owner did not hold the lock");
});

test(
  "a biased holder killed while computing (its event loop blocked) is still named as holder",
  // Regression: a biased owner reports taking the lock at once.
  async () => {
    const run = await runFixture(FIXTURE, {
      args: ["biased-busy", scratch("spinner-holds")],
      timeoutMs: 30_000,
    });
    assertSucceeded(run);
    assert.deepEqual(result(run, "busy-exits"), { holder: -9, waiter: 0 });
    const waiter = result<Who>(run, "waiter");
    assert.deepEqual(result(run, "waiter-granted"), { p: waiter.p, granted: true });
    const spinnerPid = result<number>(run, "spinner-pid");
    const [spawn] = eventsOf(run.events, "process.spawn", (e) => e.pid === spinnerPid);
    const warnings = run.events.filter(
      (e) => e.type === "warning" && e.code === "holder-died" && e.p === spawn.child,
    );
    assert.equal(warnings.length, 1, "no holder-died warning names the dead holder");
  },
);
