/**
 * Lock benchmarks: `-- uncontended COUNT` times COUNT acquire/release pairs in one process;
 * `-- contended COUNT` has the parent and a child each do COUNT pairs on one lock at the
 * same time and reports the total pairs per second. To be sure the two contend from the
 * first pair, the parent holds the lock while the child starts and blocks on it, and the
 * clock starts when the parent lets go.
 */
import { Lock, Process, Queue, main } from "procscope";
import { emit, intArg, nowNs, stringArg } from "./common";

/** Long enough for the child to get "go" and block on the lock the parent holds. */
const CHILD_BLOCKS_MS = 100;

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
    // V8 optimizes the acquire/release path after a few thousand pairs.
    await pairs(lock, Math.min(count, 20_000));
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
  await lock.acquire();
  await toChild.put("go");
  await new Promise((resolve) => setTimeout(resolve, CHILD_BLOCKS_MS));
  const startedNs = nowNs();
  lock.release();
  await pairs(lock, count);
  await toParent.get();
  const seconds = (nowNs() - startedNs) / 1e9;
  await child.join();
  emit({ bench: "lock-contended", count: 2 * count, seconds, pairsPerSec: (2 * count) / seconds });
});
