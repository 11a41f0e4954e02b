// Deadlock detection in the hub: cycles of 2 and 3 processes over locks (and a semaphore,
// an RLock, biased locks) are reported in the trace and on the CLI's stderr, with the
// blocked calls' lines; --on-deadlock=kill ends the run with status 3 and leaves nothing
// behind; report (the default) lets the run go on. Timed waits and long waits that end are
// not deadlocks.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type { DeadlockEvent } from "../../src/protocol/trace";
import {
  cleanUp,
  collect,
  describeRun,
  eventsOf,
  fixtureLine,
  fixturePath,
  killMarked,
  result,
  resultsOf,
  scratch,
  startCli,
  survivors,
  waitFor,
  type EventOf,
  type FixtureRun,
  type Started,
} from "./helpers";

after(cleanUp);

const FIXTURE = "sync-deadlock.ts";
const ms = 1_000_000;
/** The issue asks for a report within one second; this bound only catches "never". */
const REPORT_BOUND_NS = 5_000 * ms;
/** How long a test waits for the CLI to print a deadlock before giving up. */
const PRINT_WAIT_MS = 20_000;

/** Everything the process wrote on stderr so far, as it arrives. */
function stderrOf(started: Started): () => string {
  let text = "";
  started.child.stderr!.on("data", (chunk: string) => (text += chunk));
  return () => text;
}

interface DeadlockRun {
  run: FixtureRun;
  /** Whether the CLI printed the deadlock while the program was still running. */
  printedWhileRunning: boolean;
  /** Live processes of the run right after the CLI exited. */
  leftAfterExit: number[];
}

let count = 0;

/**
 * Starts the fixture's `scenario` under the CLI, traced, with `cliOptions`; with `release`,
 * the program is also given the path of the file whose creation ends its stuck processes.
 */
function startScenario(
  scenario: string,
  cliOptions: string[],
  release = false,
): { started: Started; tracePath: string; releasePath: string } {
  const tracePath = scratch(`deadlock-${scenario}-${++count}.pstrace`);
  const releasePath = `${tracePath}.release`;
  const started = startCli([
    "run",
    fixturePath(FIXTURE),
    "--trace",
    tracePath,
    "--no-summary",
    ...cliOptions,
    "--",
    scenario,
    ...(release ? [releasePath] : []),
  ]);
  return { started, tracePath, releasePath };
}

/**
 * Runs a deadlocking scenario. The fixture's root waits for a file before it ends the
 * stuck processes: the test creates it once the CLI has printed the deadlock.
 */
async function runDeadlock(scenario: string, cliOptions: string[] = []): Promise<DeadlockRun> {
  const { started, tracePath, releasePath: release } = startScenario(scenario, cliOptions, true);
  const stderr = stderrOf(started);
  let ended = false;
  void started.finished.then(() => (ended = true));
  try {
    const printed = await waitFor(() => stderr().includes("DEADLOCK") || ended, PRINT_WAIT_MS);
    const printedWhileRunning = printed && stderr().includes("DEADLOCK") && !ended;
    fs.writeFileSync(release, "");
    const run = await collect(started, tracePath);
    // The CLI has exited: give the hub's clean-up a moment, then see what is left.
    await waitFor(() => survivors(started.mark).length === 0, 5_000);
    return { run, printedWhileRunning, leftAfterExit: survivors(started.mark) };
  } finally {
    killMarked(started.mark);
  }
}

/**
 * Runs a scenario that ends by itself (or is ended by `--on-deadlock=kill`), traced, and
 * hands the finished run to `check`; whatever of it is left is killed afterwards.
 */
async function runScenario(
  scenario: string,
  cliOptions: string[],
  check: (run: FixtureRun, started: Started) => Promise<void> | void,
): Promise<void> {
  const { started, tracePath } = startScenario(scenario, cliOptions);
  try {
    await check(await collect(started, tracePath), started);
  } finally {
    killMarked(started.mark);
  }
}

/**
 * Runs a scenario that deadlocks under `--on-deadlock=kill`: the run ends with status 3 and
 * leaves no process; `check` gets the run and the hub's report.
 */
