/**
 * Helpers shared by the procscope benchmark programs. Each program prints one JSON line
 * with its measurement on stdout; bench/run.mjs keeps the last such line.
 */

/**
 * CLOCK_MONOTONIC in nanoseconds. It is system-wide on Linux, so a time taken in the
 * sending process can be compared with one taken in the receiving process.
 */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** The program argument at `index` (after `--`), as a positive integer. */
export function intArg(index: number, fallback: number): number {
  const text = process.argv[2 + index];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`bad argument ${index}: ${text}`);
  return value;
}

export function stringArg(index: number, fallback: string): string {
  return process.argv[2 + index] ?? fallback;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Sent after the measured messages: when the sender began, for an end-to-end time. */
export interface EndMarker {
  startedNs: number;
}

/** Messages per second and MB/s from the sender's start to the last message received. */
export function throughput(
  count: number,
  bytesEach: number,
  startedNs: number,
): Record<string, number> {
  const endedNs = nowNs();
  const seconds = (endedNs - startedNs) / 1e9;
  return {
    count,
    seconds,
    msgPerSec: count / seconds,
    mbPerSec: (count * bytesEach) / seconds / 1e6,
    // The measured window, to line up with CPU profiles (V8 stamps samples on this clock).
    startedNs,
    endedNs,
  };
}

/**
 * One side's clock readings in a ping-pong: `lettingGo[i]` just before it hands over
 * (release, set, send) in round `i`, `woken[i]` just after the other side's handover
 * reached it.
 */
export interface HandoffNotes {
  woken: number[];
  lettingGo: number[];
}

/**
 * Hop latencies of a ping-pong the parent starts: in round `i` the parent hands over to the
 * child (child.woken[i] − parent.lettingGo[i]) and the child back to the parent
 * (parent.woken[i] − child.lettingGo[i]). Rounds before `skip` are warm-up.
 */
export function handoffResult(
  parent: HandoffNotes,
  child: HandoffNotes,
  skip: number,
): Record<string, number> {
  const hops: number[] = [];
  const roundTrips: number[] = [];
  for (let i = skip; i < parent.woken.length; i++) {
    const there = child.woken[i] - parent.lettingGo[i];
    const back = parent.woken[i] - child.lettingGo[i];
    if (!(there >= 0 && back >= 0)) throw new Error(`round ${i}: the two sides did not alternate`);
    hops.push(there / 1e3, back / 1e3);
    roundTrips.push((parent.woken[i] - parent.lettingGo[i]) / 1e3);
  }
  const seconds = (parent.woken.at(-1)! - parent.lettingGo[skip]) / 1e9;
  return {
    count: hops.length,
    seconds,
    medianLatencyUs: median(hops),
    meanLatencyUs: hops.reduce((sum, hop) => sum + hop, 0) / hops.length,
    medianRoundTripUs: median(roundTrips),
    roundTripUs: (seconds / roundTrips.length) * 1e6,
  };
}
