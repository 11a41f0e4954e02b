/**
 * The timeline view: two stacked canvases (the drawing, and an overlay for the cursor and
 * the hovered shape, which redraws alone on pointer moves), a tooltip, and the input that
 * zooms (wheel, + and -), pans (drag, arrow keys), scrolls lanes (wheel over the names,
 * Up and Down) and opens the source of what is clicked.
 */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import { formatInstant } from "../../src/model/describe";
import { element } from "../dom";
import { namingFor } from "../naming";
import type { PanelStore } from "../store";
import type { Palette } from "../theme";
import type { FrameStats } from "../debug";
import { drawBase } from "./draw";
import type { FrameInput } from "./plot";
import { hitTest, type Hit } from "./hit";
import { geometry, LaneLayout } from "./layout";
import { makeHatch } from "./hatch";
import { keyCommand } from "./keys";
import { drawOverlay } from "./overlay";
import { Viewport } from "./viewport";

export class TimelineView {
  readonly element = element("div", "timeline-body");
  readonly viewport = new Viewport();
  readonly lanes = new LaneLayout();
  selected: number | null = null;
  lastFrame: FrameStats | null = null;
  frames = 0;
  private readonly base = element("canvas", "timeline-canvas");
  private readonly overlay = element("canvas", "timeline-overlay");
  private readonly tooltip = element("div", "timeline-tooltip");
  private readonly tooltipText = element("div", "tooltip-text");
  private readonly tooltipHint = element("div", "tooltip-hint");
  private width = 0;
  private height = 0;
  private pointer: { x: number; y: number } | null = null;
  private hit: Hit | null = null;
  private drag: { x: number; start: number; moved: boolean } | null = null;
  private hatch: CanvasPattern | null = null;
  private hatchColour = "";
  private baseDirty = true;
  private overlayDirty = true;

  constructor(
    private readonly store: PanelStore,
    private readonly palette: () => Palette,
    private readonly requestFrame: () => void,
    private readonly post: (message: FromWebviewMessage) => void,
    /** Called when a process's name in the gutter is clicked. */
    private readonly onPick: (process: number) => void,
  ) {
    this.base.setAttribute("role", "img");
    this.base.tabIndex = 0;
    this.overlay.setAttribute("aria-hidden", "true");
    this.tooltip.setAttribute("role", "tooltip");
    this.tooltip.hidden = true;
    this.tooltip.append(this.tooltipText, this.tooltipHint);
    this.element.append(this.base, this.overlay, this.tooltip);
    this.listen();
  }

  /** Marks the drawing stale (new events, new theme, new lanes); drawn at the next frame. */
  invalidate(): void {
    this.baseDirty = true;
    this.overlayDirty = true;
    this.requestFrame();
  }

  setLanes(order: number[], selected: number | null): void {
    const same =
      order.length === this.lanes.order.length &&
      order.every((process, index) => process === this.lanes.order[index]);
    if (same && selected === this.selected) return;
    const selectionMoved = selected !== this.selected;
    this.lanes.setOrder(order);
    this.selected = selected;
    this.element.style.height = `${Math.min(this.lanes.contentHeight() + 2, 560)}px`;
    // Scrolled at the next render, once the height just set has been measured.
    if (selectionMoved && selected !== null) this.pendingInView = selected;
    this.invalidate();
  }

  /** A lane to bring into view at the next render (the newly selected process's). */
  private pendingInView: number | null = null;

  /**
   * Scrolls the lanes as little as needed to show this process's lane: picking the last of a
   * thousand processes in the tree brings its lane into view.
   */
  private keepInView(process: number): void {
    const index = this.lanes.indexOf(process);
    if (index === undefined || this.height === 0) return;
    const top = index * geometry.laneHeight;
    const visible = this.height - geometry.axisHeight;
    if (top < this.lanes.scrollTop) this.lanes.scrollTop = top;
    else if (top + geometry.laneHeight > this.lanes.scrollTop + visible) {
      this.lanes.scrollTop = top + geometry.laneHeight - visible;
    }
    this.lanes.clampScroll(this.height);
  }

