// The deadlocking dinner: every philosopher takes the left fork, then the right one.
// Once all five hold their left fork, each waits for a neighbour's: a cycle of waits.
// (A barrier makes sure everyone holds a left fork first, so it deadlocks every time.)
// procscope reports the cycle within a second; with --on-deadlock=kill it ends the run.
import { Barrier, Lock, Process, currentProcess, main } from "procscope";

export async function dine(seat: number, forks: Lock[], table: Barrier): Promise<void> {
  const left = forks[seat];
  const right = forks[(seat + 1) % forks.length];
  await left.acquire();
  console.log(`${currentProcess().name} took its left fork`);
  await table.wait(); // everyone holds a left fork now
  await right.acquire(); // never returns: the right fork is a neighbour's left fork
  console.log(`${currentProcess().name} eats`);
  right.release();
  left.release();
}

main(async () => {
  const forks = Array.from({ length: 5 }, () => new Lock());
  const table = new Barrier(forks.length);
  const philosophers = forks.map((_, seat) =>
    new Process({ target: dine, args: [seat, forks, table], name: `philosopher-${seat}` }).start(),
  );
  for (const p of philosophers) await p.join();
});
