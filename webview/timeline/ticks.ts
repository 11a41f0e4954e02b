/** Where the time axis puts its labelled ticks: round steps (1, 2, 5 × 10ⁿ ns). */

export interface Tick {
  time: number;
  label: string;
}

/** Ticks between `start` and `end`, at least `minimumPixels` apart on a `width`-pixel axis. */
export function ticks(start: number, end: number, width: number, minimumPixels = 80): Tick[] {
  const span = end - start;
  if (span <= 0 || width <= 0) return [];
  const step = niceStep((span * minimumPixels) / width);
  const out: Tick[] = [];
  // Multiply rather than add, so that a thousand steps do not accumulate rounding.
  for (let index = Math.ceil(start / step); index * step <= end; index++) {
    out.push({ time: index * step, label: formatTick(index * step, step) });
  }
  return out;
}

export function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  for (const multiple of [1, 2, 5, 10]) {
    if (power * multiple >= rough) return power * multiple;
  }
  return power * 10;
}

/**
 * A tick's label in the unit of its own size, with as many decimals as the step needs:
 * "500 ms", "1.2 s", "500.001 ms".
 */
export function formatTick(time: number, step: number): string {
  if (time === 0) return "0";
  const units: Array<[number, string]> = [
    [1e9, "s"],
    [1e6, "ms"],
    [1e3, "µs"],
    [1, "ns"],
  ];
  const [size, unit] = units.find(([size]) => Math.abs(time) >= size) ?? [1, "ns"];
  const decimals = Math.max(0, Math.min(6, Math.ceil(Math.log10(size / step) - 1e-9)));
  return `${(time / size).toFixed(decimals)} ${unit}`;
}
