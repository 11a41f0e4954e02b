/**
 * Manager dict from a child: `-- COUNT WARM_UP`. The child does COUNT `await d.set(i, i)` and
 * then COUNT `await d.get(i)` on a `manager.dict()`, one after another (after WARM_UP sets
 * and as many gets of other keys), timing each phase; the parent checks the dict's size.
 */
import { DictProxy, Manager, Process, Queue, main } from "procscope";
import { emit, intArg, nowNs } from "./common";

interface Phases {
  setSeconds: number;
  getSeconds: number;
}

export async function dictUser(
  d: DictProxy<number, number>,
  count: number,
  warmUp: number,
  report: Queue<Phases>,
) {
  for (let i = 0; i < warmUp; i++) await d.set(-1 - i, i);
  for (let i = 0; i < warmUp; i++) await d.get(-1 - i);
  const setStartedNs = nowNs();
  for (let i = 0; i < count; i++) await d.set(i, i);
  const getStartedNs = nowNs();
  for (let i = 0; i < count; i++) {
    if ((await d.get(i)) !== i) throw new Error(`wrong value for key ${i}`);
  }
  const endedNs = nowNs();
  await report.put({
    setSeconds: (getStartedNs - setStartedNs) / 1e9,
    getSeconds: (endedNs - getStartedNs) / 1e9,
  });
}

main(async () => {
  const count = intArg(0, 5000);
  const warmUp = intArg(1, 3000);
  const manager = await Manager.start();
  const d = manager.dict<number, number>();
  const report = new Queue<Phases>();
  const child = new Process({ target: dictUser, args: [d, count, warmUp, report] }).start();
  const { setSeconds, getSeconds } = await report.get();
  await child.join();
  const size = await d.size();
  if (size !== warmUp + count) throw new Error(`dict has ${size} keys, expected ${warmUp + count}`);
  await manager.shutdown();
  emit({
    bench: "manager-dict",
    count,
    setPerSec: count / setSeconds,
    getPerSec: count / getSeconds,
    setUs: (setSeconds / count) * 1e6,
    getUs: (getSeconds / count) * 1e6,
  });
});