async function runKilled(
  scenario: string,
  check: (run: FixtureRun, deadlock: DeadlockEvent) => void,
): Promise<void> {
  await runScenario(scenario, ["--on-deadlock=kill"], async (run, started) => {
    assert.equal(run.code, 3, describeRun(run));
    const [deadlock] = eventsOf(run.events, "deadlock");
    check(run, deadlock);
    await waitFor(() => survivors(started.mark).length === 0, 5_000);
    assert.deepEqual(survivors(started.mark), [], "processes of the run outlived it");
  });
}

function shared(scenario: string, cliOptions: string[] = []): () => Promise<DeadlockRun> {
  let run: Promise<DeadlockRun> | null = null;
  return () => (run ??= runDeadlock(scenario, cliOptions));
}

const two = shared("two");
const three = shared("three");
const mixed = shared("mixed");
const biased = shared("biased");
const killed = shared("two", ["--on-deadlock=kill"]);

interface Member {
  p: number;
  pid: number;
}

/** Checks the reported deadlock names exactly the cycle's processes, each waiting for the next. */
function assertCycle(run: FixtureRun, op: (entry: { obj: string }) => string): EventOf<"deadlock"> {
  const members = resultsOf<Member>(run, "cycle-member").map((m) => m.p);
  assert.ok(members.length >= 2, describeRun(run));
  const reports = eventsOf(run.events, "deadlock");
  assert.equal(reports.length, 1, "one deadlock, reported once");
  const [deadlock] = reports;
  assert.deepEqual(
    deadlock.processes.map((entry) => entry.p).sort(),
    [...members].sort(),
    "the deadlock names the processes of the cycle, and only them",
  );
  assert.ok(members.includes(deadlock.p));
  const byProcess = new Map(deadlock.processes.map((entry) => [entry.p, entry]));
  const blockedLine = fixtureLine(FIXTURE, "deadlock-acquire");
  for (const entry of deadlock.processes) {
    assert.ok(entry.loc?.startsWith(blockedLine), `P${entry.p} blocked at ${entry.loc}`);
    assert.equal(entry.op, op(entry), `P${entry.p}`);
    assert.equal(entry.waitingFor.length, 1, `P${entry.p} waits for one holder`);
    // It waits for the process that holds what it asked for.
    const holder = entry.waitingFor[0];
    eventsOf(run.events, "lock.acquired", (e) => e.p === holder && e.obj === entry.obj);
    assert.ok(deadlock.message.includes(`P${entry.p}`), deadlock.message);
  }
  // Following "waits for" from any member goes round all of them and back.
  const seen: number[] = [];
  let at = deadlock.processes[0].p;
  while (!seen.includes(at)) {
    seen.push(at);
    at = byProcess.get(at)!.waitingFor[0];
  }
  assert.equal(at, deadlock.processes[0].p, "the waits form one cycle");
  assert.equal(seen.length, members.length);

  // Reported within a generous bound of the cycle closing (its last blocked request).
  const closed = Math.max(
    ...eventsOf(
      run.events,
      "lock.request",
      (e) => e.loc?.startsWith(blockedLine) === true && members.includes(e.p),
    ).map((e) => e.t),
  );
  assert.ok(deadlock.t > closed, "reported before the cycle closed");
  assert.ok(
    deadlock.t - closed < REPORT_BOUND_NS,
    `reported ${(deadlock.t - closed) / ms} ms late`,
  );
  return deadlock;
}

/** The CLI printed the deadlock: the processes and the blocked calls' file:line. */
function assertPrinted(outcome: DeadlockRun): void {
  const { run } = outcome;
  assert.ok(
    outcome.printedWhileRunning,
    `not printed while the run was stuck\n${describeRun(run)}`,
  );
  assert.match(run.stderr, /DEADLOCK/);
  const [deadlock] = eventsOf(run.events, "deadlock");
  for (const entry of deadlock.processes) assert.match(run.stderr, new RegExp(`\\bP${entry.p}\\b`));
  assert.ok(run.stderr.includes(fixtureLine(FIXTURE, "deadlock-acquire")), run.stderr);
}

