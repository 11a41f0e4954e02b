/**
 * Time spans (start, end, two event references) kept sorted by start in growable typed
 * arrays, so that a timeline of a million events is culled to the visible range with a
 * binary search and never allocates one object per span.
 *
 * A running maximum of the ends (`reach`) makes "first span that may still be visible at
 * time t" a binary search too, even when spans overlap or one of them is very long.
 */

const initialCapacity = 64;

export class SpanColumn {
  private starts = new Float64Array(initialCapacity);
  private ends = new Float64Array(initialCapacity);
  /** Largest end among spans 0..i: non-decreasing, so it can be binary searched. */
  private reach = new Float64Array(initialCapacity);
  /** Sum of the durations of spans 0..i: how much of a merged group is really covered. */
  private covered = new Float64Array(initialCapacity);
  private firstRefs = new Int32Array(initialCapacity);
  private secondRefs = new Int32Array(initialCapacity);
  private count = 0;

  get length(): number {
    return this.count;
  }

  start(index: number): number {
    return this.starts[index];
  }

  end(index: number): number {
    return this.ends[index];
  }

  /** The event (index into the run's event list) that this span was made from. */
  ref(index: number): number {
    return this.firstRefs[index];
  }

  /** A second event the span pairs with (a message's send, a lock's request), or -1. */
  secondRef(index: number): number {
    return this.secondRefs[index];
  }

  /** Adds a span; cheap when spans arrive roughly in start order, as trace events do. */
  insert(start: number, end: number, ref: number, secondRef = -1): void {
    if (this.count === this.starts.length) this.grow();
    let index = this.count;
    // Events from different processes interleave a little: shift the few later spans.
    while (index > 0 && this.starts[index - 1] > start) index--;
    if (index < this.count) {
      this.starts.copyWithin(index + 1, index, this.count);
      this.ends.copyWithin(index + 1, index, this.count);
      this.firstRefs.copyWithin(index + 1, index, this.count);
      this.secondRefs.copyWithin(index + 1, index, this.count);
    }
    this.starts[index] = start;
    this.ends[index] = Math.max(start, end);
    this.firstRefs[index] = ref;
    this.secondRefs[index] = secondRef;
    this.count++;
    for (let i = index; i < this.count; i++) {
      const duration = this.ends[i] - this.starts[i];
      this.reach[i] = i === 0 ? this.ends[i] : Math.max(this.reach[i - 1], this.ends[i]);
      this.covered[i] = i === 0 ? duration : this.covered[i - 1] + duration;
    }
  }

  /** Index of the first span that ends at or after `time` (all earlier ones end before it). */
  firstEndingAtOrAfter(time: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.reach[middle] < time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first span that starts after `time`. */
  firstStartingAfter(time: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.starts[middle] <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Like `firstStartingAfter`, for an answer known to be at `from` or later and usually
   * close to it: growing steps, then a binary search, so a group that grows one span at a
   * time costs one comparison per span rather than a search of the whole column.
   */
  private gallopStartingAfter(time: number, from: number): number {
    let low = from;
    let bound = 1;
    while (low + bound <= this.count && this.starts[low + bound - 1] <= time) {
      low += bound;
      bound *= 2;
    }
    let high = Math.min(this.count, low + bound);
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.starts[middle] <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Calls `draw` once per group of spans that touch or lie closer than `gap` to each other,
   * within [from, to], with the share of the group's time its spans really cover (many
   * short waits a pixel apart are not one long wait). Each group costs a couple of binary
   * searches, so the work is bounded by the pixels on screen, not by the number of spans.
   */
  forEachMerged(
    from: number,
    to: number,
    gap: number,
    draw: (
      start: number,
      end: number,
      coverage: number,
      firstIndex: number,
      spanCount: number,
    ) => void,
  ): void {
    let index = this.firstEndingAtOrAfter(from);
    while (index < this.count && this.starts[index] <= to) {
      if (this.ends[index] < from) {
        index++;
        continue;
      }
      const groupStart = this.starts[index];
      let groupEnd = this.ends[index];
      let next = index + 1;
      for (;;) {
        const after = this.gallopStartingAfter(groupEnd + gap, next);
        if (after <= next) break;
        groupEnd = Math.max(groupEnd, this.reach[after - 1]);
        next = after;
      }
      const length = groupEnd - groupStart;
      const covered = this.covered[next - 1] - (index === 0 ? 0 : this.covered[index - 1]);
      draw(
        groupStart,
        groupEnd,
        length <= 0 ? 1 : Math.min(1, covered / length),
        index,
        next - index,
      );
      index = next;
    }
  }

  /** Index of a span containing `time` (the latest starting one), or -1. */
  findAt(time: number, tolerance = 0): number {
    let index = this.firstStartingAfter(time + tolerance) - 1;
    for (; index >= 0 && this.reach[index] >= time - tolerance; index--) {
      if (this.ends[index] >= time - tolerance) return index;
    }
    return -1;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    this.starts = copyInto(new Float64Array(size), this.starts);
    this.ends = copyInto(new Float64Array(size), this.ends);
    this.reach = copyInto(new Float64Array(size), this.reach);
    this.covered = copyInto(new Float64Array(size), this.covered);
    this.firstRefs = copyInto(new Int32Array(size), this.firstRefs);
    this.secondRefs = copyInto(new Int32Array(size), this.secondRefs);
  }
}

function copyInto<T extends Float64Array | Int32Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
