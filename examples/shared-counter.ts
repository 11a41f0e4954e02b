// A counter shared through Value, incremented by four processes. Without the lock,
// read-modify-write steps interleave and updates are lost; with it, the total is exact.
import { Process, Value, main } from "procscope";

const PROCESSES = 4;
const INCREMENTS = 200;

export async function addUnsafely(counter: Value<number>): Promise<void> {
  for (let i = 0; i < INCREMENTS; i++) {
    const seen = await counter.get();
    await counter.set(seen + 1); // another process may have written in between: lost update
  }
}

export async function addUnderLock(counter: Value<number>): Promise<void> {
  for (let i = 0; i < INCREMENTS; i++) {
    await counter.withLock(async () => {
      await counter.set((await counter.get()) + 1);
    });
  }
}

async function race(target: (counter: Value<number>) => Promise<void>): Promise<number> {
  const counter = new Value("i", 0);
  const workers = Array.from({ length: PROCESSES }, () =>
    new Process({ target, args: [counter] }).start(),
  );
  for (const p of workers) await p.join();
  return counter.get();
}

main(async () => {
  const expected = PROCESSES * INCREMENTS;
  console.log(`without the lock: ${await race(addUnsafely)} of ${expected}`);
  console.log(`with the lock:    ${await race(addUnderLock)} of ${expected}`);
});