/** --on-deadlock=report (the default): the program went on and ended by itself. */
function assertRunWentOn(outcome: DeadlockRun): void {
  const { run } = outcome;
  assert.equal(run.code, 0, describeRun(run));
  const after = result<{ releasedBy: string; exitCodes: number[] }>(run, "after-deadlock");
  assert.equal(after.releasedBy, "file", "the root ended the cycle after the CLI printed it");
  assert.ok(
    after.exitCodes.every((code) => code === -9),
    JSON.stringify(after.exitCodes),
  );
  assert.deepEqual(outcome.leftAfterExit, []);
}

const lockOp = () => "lock.acquire";

test("deadlock of 2 processes over 2 locks: reported in the trace with the blocked lines", async () => {
  assertCycle((await two()).run, lockOp);
});

test("deadlock of 2 processes: the CLI prints it on stderr while the run is stuck", async () => {
  assertPrinted(await two());
});

test("--on-deadlock=report (default): the run goes on, the program ends it itself", async () => {
  const outcome = await two();
  assertRunWentOn(outcome);
  const [deadlock] = eventsOf(outcome.run.events, "deadlock");
  assert.ok(
    outcome.run.events.some((e) => e.type === "process.output" && e.t > deadlock.t),
    "the program kept running (and printing) after the report",
  );
});

test("deadlock of 3 processes over 3 locks: reported, printed, the run goes on", async () => {
  const outcome = await three();
  const deadlock = assertCycle(outcome.run, lockOp);
  assert.equal(deadlock.processes.length, 3);
  assertPrinted(outcome);
  assertRunWentOn(outcome);
});

test("deadlock over a Semaphore and an RLock: reported with each object's kind", async () => {
  const outcome = await mixed();
  const kinds = new Map(
    eventsOf(outcome.run.events, "object.create").map((e) => [e.obj, e.kind] as const),
  );
  const deadlock = assertCycle(outcome.run, (entry) => `${kinds.get(entry.obj)}.acquire`);
  assert.deepEqual(deadlock.processes.map((entry) => kinds.get(entry.obj)).sort(), [
    "rlock",
    "semaphore",
  ]);
  assertPrinted(outcome);
  assertRunWentOn(outcome);
});

test("deadlock over locks biased to their holders (taken alone first): reported", async () => {
  const outcome = await biased();
  assertCycle(outcome.run, lockOp);
  assertPrinted(outcome);
  assertRunWentOn(outcome);
});

test("a join of a child that waits for what its joiner holds is part of the deadlock", async () => {
  await runKilled("join-holding", (run, deadlock) => {
    assert.deepEqual(
      deadlock.processes.map((e) => [e.p, e.op, e.waitingFor]),
      [
        [1, "process.join", [2]],
        [2, "lock.acquire", [1]],
      ],
    );
    const loc = deadlock.processes[0].loc;
    assert.ok(loc?.startsWith(fixtureLine(FIXTURE, "join-holding")), loc);
    assert.match(run.stderr, /P1 is blocked in join\(\) of Process-1 at \S+, waiting for P2/);
  });
});

test("main returning while its child waits for what main never sent: the exit's join is reported", async () => {
  await runKilled("exit-join", (_run, deadlock) => {
    assert.deepEqual(
      deadlock.processes.map((e) => [e.p, e.op]),
      [
        [1, "process.join"],
        [2, "queue.get"],
      ],
    );
  });
});

test("one process waiting for ever on what no other process could end is reported, and ended", async () => {
  await runKilled("alone", (run, deadlock) => {
    assert.deepEqual(
      deadlock.processes.map((e) => [e.p, e.op, e.waitingFor]),
      [[1, "event.wait", []]],
    );
    const loc = deadlock.processes[0].loc;
    assert.ok(loc?.startsWith(fixtureLine(FIXTURE, "alone-wait")), loc);
    assert.match(run.stderr, /DEADLOCK: P1 waits for ever: nothing can end its wait\./);
    assert.match(
      run.stderr,
      /P1 is blocked in event\.wait on Event1 at \S+, which no other process could end/,
    );
  });
});

