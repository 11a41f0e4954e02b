/**
 * The timeline's overlay, redrawn alone on every pointer move: the time cursor with its
 * time, and the outline of the hovered bar or arrow.
 */
import { formatInstant } from "../../src/model/describe";
import type { Palette } from "../theme";
import type { Hit } from "./hit";
import { geometry } from "./layout";
import type { Viewport } from "./viewport";

export interface OverlayInput {
  hit: Hit | null;
  pointer: { x: number; y: number } | null;
  palette: Palette;
  viewport: Viewport;
  width: number;
  height: number;
}

export function drawOverlay(context: CanvasRenderingContext2D, input: OverlayInput): void {
  const { hit, pointer, palette, width, height } = input;
  context.clearRect(0, 0, width, height);
  if (hit) {
    context.strokeStyle = palette.focus;
    context.lineWidth = 2;
    if (hit.kind === "message") {
      context.beginPath();
      context.moveTo(hit.x1, hit.y1);
      context.lineTo(hit.x2, hit.y2);
      context.stroke();
    } else {
      const left = Math.max(hit.x1, geometry.gutterWidth);
      const right = Math.min(hit.x2, width);
      context.strokeRect(left - 1, hit.y1 - 1, Math.max(2, right - left + 2), hit.y2 - hit.y1 + 2);
    }
  }
  if (!pointer || pointer.x < geometry.gutterWidth) return;
  const x = Math.round(pointer.x) + 0.5;
  context.strokeStyle = palette.cursor;
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(x, geometry.axisHeight);
  context.lineTo(x, height);
  context.stroke();
  const time = input.viewport.xToTime(
    pointer.x - geometry.gutterWidth,
    width - geometry.gutterWidth,
  );
  const label = formatInstant(time);
  context.font = palette.font;
  const labelWidth = context.measureText(label).width + 10;
  const left = Math.max(geometry.gutterWidth, Math.min(x - labelWidth / 2, width - labelWidth));
  context.fillStyle = palette.cursor;
  context.fillRect(left, 2, labelWidth, geometry.axisHeight - 4);
  context.fillStyle = palette.background;
  context.textBaseline = "middle";
  context.fillText(label, left + 5, geometry.axisHeight / 2);
}
