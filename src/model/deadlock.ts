/** A deadlock report in plain words: who waits in what, where, and for whom. */
import type { DeadlockEvent, ObjectId, ProcessNumber } from "../protocol/trace";

export function describeDeadlock(event: DeadlockEvent, nameOf: (obj: ObjectId) => string): string {
  const cycle = event.processes.map((entry) => `P${entry.p}`).join(", ");
  const lines = event.processes.map(
    (entry) =>
      // A join waits on a process (its name), not on an object of the run.
      `P${entry.p} is blocked in ` +
      (entry.op === "process.join"
        ? `join() of ${entry.obj}`
        : `${entry.op} on ${nameOf(entry.obj)}`) +
      (entry.loc ? ` at ${entry.loc}` : "") +
      (entry.waitingFor.length > 0
        ? `, waiting for ${entry.waitingFor.map((n) => `P${n}`).join(" or ")}`
        : ", which no other process could end"),
  );
  const head =
    new Set(event.processes.map((entry) => entry.p)).size === 1
      ? `${cycle} waits for ever: nothing can end its wait.`
      : `${cycle} wait for each other and none can proceed.`;
  return `DEADLOCK: ${head}\n${lines.map((line) => `  ${line}`).join("\n")}`;
}

/** A cycle of processes that wait for each other, as the timeline highlights it. */
export interface DeadlockCycle {
  /** When the cycle was found (the runtime's report) or formed (the panel's own rule). */
  t: number;
  /** The stuck processes, in the report's order. */
  processes: ProcessNumber[];
  /** Waiter → the process it waits for. */
  edges: Array<{ from: ProcessNumber; to: ProcessNumber; obj: ObjectId }>;
}

/** The runtime's deadlock report as a cycle: each stuck process to those it waits for. */
export function reportedCycle(event: DeadlockEvent): DeadlockCycle {
  const stuck = new Set(event.processes.map((entry) => entry.p));
  return {
    t: event.t,
    processes: event.processes.map((entry) => entry.p),
    edges: event.processes.flatMap((entry) =>
      entry.waitingFor
        .filter((to) => stuck.has(to) && to !== entry.p)
        .map((to) => ({ from: entry.p, to, obj: entry.obj })),
    ),
  };
}

/** An open lock wait: who waits, since when, for which lock, held by whom. */
export interface LockWaitEdge {
  waiter: ProcessNumber;
  holder: ProcessNumber;
  obj: ObjectId;
  since: number;
}

/** Cycles in a wait-for graph over locks (one wait per waiting process). */
export function lockWaitCycles(edges: readonly LockWaitEdge[]): DeadlockCycle[] {
  const waitsFor = new Map<ProcessNumber, LockWaitEdge>();
  for (const edge of edges) if (edge.holder !== edge.waiter) waitsFor.set(edge.waiter, edge);
  const found: DeadlockCycle[] = [];
  const inCycle = new Set<ProcessNumber>();
  for (const start of waitsFor.keys()) {
    if (inCycle.has(start)) continue;
    const path: ProcessNumber[] = [];
    let current: ProcessNumber | undefined = start;
    while (current !== undefined && !path.includes(current)) {
      path.push(current);
      current = waitsFor.get(current)?.holder;
    }
    if (current === undefined || inCycle.has(current)) continue;
    const cycle = path.slice(path.indexOf(current));
    for (const p of cycle) inCycle.add(p);
    const cycleEdges = cycle.map((p) => waitsFor.get(p)!);
    found.push({
      t: Math.max(...cycleEdges.map((edge) => edge.since)),
      processes: cycle,
      edges: cycleEdges.map((edge) => ({ from: edge.waiter, to: edge.holder, obj: edge.obj })),
    });
  }
  return found;
}
