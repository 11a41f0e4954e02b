/**
 * What must hold after every fault round, whatever was killed:
 *
 * - the run ended (round.ts's watchdog), and no process of it outlived the root by 2 s;
 * - the death is in the trace (a `process.exit` with SIGKILL), with its consequences: a
 *   `holder-died` warning for a lock holder, a failed `pool.done` for a worker's task,
 *   `message-lost` warnings naming the messages a dead reader held;
 * - every message acknowledged as put was received (exactly once, in order per sender for
 *   each receiver) or reported lost by id — unless the process that stored it (the root's
 *   run, the hub, a manager) is what died;
 * - survivors got an error only where a fault explains it, and a clear one.
 */
import * as assert from "node:assert/strict";
import { resultsOf } from "../integration/helpers";
import type { TraceEvent } from "../../src/protocol/trace";
import { LOCK_ROUNDS, POOL_TASKS } from "../fixtures/lib/fault-reports";
import type {
  AckedReport,
  DoneReport,
  FailedReport,
  GotReport,
  LockReport,
  RoleReport,
  TaskReport,
} from "../fixtures/lib/fault-reports";
import { OUTLIVE_LIMIT_MS, type RoundRun } from "./round";

/** Figures of one round, for the tier's summary (docs/reliability.md). */
export interface RoundFigures {
  /** The victim was alive when the signal was sent. */
  killed: boolean;
  /** Messages acknowledged as put, and received. */
  acked: number;
  received: number;
  /** Message ids reported lost; of those, how many were not received either. */
  reportedLost: number;
  neverReceived: number;
  /** Acknowledged messages gone with the process that stored them (root, hub, manager). */
  goneWithServer: number;
  /** Calls in survivors that ended with an error. */
  failedCalls: number;
  /** The victim's last word was that it held the lock; and the hub's holder-died warnings. */
  diedHolding: boolean;
  holderDied: number;
  poolTasksFailed: number;
  outlivedMs: number;
  durationMs: number;
}

const SIGKILL_EXIT = 128 + 9;
/** The root's exit when the hub vanished (context.ts: without the hub the run is over). */
const HUB_LOST_EXIT = 70;

function events<K extends TraceEvent["type"]>(run: RoundRun, type: K) {
  return run.events.filter((e): e is Extract<TraceEvent, { type: K }> => e.type === type);
}

function context(run: RoundRun): string {
  const { plan, killed } = run;
  const what = killed
    ? `SIGKILL ${plan.victim} (pid ${killed.pid}${killed.p ? `, P${killed.p}` : ""}) at ${killed.atMs} ms${killed.wasAlive ? "" : ", already gone"}`
    : `${plan.victim} not killed (the run ended first)`;
  const stderr = run.stderr.trim().split("\n").slice(-10).join("\n");
  return `${plan.workload}, ${what}; exit ${run.code ?? run.signal}\n--- stderr (end)\n${stderr}`;
}

/** The victim's display number: announced, or found by pid in the trace's spawns. */
function victimNumber(run: RoundRun): number | null {
  if (!run.killed) return null;
  if (run.killed.p !== null) return run.killed.p;
  const spawn = events(run, "process.spawn").find((e) => e.pid === run.killed!.pid);
  return spawn ? spawn.child : null;
}

