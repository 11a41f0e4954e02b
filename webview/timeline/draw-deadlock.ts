/**
 * Draws a deadlock over the lanes: each stuck process's wait, from when it began, outlined
 * in the theme's error colour, and an arrow from each waiter to the process it waits for,
 * at the moment the cycle was found.
 */
import type { DeadlockCycle } from "../../src/model/deadlock";
import type { FrameStats } from "../debug";
import { geometry } from "./layout";
import { xOf, type FrameInput, type Plot } from "./plot";

/** Pixels between the arrows of one cycle, so that they do not lie on top of each other. */
const arrowSpacing = 7;

export function drawDeadlocks(
  context: CanvasRenderingContext2D,
  plot: Plot,
  input: FrameInput,
  cycles: readonly DeadlockCycle[],
  stats: FrameStats,
): void {
  if (cycles.length === 0) return;
  const { store, lanes, palette } = input;
  context.save();
  context.strokeStyle = palette.failure;
  context.fillStyle = palette.failure;
  for (const cycle of cycles) {
    const stuckUntil = (p: number): number =>
      store.timeline.lanes.get(p)?.exitedAt ?? Math.max(store.timeline.end, cycle.t);
    // The band: each stuck process's wait, from its start (or the report) to its end.
    for (const p of cycle.processes) {
      const index = lanes.indexOf(p);
      if (index === undefined) continue;
      const lane = store.timeline.lanes.get(p);
      let since = cycle.t;
      // A wait still open (a live run) began when it did.
      for (const open of lane?.openWaits.values() ?? []) since = Math.min(since, open.start);
      const wait = lane?.lockWaits.findAt(cycle.t) ?? -1;
      if (lane && wait >= 0) since = Math.min(since, lane.lockWaits.start(wait));
      else {
        const blocked = lane?.blocked.findAt(cycle.t) ?? -1;
        if (lane && blocked >= 0) since = Math.min(since, lane.blocked.start(blocked));
      }
      const until = stuckUntil(p);
      if (until < plot.from || since > plot.to) continue;
      const x1 = xOf(plot, since);
      const x2 = Math.max(x1 + 2, xOf(plot, until));
      const top = lanes.laneTop(index) + geometry.bandTop - 2;
      const height = geometry.bandHeight + 4;
      context.globalAlpha = 0.18;
      context.fillRect(x1, top, x2 - x1, height);
      context.globalAlpha = 1;
      context.lineWidth = 2;
      context.strokeRect(Math.round(x1) + 1, top + 1, Math.round(x2 - x1) - 2, height - 2);
      stats.deadlockMarks++;
    }
    // The arrows: waiter → the process it waits for, side by side at the report's time.
    if (cycle.t < plot.from || cycle.t > plot.to) continue;
    // At the run's end (a run killed for its deadlock) the arrows and label go left of it.
    const spread = (cycle.edges.length / 2) * arrowSpacing;
    const x0 = Math.min(xOf(plot, cycle.t), plot.right - spread - 4);
    const lines = new Path2D();
    const heads = new Path2D();
    cycle.edges.forEach((edge, n) => {
      const from = lanes.indexOf(edge.from);
      const to = lanes.indexOf(edge.to);
      if (from === undefined || to === undefined) return;
      const x = Math.round(x0 + (n - (cycle.edges.length - 1) / 2) * arrowSpacing) + 0.5;
      const y1 = lanes.laneMiddle(from);
      const y2 = lanes.laneMiddle(to) + (y1 < lanes.laneMiddle(to) ? -4 : 4);
      lines.moveTo(x, y1);
      lines.lineTo(x, y2);
      const down = y2 > y1 ? 1 : -1;
      heads.moveTo(x, y2);
      heads.lineTo(x - 3.5, y2 - 6 * down);
      heads.lineTo(x + 3.5, y2 - 6 * down);
      heads.closePath();
      stats.deadlockArrows++;
    });
    context.lineWidth = 1.5;
    context.stroke(lines);
    context.fill(heads);
    const label = "deadlock";
    const first = Math.min(
      ...cycle.processes.map((p) => lanes.indexOf(p) ?? Infinity).filter(Number.isFinite),
    );
    if (Number.isFinite(first)) {
      context.textBaseline = "bottom";
      const width = context.measureText(label).width;
      const right = x0 + spread + 4 + width <= plot.right;
      context.textAlign = right ? "left" : "right";
      context.fillText(
        label,
        right ? x0 + spread + 4 : x0 - spread - 4,
        lanes.laneTop(first) + geometry.bandTop,
      );
      context.textAlign = "left";
    }
  }
  context.restore();
}
