// The "Processes" table of API.md, on real OS processes.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as os from "node:os";
import {
  assertSucceeded,
  assertThrew,
  cleanUp,
  describeRun,
  eventsOf,
  fixtureLine,
  fixturePath,
  isAlive,
  killMarked,
  result,
  resultsOf,
  runArgs,
  runFixture,
  scratch,
  settlesWithin,
  sharedRun,
  startCli,
} from "./helpers";

after(cleanUp);

const scenario = (name: string) => runFixture("processes.ts", { args: [name] });

interface Identity {
  pid: number;
  ppid: number;
  isMain: boolean;
  name: string;
  daemon: boolean;
  parent: { name: string; pid: number } | null;
}

const identity = sharedRun("processes.ts", { args: ["identity"] });

test("main() runs only in the root; top-level code runs again in every process", async () => {
  const run = await identity();
  assertSucceeded(run);
  const root = result<{ pid: number; isMain: boolean }>(run, "root");
  const child = result<Identity>(run, "child");
  assert.equal(root.isMain, true);
  assert.equal(child.isMain, false);
  const topLevel = resultsOf<{ pid: number; isMain: boolean; argv: string[] }>(run, "top-level");
  assert.deepEqual(
    topLevel.map((entry) => [entry.pid, entry.isMain]).sort(),
    [
      [root.pid, true],
      [child.pid, false],
    ].sort(),
  );
  // The program's arguments are the same everywhere, as Python's spawn passes sys.argv.
  for (const entry of topLevel) assert.deepEqual(entry.argv, ["identity"], `P of pid ${entry.pid}`);
});

test("a child is a real OS process whose parent is the process that started it", async () => {
  const run = await identity();
  const root = result<{ pid: number; name: string; parent: unknown }>(run, "root");
  const started = result<{ pid: number; name: string; daemon: boolean }>(run, "started");
  const child = result<Identity>(run, "child");
  assert.notEqual(child.pid, root.pid);
  assert.equal(child.pid, started.pid, "p.pid is the child's own process.pid");
  assert.equal(child.ppid, root.pid, "the child's process.ppid is the parent's pid");
  assert.deepEqual(child.parent, { name: "MainProcess", pid: root.pid });
  assert.equal(root.parent, null, "the root has no parent process");
});

test("names: MainProcess for the root, Process-N for children, seen alike on both sides", async () => {
  const run = await identity();
  assert.equal(result<{ name: string }>(run, "root").name, "MainProcess");
  assert.equal(result<{ name: string }>(run, "started").name, "Process-1");
  assert.equal(result<Identity>(run, "child").name, "Process-1");
  assert.equal(result<Identity>(run, "child").daemon, false);
});

test("before start() a Process has no pid, no exit code and is not alive", async () => {
  const run = await identity();
  assert.deepEqual(result(run, "before-start"), { pid: null, exitCode: null, alive: false });
});

test("cpuCount() is the number of CPUs this machine offers", async () => {
  const run = await identity();
  const count = result<{ cpuCount: number }>(run, "root").cpuCount;
  assert.ok(Number.isInteger(count) && count >= 1 && count <= os.cpus().length, String(count));
});

test("lifecycle: start, isAlive, exitCode, join(timeout), activeChildren, close", async () => {
  const run = await scenario("lifecycle");
  assertSucceeded(run);
  assert.equal(result(run, "start-returns-process"), true);
  assert.equal(result(run, "running-pid-matches"), true);
  assert.deepEqual(result(run, "while-running"), {
    alive: true,
    exitCode: null,
    active: ["Process-1"],
  });
  // join(timeout) returns when the time is up even though the child still runs.
  assert.deepEqual(result(run, "after-join-timeout"), { alive: true, exitCode: null });
  assert.deepEqual(result(run, "after-join"), { alive: false, exitCode: 0, active: 0 });
});

test("start() twice, close() while running and start() after close() throw ValueError", async () => {
  const run = await scenario("lifecycle");
  for (const label of ["start-twice", "close-while-running", "start-after-close"]) {
    assertThrew(result(run, label), "ValueError", label);
  }
});

