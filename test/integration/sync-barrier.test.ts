// Barrier (API.md, "Synchronization and shared state") across real processes: indexes
// 0..n-1, reuse, nWaiting/broken, and everything that breaks it (timeout, abort, reset, a
// party's death) with BrokenBarrierError for every waiter.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  cleanUp,
  describeRun,
  eventsOf,
  fixtureLine,
  result,
  resultsOf,
  runCli,
  runFixture,
  sharedRun,
  type FixtureRun,
  type ErrorReport,
} from "./helpers";

after(cleanUp);

type Outcome = { index: number } | { error: ErrorReport };
interface PartyReport {
  p: number;
  round: number;
  index?: number;
  error?: ErrorReport;
}

const FIXTURE = "sync-barrier.ts";
const ms = 1_000_000;
const rounds = sharedRun(FIXTURE, { args: ["rounds"] });
const timeout = sharedRun(FIXTURE, { args: ["timeout"] });

function assertBroken(outcome: Outcome | PartyReport, what: string): void {
  assert.ok("error" in outcome && outcome.error, `${what}: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.error.name, "BrokenBarrierError", `${what}: ${outcome.error.message}`);
  assert.ok(outcome.error.isExpected && outcome.error.isError, `${what}: not the class`);
}

function numberOfPid(run: FixtureRun, pid: number): number {
  return eventsOf(run.events, "process.spawn", (e) => e.pid === pid)[0].child;
}

test("Barrier(3): three processes pass together, each with its own index 0..2, twice", async () => {
  const run = await rounds();
  assertSucceeded(run);
  assert.equal(result(run, "parties"), 3);
  assert.deepEqual(result(run, "round-exits"), [0, 0]);
  const parties = resultsOf<PartyReport>(run, "party");
  const parent = resultsOf<Outcome>(run, "parent-round");
  assert.equal(parties.length, 4);
  assert.equal(parent.length, 2);
  for (const round of [0, 1]) {
    const indexes = parties.filter((r) => r.round === round).map((r) => r.index);
    const parentOutcome = parent[round];
    assert.ok("index" in parentOutcome, JSON.stringify(parentOutcome));
    // The parent came last (both children were waiting): Python gives it parties - 1.
    assert.equal(parentOutcome.index, 2);
    assert.deepEqual([...indexes, parentOutcome.index].sort(), [0, 1, 2], `round ${round}`);
  }
});

test("Barrier: nWaiting counts the waiting parties; broken() is false throughout", async () => {
  const run = await rounds();
  assert.deepEqual(result(run, "fresh"), { waiting: 0, broken: false });
  assert.deepEqual(resultsOf(run, "waiting-before-last"), [2, 2]);
  assert.deepEqual(result(run, "after"), { waiting: 0, broken: false });
});

test("Barrier: one party passes alone; parties must be a positive whole number", async () => {
  const run = await rounds();
  assert.equal(result(run, "one-party"), 0);
  for (const label of ["zero-parties", "fractional-parties"]) {
    const error = result<ErrorReport | null>(run, label);
    assert.equal(error?.name, "ValueError", label);
  }
});

test("trace: each pass is a barrier.wait with its index, at the caller's line", async () => {
  const run = await rounds();
  const waits = eventsOf(run.events, "sync.wait", (e) => e.op === "barrier.wait");
  assert.equal(waits.length, 7, "2 rounds of 3, and the one-party barrier");
  for (const wait of waits) assert.equal(wait.outcome, "woken");
  const atParentLine = waits.filter(
    (e) => e.p === 1 && e.loc?.startsWith(fixtureLine(FIXTURE, "parent-wait")),
  );
  assert.equal(atParentLine.length, 2);
  for (const wait of atParentLine) assert.equal(wait.index, 2, "the parent arrived last");
  const childWaits = waits.filter((e) => e.p !== 1);
  assert.equal(childWaits.length, 4);
  for (const wait of childWaits) {
    assert.ok(wait.loc?.startsWith(fixtureLine(FIXTURE, "party-wait")), wait.loc);
    assert.ok(wait.index === 0 || wait.index === 1, `index ${wait.index}`);
  }
});

test("Barrier: a waiter's timeout breaks it for every waiter (BrokenBarrierError)", async () => {
  const run = await timeout();
  assertSucceeded(run);
  assert.deepEqual(result(run, "timeout-exits"), [0, 0]);
  const pids = result<{ patient: number; hasty: number }>(run, "pids");
  const patient = numberOfPid(run, pids.patient);
  const hasty = numberOfPid(run, pids.hasty);
  const parties = resultsOf<PartyReport>(run, "party").filter(
    (r) => r.p === patient || r.p === hasty,
  );
  assert.equal(parties.length, 2);
  for (const party of parties) assertBroken(party, `P${party.p}`);

  const broken = eventsOf(run.events, "sync.wait", (e) => e.outcome === "broken");
  const hastyWait = broken.find((e) => e.p === hasty);
  const patientWait = broken.find((e) => e.p === patient);
  assert.ok(hastyWait && patientWait, "both waits ended broken in the trace");
  assert.ok(hastyWait.wait >= 280 * ms, `the timed wait gave up after ${hastyWait.wait} ns`);
});

test("Barrier: once broken, broken() is true and a new wait fails at once; reset() heals", async () => {
  const run = await timeout();
  assert.deepEqual(result(run, "after-timeout"), { waiting: 0, broken: true });
  assertBroken(result<Outcome>(run, "wait-when-broken"), "wait on a broken barrier");
  assert.deepEqual(result(run, "after-reset"), { waiting: 0, broken: false });
  const again = result<Outcome>(run, "round-after-reset");
  assert.ok("index" in again, JSON.stringify(again));
  assert.equal(again.index, 2);
  assert.deepEqual(result(run, "round-after-reset-exits"), [0, 0]);
  const [reset] = eventsOf(run.events, "sync.signal", (e) => e.op === "barrier.reset");
  assert.equal(reset.p, 1);
});

test("Barrier(n, { timeout }): the default timeout applies in a child too", async () => {
  const run = await runFixture(FIXTURE, { args: ["default-timeout"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "default-timeout-exits"), [0]);
  assertBroken(result<PartyReport>(run, "party"), "the child's lone wait");
  assert.equal(result(run, "broken-after-default-timeout"), true);
  const [wait] = eventsOf(run.events, "sync.wait", (e) => e.p !== 1);
  assert.equal(wait.outcome, "broken");
  assert.ok(wait.wait >= 280 * ms, `gave up after ${wait.wait} ns`);
});

test("Barrier: abort() breaks it for the waiting parties and later waiters", async () => {
  const run = await runFixture(FIXTURE, { args: ["abort"] });
  assertSucceeded(run);
  assert.equal(result(run, "waiting-before-abort"), 2);
  assert.deepEqual(result(run, "abort-exits"), [0, 0]);
  const parties = resultsOf<PartyReport>(run, "party");
  assert.equal(parties.length, 2);
  for (const party of parties) assertBroken(party, `P${party.p}`);
  assert.deepEqual(result(run, "after-abort"), { waiting: 0, broken: true });
  assertBroken(result<Outcome>(run, "wait-after-abort"), "a wait after abort()");
  assert.equal(result(run, "broken-after-reset"), false);
  const [abort] = eventsOf(run.events, "sync.signal", (e) => e.op === "barrier.abort");
  assert.ok(abort.loc?.startsWith(fixtureLine(FIXTURE, "abort")), abort.loc);
  const broken = eventsOf(run.events, "sync.wait", (e) => e.outcome === "broken");
  assert.equal(broken.length, 3, "two parties and the parent's late wait");
});

test("Barrier: reset() while parties wait breaks their wait, and leaves it usable", async () => {
  const run = await runFixture(FIXTURE, { args: ["reset"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "reset-exits"), [0, 0]);
  const parties = resultsOf<PartyReport>(run, "party");
  const first = parties.filter((r) => "error" in r);
  assert.equal(first.length, 2, JSON.stringify(parties));
  for (const party of first) assertBroken(party, `P${party.p}`);
  assert.deepEqual(result(run, "after-reset"), { waiting: 0, broken: false });
  const again = result<Outcome>(run, "round-after-reset");
  assert.ok("index" in again, JSON.stringify(again));
  const passed = parties.filter((r) => "index" in r).map((r) => r.index);
  assert.deepEqual([...passed, again.index].sort(), [0, 1, 2]);
  assert.deepEqual(result(run, "round-after-reset-exits"), [0, 0]);
});

test("Barrier: a party killed while waiting breaks it for the others", async () => {
  const run = await runFixture(FIXTURE, { args: ["party-dies"] });
  assertSucceeded(run);
  assert.equal(result(run, "waiting-before-death"), 2);
  assert.equal(result(run, "doomed-exit"), -9);
  assert.deepEqual(result(run, "survivor-exit"), [0]);
  assertBroken(result<PartyReport>(run, "party"), "the surviving party");
  assert.equal(result(run, "broken-after-death"), true);

  // The killed party's wait began and never ended: the trace says it began, and the report
  // counts it among the barrier's waits.
  const doomed = eventsOf(run.events, "process.exit", (e) => e.exitCode === -9);
  assert.equal(doomed.length, 1, `one party killed:\n${describeRun(run)}`);
  // eventsOf fails, naming the type, when there is no such event.
  eventsOf(run.events, "object.block", (e) => e.p === doomed[0].p && e.op === "wait");
  assert.ok(
    !run.events.some((e) => e.type === "sync.wait" && e.p === doomed[0].p),
    "the killed party's wait did not end",
  );
  const report = await runCli(["report", run.tracePath]);
  assert.equal(report.code, 0, describeRun(report));
  const name = /^(Barrier\d+)\s+2\s/m.exec(report.stdout)?.[1];
  assert.ok(
    name,
    `a barrier with 2 waits (the survivor's and the killed one's):\n${report.stdout}`,
  );
  assert.match(
    report.stdout,
    new RegExp(`^  ${name}: 1 wait never ended \\(the waiter died waiting`, "m"),
  );
});
