/**
 * Draws the timeline's base layer: axis, grid, the lanes (see draw-lane.ts), the links
 * between them (draw-links.ts), the gutter of names. Only what is in the visible time
 * range is touched.
 */
import type { FrameStats } from "../debug";
import type { Palette } from "../theme";
import { deadlockCycles } from "../../src/model/warnings";
import { drawDeadlocks } from "./draw-deadlock";
import { drawLane } from "./draw-lane";
import { drawArrows, drawSpawns } from "./draw-links";
import { geometry } from "./layout";
import { xOf, type FrameInput, type Plot } from "./plot";
import { ticks } from "./ticks";

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
    deadlockMarks: 0,
    deadlockArrows: 0,
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
  drawDeadlocks(
    context,
    plot,
    input,
    deadlockCycles(input.store.model, input.store.timeline),
    stats,
  );
  context.restore();

  drawGutter(context, input, first, last);
  if (palette.contrastBorder) drawSelectionOutline(context, input);
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

/** High contrast themes mark a selection with a dashed outline, not a fill. */
function drawSelectionOutline(context: CanvasRenderingContext2D, input: FrameInput): void {
  if (input.selected === null) return;
  const index = input.lanes.indexOf(input.selected);
  if (index === undefined) return;
  const top = input.lanes.laneTop(index);
  if (top < geometry.axisHeight) return;
  context.save();
  context.setLineDash([3, 2]);
  context.strokeStyle = input.palette.focus;
  context.strokeRect(0.5, top + 0.5, input.width - 1, geometry.laneHeight - 1);
  context.restore();
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
