/**
 * Where things sit on the timeline canvas, in CSS pixels: a time axis on top, a gutter of
 * process names on the left, one lane per visible process below, in tree order.
 */

export const geometry = {
  axisHeight: 24,
  laneHeight: 28,
  gutterWidth: 176,
  /** The strip over the band showing pool tasks a worker ran. */
  taskTop: 2,
  taskHeight: 3,
  /** The band showing running (and, over it, blocked and lock-wait) time. */
  bandTop: 6,
  bandHeight: 12,
  /** The thin strip under the band showing lock holds. */
  holdTop: 20,
  holdHeight: 4,
} as const;

export class LaneLayout {
  /** Process numbers, top to bottom. */
  order: number[] = [];
  private readonly indexes = new Map<number, number>();
  /** How far the lanes are scrolled down, in pixels. */
  scrollTop = 0;

  setOrder(order: number[]): void {
    this.order = order;
    this.indexes.clear();
    order.forEach((process, index) => this.indexes.set(process, index));
  }

  indexOf(process: number): number | undefined {
    return this.indexes.get(process);
  }

  contentHeight(): number {
    return geometry.axisHeight + this.order.length * geometry.laneHeight;
  }

  /** Keeps the scroll within the lanes for a canvas `height` pixels tall. */
  clampScroll(height: number): void {
    const limit = Math.max(0, this.contentHeight() - height);
    this.scrollTop = Math.min(Math.max(0, this.scrollTop), limit);
  }

  laneTop(index: number): number {
    return geometry.axisHeight + index * geometry.laneHeight - this.scrollTop;
  }

  laneMiddle(index: number): number {
    return this.laneTop(index) + geometry.bandTop + geometry.bandHeight / 2;
  }

  /** Lane index under a y coordinate, or -1 above or below the lanes. */
  laneAt(y: number): number {
    if (y < geometry.axisHeight) return -1;
    const index = Math.floor((y - geometry.axisHeight + this.scrollTop) / geometry.laneHeight);
    return index >= 0 && index < this.order.length ? index : -1;
  }

  /** First and last (exclusive) lane indexes visible in a canvas `height` pixels tall. */
  visibleRange(height: number): [number, number] {
    const first = Math.max(0, Math.floor(this.scrollTop / geometry.laneHeight));
    const last = Math.min(
      this.order.length,
      Math.ceil((this.scrollTop + height - geometry.axisHeight) / geometry.laneHeight),
    );
    return [first, last];
  }
}
