/**
 * The viewer's judgements: small rules over the folded run that point at likely problems
 * (a deadlock, a child never joined, items left in a queue, lost events), plus the
 * warnings the runtime itself recorded. The runtime only records facts; these decide.
 */
import type { DeadlockEvent, ProcessNumber, SourceLocation, TraceEvent } from "../protocol/trace";
import { lockWaitCycles, reportedCycle, type DeadlockCycle, type LockWaitEdge } from "./deadlock";
import { shortLocation } from "./describe";
import { describeDropped } from "./dropped";
import { failureReason } from "./failure-reason";
import type { FlowLevels } from "./flow-levels";
import type { ProcessRow, RunModel } from "./run-model";
import type { TimelineModel } from "./timeline";

export interface PanelWarning {
  /** Stable identity, so a view can keep one row per warning across updates. */
  key: string;
  severity: "error" | "warning";
  title: string;
  detail: string;
  loc?: SourceLocation;
  t?: number;
  /** The processes it is about (a deadlock's stuck processes), for the timeline to show. */
  processes?: ProcessNumber[];
}

const runtimeTitles: Record<string, string> = {
  "holder-died": "Lock holder died",
  "items-left": "Items left in a queue",
  "not-joined": "Child never joined",
  "events-dropped": "Events dropped",
  "message-lost": "Message lost",
  "hub-lost": "Hub lost",
  "task-done-extra": "taskDone() called too often",
  misuse: "Misuse",
  "lock-across-blocking-call": "Lock held across a blocking call",
  "lock-order-inversion": "Locks taken in opposite orders",
};

export interface WarningInputs {
  model: RunModel;
  timeline: TimelineModel;
  levels: FlowLevels;
  events: readonly TraceEvent[];
  /** Whether the run has ended: some rules only make sense then. */
  ended: boolean;
}

export function findWarnings(inputs: WarningInputs): PanelWarning[] {
  const { model, timeline, levels, events, ended } = inputs;
  // The runtime's report sees every kind of wait; the panel's own rule only locks.
  const out: PanelWarning[] =
    model.deadlocks.length > 0
      ? model.deadlocks.map((event, index) => reportedDeadlock(event, index, model))
      : deadlocks(model, timeline);
  const dropped = describeDropped(model.droppedBy);
  if (dropped) {
    out.push({
      key: "dropped",
      severity: "warning",
      title: "Events dropped",
      detail: `${dropped}: what is shown is incomplete.`,
    });
  }
  const reported = new Set<string>();
  model.warnings.forEach((warning, index) => {
    // Deadlocks are listed above, with their own title.
    if (warning.code === "deadlock") return;
    reported.add(`${warning.code}:${warning.p}`);
    out.push({
      key: `runtime:${index}`,
      severity: "warning",
      title: runtimeTitles[warning.code] ?? warning.code,
      detail: warning.message,
      t: warning.t,
    });
  });
  out.push(...failures(model));
  if (!ended) return out;
  const notJoined: Array<{ label: string; warning: PanelWarning }> = [];
  for (const spawn of timeline.spawns) {
    const row = model.processes.get(spawn.child);
    if (!row || row.joined || row.daemon || row.role !== "process") continue;
    // A join of a child that had already exited leaves no event, so "no join seen" alone
    // proves nothing: only a child that outlived its parent surely was not waited for.
    const parent = model.processes.get(spawn.parent);
    const outlived =
      row.exitedAt === null ||
      (parent?.exitedAt !== null &&
        parent?.exitedAt !== undefined &&
        row.exitedAt > parent.exitedAt);
    if (!outlived) continue;
    if (reported.has(`not-joined:${spawn.child}`)) continue;
    const event = events[spawn.ref];
    notJoined.push({
      label: row.label,
      warning: {
        key: `not-joined:${spawn.child}`,
        severity: "warning",
        title: "Child never joined",
        detail: `${row.label} (${row.name}) was started by P${spawn.parent} and never joined: its parent did not wait for it to finish.`,
        ...(event.type === "process.spawn" && event.loc ? { loc: event.loc } : {}),
      },
    });
  }
  out.push(...groupNotJoined(notJoined));
  for (const level of levels.levels.values()) {
    if (level.depth === 0) continue;
    const flow = model.flows.get(level.obj);
    const name = flow?.name ?? model.names.get(level.obj);
    out.push({
      key: `items-left:${level.obj}`,
      severity: "warning",
      title: "Items left in a queue",
      detail: `${level.depth} item${level.depth === 1 ? " was" : "s were"} put into ${name} and never taken out before the run ended.`,
    });
  }
  return out;
}

/** Locks whose waiters wait, in a circle, for each other: none of them can go on. */
function deadlocks(model: RunModel, timeline: TimelineModel): PanelWarning[] {
  return lockWaitCycles(openLockWaits(timeline)).map((cycle) => ({
    key: `deadlock:${[...cycle.processes].sort((a, b) => a - b).join(",")}`,
    severity: "error" as const,
    title: "Deadlock",
    detail: `${cycle.edges
      .map((edge) => `P${edge.from} waits for ${model.names.get(edge.obj)} held by P${edge.to}`)
      .join("; ")}: none of them can go on.`,
    processes: cycle.processes,
  }));
}