export function checkRound(run: RoundRun): RoundFigures {
  const killed = run.killed?.wasAlive === true;
  const victim = killed ? run.plan.victim : null;
  const why = context(run);
  const failed = resultsOf<FailedReport>(run, "failed");
  const figures: RoundFigures = {
    killed,
    acked: 0,
    received: 0,
    reportedLost: 0,
    neverReceived: 0,
    goneWithServer: 0,
    failedCalls: failed.length,
    diedHolding: false,
    // The hub's warning (the waiter that got the lock also notes it, from its side).
    holderDied: events(run, "warning").filter(
      (w) => w.code === "holder-died" && w.p === victimNumber(run),
    ).length,
    poolTasksFailed: 0,
    outlivedMs: run.outlivedMs,
    durationMs: run.durationMs,
  };

  assert.ok(
    run.outlivedMs <= OUTLIVE_LIMIT_MS,
    `a process of the run outlived the root by ${run.outlivedMs} ms (the last: ${run.lastAlive}): ${why}`,
  );
  checkFailures(run, victim, failed, why);
  const way = run.plan.victim;
  if (way === "cli" || way === "collector-socket") {
    // The collector went away: the program runs on to its normal end, unrecorded.
    checkUnrecordedEnd(run, victim, why);
  } else {
    checkEnd(run, victim, why);
    checkDeathRecorded(run, victim, why);
    assert.deepEqual(
      events(run, "deadlock").map((e) => e.message),
      [],
      `the hub reported a deadlock: ${why}`,
    );
  }

  switch (run.plan.workload) {
    case "queue":
    case "bounded-queue":
    case "pipe":
    case "manager":
      checkMessages(run, victim, figures, why);
      break;
    case "lock":
      figures.diedHolding = checkLock(run, victim, why);
      break;
    case "pool":
      figures.poolTasksFailed = checkPool(run, victim, why);
      break;
  }
  return figures;
}

function checkUnrecordedEnd(run: RoundRun, victim: string | null, why: string): void {
  assert.equal(resultsOf<DoneReport>(run, "done").length, 1, `the program was cut short: ${why}`);
  // A killed CLI says nothing more; otherwise the exit is the root's (under the test's own
  // collector, the test started the root itself).
  if (victim === "cli") assert.equal(run.signal, "SIGKILL", why);
  else assert.equal(run.code, 0, why);
}

/** How the run ended: normally, unless the root or the hub was the victim. */
function checkEnd(run: RoundRun, victim: string | null, why: string): void {
  const done = resultsOf<DoneReport>(run, "done");
  const [end] = events(run, "run.end");
  assert.ok(end, `the trace has no run.end: ${why}`);
  if (victim === "root") {
    assert.equal(run.code, SIGKILL_EXIT, why);
    assert.equal(end.signal, "SIGKILL", why);
  } else if (victim === "hub") {
    // Unless the root had said goodbye to the hub already (it was ending anyway).
    if (done.length === 0 || run.code !== 0) {
      assert.equal(run.code, HUB_LOST_EXIT, why);
      assert.match(run.stderr, /connection to the hub closed/, why);
    }
  } else {
    assert.equal(run.code, 0, why);
    assert.equal(done.length, 1, `the root did not finish its work: ${why}`);
  }
}

/** The victim's death is in the trace, and every process that started has an exit. */
function checkDeathRecorded(run: RoundRun, victim: string | null, why: string): void {
  const exits = new Map(events(run, "process.exit").map((e) => [e.p, e]));
  if (victim !== null && victim !== "hub") {
    const number = victimNumber(run);
    assert.ok(number !== null, `the victim is not in the trace: ${why}`);
    const exit = exits.get(number);
    assert.ok(exit, `no process.exit for the victim P${number}: ${why}`);
    assert.equal(exit.exitCode, -9, why);
    assert.equal(exit.signal, "SIGKILL", why);
  }
  for (const start of events(run, "process.start")) {
    assert.ok(exits.has(start.p), `P${start.p} started but has no process.exit: ${why}`);
  }
  if (victim !== "hub") return;
  // The hub's own death: said by the collector's side, and the ends it could not relay are
  // those of processes that lost it (none was killed by the run's end).
  const lost = events(run, "warning").filter((w) => w.code === "hub-lost");
  assert.equal(lost.length, 1, `no hub-lost warning: ${why}`);
  for (const exit of exits.values()) {
    assert.notEqual(exit.source, "run-ended", `P${exit.p} said killed with the run: ${why}`);
  }
}

