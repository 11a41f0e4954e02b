// Helpers shared by the bare-Node baselines (see bench/procscope/common.ts for the rules).

/** CLOCK_MONOTONIC in ns: comparable across processes on Linux. */
export function nowNs() {
  return Number(process.hrtime.bigint());
}

export function intArg(index, fallback) {
  const text = process.argv[2 + index];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`bad argument ${index}: ${text}`);
  return value;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function throughput(count, bytesEach, startedNs) {
  const seconds = (nowNs() - startedNs) / 1e9;
  return {
    count,
    seconds,
    msgPerSec: count / seconds,
    mbPerSec: (count * bytesEach) / seconds / 1e6,
  };
}
