// The seed's Lock program: ten processes print in turn, one at a time, under a shared lock.
import { Lock, Process, main } from "procscope";

export async function report(lock: Lock, i: number): Promise<void> {
  await lock.withLock(async () => {
    console.log("hello world", i);
    // Hold the lock a moment so that the others visibly wait for it.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
}

main(async () => {
  const lock = new Lock();
  const processes = [];
  for (let num = 0; num < 10; num++) {
    processes.push(new Process({ target: report, args: [lock, num] }).start());
  }
  for (const p of processes) await p.join();
});
