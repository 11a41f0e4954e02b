// Producer / consumer with a bounded queue: the producer is faster, so it keeps blocking
// on a full queue (maxsize 4) until the slower consumers make room.
import { Process, Queue, currentProcess, main } from "procscope";

export async function produce(q: Queue<number | null>, items: number, consumers: number) {
  for (let i = 0; i < items; i++) await q.put(i);
  for (let i = 0; i < consumers; i++) await q.put(null);
}

export async function consume(q: Queue<number | null>) {
  let total = 0;
  for (;;) {
    const item = await q.get();
    if (item === null) break;
    await new Promise((resolve) => setTimeout(resolve, 10)); // slow work
    total += item;
  }
  console.log(`${currentProcess().name} consumed a total of ${total}`);
}

main(async () => {
  const q = new Queue<number | null>(4);
  const consumers = [1, 2].map((n) =>
    new Process({ target: consume, args: [q], name: `consumer-${n}` }).start(),
  );
  const producer = new Process({
    target: produce,
    args: [q, 40, consumers.length],
    name: "producer",
  }).start();
  for (const p of [producer, ...consumers]) await p.join();
});
