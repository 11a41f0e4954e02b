/**
 * Lock benchmarks: `-- uncontended COUNT` times COUNT acquire/release pairs in one process;
 * `-- contended COUNT` has the parent and a child each do COUNT pairs on one lock at the
 * same time (they are released together by a "go" message) and reports pairs per second.
 */
import { Lock, Process, Queue, main } from "procscope";
import { emit, intArg, nowNs, stringArg } from "./common";

async function pairs(lock: Lock, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await lock.acquire();
    lock.release();
  }
}

export async function contender(
  lock: Lock,
  toParent: Queue<string>,
  toChild: Queue<string>,
  count: number,
): Promise<void> {
  await toParent.put("ready");
  await toChild.get();
  await pairs(lock, count);
  await toParent.put("done");
}

main(async () => {
  const mode = stringArg(0, "uncontended");
  const count = intArg(1, 20_000);
  const lock = new Lock();
  if (mode === "uncontended") {
    await pairs(lock, Math.min(count, 1000));
    const startedNs = nowNs();
    await pairs(lock, count);
    const seconds = (nowNs() - startedNs) / 1e9;
    emit({ bench: "lock-uncontended", count, seconds, pairsPerSec: count / seconds });
    return;
  }
  if (mode !== "contended") throw new Error(`unknown mode ${mode}`);
  const toParent = new Queue<string>();
  const toChild = new Queue<string>();
  const child = new Process({
    target: contender,
    args: [lock, toParent, toChild, count],
  }).start();
  await toParent.get();
  const startedNs = nowNs();
  await toChild.put("go");
  await pairs(lock, count);
  await toParent.get();
  const seconds = (nowNs() - startedNs) / 1e9;
  await child.join();
  emit({ bench: "lock-contended", count: 2 * count, seconds, pairsPerSec: (2 * count) / seconds });
});
