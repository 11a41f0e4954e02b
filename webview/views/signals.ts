/**
 * The signals table: per event, condition and barrier, how often and how long processes
 * waited on it, how the waits ended, and who woke whom.
 */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import type { SignalRow } from "../../src/model/run-model";
import { formatDuration } from "../../src/model/stats";
import type { PanelStore } from "../store";
import { formatCount } from "../dom";
import { KeyedTable } from "./table";

const columns = [
  { title: "Object", help: "The event, condition or barrier, named in creation order" },
  { title: "Kind", help: "Event, condition or barrier" },
  { title: "Waits", help: "How many times a process waited on it", numeric: true },
  { title: "Total wait", help: "Time all processes spent waiting on it", numeric: true },
  { title: "Max wait", help: "The longest wait", numeric: true },
  { title: "Timeouts", help: "Waits that gave up when their timeout ran out", numeric: true },
  {
    title: "Broken",
    help: "Barrier waits that ended with BrokenBarrierError (aborted, reset or timed out)",
    numeric: true,
  },
  {
    title: "Signals",
    help: "Event sets and clears, condition notifies, barrier aborts and resets",
    numeric: true,
  },
  { title: "Woken by", help: "Who woke whom: waker→woken, how many times" },
];

const kindNames: Record<string, string> = {
  event: "event",
  condition: "condition",
  barrier: "barrier",
};

/** "P1→P2 ×7, P1→P3 ×7", most frequent first. */
export function formatWakes(wakes: ReadonlyMap<string, number>, limit = 4): string {
  if (wakes.size === 0) return "—";
  const sorted = [...wakes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, limit).map(([route, count]) => `${route} ×${count}`);
  if (sorted.length > limit) shown.push(`+${sorted.length - limit} more`);
  return shown.join(", ");
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The row's hover: what happened on it, in plain words. */
export function describeSignal(row: SignalRow): string {
  const kind = kindNames[row.kind] ?? row.kind;
  const parts = [
    row.waits === 0
      ? `Nobody waited on ${row.name} (a ${kind}).`
      : `Processes waited on ${row.name} (a ${kind}) ${plural(row.waits, "time")}, ${formatDuration(row.totalWait)} in all, ${formatDuration(row.maxWait)} at most.`,
  ];
  if (row.unended > 0) {
    parts.push(
      `${plural(row.unended, "wait")} never ended: the waiter died waiting, or the run ended first.`,
    );
  }
  if (row.timeouts > 0) parts.push(`${plural(row.timeouts, "wait")} timed out.`);
  if (row.broken > 0) parts.push(`${plural(row.broken, "wait")} ended with the barrier broken.`);
  const signal =
    row.kind === "event"
      ? "set or cleared"
      : row.kind === "condition"
        ? "notified"
        : row.kind === "barrier"
          ? "aborted or reset"
          : "signalled";
  parts.push(`It was ${signal} ${plural(row.signals, "time")}.`);
  if (row.kind === "barrier" && row.wakes.size === 0) {
    parts.push(
      "A barrier lets its waiters go when the last of them arrives: nobody else wakes them.",
    );
  }
  if (row.wakes.size > 0) {
    const wakes = [...row.wakes]
      .sort((a, b) => b[1] - a[1])
      .map(([route, count]) => {
        const [waker, woken] = route.split("→");
        return `${waker} woke ${woken} ${plural(count, "time")}`;
      });
    parts.push(`${wakes.join("; ")}.`);
  }
  return parts.join(" ");
}

export class SignalsView {
  readonly table = new KeyedTable(columns, "Events, conditions and barriers");

  constructor(
    private readonly store: PanelStore,
    private readonly post: (message: FromWebviewMessage) => void,
  ) {}

  /** Returns the number of rows. */
  update(): number {
    const { store } = this;
    const rows = [...store.model.signals.values()].map((row) => {
      const loc = store.origins.get(row.obj);
      return {
        id: row.obj,
        cells: [
          row.name,
          kindNames[row.kind] ?? row.kind,
          formatCount(row.waits),
          formatDuration(row.totalWait),
          formatDuration(row.maxWait),
          formatCount(row.timeouts),
          formatCount(row.broken),
          formatCount(row.signals),
          formatWakes(row.wakes),
        ],
        title: describeSignal(row) + (loc ? " Click to open where it was created." : ""),
        ...(loc ? { onOpen: () => this.post({ type: "open-source", loc }) } : {}),
      };
    });
    this.table.update(rows);
    return rows.length;
  }
}
