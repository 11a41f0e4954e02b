/**
 * Draws what links lanes: an arrow per message from its send to its receive, and a dashed
 * line per spawn from the parent to the child. When more messages are in view than can be
 * told apart, one in N is drawn.
 */
import type { FrameStats } from "../debug";
import { xOf, type FrameInput, type Plot } from "./plot";
import { arrowAlpha, arrowStride } from "./arrow-density";

export function drawArrows(
  context: CanvasRenderingContext2D,
  plot: Plot,
  input: FrameInput,
  stats: FrameStats,
): void {
  const { store, lanes, palette } = input;
  const messages = store.timeline.messages;
  const events = store.events;
  const low = messages.firstEndingAtOrAfter(plot.from);
  const high = messages.firstStartingAfter(plot.to);
  const visible = high - low;
  const stride = arrowStride(visible);
  stats.arrowStride = stride;
  const lines = new Path2D();
  const heads = new Path2D();
  for (let index = Math.ceil(low / stride) * stride; index < high; index += stride) {
    if (messages.end(index) < plot.from) continue;
    const from = lanes.indexOf(events[messages.secondRef(index)].p);
    const to = lanes.indexOf(events[messages.ref(index)].p);
    if (from === undefined || to === undefined) continue;
    const x1 = xOf(plot, messages.start(index));
    const y1 = lanes.laneMiddle(from);
    const x2 = xOf(plot, messages.end(index));
    const y2 = lanes.laneMiddle(to);
    lines.moveTo(x1, y1);
    lines.lineTo(x2, y2);
    // Sampled arrows are a density picture: heads would only add clutter (and cost).
    if (stride === 1) addHead(heads, x1, y1, x2, y2);
    stats.arrows++;
  }
  context.strokeStyle = palette.message;
  context.fillStyle = palette.message;
  context.lineWidth = stride === 1 ? 1.25 : 1;
  // Many arrows are a density picture: the more there are, the lighter each is drawn, so
  // that where they pile up (a thousand processes reporting to one) the lanes still show
  // through and the busiest routes stand out.
  context.globalAlpha = arrowAlpha(stats.arrows, stride);
  context.stroke(lines);
  context.fill(heads);
  context.globalAlpha = 1;
}

/** A small filled triangle at (x2, y2) pointing from (x1, y1). */
function addHead(path: Path2D, x1: number, y1: number, x2: number, y2: number): void {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const length = 6;
  const spread = 0.45;
  path.moveTo(x2, y2);
  path.lineTo(x2 - length * Math.cos(angle - spread), y2 - length * Math.sin(angle - spread));
  path.lineTo(x2 - length * Math.cos(angle + spread), y2 - length * Math.sin(angle + spread));
  path.closePath();
}

export function drawSpawns(
  context: CanvasRenderingContext2D,
  plot: Plot,
  input: FrameInput,
  stats: FrameStats,
): void {
  const { store, lanes, palette } = input;
  context.save();
  context.strokeStyle = palette.muted;
  context.fillStyle = palette.muted;
  context.setLineDash([3, 3]);
  context.lineWidth = 1;
  const dots = new Path2D();
  context.beginPath();
  for (const spawn of store.timeline.spawns) {
    if (spawn.t < plot.from || spawn.t > plot.to) continue;
    const parent = lanes.indexOf(spawn.parent);
    const child = lanes.indexOf(spawn.child);
    if (parent === undefined || child === undefined) continue;
    const x = Math.round(xOf(plot, spawn.t)) + 0.5;
    context.moveTo(x, lanes.laneMiddle(parent));
    context.lineTo(x, lanes.laneMiddle(child));
    dots.moveTo(x + 3, lanes.laneMiddle(child));
    dots.arc(x, lanes.laneMiddle(child), 3, 0, Math.PI * 2);
    stats.spawns++;
  }
  context.stroke();
  context.setLineDash([]);
  context.fill(dots);
  context.restore();
}
