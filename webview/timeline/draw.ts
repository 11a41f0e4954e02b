/**
 * Draws the timeline's base layer: axis, lanes (running, blocked, lock wait and hold),
 * message arrows and spawn links, and the gutter of names. Only what is in the visible
 * time range is touched: spans are culled and merged by binary search (see SpanColumn),
 * and when more messages are in view than can be told apart, one in N is drawn.
 */
import type { SpanColumn } from "../../src/model/span-column";
import type { Lane } from "../../src/model/timeline";
import type { FrameStats } from "../debug";
import type { PanelStore } from "../store";
import type { Palette } from "../theme";
import { geometry, type LaneLayout } from "./layout";
import { ticks } from "./ticks";
import type { Viewport } from "./viewport";

/** More arrows than this in view are sampled: a denser picture says nothing more. */
export const arrowBudget = 1_500;

/**
 * Draw every `stride`-th message when `visible` are in view: a power of two, so that
 * zooming in keeps the arrows already shown and adds others between them.
 */
export function arrowStride(visible: number): number {
  return visible > arrowBudget ? 2 ** Math.ceil(Math.log2(visible / arrowBudget)) : 1;
}

export interface FrameInput {
  store: PanelStore;
  viewport: Viewport;
  lanes: LaneLayout;
  width: number;
  height: number;
  palette: Palette;
  hatch: CanvasPattern | null;
  selected: number | null;
}

interface Plot {
  left: number;
  right: number;
  from: number;
  to: number;
  nsPerPixel: number;
}

function xOf(plot: Plot, time: number): number {
  const x = plot.left + (time - plot.from) / plot.nsPerPixel;
  // Far off-screen coordinates are clamped: canvas paths misbehave with huge numbers.
  return Math.min(Math.max(x, plot.left - 2), plot.right + 2);
}

export function drawBase(context: CanvasRenderingContext2D, input: FrameInput): FrameStats {
  const began = performance.now();
  const { width, height, palette, viewport, lanes } = input;
  const plot: Plot = {
    left: geometry.gutterWidth,
    right: width,
    from: viewport.start,
    to: viewport.end,
    nsPerPixel: viewport.span / Math.max(1, width - geometry.gutterWidth),
  };
  const stats: FrameStats = {
    lanes: 0,
    running: 0,
    blocked: 0,
    lockWaits: 0,
    lockHolds: 0,
    tasks: 0,
    arrows: 0,
    arrowStride: 1,
    spawns: 0,
    drawMs: 0,
  };
  context.fillStyle = palette.background;
  context.fillRect(0, 0, width, height);
  context.font = palette.font;

  const axisTicks = ticks(plot.from, plot.to, plot.right - plot.left);
  drawGrid(context, plot, axisTicks, height, palette);

  context.save();
  context.beginPath();
  context.rect(plot.left, geometry.axisHeight, plot.right - plot.left, height);
  context.clip();
  const [first, last] = lanes.visibleRange(height);
  for (let index = first; index < last; index++) {
    const process = lanes.order[index];
    const top = lanes.laneTop(index);
    if (process === input.selected) {
      context.fillStyle = palette.selection;
      context.fillRect(plot.left, top, plot.right - plot.left, geometry.laneHeight);
    }
    const lane = input.store.timeline.lanes.get(process);
    if (lane) drawLane(context, lane, top, plot, input, stats);
    stats.lanes++;
  }
  drawSpawns(context, plot, input, stats);
  drawArrows(context, plot, input, stats);
  context.restore();

  drawGutter(context, input, first, last);
  drawAxis(context, plot, axisTicks, width, palette);
  drawScrollIndicator(context, input);
  stats.drawMs = performance.now() - began;
  return stats;
}

function drawGrid(
  context: CanvasRenderingContext2D,
  plot: Plot,
  axisTicks: ReturnType<typeof ticks>,
  height: number,
  palette: Palette,
): void {
  context.save();
  context.globalAlpha = 0.25;
  context.strokeStyle = palette.grid;
  context.lineWidth = 1;
  context.beginPath();
  for (const tick of axisTicks) {
    const x = Math.round(xOf(plot, tick.time)) + 0.5;
    context.moveTo(x, geometry.axisHeight);
    context.lineTo(x, height);
  }
  context.stroke();
  context.restore();
}

/**
 * Spans less than this many pixels apart are drawn as one bar, shaded by how much of it
 * they cover: finer gaps are barely visible, and drawing them costs a rectangle each.
 */
const mergeGap = 2;

