/** The locks table: per lock, how often it was taken, how often and how long others waited. */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import { formatDuration } from "../../src/model/stats";
import type { PanelStore } from "../store";
import { formatCount } from "../dom";
import { KeyedTable } from "./table";

const columns = [
  { title: "Lock", help: "The lock, named in creation order" },
  { title: "Acquired", help: "How many times a process took the lock", numeric: true },
  {
    title: "Contended",
    help: "Share of acquisitions where another process held the lock",
    numeric: true,
  },
  { title: "Total wait", help: "Time all processes spent waiting for it", numeric: true },
  { title: "p50 wait", help: "Half of the waits were this long or shorter", numeric: true },
  { title: "Max wait", help: "The longest wait", numeric: true },
  { title: "Longest hold", help: "The longest time one process kept it", numeric: true },
  { title: "Holder now", help: "The process holding it now (several, for a semaphore)" },
  { title: "Waiting now", help: "Processes waiting for it now, oldest first" },
];

export class LocksView {
  readonly table = new KeyedTable(columns, "Locks");

  constructor(
    private readonly store: PanelStore,
    private readonly post: (message: FromWebviewMessage) => void,
  ) {}

  /** Returns the number of rows. */
  update(): number {
    const { store } = this;
    const rows = store.model.lockSummaries().map((lock) => {
      const holders = store.timeline.holdersOf(lock.obj);
      const waiters = store.timeline.waitersOf(lock.obj);
      const contended = `${Math.round(lock.contendedPercent)}%`;
      const holderText = holders.length === 0 ? "—" : holders.map((p) => `P${p}`).join(", ");
      const waiterText = waiters.length === 0 ? "—" : waiters.map((p) => `P${p}`).join(", ");
      const loc = store.origins.get(lock.obj);
      const now =
        holders.length === 0
          ? "Nobody holds it now."
          : `${holderText} ${holders.length === 1 ? "holds" : "hold"} it now${waiters.length > 0 ? `; ${waiterText} waiting` : ""}.`;
      return {
        id: lock.obj,
        cells: [
          lock.name,
          formatCount(lock.acquisitions),
          contended,
          formatDuration(lock.totalWait),
          formatDuration(lock.p50Wait),
          formatDuration(lock.maxWait),
          formatDuration(lock.maxHold),
          holderText,
          waiterText,
        ],
        title:
          `${lock.name} was taken ${lock.acquisitions} times; ${contended} of the time another process held it, so the taker waited. ` +
          `Waits took ${formatDuration(lock.totalWait)} in all, ${formatDuration(lock.p50Wait)} typically, ${formatDuration(lock.maxWait)} at most. ` +
          `The longest hold was ${formatDuration(lock.maxHold)}${lock.timeouts > 0 ? `; ${lock.timeouts} waits timed out` : ""}. ` +
          (lock.unendedWaits > 0
            ? `${lock.unendedWaits} ${lock.unendedWaits === 1 ? "wait" : "waits"} never ended: the waiter died waiting, or the run ended first. `
            : "") +
          now +
          (loc ? " Click to open where it was created." : ""),
        ...(loc ? { onOpen: () => this.post({ type: "open-source", loc }) } : {}),
      };
    });
    this.table.update(rows);
    return rows.length;
  }
}
