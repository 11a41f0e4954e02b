/**
 * One fault round: run a workload of fixtures/faults.ts through the real CLI, SIGKILL the
 * planned process at the planned moment, and watch the run end — with a watchdog that
 * fails with a picture of what is still alive rather than letting a hang stall the tier.
 */
import * as assert from "node:assert/strict";
import * as os from "node:os";
import {
  collect,
  commandLine,
  isAlive,
  killMarked,
  processState,
  runArgs,
  scratch,
  settlesWithin,
  startCli,
  survivors,
  waitFor,
  type FixtureRun,
  type Started,
} from "../integration/helpers";
import { sleep } from "../fixtures/lib/report";
import { BATCHES, PROGRESS, type RoleReport } from "../fixtures/lib/fault-reports";
import type { RoundPlan } from "./plan";

/** A healthy round takes one to three seconds; a run still going after this one hangs. */
export const WATCHDOG_MS = 45_000;
/** How long a process of the run may outlive its root. */
export const OUTLIVE_LIMIT_MS = 2000;
const POLL_MS = 25;

export interface Killed {
  pid: number;
  /** Display number (null for the hub and the manager's server, found by their titles). */
  p: number | null;
  /** When, after the run started. */
  atMs: number;
  /** False when the victim had ended before the signal reached it. */
  wasAlive: boolean;
}

export interface RoundRun extends FixtureRun {
  plan: RoundPlan;
  killed: Killed | null;
  /** How long the last process of the run outlived the root (ms, to POLL_MS). */
  outlivedMs: number;
  /** The last of them (pid, title), and the machine's load then: for a failure message. */
  lastAlive: string;
  durationMs: number;
}

/** The run's processes other than those started by the test itself (the CLI). */
function runProcesses(started: Started, except: number[] = []): number[] {
  return survivors(started.mark).filter(
    (pid) => pid !== started.child.pid && !except.includes(pid),
  );
}

/** Waits for a process of the run whose command line contains `title`. */
async function findByTitle(started: Started, title: string, timeoutMs: number): Promise<number> {
  let found: number | undefined;
  const titled = (pid: number) => commandLine(pid).includes(title);
  if (
    !(await waitFor(() => (found = runProcesses(started).find(titled)) !== undefined, timeoutMs))
  ) {
    throw new Error(`no process titled '${title}' appeared`);
  }
  return found!;
}

function roleReports(started: Started, role?: string): RoleReport[] {
  return [...started.stdout().matchAll(/@result role (\{[^\n]*\})\n/g)]
    .map((match) => JSON.parse(match[1]) as RoleReport)
    .filter((report) => role === undefined || report.role === role);
}

/** The `instance`-th announcement of `role` (or the last one, if no more come within 2 s). */
async function announced(started: Started, role: string, instance: number): Promise<RoleReport> {
  await started.waitForOutput(new RegExp(`@result role \\{"role":"${role}"`));
  await waitFor(() => roleReports(started, role).length > instance, 2000);
  const reports = roleReports(started, role);
  return reports[Math.min(instance, reports.length - 1)];
}

/** The process to kill, once it is up: announced, or found by its title. */
async function identify(
  started: Started,
  plan: RoundPlan,
): Promise<{ pid: number; p: number | null }> {
  switch (plan.victim) {
    case "hub":
      return { pid: await findByTitle(started, "procscope-hub", 5000), p: null };
    case "manager":
      return { pid: await findByTitle(started, "procscope SyncManager-", 10_000), p: null };
    case "cli":
    case "collector-socket":
      // The terminal's CLI (its collector with it), or the test's own collector.
      return { pid: started.child.pid!, p: null };
    case "lock-holder":
      // Whoever takes the lock next, once the moment has come (see `chooseVictim`).
      return { pid: 0, p: null };
    default: {
      const report = await announced(started, plan.victim, plan.instance);
      return { pid: report.pid, p: report.p };
    }
  }
}

/** Waits until `steps` reports `label` (from process `p`, if given) have been printed. */
async function progressed(started: Started, label: string, steps: number, p?: number) {
  const pattern = new RegExp(`@result ${label} ${p === undefined ? "" : `\\{"p":${p}[,}]`}`);
  let from = 0;
  for (let step = 0; step < steps; step++) {
    const match = await started.waitForOutput(pattern, WATCHDOG_MS, from);
    from += match.index! + match[0].length;
  }
  return from;
}