/** Opacity steps for merged groups by how much of them is covered (see forEachMerged). */
const coverageSteps = [0.15, 0.4, 0.7, 1];

/**
 * Rectangles of one kind of span in one lane, grouped by opacity step. Drawn with one
 * `fillRect` each, on whole pixels: a single path of thousands of rectangles is far slower
 * to rasterise (seconds, in software) than the same rectangles filled one by one.
 */
class SpanRects {
  /** Per step: x, y, width, height, x, y… */
  readonly steps: number[][] = coverageSteps.map(() => []);
  count = 0;

  add(x: number, top: number, width: number, height: number, coverage: number): void {
    const step = coverage >= 0.8 ? 3 : coverage >= 0.45 ? 2 : coverage >= 0.15 ? 1 : 0;
    const left = Math.floor(x);
    this.steps[step].push(left, top, Math.max(1, Math.round(x + width) - left), height);
    this.count++;
  }

  collect(column: SpanColumn, plot: Plot, top: number, height: number): this {
    column.forEachMerged(plot.from, plot.to, mergeGap * plot.nsPerPixel, (start, end, coverage) => {
      const x = xOf(plot, start);
      this.add(x, top, xOf(plot, end) - x, height, coverage);
    });
    return this;
  }

  /** Fills every rectangle with the current fill style, at its step's opacity. */
  fill(context: CanvasRenderingContext2D, opacity = 1): void {
    this.steps.forEach((rects, step) => {
      context.globalAlpha = coverageSteps[step] * opacity;
      for (let i = 0; i < rects.length; i += 4) {
        context.fillRect(rects[i], rects[i + 1], rects[i + 2], rects[i + 3]);
      }
    });
    context.globalAlpha = 1;
  }

  /** Outlines every rectangle (high-contrast themes). */
  outline(context: CanvasRenderingContext2D, colour: string): void {
    context.strokeStyle = colour;
    context.lineWidth = 1;
    for (const rects of this.steps) {
      for (let i = 0; i < rects.length; i += 4) {
        context.strokeRect(rects[i] + 0.5, rects[i + 1] + 0.5, rects[i + 2] - 1, rects[i + 3] - 1);
      }
    }
  }
}

function drawLane(
  context: CanvasRenderingContext2D,
  lane: Lane,
  top: number,
  plot: Plot,
  input: FrameInput,
  stats: FrameStats,
): void {
  const { palette, store } = input;
  const bandTop = top + geometry.bandTop;
  const now = store.timeline.end;
  const outline = palette.contrastBorder;
  const alive = lane.startedAt;
  if (alive !== null) {
    const exit = lane.exitedAt ?? now;
    if (exit >= plot.from && alive <= plot.to) {
      context.fillStyle = palette.running;
      context.globalAlpha = 0.75;
      const x = xOf(plot, alive);
      context.fillRect(x, bandTop, Math.max(1, xOf(plot, exit) - x), geometry.bandHeight);
      context.globalAlpha = 1;
      stats.running++;
    }
  }

  const blocked = new SpanRects().collect(lane.blocked, plot, bandTop, geometry.bandHeight);
  for (const wait of lane.openWaits.values()) {
    if (wait.op === "acquire" || wait.start > plot.to) continue;
    const x = xOf(plot, wait.start);
    blocked.add(x, bandTop, xOf(plot, now) - x, geometry.bandHeight, 1);
  }
  context.fillStyle = palette.blocked;
  blocked.fill(context);
  if (outline) blocked.outline(context, outline);
  stats.blocked += blocked.count;

  const waits = new SpanRects().collect(lane.lockWaits, plot, bandTop, geometry.bandHeight);
  for (const wait of lane.openWaits.values()) {
    if (wait.op !== "acquire" || wait.start > plot.to) continue;
    const x = xOf(plot, wait.start);
    waits.add(x, bandTop, xOf(plot, now) - x, geometry.bandHeight, 1);
  }
  // Hatched (the pattern holds the background, a tint and the stripes), or plain tint.
  context.fillStyle = input.hatch ?? palette.lockWait;
  waits.fill(context);
  if (outline) waits.outline(context, outline);
  stats.lockWaits += waits.count;

  const holdTop = top + geometry.holdTop;
  const holds = new SpanRects().collect(lane.lockHolds, plot, holdTop, geometry.holdHeight);
  for (const hold of lane.openHolds.values()) {
    if (hold.start > plot.to) continue;
    const x = xOf(plot, hold.start);
    holds.add(x, holdTop, xOf(plot, now) - x, geometry.holdHeight, 1);
  }
  context.fillStyle = palette.lockHold;
  holds.fill(context);
  stats.lockHolds += holds.count;

  const taskTop = top + geometry.taskTop;
  const tasks = new SpanRects().collect(lane.tasks, plot, taskTop, geometry.taskHeight);
  context.fillStyle = palette.task;
  tasks.fill(context);
  const failed = new SpanRects().collect(lane.failedTasks, plot, taskTop, geometry.taskHeight);
  context.fillStyle = palette.failure;
  failed.fill(context);
  stats.tasks += tasks.count + failed.count;
}

