/**
 * Draws one process's lane: when it ran, was blocked, waited for and held locks, and ran
 * pool tasks. Spans are merged by SpanColumn, so the work is bounded by the pixels.
 */
import type { SpanColumn } from "../../src/model/span-column";
import type { Lane } from "../../src/model/timeline";
import type { FrameStats } from "../debug";
import { geometry } from "./layout";
import { xOf, type FrameInput, type Plot } from "./plot";

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

export function drawLane(
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
