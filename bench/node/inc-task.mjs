// The trivial task of the worker-thread pool baselines: piscina runs the default export;
// workerpool, when this file is its worker script, registers it as "inc".
import { isMainThread } from "node:worker_threads";
import workerpool from "workerpool";

export default function inc(x) {
  return x + 1;
}

if (!isMainThread && process.env.BENCH_WORKERPOOL === "1") workerpool.worker({ inc });
