/**
 * The pool view: per pool, its workers and tasks (submitted, done, failed, pending), the
 * callbacks delivered in the parent, a chart of the tasks waiting for a worker and running
 * over time, and a histogram of how long the tasks took. The workers' task bars are on
 * their lanes in the timeline.
 */
import { formatDuration, histogram, type HistogramBin } from "../../src/model/stats";
import { backlogColumns, type Backlog } from "../../src/model/backlog";
import type { PoolRow } from "../../src/model/run-model";
import type { PanelStore } from "../store";
import { element, formatCount } from "../dom";

/** Bars in a pool's duration histogram. */
const bins = 12;
/** Columns (and SVG user units) of a pool's backlog chart, and its height. */
const backlogWidth = 160;
const backlogHeight = 40;
const svgNamespace = "http://www.w3.org/2000/svg";

function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** The pool in plain words (its card's hover and accessible description). */
export function describePool(pool: PoolRow): string {
  const parts = [
    `${pool.name} had ${plural(pool.workers, "worker")}. ${plural(pool.submitted, "task was", "tasks were")} submitted: ${formatCount(pool.done)} finished, ${formatCount(pool.failed)} failed, ${formatCount(pool.pending)} still pending.`,
    `${plural(pool.callbacks, "callback was", "callbacks were")} delivered in the parent.`,
  ];
  if (pool.errors.length > 0) parts.push(`Failures: ${pool.errors.join("; ")}.`);
  return parts.join(" ");
}

/** "1.2 ms to 40 ms"; a range too narrow for the usual rounding is told in finer steps. */
function formatRange(from: number, to: number): string {
  const low = formatDuration(from);
  const high = formatDuration(to);
  if (low !== high || from === to) return `${low} to ${high}`;
  return `${(from / 1e6).toFixed(3)} ms to ${(to / 1e6).toFixed(3)} ms`;
}

function describeBin(bin: HistogramBin): string {
  const range = bin.from === bin.to ? formatDuration(bin.from) : formatRange(bin.from, bin.to);
  return `${plural(bin.count, "task")} took ${range}`;
}

export class PoolsView {
  readonly element = element("div", "pools");
  private shownKey: string | null = null;
  /** Histogram bars drawn, for the tests. */
  bars = 0;
  /** Peak of waiting tasks in the last backlog chart drawn, for the tests. */
  mostWaiting = 0;

  constructor(
    private readonly store: PanelStore,
    /** Shows processes (selects and scrolls to their lanes): a pool's workers. */
    private readonly show: (processes: number[]) => void = () => undefined,
  ) {
    this.element.setAttribute("role", "list");
    this.element.setAttribute("aria-label", "Pools");
  }

  /** Forgets what is shown: a new run is drawn afresh. */
  clear(): void {
    this.shownKey = null;
  }

  /** Returns the number of pools. */
  update(): number {
    const pools = [...this.store.model.pools.values()];
    const key = pools
      .map(
        (pool) =>
          `${pool.obj}:${pool.name}:${pool.workers}:${pool.submitted}:${pool.done}:${pool.failed}:${pool.pending}:${pool.callbacks}`,
      )
      .join("\n");
    if (key === this.shownKey) return pools.length;
    this.shownKey = key;
    this.bars = 0;
    if (pools.length === 0) {
      this.element.replaceChildren(element("div", "none", "No pools in this run."));
      return 0;
    }
    this.element.replaceChildren(...pools.map((pool) => this.card(pool)));
    return pools.length;
  }

  private card(pool: PoolRow): HTMLElement {
    const card = element("div", "pool-card clickable");
    card.setAttribute("role", "listitem");
    card.dataset.id = pool.obj;
    card.tabIndex = 0;
    card.title = describePool(pool);
    card.setAttribute("aria-label", describePool(pool));
    const figures: Array<[string, number, string]> = [
      ["workers", pool.workers, "Worker processes the pool started"],
      ["submitted", pool.submitted, "Tasks handed to the pool"],
      ["done", pool.done, "Tasks that finished and returned a result"],
      ["failed", pool.failed, "Tasks that threw, or whose worker died"],
      ["pending", pool.pending, "Tasks submitted and not finished (yet, or ever)"],
      ["callbacks", pool.callbacks, "Callbacks (and error callbacks) run in the parent"],
    ];
    const stats = element("dl", "pool-figures");
    for (const [label, value, help] of figures) {
      const item = element("div", `pool-figure pool-${label}${value > 0 ? " nonzero" : ""}`);
      item.title = help;
      item.append(element("dt", "", label), element("dd", "", formatCount(value)));
      stats.append(item);
    }
    card.append(
      element("div", "pool-name", pool.name),
      stats,
      this.backlogChart(pool),
      this.chart(pool),
    );
    const showWorkers = (): void => {
      const workers = new Set<number>();
      for (const event of this.store.events) {
        if (event.type === "pool.start" && event.obj === pool.obj) workers.add(event.p);
      }
      if (workers.size > 0) this.show([...workers].sort((a, b) => a - b));
    };
    card.title += " Click to show its workers in the timeline.";
    card.addEventListener("click", showWorkers);
    card.addEventListener("keydown", (event) => {
      if (event.key === "Enter") showWorkers();
    });
    return card;
  }

  /**
   * Tasks waiting for a worker (the pool's queue: submitted, not started) as an area, and
   * tasks running as a line, over the pool's active time. Each column shows the most there
   * were at once in its slice of time; hovering it tells the figures.
   */
  private backlogChart(pool: PoolRow): HTMLElement {
    const figure = element("figure", "pool-backlog");
    const times = [...pool.submitTimes, ...pool.startTimes, ...pool.finishTimes];
    if (times.length === 0) {
      figure.append(element("figcaption", "pool-histogram-caption", "No tasks submitted."));
      return figure;
    }
    let from = Infinity;
    let to = -Infinity;
    for (const t of times) {
      if (t < from) from = t;
      if (t > to) to = t;
    }
    // Tasks never finished stay in the chart until the run ended.
    const ended = this.store.model.endedAt;
    if (pool.pending > 0 && ended !== null && ended > to) to = ended;
    const waiting = backlogColumns(pool.submitTimes, pool.startTimes, from, to, backlogWidth);
    const running = backlogColumns(pool.startTimes, pool.finishTimes, from, to, backlogWidth);
    this.mostWaiting = waiting.most;
    const most = Math.max(1, waiting.most, running.most);
    figure.append(
      element(
        "figcaption",
        "pool-histogram-caption",
        `Tasks waiting (area, at most ${formatCount(waiting.most)}) and running (line, at most ${formatCount(running.most)}) over ${formatDuration(to - from)}`,
      ),
    );
    const svg = document.createElementNS(svgNamespace, "svg");
    svg.setAttribute("class", "pool-backlog-plot");
    svg.setAttribute("viewBox", `0 0 ${backlogWidth} ${backlogHeight}`);
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("role", "img");
    svg.setAttribute(
      "aria-label",
      `At most ${plural(waiting.most, "task")} waited for a worker at once, and at most ${formatCount(running.most)} ran at once, over ${formatDuration(to - from)}.`,
    );
    const y = (count: number): number => backlogHeight - (backlogHeight * count) / most;
    const area = document.createElementNS(svgNamespace, "path");
    area.setAttribute("class", "pool-backlog-waiting");
    area.setAttribute("d", stepPath(waiting, y, true));
    const line = document.createElementNS(svgNamespace, "path");
    line.setAttribute("class", "pool-backlog-running");
    line.setAttribute("d", stepPath(running, y, false));
    const title = document.createElementNS(svgNamespace, "title");
    title.textContent = "Move along the chart to read the figures.";
    svg.append(area, line, title);
    const span = to - from;
    svg.addEventListener("mousemove", (event) => {
      const box = svg.getBoundingClientRect();
      const column = Math.min(
        backlogWidth - 1,
        Math.max(
          0,
          Math.floor(((event.clientX - box.left) / Math.max(1, box.width)) * backlogWidth),
        ),
      );
      const at = formatDuration((span * column) / backlogWidth);
      svg.dataset.hover = `${at} into the pool's work: up to ${plural(waiting.peaks[column], "task")} waiting, ${formatCount(running.peaks[column])} running`;
      title.textContent = svg.dataset.hover;
    });
    figure.append(svg);
    return figure;
  }

  private chart(pool: PoolRow): HTMLElement {
    const figure = element("figure", "pool-histogram");
    const bars = histogram(pool.durations, bins);
    const caption = element(
      "figcaption",
      "pool-histogram-caption",
      bars.length === 0
        ? "No finished tasks to time."
        : `Task durations, ${formatRange(bars[0].from, bars[bars.length - 1].to)}`,
    );
    const plot = element("div", "pool-bars");
    const most = Math.max(1, ...bars.map((bin) => bin.count));
    bars.forEach((bin) => {
      const bar = element("div", "pool-bar");
      const fill = element("div", "pool-bar-fill");
      fill.style.height = `${bin.count === 0 ? 0 : Math.max(4, (100 * bin.count) / most)}%`;
      bar.append(fill);
      bar.title = describeBin(bin);
      plot.append(bar);
      this.bars++;
    });
    plot.setAttribute("role", "img");
    plot.setAttribute(
      "aria-label",
      bars.length === 0
        ? "No task durations"
        : bars
            .filter((bin) => bin.count > 0)
            .map((bin) => describeBin(bin))
            .join("; "),
    );
    figure.append(caption, plot);
    return figure;
  }
}

/** An SVG path stepping through each column's peak; closed down to the axis for an area. */
function stepPath(backlog: Backlog, y: (count: number) => number, area: boolean): string {
  const parts: string[] = [area ? `M0 ${y(0)}` : `M0 ${y(backlog.peaks[0] ?? 0)}`];
  backlog.peaks.forEach((peak, column) => {
    parts.push(`L${column} ${y(peak)}`, `L${column + 1} ${y(peak)}`);
  });
  if (area) parts.push(`L${backlog.peaks.length} ${y(0)}`, "Z");
  return parts.join(" ");
}
