/**
 * Value increments under its lock, from one child: `-- COUNT WARM_UP`. The child runs
 * `await v.withLock(async () => v.set(await v.get() + 1))` COUNT times (after WARM_UP
 * increments) and reports when it began and ended; the parent checks the final value.
 */
import { Process, Queue, Value, main } from "procscope";
import { emit, intArg, nowNs } from "./common";

interface Window {
  startedNs: number;
  endedNs: number;
}

async function increments(v: Value<number>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await v.withLock(async () => v.set((await v.get()) + 1));
  }
}

export async function incrementer(
  v: Value<number>,
  count: number,
  warmUp: number,
  report: Queue<Window>,
) {
  await increments(v, warmUp);
  const startedNs = nowNs();
  await increments(v, count);
  await report.put({ startedNs, endedNs: nowNs() });
}

main(async () => {
  const count = intArg(0, 2000);
  const warmUp = intArg(1, 3000);
  const v = new Value("i", 0);
  const report = new Queue<Window>();
  const child = new Process({ target: incrementer, args: [v, count, warmUp, report] }).start();
  const { startedNs, endedNs } = await report.get();
  await child.join();
  const final = await v.get();
  if (final !== warmUp + count) throw new Error(`final value ${final}, expected ${warmUp + count}`);
  const seconds = (endedNs - startedNs) / 1e9;
  emit({
    bench: "value-increments",
    count,
    seconds,
    incrementsPerSec: count / seconds,
    incrementUs: (seconds / count) * 1e6,
  });
});
