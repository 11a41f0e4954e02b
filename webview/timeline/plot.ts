/** What a timeline frame is drawn from, and the mapping of time to x on it. */
import type { PanelStore } from "../store";
import type { Palette } from "../theme";
import type { LaneLayout } from "./layout";
import type { Viewport } from "./viewport";

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

export interface Plot {
  left: number;
  right: number;
  from: number;
  to: number;
  nsPerPixel: number;
}

export function xOf(plot: Plot, time: number): number {
  const x = plot.left + (time - plot.from) / plot.nsPerPixel;
  // Far off-screen coordinates are clamped: canvas paths misbehave with huge numbers.
  return Math.min(Math.max(x, plot.left - 2), plot.right + 2);
}