test("a barrier short of parties, with no process left that could come, is reported", async () => {
  await runKilled("barrier-short", (run, deadlock) => {
    assert.deepEqual(
      deadlock.processes.map((e) => [e.p, e.op]),
      [
        [1, "barrier.wait"],
        [2, "barrier.wait"],
      ],
    );
    assert.match(run.stderr, /DEADLOCK: P1, P2 wait for each other and none can proceed\./);
  });
});

test("--on-deadlock=kill ends the run with exit status 3 and leaves no process", async () => {
  const { run, leftAfterExit } = await killed();
  assert.equal(run.code, 3, describeRun(run));
  assert.match(run.stderr, /DEADLOCK/);
  assert.match(run.stderr, /--on-deadlock=kill/);
  assert.deepEqual(leftAfterExit, [], "processes of the run outlived it");
  for (const member of resultsOf<Member>(run, "cycle-member")) {
    assert.ok(!survivors(run.mark).includes(member.pid), `P${member.p} survived`);
  }
  // The program did not get to end the cycle itself: the run was ended for it.
  assert.deepEqual(resultsOf(run, "after-deadlock"), []);
  assertCycle(run, lockOp);
});

test("untraced (--no-trace), a deadlock is still found, told and, with --on-deadlock=kill, ended", async () => {
  const release = scratch("release-untraced");
  const started = startCli([
    "run",
    fixturePath(FIXTURE),
    "--no-trace",
    "--on-deadlock=kill",
    "--",
    "two",
    release,
  ]);
  try {
    const run = await collect(started, scratch("untraced-none.pstrace"));
    assert.equal(run.code, 3, describeRun(run));
    // No object was recorded, so objects are named by id; the hint says how to learn more.
    assert.match(run.stderr, /DEADLOCK: P\d+, P\d+ wait for each other/);
    assert.match(run.stderr, /blocked in lock\.acquire on object \S+, waiting for P\d+/);
    assert.match(run.stderr, /run with tracing for object names and source lines/);
    assert.deepEqual(resultsOf(run, "after-deadlock"), []);
    await waitFor(() => survivors(started.mark).length === 0, 5_000);
    assert.deepEqual(survivors(started.mark), [], "processes of the run outlived it");
  } finally {
    killMarked(started.mark);
  }
});

test("a cycle of timed acquires is not a deadlock: they time out by themselves", async () => {
  await runScenario("timed", [], async (run) => {
    assert.equal(run.code, 0, describeRun(run));
    assert.deepEqual(result(run, "timed-exits"), [0, 0]);
    assert.doesNotMatch(run.stderr, /DEADLOCK/);
    assert.equal(run.events.filter((e) => e.type === "deadlock").length, 0);
    // The cycle did form: one of them waited its 2 s in vain.
    const [timedOut] = eventsOf(
      run.events,
      "lock.timeout",
      (e) => e.loc?.startsWith(fixtureLine(FIXTURE, "deadlock-acquire")) === true,
    );
    assert.ok(timedOut.wait >= 1_900 * ms, `timed out after ${timedOut.wait} ns`);
  });
});

test("a cycle through a pool task (its process holds the lock the task needs) is reported and ended", async () => {
  await runKilled("pool", (run, deadlock) => {
    assert.deepEqual(resultsOf(run, "pool-result"), [], "the task never finished");
    const [pool] = eventsOf(run.events, "object.create", (e) => e.kind === "pool");
    const [worker] = eventsOf(run.events, "process.spawn", (e) => e.role === "pool-worker");
    const byProcess = new Map(deadlock.processes.map((entry) => [entry.p, entry]));
    const owner = byProcess.get(1);
    assert.deepEqual(
      [owner?.op, owner?.obj, owner?.waitingFor],
      ["pool.results", pool.obj, [worker.child]],
    );
    const task = byProcess.get(worker.child);
    assert.equal(task?.op, "lock.acquire");
    assert.ok(task?.loc?.startsWith(fixtureLine(FIXTURE, "pool-task-acquire")), task?.loc);
    assert.deepEqual(task?.waitingFor, [1]);
    assert.match(run.stderr, /DEADLOCK/);
  });
});