const PIPE_ENDED = /^EOFError:/;
const MANAGER_GONE =
  /^Error: (the manager at \S+ (went away|closed the connection during the handshake)|cannot reach \S+manager-\S+: connect (ECONNREFUSED|ECONNRESET|ENOENT) .*)$/;
// The victim can be found (by its title) before it has said it is ready: the root's
// `Manager.start()` then fails, and the workload never begins.
const MANAGER_NEVER_READY =
  /^ProcessError: the manager process SyncManager-\d+ ended before it was ready \(exit code -?\d+\)$/;

/** The errors a fault explains, in the processes that outlive it. */
const EXPECTED_FAILURES: Record<string, RegExp[]> = {
  // A receiver learns that the sender died from the end of the pipe.
  "pipe:sender": [PIPE_ENDED],
  // Calls on a dead manager's objects fail, naming it (a first call from a process, at once).
  "manager:manager": [MANAGER_GONE, MANAGER_NEVER_READY],
  // The hub ends every process when the root dies, the manager among them: a process it has
  // not reached yet may see the manager go (or a pipe end) first.
  "manager:root": [MANAGER_GONE],
  "pipe:root": [PIPE_ENDED],
  // Every process exits when it loses the hub; the manager too, which another may see first.
  "manager:hub": [MANAGER_GONE, MANAGER_NEVER_READY],
  "pipe:hub": [PIPE_ENDED],
};

function checkFailures(
  run: RoundRun,
  victim: string | null,
  failed: FailedReport[],
  why: string,
): void {
  const allowed = (victim && EXPECTED_FAILURES[`${run.plan.workload}:${victim}`]) || [];
  for (const failure of failed) {
    const text = `${failure.name}: ${failure.message}`;
    assert.ok(
      allowed.some((pattern) => pattern.test(text)),
      `P${failure.p} (${failure.role}) failed: ${text}\n${why}`,
    );
  }
}

function messageSeq(id: string): { sender: number; seq: number } {
  const [sender, seq] = id.split(":").map(Number);
  return { sender, seq };
}

function checkMessages(
  run: RoundRun,
  victim: string | null,
  figures: RoundFigures,
  why: string,
): void {
  const acked = resultsOf<AckedReport>(run, "acked").flatMap((report) => report.ids);
  const got = resultsOf<GotReport>(run, "got");
  const lostWarnings = events(run, "warning").filter((w) => w.code === "message-lost");
  const lost = new Set(lostWarnings.flatMap((w) => w.msgs ?? []));
  for (const warning of lostWarnings) {
    assert.ok(warning.msgs && warning.msgs.length > 0, `lost, without ids: ${warning.message}`);
  }

  // Exactly once, and in order per sender for each receiver.
  const receivedBy = new Map<string, number>();
  const lastSeq = new Map<string, number>();
  for (const { p, id } of got) {
    assert.ok(!receivedBy.has(id), `${id} received twice (P${receivedBy.get(id)}, P${p}): ${why}`);
    receivedBy.set(id, p);
    const { sender, seq } = messageSeq(id);
    const key = `${p}<${sender}`;
    const previous = lastSeq.get(key) ?? 0;
    assert.ok(seq > previous, `P${p} got ${id} after ${sender}:${previous}: ${why}`);
    lastSeq.set(key, seq);
  }

  // The fixture names messages as the runtime does: the trace's sends carry the same ids.
  // (A killed process's last events may never have left it: only survivors' are checked.)
  const sent = new Set(events(run, "message.send").map((e) => e.msg));
  if (victim !== "hub" && victim !== "root" && sent.size > 0) {
    const dead = victimNumber(run);
    const unknown = acked.filter((id) => !sent.has(id) && messageSeq(id).sender !== dead);
    assert.deepEqual(unknown, [], `acknowledged ids missing from the trace's sends: ${why}`);
  }

  const storeDied = victim === "root" || victim === "hub" || victim === "manager";
  const missing = acked.filter((id) => !receivedBy.has(id) && !lost.has(id));
  figures.acked = acked.length;
  figures.received = got.length;
  figures.reportedLost = lost.size;
  figures.neverReceived = [...lost].filter((id) => !receivedBy.has(id)).length;
  if (storeDied) {
    figures.goneWithServer = missing.length;
    return;
  }
  assert.deepEqual(
    missing,
    [],
    `${missing.length} acknowledged message(s) neither received nor reported lost: ${why}`,
  );
  if (victim === null) assert.equal(lost.size, 0, `messages lost with no fault: ${why}`);
}

