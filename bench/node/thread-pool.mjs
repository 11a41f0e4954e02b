// Pool throughput of the worker-thread pools: COUNT trivial tasks (x => x + 1) submitted at
// once to a pool of 2 threads, timed until the last result is in, after 1,000 warm-up tasks
// (the threads are up before the clock starts). Python's Pool.map with chunksize 1 is the
// process-pool equivalent. Usage: thread-pool.mjs piscina|workerpool COUNT
import { fileURLToPath } from "node:url";
import Piscina from "piscina";
import workerpool from "workerpool";
import { emit, intArg, nowNs } from "./common.mjs";

const THREADS = 2;
const WARM_UP_TASKS = 1000;
const task = fileURLToPath(new URL("inc-task.mjs", import.meta.url));
const kind = process.argv[2];
const count = intArg(1, 100_000);

function openPool() {
  if (kind === "piscina") {
    const pool = new Piscina({ filename: task, minThreads: THREADS, maxThreads: THREADS });
    return { run: (x) => pool.run(x), close: () => pool.destroy() };
  }
  if (kind === "workerpool") {
    const pool = workerpool.pool(task, {
      minWorkers: THREADS,
      maxWorkers: THREADS,
      workerType: "thread",
      workerThreadOpts: { env: { ...process.env, BENCH_WORKERPOOL: "1" } },
    });
    return { run: (x) => pool.exec("inc", [x]), close: () => pool.terminate() };
  }
  throw new Error(`unknown pool ${kind}`);
}

async function runAll(pool, n) {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => pool.run(i)));
  if (results.length !== n || results[n - 1] !== n) throw new Error("wrong results");
}

const pool = openPool();
await runAll(pool, WARM_UP_TASKS);
const startedNs = nowNs();
await runAll(pool, count);
const seconds = (nowNs() - startedNs) / 1e9;
await pool.close();
emit({
  bench: "pool-map",
  pool: kind,
  threads: THREADS,
  count,
  seconds,
  tasksPerSec: count / seconds,
});
