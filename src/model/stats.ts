/** Small statistics helpers over arrays of nanoseconds. */

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}

export function sum(values: number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** The list at `outer` → `inner` in a two-level map, made empty if there was none. */
export function listIn<A, B, V>(map: Map<A, Map<B, V[]>>, outer: A, inner: B): V[] {
  let byInner = map.get(outer);
  if (!byInner) map.set(outer, (byInner = new Map()));
  let list = byInner.get(inner);
  if (!list) byInner.set(inner, (list = []));
  return list;
}

/**
 * Removes and returns the item whose start is nearest `begin`. A wait's end names its
 * beginning only by its length: of two waits of one process on one object, the end goes
 * to the one that began `wait` before it, not to the older.
 */
export function removeNearest<T>(
  items: T[] | undefined,
  startOf: (item: T) => number,
  begin: number,
): T | undefined {
  if (!items || items.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < items.length; i++) {
    if (Math.abs(startOf(items[i]) - begin) < Math.abs(startOf(items[best]) - begin)) best = i;
  }
  return items.splice(best, 1)[0];
}

/** 1234567 ns → "1.23 ms". */
export function formatDuration(ns: number): string {
  if (ns < 1_000) return `${Math.round(ns)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 1 : 0)} µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(ns < 10_000_000 ? 2 : 1)} ms`;
  return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** One bar of a histogram: values in [from, to) (the last bar includes its `to`). */
export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/** Counts values in `bins` equal-width bins from the smallest to the largest. */
export function histogram(values: readonly number[], bins: number): HistogramBin[] {
  if (values.length === 0 || bins < 1) return [];
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (high === low) return [{ from: low, to: high, count: values.length }];
  const width = (high - low) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({
    from: low + i * width,
    to: i === bins - 1 ? high : low + (i + 1) * width,
    count: 0,
  }));
  for (const value of values) out[Math.min(bins - 1, Math.floor((value - low) / width))].count++;
  return out;
}
