// Nothing outlives its run: when the root dies, even by SIGKILL (no chance to clean up),
// every process of the run (children, grandchildren, the hub) is gone within 2 s.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  cleanUp,
  collect,
  describeRun,
  eventsOf,
  fixturePath,
  isAlive,
  rootBootstrapPath,
  runArgs,
  scratch,
  startCli,
  startNode,
  survivors,
  waitFor,
  type FixtureRun,
  type Started,
} from "./helpers";

after(cleanUp);

interface Ready {
  root: number;
  descendants: number[];
}

const LIVENESS_MS = 2000;

async function readyTree(started: Started): Promise<Ready> {
  const [, json] = await started.waitForOutput(/@result ready (.*)\n/);
  const ready = JSON.parse(json) as Ready;
  assert.equal(ready.descendants.length, 3);
  for (const pid of [ready.root, ...ready.descendants]) assert.ok(isAlive(pid), `${pid} not up`);
  return ready;
}

/**
 * Every process of the run is gone within LIVENESS_MS, except the CLI itself: it still
 * writes the trace after its run has ended, and `collect` waits for it.
 */
async function assertAllGone(pids: number[], started: Started): Promise<void> {
  const others = (): number[] => survivors(started.mark).filter((pid) => pid !== started.child.pid);
  const gone = await waitFor(
    () => pids.every((pid) => !isAlive(pid)) && others().length === 0,
    LIVENESS_MS,
  );
  const left = [...new Set([...pids.filter(isAlive), ...others()])];
  assert.ok(gone, `still alive after ${LIVENESS_MS} ms: ${left.join(", ")}`);
}

test("root started by the runtime bootstrap, killed by SIGKILL: the whole tree dies", async () => {
  // No CLI here: nobody but the runtime itself (its hub) can clean up after the root.
  const started = startNode([rootBootstrapPath, fixturePath("orphans.ts")], { detached: true });
  const ready = await readyTree(started);
  const hubAndTree = survivors(started.mark);
  assert.ok(hubAndTree.length >= 5, `root, hub, 3 descendants: found ${hubAndTree.join(", ")}`);
  process.kill(ready.root, "SIGKILL");
  await assertAllGone([ready.root, ...ready.descendants, ...hubAndTree], started);
  const finished = await started.finished;
  assert.equal(finished.signal, "SIGKILL");
});

test("root run by the CLI, killed by SIGKILL: the tree dies, the CLI reports the signal", async () => {
  const tracePath = scratch("killed.pstrace");
  const started = startCli(runArgs("orphans.ts", tracePath));
  const ready = await readyTree(started);
  process.kill(ready.root, "SIGKILL");
  await assertAllGone([ready.root, ...ready.descendants], started);
  const run = await collect(started, tracePath);
  assert.equal(run.code, 128 + 9, "the CLI exits as a shell reports a SIGKILL");
  const [end] = eventsOf(run.events, "run.end");
  assert.equal(end.signal, "SIGKILL");
  const [rootExit] = eventsOf(run.events, "process.exit", (e) => e.p === 1);
  assert.equal(rootExit.exitCode, -9);
});

/** Sends `signal` to the CLI once the tree is up: every process ends, and the trace is written. */
async function signalTheCli(signal: NodeJS.Signals): Promise<FixtureRun> {
  const tracePath = scratch(`${signal}.pstrace`);
  const started = startCli(runArgs("orphans.ts", tracePath));
  const ready = await readyTree(started);
  started.child.kill(signal);
  await assertAllGone([ready.root, ...ready.descendants], started);
  const run = await collect(started, tracePath);
  eventsOf(run.events, "run.end"); // the trace was written, to its end
  return run;
}

test("Ctrl-C on the CLI (SIGINT) ends every process of the run", async () => {
  const run = await signalTheCli("SIGINT");
  assert.equal(run.code, 128 + 2, "the CLI exits as a shell reports an interrupt");
});

test("the terminal closed (SIGHUP to the CLI) ends every process of the run", async () => {
  // The run's processes have a process group of their own: the hangup reaches the CLI only,
  // which stops the run as for SIGTERM.
  const run = await signalTheCli("SIGHUP");
  assert.equal(run.code, 128 + 15, `the root was not stopped by SIGTERM:\n${describeRun(run)}`);
});

test("a run that ends normally leaves no process behind, daemons included", async () => {
  const started = startCli(
    runArgs("processes.ts", scratch("normal.pstrace"), { args: ["exit-joins-and-terminates"] }),
  );
  const run = await collect(started, scratch("normal.pstrace"));
  assert.equal(run.code, 0);
  const spawned = eventsOf(run.events, "process.spawn").map((spawn) => spawn.pid);
  assert.equal(spawned.length, 2);
  await assertAllGone(spawned, started);
});
