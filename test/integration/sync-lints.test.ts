// The lock lints: a lock held across a blocking call (a warning in the trace, at the call's
// line), and a lock-order inversion between two processes (found by `procscope report`
// even though this run did not deadlock).
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
} from "./helpers";

after(cleanUp);

const FIXTURE = "sync-lints.ts";
const acrossBlocking = sharedRun(FIXTURE, { args: ["across-blocking"] });

function blockingWarnings(events: Awaited<ReturnType<typeof acrossBlocking>>["events"]) {
  return eventsOf(events, "warning", (e) => e.code === "lock-across-blocking-call");
}

test("a queue get while holding a lock is a lock-across-blocking-call warning, once per line", async () => {
  const run = await acrossBlocking();
  assertSucceeded(run);
  assert.equal(result(run, "child-exit"), 0);
  assert.equal(resultsOf(run, "call").length, 7, "every blocking call was made");
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const queue = eventsOf(run.events, "object.create", (e) => e.kind === "queue")[0].obj;
  const lock = eventsOf(run.events, "object.create", (e) => e.kind === "lock")[0].obj;
  const atGet = blockingWarnings(run.events).filter((w) =>
    w.loc?.startsWith(fixtureLine(FIXTURE, "get-while-held")),
  );
  assert.equal(atGet.length, 1, "three gets at one line: one warning");
  assert.equal(atGet[0].p, child);
  assert.equal(atGet[0].obj, queue);
  assert.ok(atGet[0].message.includes(lock), atGet[0].message);
});

test("a pipe recv, an event wait under a semaphore, a join under a lock: warned too", async () => {
  const run = await acrossBlocking();
  const warnings = blockingWarnings(run.events);
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const at = (line: string) =>
    warnings.filter((w) => w.loc?.startsWith(fixtureLine(FIXTURE, line)));
  const [recv] = at("recv-while-held");
  assert.ok(recv, "no warning for recv() while holding the lock");
  assert.equal(recv.p, child);
  const semaphore = eventsOf(run.events, "object.create", (e) => e.kind === "semaphore")[0].obj;
  const [eventWait] = at("event-while-held");
  assert.ok(eventWait, "no warning for Event.wait() while holding the semaphore");
  assert.equal(
    eventWait.obj,
    eventsOf(run.events, "object.create", (e) => e.kind === "event")[0].obj,
  );
  assert.ok(eventWait.message.includes(semaphore), eventWait.message);
  const [join] = at("join-while-held");
  assert.ok(join, "no warning for join() while holding a lock");
  assert.equal(join.p, 1);
});

test("the same calls holding no lock (or only a condition's own) are not warned about", async () => {
  const run = await acrossBlocking();
  const warnings = blockingWarnings(run.events);
  for (const line of ["get-free", "condition-wait"]) {
    const found = warnings.filter((w) => w.loc?.startsWith(fixtureLine(FIXTURE, line)));
    assert.deepEqual(found, [], `warned at @line:${line}`);
  }
  assert.equal(warnings.length, 4, JSON.stringify(warnings.map((w) => w.loc)));
});

test("procscope report lists the lock-across-blocking-call warnings with object names", async () => {
  const run = await acrossBlocking();
  const report = await runCli(["report", run.tracePath]);
  assert.equal(report.code, 0, describeRun(report));
  assert.match(report.stdout, /get\(\) on Queue1 may block while this process holds Lock1/);
  assert.match(
    report.stdout,
    /Event\.wait\(\) on Event1 may block while this process holds Semaphore1/,
  );
});

test("two locks taken in opposite orders by two processes: report shows the inversion", async () => {
  const run = await runFixture(FIXTURE, { args: ["inversion"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "exits"), [0, 0]);
  assert.equal(run.events.filter((e) => e.type === "deadlock").length, 0, "no deadlock happened");
  const report = await runCli(["report", run.tracePath]);
  assert.equal(report.code, 0, describeRun(report));
  const line = report.stdout.split("\n").find((l) => /lock order inversion/i.test(l));
  assert.ok(line, `no lock-order inversion in the report:\n${report.stdout}`);
  const [first, second] = eventsOf(run.events, "process.spawn").map((e) => e.child);
  for (const name of ["Lock1", "Lock2", `P${first}`, `P${second}`]) {
    assert.ok(line.includes(name), `${name} missing from: ${line}`);
  }
  assert.ok(line.includes(fixtureLine(FIXTURE, "inner-acquire")), line);
});

test("the same two locks taken in one order everywhere: no inversion reported", async () => {
  const run = await runFixture(FIXTURE, { args: ["consistent"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "exits"), [0, 0]);
  const report = await runCli(["report", run.tracePath]);
  assert.equal(report.code, 0, describeRun(report));
  assert.match(report.stdout, /Lock contention/, "the report is there");
  assert.doesNotMatch(report.stdout, /inversion/i);
});