test("as in Python: daemon is set before start() only; a closed process answers nothing; '' is no name", async () => {
  const run = await scenario("lifecycle");
  assertThrew(result(run, "daemon-after-start"), "ValueError", "daemon after start");
  for (const use of ["pid", "exitCode", "isAlive", "join", "terminate", "kill"]) {
    const error = assertThrew(result(run, `${use}-after-close`), "ValueError", use);
    assert.match(error.message, /^process object Process-\d+ is closed$/, use);
  }
  assert.match(result<string>(run, "unnamed"), /^Process-\d+$/);
});

test("fork(f, ...args) starts the process at once and passes the arguments", async () => {
  const run = await scenario("fork");
  assertSucceeded(run);
  assert.deepEqual(result(run, "fork"), { isProcess: true, alive: true });
  assert.deepEqual(result(run, "child-args"), [1, "two", { three: [3] }]);
  assert.equal(result(run, "fork-exit"), 0);
});

test("name and daemon options are seen by the parent and by the child", async () => {
  const run = await scenario("named-daemon");
  assertSucceeded(run);
  assert.deepEqual(result(run, "parent-side"), { name: "custom name", daemon: true });
  const child = result<Identity>(run, "child");
  assert.equal(child.name, "custom name");
  assert.equal(child.daemon, true);
});

test("a daemon process may not start children (Python's rule)", async () => {
  const run = await scenario("named-daemon");
  const error = result<{ name: string; message: string } | null>(run, "daemon-fork");
  assert.ok(error, "fork in a daemon did not throw");
  assert.match(error.message, /daemon/);
});

test("a child can start its own child (targets from another module): a real tree", async () => {
  const run = await runFixture("tree.ts");
  assertSucceeded(run);
  const root = result<{ pid: number }>(run, "root");
  const middle = result<Identity>(run, "middle");
  const leaf = result<Identity>(run, "leaf");
  assert.equal(middle.ppid, root.pid);
  assert.equal(leaf.ppid, middle.pid);
  assert.equal(new Set([root.pid, middle.pid, leaf.pid]).size, 3);
  assert.equal(middle.name, "Process-1");
  assert.equal(leaf.name, "Process-1:1", "a grandchild is named after its parent, as in Python");
  assert.deepEqual(leaf.parent, { name: "Process-1", pid: middle.pid });
  assert.deepEqual(result(run, "middle-saw-leaf"), {
    pid: leaf.pid,
    name: "Process-1:1",
    exitCode: 0,
  });
  assert.deepEqual(result(run, "root-saw-middle"), { pid: middle.pid, exitCode: 0 });

  const spawns = eventsOf(run.events, "process.spawn");
  const targetModule = fixturePath("lib/tree-targets.ts");
  assert.deepEqual(
    spawns.map((spawn) => [spawn.p, spawn.child, spawn.pid, spawn.target]),
    [
      [1, 2, middle.pid, `${targetModule}#middle`],
      [2, 3, leaf.pid, `${targetModule}#leaf`],
    ],
  );
});

const exitCodes = sharedRun("processes.ts", { args: ["exit-codes"] });

test("a target that returns, or whose promise resolves, exits 0", async () => {
  const run = await exitCodes();
  assert.equal(result(run, "exit-returns"), 0, describeRun(run));
  assert.equal(result(run, "exit-resolvesLater"), 0, describeRun(run));
});

test("a target that throws, or whose promise rejects, exits 1", async () => {
  const run = await exitCodes();
  assert.equal(result(run, "exit-throws"), 1, describeRun(run));
  assert.equal(result(run, "exit-rejects"), 1, describeRun(run));
});

test("a target that calls process.exit(3) exits 3", async () => {
  const run = await exitCodes();
  assert.equal(result(run, "exit-exitsWithThree"), 3, describeRun(run));
});

test("a target that sets process.exitCode = 7 and returns exits 7, as a Node program does", async () => {
  const run = await exitCodes();
  assert.equal(result(run, "exit-setsExitCode"), 7, describeRun(run));
});

test("a failing target prints the error with a stack naming the .ts line of the throw", async () => {
  const run = await exitCodes();
  for (const [message, line] of [
    ["thrown by the target", "sync-throw"],
    ["rejected by the target", "async-throw"],
  ]) {
    const at = run.stderr.indexOf(`Error: ${message}`);
    assert.ok(at >= 0, `no "${message}" on stderr\n${describeRun(run)}`);
    const stack = run.stderr.slice(at).split("\n").slice(1, 4).join("\n");
    assert.ok(stack.includes(fixtureLine("processes.ts", line)), stack);
  }
});

