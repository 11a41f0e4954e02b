/** The queues and pipes table: items in and out, how full now and at most, how fast. */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import { putRate } from "../../src/model/flow-levels";
import type { PanelStore } from "../store";
import { formatCount } from "../dom";
import { KeyedTable } from "./table";

const columns = [
  { title: "Object", help: "The queue or pipe end, named in creation order" },
  { title: "Kind", help: "Queue, joinable queue, simple queue or pipe" },
  { title: "Puts", help: "Items put in (sent)", numeric: true },
  { title: "Gets", help: "Items taken out (received)", numeric: true },
  { title: "Depth now", help: "Items in it now: put and not yet taken", numeric: true },
  { title: "High-water", help: "The most items it held at once", numeric: true },
  { title: "Rate", help: "Items put per second, from the first put to the last", numeric: true },
];

function formatRate(rate: number | null): string {
  if (rate === null) return "—";
  if (rate >= 1000) return `${(rate / 1000).toFixed(1)}k/s`;
  return `${rate.toFixed(rate < 10 ? 1 : 0)}/s`;
}

export class QueuesView {
  readonly table = new KeyedTable(columns, "Queues and pipes");

  constructor(
    private readonly store: PanelStore,
    private readonly post: (message: FromWebviewMessage) => void,
  ) {}

  /** Returns the number of rows. */
  update(): number {
    const { store } = this;
    const rows = [...store.model.flows.values()].map((flow) => {
      const level = store.levels.levels.get(flow.obj);
      const depth = level?.depth ?? 0;
      const highWater = level?.highWater ?? 0;
      const rate = level ? putRate(level) : null;
      const loc = store.origins.get(flow.obj);
      const routes = [...flow.routes].map(([route, count]) => `${route} ×${count}`).join(", ");
      return {
        id: flow.obj,
        cells: [
          flow.name,
          flow.kind.replace("-", " "),
          formatCount(flow.sends),
          formatCount(flow.receives),
          formatCount(depth),
          formatCount(highWater),
          formatRate(rate),
        ],
        title:
          `${flow.name}: ${flow.sends} items put, ${flow.receives} taken out; ${depth} in it now, at most ${highWater} at once.` +
          (routes ? ` Messages went ${routes}.` : "") +
          (loc ? " Click to open where it was created." : ""),
        ...(loc ? { onOpen: () => this.post({ type: "open-source", loc }) } : {}),
      };
    });
    this.table.update(rows);
    return rows.length;
  }
}