function drawArrows(
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
  // Sampled arrows are a density picture: light enough to let the lanes show through.
  if (stride > 1) context.globalAlpha = 0.35;
  context.stroke(lines);
  context.globalAlpha = 1;
  context.fill(heads);
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

function drawSpawns(
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

function drawGutter(
  context: CanvasRenderingContext2D,
  input: FrameInput,
  first: number,
  last: number,
): void {
  const { palette, lanes, store, height } = input;
  context.fillStyle = palette.background;
  context.fillRect(0, geometry.axisHeight, geometry.gutterWidth, height);
  context.save();
  context.beginPath();
  context.rect(0, geometry.axisHeight, geometry.gutterWidth, height);
  context.clip();
  context.textBaseline = "middle";
  for (let index = first; index < last; index++) {
    const process = lanes.order[index];
    const top = lanes.laneTop(index);
    if (process === input.selected) {
      context.fillStyle = palette.selection;
      context.fillRect(0, top, geometry.gutterWidth, geometry.laneHeight);
    }
    const middle = top + geometry.laneHeight / 2;
    const label = `P${process}`;
    context.fillStyle = palette.foreground;
    context.fillText(label, 8, middle);
    const nameLeft = 8 + Math.max(30, context.measureText(label).width + 8);
    const name = store.model.processes.get(process)?.name ?? "";
    context.fillStyle = palette.muted;
    context.fillText(
      ellipsize(context, name, geometry.gutterWidth - nameLeft - 8),
      nameLeft,
      middle,
    );
  }
  context.restore();
  context.strokeStyle = palette.grid;
  context.globalAlpha = 0.5;
  context.beginPath();
  context.moveTo(geometry.gutterWidth - 0.5, 0);
  context.lineTo(geometry.gutterWidth - 0.5, height);
  context.stroke();
  context.globalAlpha = 1;
}

function drawAxis(
  context: CanvasRenderingContext2D,
  plot: Plot,
  axisTicks: ReturnType<typeof ticks>,
  width: number,
  palette: Palette,
): void {
  context.fillStyle = palette.background;
  context.fillRect(0, 0, width, geometry.axisHeight);
  context.fillStyle = palette.muted;
  context.textBaseline = "middle";
  context.fillText("time", 8, geometry.axisHeight / 2);
  context.strokeStyle = palette.grid;
  context.beginPath();
  for (const tick of axisTicks) {
    const x = Math.round(xOf(plot, tick.time)) + 0.5;
    if (x < plot.left) continue;
    context.moveTo(x, geometry.axisHeight - 6);
    context.lineTo(x, geometry.axisHeight);
    context.fillText(tick.label, x + 4, geometry.axisHeight / 2);
  }
  context.moveTo(0, geometry.axisHeight - 0.5);
  context.lineTo(width, geometry.axisHeight - 0.5);
  context.globalAlpha = 0.6;
  context.stroke();
  context.globalAlpha = 1;
}

/** When there are more lanes than fit, a thin thumb on the right says where the view is. */
function drawScrollIndicator(context: CanvasRenderingContext2D, input: FrameInput): void {
  const { lanes, height, width, palette } = input;
  const content = lanes.contentHeight();
  if (content <= height) return;
  const track = height - geometry.axisHeight;
  const thumb = Math.max(16, (track * height) / content);
  const top = geometry.axisHeight + ((track - thumb) * lanes.scrollTop) / (content - height);
  context.globalAlpha = 0.4;
  context.fillStyle = palette.muted;
  context.fillRect(width - 5, top, 4, thumb);
  context.globalAlpha = 1;
}

/** Cuts `text` with an ellipsis to fit `width` pixels. */
export function ellipsize(context: CanvasRenderingContext2D, text: string, width: number): string {
  if (width <= 0) return "";
  if (context.measureText(text).width <= width) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (context.measureText(`${text.slice(0, middle)}…`).width <= width) low = middle;
    else high = middle - 1;
  }
  return `${text.slice(0, low)}…`;
}