test("no false deadlock while a pool's process awaits a long task", async () => {
  await runScenario("pool-progress", [], async (run) => {
    assert.equal(run.code, 0, describeRun(run));
    const [progress] = resultsOf<{ ok: boolean; ms: number }>(run, "progress");
    assert.equal(progress.ok, true, "the long pool task did not return what it was given");
    assert.ok(progress.ms >= 1_000, `waited only ${progress.ms} ms`);
    assert.deepEqual(
      run.events.filter((e) => e.type === "deadlock"),
      [],
      "a deadlock was reported for a task that ended",
    );
    assert.doesNotMatch(run.stderr, /DEADLOCK/);
  });
});

test("no false deadlock when a timer in the waiting process itself ends the wait (queue, pipe)", async () => {
  // A Node process waiting in one call may still run a timer: the hub asks each process of a
  // would-be cycle whether it has other work pending before it reports.
  await runScenario("own-timer", ["--on-deadlock=kill"], async (run) => {
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(result(run, "own-timer-queue"), "from a timer");
    assert.equal(result(run, "own-timer-pipe"), "from a timer");
    assert.equal(result(run, "own-timer-exit"), 0);
    assert.deepEqual(
      run.events.filter((e) => e.type === "deadlock"),
      [],
      "a deadlock was reported for waits a timer ended",
    );
  });
});

test("no false deadlock on long waits that end (lock, chain, event, queue, barrier, condition)", async () => {
  await runScenario("progress", [], async (run) => {
    assert.equal(run.code, 0, describeRun(run));
    assert.deepEqual(result(run, "progress-exits"), [0, 0, 0, 0, 0, 0, 0]);
    const progress = resultsOf<{ label: string; ok: boolean; ms: number }>(run, "progress");
    assert.deepEqual(progress.map((p) => p.label).sort(), [
      "barrier",
      "chained-lock",
      "condition",
      "event",
      "lock",
      "queue",
    ]);
    for (const p of progress) {
      assert.equal(p.ok, true, p.label);
      // Long enough for the detector to have looked (it checks every 300 ms).
      assert.ok(p.ms >= 1_000, `${p.label} waited only ${p.ms} ms`);
    }
    const reported = run.events.filter((e) => e.type === "deadlock");
    assert.deepEqual(reported, [], "a deadlock was reported for waits that ended");
    assert.doesNotMatch(run.stderr, /DEADLOCK/);
  });
});

test(
  "no false deadlock while a spawned child is still starting (it may release the wait)",
  // Regression: a child still starting counts as a possible releaser.
  async () => {
    // Every process of this run loads a preload (NODE_OPTIONS is inherited) that delays
    // the start of the child named "slow-starter" by 2 s, before it connects to the hub.
    const preload = scratch("slow-start.cjs");
    fs.writeFileSync(
      preload,
      "const launch = process.env.PROCSCOPE_LAUNCH;\n" +
        'if (launch && JSON.parse(launch).name === "slow-starter") {\n' +
        "  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);\n" +
        "}\n",
    );
    const tracePath = scratch("deadlock-slow-start.pstrace");
    const previous = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${previous ?? ""} --require ${preload}`.trim();
    let started: Started;
    try {
      started = startCli([
        "run",
        fixturePath(FIXTURE),
        "--trace",
        tracePath,
        "--no-summary",
        "--",
        "slow-start",
      ]);
    } finally {
      if (previous === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = previous;
    }
    try {
      const run = await collect(started, tracePath);
      assert.equal(run.code, 0, describeRun(run));
      assert.equal(result(run, "slow-said"), "hello");
      assert.deepEqual(result(run, "slow-start-exits"), [0, 0]);
      // The slow start did happen: P2 waited through it.
      const [waited] = resultsOf<{ ms: number }>(run, "progress");
      assert.ok(waited.ms >= 1_500, `P2 waited only ${waited.ms} ms`);
      const reported = run.events.filter((e) => e.type === "deadlock");
      assert.deepEqual(reported, [], "a deadlock was reported while a child was starting");
    } finally {
      killMarked(started.mark);
    }
  },
);