  /** Scrolls the lanes so that these processes' lanes are in view, the first on top. */
  reveal(processes: readonly number[]): void {
    const indexes = processes
      .map((p) => this.lanes.indexOf(p))
      .filter((index): index is number => index !== undefined);
    if (indexes.length === 0) return;
    this.lanes.scrollTop = Math.min(...indexes) * geometry.laneHeight;
    this.lanes.clampScroll(this.height);
    this.element.scrollIntoView?.({ block: "nearest" });
    this.invalidate();
  }

  fit(): void {
    this.viewport.fit(this.store.timeline.end);
    this.invalidate();
  }

  zoomBy(factor: number): void {
    const anchor = this.viewport.start + this.viewport.span / 2;
    this.viewport.zoom(factor, anchor, this.store.timeline.end);
    this.invalidate();
  }

  /** Draws what is stale. Called once per animation frame at most. */
  render(): void {
    this.measure();
    if (this.pendingInView !== null) {
      this.keepInView(this.pendingInView);
      this.pendingInView = null;
    }
    if (this.viewport.follow) this.viewport.fit(this.store.timeline.end);
    this.lanes.clampScroll(this.height);
    if (this.baseDirty) {
      this.baseDirty = false;
      const input = this.frameInput();
      const context = this.context(this.base);
      this.lastFrame = drawBase(context, input);
      this.frames++;
      this.base.setAttribute("aria-label", this.summary());
      if (this.pointer)
        this.hit = hitTest(input, namingFor(this.store), this.pointer.x, this.pointer.y);
      this.overlayDirty = true;
    }
    if (this.overlayDirty) {
      this.overlayDirty = false;
      this.drawOverlay();
    }
  }

  /** The geometry tests use to point at things: x of a time, y of a process's lane. */
  geometry(): { timeToX: (t: number) => number; laneMiddle: (p: number) => number } {
    return {
      timeToX: (t) =>
        geometry.gutterWidth + this.viewport.timeToX(t, this.width - geometry.gutterWidth),
      laneMiddle: (p) => this.lanes.laneMiddle(this.lanes.indexOf(p) ?? -1),
    };
  }

  private frameInput(): FrameInput {
    const palette = this.palette();
    const hatchColours = `${palette.background} ${palette.lockWait}`;
    if (hatchColours !== this.hatchColour) {
      this.hatchColour = hatchColours;
      this.hatch = makeHatch(this.base, palette.background, palette.lockWait);
    }
    return {
      store: this.store,
      viewport: this.viewport,
      lanes: this.lanes,
      width: this.width,
      height: this.height,
      palette,
      hatch: this.hatch,
      selected: this.selected,
    };
  }

  private measure(): void {
    const width = this.element.clientWidth;
    const height = this.element.clientHeight;
    const ratio = window.devicePixelRatio || 1;
    if (
      width === this.width &&
      height === this.height &&
      this.base.width === Math.round(width * ratio)
    ) {
      return;
    }
    this.width = width;
    this.height = height;
    for (const canvas of [this.base, this.overlay]) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    this.baseDirty = true;
    this.overlayDirty = true;
  }