/** Returns whether the victim died holding the lock. */
function checkLock(run: RoundRun, victim: string | null, why: string): boolean {
  const done = resultsOf<DoneReport>(run, "done");
  if (victim === "root" || victim === "hub") return false;
  const sections = resultsOf<LockReport>(run, "section").length;
  const counter = done[0].counter ?? -1;
  // A locker killed between its write and its report leaves one increment unreported.
  const unreported = counter - sections;
  assert.ok(
    unreported === 0 || (unreported === 1 && victim !== null),
    `counter ${counter} after ${sections} reported sections: mutual exclusion failed? ${why}`,
  );
  const number = victimNumber(run);
  const lockers = resultsOf<RoleReport>(run, "role").filter((r) => r.role === "locker");
  for (const locker of lockers) {
    if (locker.p === number) continue;
    const own = resultsOf<LockReport>(run, "section").filter((s) => s.p === locker.p).length;
    assert.equal(own, LOCK_ROUNDS, `survivor P${locker.p} did not finish its rounds: ${why}`);
  }
  if (number === null) return false;
  // Died holding the lock (its last word was `held`): the hub released it and said so.
  const last = [...run.stdout.matchAll(/@result (held|released) \{"p":(\d+)\}/g)]
    .filter((m) => Number(m[2]) === number)
    .at(-1);
  if (last?.[1] === "held" && run.events.length > 0) {
    const lock = events(run, "object.create").find((e) => e.kind === "lock");
    const warnings = events(run, "warning").filter(
      (w) => w.code === "holder-died" && w.p === number && w.obj === lock?.obj,
    );
    assert.equal(warnings.length, 1, `no holder-died warning for P${number}: ${why}`);
  }
  return last?.[1] === "held";
}

/** Returns how many tasks failed. */
function checkPool(run: RoundRun, victim: string | null, why: string): number {
  if (victim === "root" || victim === "hub") return 0;
  const tasks = resultsOf<TaskReport>(run, "task");
  assert.equal(tasks.length, POOL_TASKS, `pool tasks reported: ${why}`);
  const failedTasks = tasks.filter((task) => !task.ok);
  for (const task of tasks) {
    if (task.ok) assert.equal(task.value, task.task * 2, `task ${task.task}'s result: ${why}`);
  }
  const allowed = victim === "pool-worker" ? 1 : 0;
  assert.ok(
    failedTasks.length <= allowed,
    `${failedTasks.length} pool tasks failed, at most ${allowed} may: ${why}`,
  );
  for (const task of failedTasks) {
    assert.equal(task.error?.name, "ProcessError", `task ${task.task} failed with: ${why}`);
    assert.equal(task.error.signal, "SIGKILL", `task ${task.task}'s worker's signal: ${why}`);
    assert.equal(task.error.pid, run.killed?.pid, `task ${task.task}'s worker pid: ${why}`);
    const done = events(run, "pool.done").filter((e) => !e.ok && e.workerPid === run.killed?.pid);
    assert.equal(done.length, 1, `no failed pool.done for the dead worker's task: ${why}`);
    // The pool was running when its task failed: a new worker took the dead one's place.
    const workers = events(run, "process.spawn").filter((e) => e.role === "pool-worker");
    assert.ok(workers.length >= 4, `${workers.length} workers started: no replacement: ${why}`);
  }
  return failedTasks.length;
}
