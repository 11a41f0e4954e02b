/**
 * One clock for every process of a run: CLOCK_MONOTONIC is system-wide on Linux and macOS,
 * so `hrtime` readings from different processes compare directly. t = 0 is the run's
 * start, handed down through the environment.
 */
import { ENV } from "./env";

const origin: bigint = (() => {
  const fromEnv = process.env[ENV.clockOrigin];
  if (fromEnv && /^\d+$/.test(fromEnv)) return BigInt(fromEnv);
  const now = process.hrtime.bigint();
  process.env[ENV.clockOrigin] = now.toString();
  return now;
})();

/** Nanoseconds since the run started. */
export function now(): number {
  return Number(process.hrtime.bigint() - origin);
}

export function clockOrigin(): bigint {
  return origin;
}