/** The victim, at the planned moment of the workload's progress. */
export async function chooseVictim(
  started: Started,
  plan: RoundPlan,
): Promise<{ pid: number; p: number | null }> {
  await announced(started, "root", 0);
  const victim = await identify(started, plan);
  const own = plan.victim === "producer" || plan.victim === "sender";
  const { label, steps } = own ? { label: "acked", steps: BATCHES } : PROGRESS[plan.workload];
  const from = await progressed(
    started,
    label,
    Math.floor(plan.progress * steps),
    own ? victim.p! : undefined,
  );
  await sleep(plan.extraMs);
  if (plan.victim !== "lock-holder") return victim;
  // The next locker to take the lock from here on holds it for 10–40 ms.
  const [, json] = await started.waitForOutput(/@result held (\{[^\n]*\})\n/, 10_000, from);
  const { p } = JSON.parse(json) as { p: number };
  const holder = roleReports(started, "locker").find((report) => report.p === p);
  assert.ok(holder, `locker P${p} never announced itself`);
  return { pid: holder.pid, p };
}

/** What is still alive, for a watchdog failure: pid, state, title, role. */
export function describeAlive(started: Started): string {
  const roles = new Map(
    roleReports(started).map((report) => [report.pid, `${report.role} P${report.p}`]),
  );
  const alive = survivors(started.mark).map((pid) => {
    const role = pid === started.child.pid ? "the CLI" : (roles.get(pid) ?? "?");
    return `  pid ${pid} [${processState(pid)}] ${role}: ${commandLine(pid).slice(0, 120)}`;
  });
  return alive.length > 0 ? alive.join("\n") : "  (nothing)";
}

/** Last `count` lines of `text`. */
function tail(text: string, count: number): string {
  return text.split("\n").slice(-count).join("\n");
}

/**
 * Watches the root: once it has ended, measures how long the rest of the run's processes
 * live on (the CLI, which the test started, is not one of them): until the last moment one
 * of them was seen alive. (Scanning /proc can itself take seconds on a crowded machine: the
 * time a scan takes to find nothing is not counted.)
 */
async function watchOutliving(started: Started, rootPid: number, until: Promise<unknown>) {
  let finished = false;
  void until.finally(() => (finished = true));
  while (isAlive(rootPid)) {
    if (finished) break;
    await sleep(POLL_MS);
  }
  const rootGoneAt = Date.now();
  let lastSeenAt = rootGoneAt;
  let lastAlive = "";
  for (;;) {
    // Seen alive when the scan began: a slow scan of /proc is not the run's time.
    const scannedAt = Date.now();
    const alive = runProcesses(started);
    if (alive.length === 0) break;
    lastSeenAt = scannedAt;
    const load = os.loadavg()[0].toFixed(1);
    lastAlive = `${alive.map((pid) => `${pid} ${commandLine(pid).slice(0, 60)}`).join(", ")} (load ${load})`;
    if (lastSeenAt - rootGoneAt > OUTLIVE_LIMIT_MS + 10_000) break;
    await sleep(POLL_MS * 2);
  }
  return { outlivedMs: lastSeenAt - rootGoneAt, lastAlive };
}

export interface RoundOptions {
  /** Replaces the default start (`procscope run faults.ts -- WORKLOAD SEED`). */
  start?: () => Promise<Started>;
  /** Injects the fault instead of killing a process of the run. */
  inject?: (started: Started) => Promise<Killed | null>;
  /** Releases what `start` took, once the round is over. */
  dispose?: () => void;
}

export async function runRound(plan: RoundPlan, options: RoundOptions = {}): Promise<RoundRun> {
  const tracePath = scratch(`faults-${plan.seed}-${plan.workload}.pstrace`);
  const began = Date.now();
  const started = options.start
    ? await options.start()
    : startCli(runArgs("faults.ts", tracePath, { args: [plan.workload, String(plan.seed)] }), {
        timeoutMs: WATCHDOG_MS + 30_000,
      });
  try {
    const root = await announced(started, "root", 0);
    const inject =
      options.inject ??
      (async (): Promise<Killed | null> => {
        const victim = await chooseVictim(started, plan);
        const wasAlive = isAlive(victim.pid);
        if (wasAlive) process.kill(victim.pid, "SIGKILL");
        return { ...victim, atMs: Date.now() - began, wasAlive };
      });
    // The run may end before the planned moment: then nothing is killed.
    const ended = started.finished.then(() => null);
    const killed = await Promise.race([
      inject(started).catch(async (error: unknown) => {
        if (await settlesWithin(started.finished, 0)) return null;
        throw error;
      }),
      ended,
    ]);
    const outliving = watchOutliving(started, root.pid, started.finished);
    if (!(await settlesWithin(started.finished, WATCHDOG_MS))) {
      const picture = describeAlive(started);
      killMarked(started.mark);
      assert.fail(
        `the run did not end within ${WATCHDOG_MS} ms of the fault ` +
          `(${plan.victim} ${killed ? `pid ${killed.pid} killed at ${killed.atMs} ms` : "not killed"})\n` +
          `still alive:\n${picture}\n--- last output\n${tail(started.stdout(), 30)}`,
      );
    }
    const run = await collect(started, tracePath);
    return { ...run, ...(await outliving), plan, killed, durationMs: Date.now() - began };
  } finally {
    killMarked(started.mark);
    options.dispose?.();
  }
}
