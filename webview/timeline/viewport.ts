/**
 * The visible time range of the timeline and the arithmetic of zooming and panning it.
 * Pure (no DOM), so it is tested in Node.
 */

/** Never zoom closer than this: a microsecond across the whole width. */
const minimumSpan = 1_000;

export class Viewport {
  start = 0;
  end = 1;
  /** Follow the end of a live run: true until the user zooms or pans. */
  follow = true;

  get span(): number {
    return this.end - this.start;
  }

  /**
   * Shows the whole run, from its start to `total` and a little past it (so the end of the
   * last bar is seen to end), and follows it again.
   */
  fit(total: number): void {
    this.start = 0;
    this.end = Math.max(total, minimumSpan) * 1.02;
    this.follow = true;
  }

  /**
   * Zooms by `factor` (< 1 zooms in) keeping `anchor` (a time) at the same place on
   * screen, as a map does under the pointer.
   */
  zoom(factor: number, anchor: number, total: number): void {
    const span = Math.min(Math.max(this.span * factor, minimumSpan), this.maxSpan(total));
    const ratio = this.span === 0 ? 0.5 : (anchor - this.start) / this.span;
    this.start = anchor - ratio * span;
    this.end = this.start + span;
    this.follow = false;
    this.clamp(total);
  }

  /** Moves the range by `delta` ns (positive: later). */
  pan(delta: number, total: number): void {
    this.start += delta;
    this.end += delta;
    this.follow = false;
    this.clamp(total);
  }

  /** Keeps the range within the run, with a little room at each end. */
  clamp(total: number): void {
    const span = Math.min(this.span, this.maxSpan(total));
    const margin = this.maxSpan(total) - Math.max(total, minimumSpan);
    if (this.start < -margin) this.start = -margin;
    this.end = this.start + span;
    const limit = Math.max(total, minimumSpan) + margin;
    if (this.end > limit) {
      this.end = limit;
      this.start = limit - span;
    }
  }

  timeToX(time: number, width: number): number {
    return ((time - this.start) / this.span) * width;
  }

  xToTime(x: number, width: number): number {
    return this.start + (x / width) * this.span;
  }

  private maxSpan(total: number): number {
    return Math.max(total, minimumSpan) * 1.1;
  }
}
