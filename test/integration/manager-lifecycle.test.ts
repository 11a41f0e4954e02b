// A manager's process ends with shutdown() or the end of an `await using` block, and never
// outlives its root: SIGKILL the root and the manager (and a child using it) are gone
// within 2 s.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  cleanUp,
  collect,
  eventsOf,
  isAlive,
  result,
  runArgs,
  runFixture,
  scratch,
  startCli,
  survivors,
  waitFor,
  type ErrorReport,
  type FixtureRun,
} from "./helpers";

after(cleanUp);

const FIXTURE = "manager-lifecycle.ts";
const LIVENESS_MS = 2000;

interface Child {
  name: string;
  pid: number;
}

async function scenario(name: string): Promise<FixtureRun> {
  const run = await runFixture(FIXTURE, { args: [name] });
  assertSucceeded(run);
  return run;
}

function managerSpawns(run: FixtureRun) {
  return eventsOf(run.events, "process.spawn", (e) => e.role === "manager");
}

test("shutdown() ends the manager process; its proxies stop working; a second shutdown() is harmless", async () => {
  const run = await scenario("shutdown");
  const before = result<Child[]>(run, "before");
  assert.equal(before.length, 1, "one manager among the active children");
  assert.match(before[0].name, /^SyncManager-\d+$/);
  assert.deepEqual(result(run, "after"), [], "the manager is still an active child");
  assert.ok(!isAlive(before[0].pid), `manager ${before[0].pid} is still running`);
  assert.equal(result(run, "address-is-socket"), true, "a local manager listens on a socket path");
  const call = result<ErrorReport | null>(run, "call-after-shutdown");
  assert.ok(call?.isError, "a proxy call after shutdown() did not fail");
  assert.equal(result(run, "shutdown-again"), null);

  const [spawn] = managerSpawns(run);
  assert.equal(spawn.pid, before[0].pid);
  const [exit] = eventsOf(run.events, "process.exit", (e) => e.p === spawn.child);
  assert.equal(exit.exitCode, 0, "the manager did not end cleanly");
  const [shutdownCall] = eventsOf(run.events, "manager.call", (c) => c.method === "shutdown");
  assert.equal(shutdownCall.p, 1);
  assert.ok(exit.t >= shutdownCall.t - shutdownCall.duration, "it ended before it was asked");
});

test("`await using manager`: the manager process ends with the block", async () => {
  const run = await scenario("await-using");
  const inside = result<{ managers: Child[]; a: number }>(run, "inside");
  assert.equal(inside.managers.length, 1);
  assert.equal(inside.a, 1);
  assert.deepEqual(result(run, "after"), []);
  assert.ok(!isAlive(inside.managers[0].pid), "the manager is still running");
  assert.ok(result<ErrorReport | null>(run, "call-after-block")?.isError);
  const [spawn] = managerSpawns(run);
  const [exit] = eventsOf(run.events, "process.exit", (e) => e.p === spawn.child);
  assert.equal(exit.exitCode, 0);
  const [rootExit] = eventsOf(run.events, "process.exit", (e) => e.p === 1);
  assert.ok(exit.t <= rootExit.t);
});

test("the manager never outlives its root: SIGKILL the root, the manager and a child using it are gone within 2 s", async () => {
  const tracePath = scratch("root-killed.pstrace");
  const started = startCli(runArgs(FIXTURE, tracePath, { args: ["root-killed"] }));
  const [, readyJson] = await started.waitForOutput(/@result ready (.*)\n/);
  const [, childJson] = await started.waitForOutput(/@result child-ready (.*)\n/);
  const ready = JSON.parse(readyJson) as { root: number; managers: Child[] };
  const child = JSON.parse(childJson) as number;
  assert.equal(ready.managers.length, 1);
  const manager = ready.managers[0].pid;
  for (const pid of [ready.root, manager, child]) assert.ok(isAlive(pid), `${pid} is not up`);

  process.kill(ready.root, "SIGKILL");
  const gone = await waitFor(() => !isAlive(manager) && !isAlive(child), LIVENESS_MS);
  assert.ok(
    gone,
    `still running ${LIVENESS_MS} ms after the root was killed: ${[manager, child].filter(isAlive).join(", ")}`,
  );
  const run = await collect(started, tracePath);
  assert.equal(run.code, 128 + 9, "the CLI reports the root's SIGKILL");
  // The CLI SIGKILLs what is left just before it exits; the kernel may take a moment more.
  assert.ok(await waitFor(() => survivors(started.mark).length === 0, 5000), "left running");
  const [spawn] = managerSpawns(run);
  assert.equal(spawn.pid, manager);
});
