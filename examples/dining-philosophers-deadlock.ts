// The deadlocking dinner: every philosopher takes the left fork, then the right one.
// Once all five hold their left fork, each waits for a neighbour's: a cycle of waits.
// procscope reports it within a second; run with --on-deadlock=kill to end the run then.
import { Lock, Process, currentProcess, main } from "procscope";

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function dine(seat: number, forks: Lock[], ready: Lock): Promise<void> {
  const left = forks[seat];
  const right = forks[(seat + 1) % forks.length];
  await left.acquire();
  console.log(`${currentProcess().name} took its left fork`);
  await pause(50); // everyone gets to hold a left fork before reaching for the right one
  await right.acquire(); // never returns: the right fork is somebody's left fork
  console.log(`${currentProcess().name} eats`);
  right.release();
  left.release();
  void ready;
}

main(async () => {
  const forks = Array.from({ length: 5 }, () => new Lock());
  const ready = new Lock();
  const philosophers = forks.map((_, seat) =>
    new Process({ target: dine, args: [seat, forks, ready], name: `philosopher-${seat}` }).start(),
  );
  for (const p of philosophers) await p.join();
});
