// Regressions found by the fault tier (test/faults): each test names the bug it pins.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  cleanUp,
  collect,
  commandLine,
  describeRun,
  eventsOf,
  result,
  runArgs,
  runFixture,
  scratch,
  startCli,
  survivors,
  type ErrorReport,
} from "./helpers";

after(cleanUp);

const FIXTURE = "fault-regressions.ts";

test("a reader killed holding a message: the message-lost warning names it by id", async () => {
  // Bug: the warning gave only a count, so nobody could tell which messages were gone.
  const run = await runFixture(FIXTURE, { args: ["lost-ids"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "left"), ["second", "third"]);
  const [lost] = eventsOf(run.events, "warning", (w) => w.code === "message-lost");
  assert.deepEqual(lost.msgs, ["1:1"], "the root's first message, fetched by the reader");
  const [send] = eventsOf(run.events, "message.send", (e) => e.msg === "1:1");
  assert.equal(lost.obj, send.obj);
  assert.match(lost.message, /ended holding 1 message\(s\) of \S+ it had fetched .*: 1:1$/);
});

test("readers joining a streamed queue: each reader still gets the items in order", async () => {
  // Bug: the lone reader answered the recall before taking in the batch the hub had just
  // sent it (both came in one read), so the hub served the new readers later items first
  // and the recalled ones went to them afterwards (about 1 run of shared-consumers in 7).
  const run = await runFixture(FIXTURE, { args: ["late-readers", "60"] });
  assertSucceeded(run);
  assert.equal(result(run, "out-of-order"), 0, "items taken after a later one");
});

test("a pool whose last task in flight killed its worker: the program still ends with 0", async () => {
  // Bug: the pool's read of results, left waiting for that task, rejected when the process
  // closed its connection at exit, and nothing caught it: the process crashed with "the
  // procscope hub went away" and exit code 1.
  const run = await runFixture(FIXTURE, { args: ["pool-last-task-dies"] });
  assertSucceeded(run);
  assert.equal(result<ErrorReport>(run, "task").name, "ProcessError");
  assert.equal(result(run, "joined"), true);
  assert.doesNotMatch(run.stderr, /went away/);
});

test("a call on a dead manager's proxy names the manager, not the hub", async () => {
  // Bug: once the link was closed, requests failed with "the procscope hub went away".
  const run = await runFixture(FIXTURE, { args: ["manager-gone"] });
  assertSucceeded(run);
  const error = result<ErrorReport | null>(run, "call-after-death");
  assert.ok(error, "the call did not fail");
  assert.match(error.message, /^the manager at \S+ went away$/);
});

test("a manager that hangs up during the handshake is named in the error", async () => {
  // Bug: the error said "the server closed the connection", naming no one.
  const run = await runFixture(FIXTURE, { args: ["manager-hangs-up"] });
  assertSucceeded(run);
  const error = result<ErrorReport | null>(run, "connect");
  assert.ok(error, "the connection did not fail");
  assert.match(
    error.message,
    /^the manager at 127\.0\.0\.1:\d+ closed the connection during the handshake$/,
  );
});

test("a process reaching a dead manager for the first time fails at once, naming it", async () => {
  // Bug: the connection was retried for 10 s, as if the manager were still starting.
  const run = await runFixture(FIXTURE, { args: ["manager-gone-first-use"] });
  assertSucceeded(run);
  const error = result<ErrorReport | null>(run, "first-call");
  assert.ok(error, "the call did not fail");
  assert.match(error.message, /^cannot reach \S+manager-\S+\.sock: connect (ECONNREFUSED|ENOENT)/);
  assert.ok(result<number>(run, "first-call-ms") < 3000, "the failure took seconds");
});

test("the hub killed mid-run: the trace says so, and each process's exit is what it did", async () => {
  // Bug: nothing in the trace told of the hub's death, and the processes that stopped on
  // losing it (exit code 70) were recorded as killed by SIGKILL when the run ended.
  const tracePath = scratch("hub-killed.pstrace");
  const started = startCli(runArgs("orphans.ts", tracePath));
  await started.waitForOutput(/@result ready /);
  const [hub] = survivors(started.mark).filter((pid) => commandLine(pid) === "procscope-hub");
  assert.ok(hub, "no hub among the run's processes");
  process.kill(hub, "SIGKILL");
  const run = await collect(started, tracePath);
  assert.equal(run.code, 70, describeRun(run));
  assert.match(run.stderr, /procscope: connection to the hub closed; stopping/);
  const [lost] = eventsOf(run.events, "warning", (w) => w.code === "hub-lost");
  assert.match(lost.message, /hub ended while the program ran/);
  const exits = eventsOf(run.events, "process.exit");
  assert.equal(exits.length, 4, "the root and its three descendants");
  for (const exit of exits) {
    assert.deepEqual([exit.exitCode, exit.signal], [70, null], JSON.stringify(exit));
  }
});
