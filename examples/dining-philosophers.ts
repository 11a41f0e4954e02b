// Dining philosophers: five processes, five forks (locks). Each philosopher takes the
// lower-numbered fork first, so no cycle of waits can form and everyone eats.
// Compare dining-philosophers-deadlock.ts, where everyone takes the left fork first.
import { Lock, Process, currentProcess, main } from "procscope";

const MEALS = 3;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function dine(seat: number, forks: Lock[]): Promise<void> {
  const left = seat;
  const right = (seat + 1) % forks.length;
  // Always pick up the lower-numbered fork first: a global order breaks the cycle.
  const [first, second] = left < right ? [left, right] : [right, left];
  for (let meal = 1; meal <= MEALS; meal++) {
    await pause(5 + ((seat * 7) % 10)); // think
    await forks[first].acquire();
    await forks[second].acquire();
    console.log(`${currentProcess().name} eats meal ${meal} with forks ${first} and ${second}`);
    await pause(10); // eat
    forks[second].release();
    forks[first].release();
  }
}

main(async () => {
  const forks = Array.from({ length: 5 }, () => new Lock());
  const philosophers = forks.map((_, seat) =>
    new Process({ target: dine, args: [seat, forks], name: `philosopher-${seat}` }).start(),
  );
  for (const p of philosophers) await p.join();
  console.log("everyone ate");
});
