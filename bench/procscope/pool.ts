/**
 * Pool benchmarks, on a Pool of 2 workers started (and warmed up) before the clock:
 *
 *   -- map COUNT CHUNKSIZE|default ROUNDS   `pool.map(inc, items, chunksize)` of COUNT
 *       trivial tasks, ROUNDS times; tasks per second, median over the rounds
 *   -- apply COUNT WARM_UP                  COUNT `await pool.applyAsync(inc, [i]).get()`
 *       one after another (after WARM_UP calls); the round trip, median and mean
 */
import { Pool, main } from "procscope";
import { emit, intArg, median, nowNs, stringArg } from "./common";

const WORKERS = 2;

/** The trivial task. */
export function inc(x: number): number {
  return x + 1;
}

async function measureMap(pool: Pool, count: number, chunkText: string, rounds: number) {
  const chunksize = chunkText === "default" ? undefined : Number(chunkText);
  const items = Array.from({ length: count }, (_, i) => i);
  // The workers are up and have loaded `inc` before the clock starts.
  await pool.map(inc, items.slice(0, 1000), chunksize);
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const startedNs = nowNs();
    const results = await pool.map(inc, items, chunksize);
    const seconds = (nowNs() - startedNs) / 1e9;
    if (results.length !== count || results[count - 1] !== count) throw new Error("wrong results");
    rates.push(count / seconds);
  }
  emit({
    bench: "pool-map",
    count,
    chunksize: chunkText,
    rounds,
    tasksPerSec: median(rates),
    bestTasksPerSec: Math.max(...rates),
  });
}

async function measureApply(pool: Pool, count: number, warmUp: number) {
  const roundTrips: number[] = [];
  let startedNs = 0;
  for (let i = -warmUp; i < count; i++) {
    const sentNs = nowNs();
    if (i === 0) startedNs = sentNs;
    if ((await pool.applyAsync(inc, [i]).get()) !== i + 1) throw new Error("wrong result");
    if (i >= 0) roundTrips.push((nowNs() - sentNs) / 1e3);
  }
  const seconds = (nowNs() - startedNs) / 1e9;
  emit({
    bench: "pool-apply",
    count,
    seconds,
    roundTripUs: (seconds / count) * 1e6,
    medianRoundTripUs: median(roundTrips),
  });
}

main(async () => {
  const mode = stringArg(0, "map");
  const count = intArg(1, 100_000);
  const pool = new Pool(WORKERS);
  if (mode === "map") await measureMap(pool, count, stringArg(2, "default"), intArg(3, 1));
  else if (mode === "apply") await measureApply(pool, count, intArg(2, 3000));
  else throw new Error(`unknown mode ${mode}`);
  pool.close();
  await pool.join();
});