test("kill() ends a child with SIGKILL (exitCode -9), terminate() with SIGTERM (-15)", async () => {
  const run = await scenario("signals");
  assertSucceeded(run);
  assert.deepEqual(result(run, "killed"), { exitCode: -9, alive: false });
  assert.deepEqual(result(run, "terminated"), { exitCode: -15, alive: false });
  const signals = eventsOf(run.events, "process.exit", (exit) => exit.p !== 1);
  // The program asked for both endings: the trace says so, and nothing calls them failures.
  assert.deepEqual(signals.map((exit) => [exit.exitCode, exit.signal, exit.stoppedBy]).sort(), [
    [-15, "SIGTERM", "terminate"],
    [-9, "SIGKILL", "kill"],
  ]);
});

test("terminate() ends a child busy computing too: SIGKILL after a grace, shown as terminate()", async () => {
  // Traced, a child dies of SIGTERM once its event loop turns (to hand over its last
  // events); one that computes for ever never turns it.
  const run = await scenario("terminate-busy");
  assertSucceeded(run);
  assert.deepEqual(result(run, "terminated-busy"), { exitCode: -9, alive: false });
  const [exit] = eventsOf(run.events, "process.exit", (e) => e.p !== 1);
  assert.deepEqual([exit.exitCode, exit.signal, exit.stoppedBy], [-9, "SIGKILL", "terminate"]);
});

test("when main returns, non-daemon children are joined and daemon children terminated", async () => {
  const run = await scenario("exit-joins-and-terminates");
  assertSucceeded(run);
  const lines = run.stdout.split("\n");
  const mainReturned = lines.findIndex((line) => line.includes("main-returned"));
  const finished = lines.findIndex((line) => line.includes("non-daemon-finished"));
  assert.ok(mainReturned >= 0 && finished > mainReturned, describeRun(run));

  const daemonPid = result<number>(run, "daemon-pid");
  assert.equal(isAlive(daemonPid), false, "the daemon child outlived the program");
  const daemonNumber = eventsOf(run.events, "process.spawn", (spawn) => spawn.daemon)[0].child;
  const [daemonExit] = eventsOf(run.events, "process.exit", (exit) => exit.p === daemonNumber);
  assert.equal(daemonExit.exitCode, -15, "the daemon was terminated (SIGTERM)");
  assert.equal(daemonExit.stoppedBy, "terminate", "ending a daemon at exit is no failure");
  const [nonDaemonExit] = eventsOf(
    run.events,
    "process.exit",
    (exit) => exit.p !== daemonNumber && exit.p !== 1,
  );
  assert.equal(nonDaemonExit.exitCode, 0);
});

test("a process started at the program's top level: the child refuses to start another, and says where", async () => {
  const run = await runFixture("top-level-start.ts");
  assertSucceeded(run);
  assert.equal(result(run, "child-exit"), 1, describeRun(run));
  assert.deepEqual(resultsOf(run, "worked-in"), [], "the target must not run: its module failed");
  assert.equal(eventsOf(run.events, "process.spawn").length, 1, "one child, not a chain of them");
  assert.match(
    run.stderr,
    /ValueError: cannot start Process-1:1 while Process-1 is still loading the program: the program starts processes at its top level, which every child runs again; start them inside main\(\.\.\.\)/,
  );
  assert.ok(
    run.stderr.includes(fixtureLine("top-level-start.ts", "top-level-start").slice(0, -1)),
    `the error does not name the line of the start:\n${run.stderr}`,
  );
});

test("join(timeout) returning early does not keep the program alive until the timeout", async () => {
  // The fixture joins with a 30 s timeout a child that ends at once, then main returns.
  const started = startCli(
    runArgs("processes.ts", scratch("join-timeout.pstrace"), {
      args: ["join-timeout-after-exit"],
    }),
  );
  try {
    await started.waitForOutput(/@result joined 0/);
    const ended = await settlesWithin(started.finished, 5000);
    assert.ok(ended, "the program was still running 5 s after its main returned");
  } finally {
    killMarked(started.mark);
  }
});