  private context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
    const context = canvas.getContext("2d")!;
    const ratio = canvas.width / Math.max(1, this.width);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    return context;
  }

  private drawOverlay(): void {
    const context = this.context(this.overlay);
    drawOverlay(context, {
      hit: this.hit,
      pointer: this.pointer,
      palette: this.palette(),
      viewport: this.viewport,
      width: this.width,
      height: this.height,
    });
    this.showTooltip();
  }

  private showTooltip(): void {
    const hit = this.hit;
    const pointer = this.pointer;
    if (!hit || !pointer || this.drag?.moved) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltipText.textContent = hit.text;
    this.tooltipHint.textContent = hit.loc ? "Click to open the source line" : "";
    this.tooltip.hidden = false;
    const room = this.width - pointer.x;
    const tooltipWidth = this.tooltip.offsetWidth;
    const left =
      room > tooltipWidth + 16 ? pointer.x + 12 : Math.max(0, pointer.x - tooltipWidth - 12);
    const below = pointer.y + 18;
    const top =
      below + this.tooltip.offsetHeight > this.height
        ? pointer.y - this.tooltip.offsetHeight - 8
        : below;
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${Math.max(0, top)}px`;
  }

  private summary(): string {
    const lanes = this.lanes.order.length;
    return `Timeline of ${lanes} process${lanes === 1 ? "" : "es"} from ${formatInstant(Math.max(0, this.viewport.start))} to ${formatInstant(this.viewport.end)}. Use plus and minus to zoom, left and right arrows to pan, 0 to fit.`;
  }

  private updatePointer(event: MouseEvent): void {
    const bounds = this.overlay.getBoundingClientRect();
    this.pointer = { x: event.clientX - bounds.left, y: event.clientY - bounds.top };
    this.hit = this.drag?.moved
      ? null
      : hitTest(this.frameInput(), namingFor(this.store), this.pointer.x, this.pointer.y);
    this.overlay.classList.toggle("clickable", Boolean(this.hit?.loc));
    this.overlayDirty = true;
    this.requestFrame();
  }

  private listen(): void {
    const target = this.overlay;
    target.addEventListener("mousemove", (event) => {
      if (this.drag) {
        const dx = event.clientX - this.drag.x;
        if (Math.abs(dx) > 3) this.drag.moved = true;
        if (this.drag.moved) {
          const nsPerPixel = this.viewport.span / (this.width - geometry.gutterWidth);
          this.viewport.pan(
            this.drag.start - this.viewport.start - dx * nsPerPixel,
            this.store.timeline.end,
          );
          this.baseDirty = true;
        }
      }
      this.updatePointer(event);
    });
    target.addEventListener("mouseleave", () => {
      this.pointer = null;
      this.hit = null;
      this.drag = null;
      this.overlayDirty = true;
      this.requestFrame();
    });
    target.addEventListener("mousedown", (event) => {
      if (event.button !== 0) return;
      this.base.focus({ preventScroll: true });
      this.drag = { x: event.clientX, start: this.viewport.start, moved: false };
    });
    target.addEventListener("mouseup", (event) => {
      const drag = this.drag;
      this.drag = null;
      if (!drag || drag.moved) return;
      this.updatePointer(event);
      if (this.hit?.loc) {
        this.post({ type: "open-source", loc: this.hit.loc });
        return;
      }
      const pointer = this.pointer;
      if (pointer && pointer.x < geometry.gutterWidth) {
        const index = this.lanes.laneAt(pointer.y);
        if (index >= 0) this.onPick(this.lanes.order[index]);
      }
    });
    target.addEventListener("wheel", (event) => this.onWheel(event), { passive: false });
    this.base.addEventListener("keydown", (event) => this.onKey(event));
    new ResizeObserver(() => this.invalidate()).observe(this.element);
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const bounds = this.overlay.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const total = this.store.timeline.end;
    const plotWidth = this.width - geometry.gutterWidth;
    if (x < geometry.gutterWidth) {
      this.lanes.scrollTop += event.deltaY;
    } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      const delta = event.shiftKey && event.deltaX === 0 ? event.deltaY : event.deltaX;
      this.viewport.pan((delta * this.viewport.span) / plotWidth, total);
    } else {
      const anchor = this.viewport.xToTime(x - geometry.gutterWidth, plotWidth);
      this.viewport.zoom(Math.exp(event.deltaY * 0.002), anchor, total);
    }
    this.invalidate();
    this.updatePointer(event);
  }

  private onKey(event: KeyboardEvent): void {
    const command = keyCommand(event.key);
    if (!command) return;
    event.preventDefault();
    const total = this.store.timeline.end;
    const span = this.viewport.span;
    switch (command.kind) {
      case "zoom":
        this.zoomBy(command.factor);
        break;
      case "pan":
        this.viewport.pan(span * command.fraction, total);
        break;
      case "scroll":
        this.lanes.scrollTop += command.lanes * geometry.laneHeight;
        break;
      case "start":
        this.viewport.pan(-this.viewport.start, total);
        break;
      case "end":
        this.viewport.pan(total - this.viewport.end, total);
        break;
      case "fit":
        this.fit();
        break;
    }
    this.invalidate();
  }
}