/** The wait-for graph over locks: each open lock wait points at the lock's holder. */
function openLockWaits(timeline: TimelineModel): LockWaitEdge[] {
  const edges: LockWaitEdge[] = [];
  for (const lane of timeline.lanes.values()) {
    for (const wait of lane.openWaits.values()) {
      if (wait.op !== "acquire") continue;
      const holder = timeline.holderOf(wait.obj);
      if (holder !== null)
        edges.push({ waiter: lane.process, holder, obj: wait.obj, since: wait.start });
    }
  }
  return edges;
}

/** A deadlock the runtime found, told with the panel's names and short locations. */
function reportedDeadlock(event: DeadlockEvent, index: number, model: RunModel): PanelWarning {
  const steps = event.processes.map((entry) => {
    const where = shortLocation(entry.loc);
    const whom = entry.waitingFor.map((p) => `P${p}`).join(" or ");
    return (
      `P${entry.p} waits in ${entry.op} on ${model.names.get(entry.obj)}` +
      (whom ? ` for ${whom}` : "") +
      (where ? ` (${where})` : "")
    );
  });
  const first = event.processes[0]?.loc;
  return {
    key: `deadlock-reported:${index}`,
    severity: "error",
    title: "Deadlock",
    detail: `${steps.join("; ")}: none of them can go on.`,
    t: event.t,
    processes: event.processes.map((entry) => entry.p),
    ...(first ? { loc: first } : {}),
  };
}

/** Processes that exited badly, one warning per way of failing (a run killed at once is one). */
/** Failed processes whose own words say why are listed one by one, up to this many. */
const EXPLAINED_FAILURES = 5;

function failures(model: RunModel): PanelWarning[] {
  const byHow = new Map<string, ProcessRow[]>();
  const explained: PanelWarning[] = [];
  for (const row of model.processes.values()) {
    // An ending the program asked for (terminate(), kill(), a pool stopping) is no failure.
    if (row.exitCode === null || row.exitCode === 0 || row.stoppedBy !== null) continue;
    const how = row.signal ? `killed by ${row.signal}` : `exited with code ${row.exitCode}`;
    const reason = row.signal ? null : failureReason(model.stderrTails.get(row.number));
    if (reason && explained.length < EXPLAINED_FAILURES) {
      explained.push({
        key: `exit:${row.number}`,
        severity: "error",
        title: "Process failed",
        detail: `${row.label} (${row.name}) ${how}: ${reason.text}`,
        ...(reason.loc ? { loc: reason.loc } : {}),
        ...(row.exitedAt !== null ? { t: row.exitedAt } : {}),
        processes: [row.number],
      });
      continue;
    }
    byHow.set(how, [...(byHow.get(how) ?? []), row]);
  }
  return explained.concat(failureGroups(byHow));
}

/** Failed processes without words of their own, one warning per way they ended. */
function failureGroups(byHow: Map<string, ProcessRow[]>): PanelWarning[] {
  return [...byHow].map(([how, rows]) => {
    const killed = how.startsWith("killed");
    const detail =
      rows.length === 1
        ? `${rows[0].label} (${rows[0].name}) ${killed ? `was ${how}` : how}.`
        : `${rows.map((row) => row.label).join(", ")} ${killed ? `were ${how}` : how}.`;
    const first = Math.min(...rows.map((row) => row.exitedAt ?? Infinity));
    return {
      key: `exit:${how}`,
      severity: "error" as const,
      title: rows.length === 1 ? "Process failed" : `${rows.length} processes failed`,
      detail,
      ...(Number.isFinite(first) ? { t: first } : {}),
    };
  });
}

/** More than a few children never joined are one warning, not a wall of them. */
function groupNotJoined(found: Array<{ label: string; warning: PanelWarning }>): PanelWarning[] {
  if (found.length <= 3) return found.map(({ warning }) => warning);
  const labels = found.map(({ label }) => label);
  const shown = labels.slice(0, 10).join(", ");
  const more = labels.length > 10 ? ` and ${labels.length - 10} more` : "";
  const loc = found.find(({ warning }) => warning.loc)?.warning.loc;
  return [
    {
      key: "not-joined",
      severity: "warning",
      title: `${found.length} children never joined`,
      detail: `${shown}${more} were started and never joined: their parents did not wait for them to finish.`,
      ...(loc ? { loc } : {}),
    },
  ];
}

/**
 * The cycles the timeline highlights: the runtime's deadlock reports, or, without one, the
 * panel's own cycles of lock waits still open.
 */
export function deadlockCycles(model: RunModel, timeline: TimelineModel): DeadlockCycle[] {
  if (model.deadlocks.length > 0) return model.deadlocks.map(reportedCycle);
  return lockWaitCycles(openLockWaits(timeline));
}
