/**
 * Process start → first message received by the parent, and start → join of a process
 * that does nothing. Run with `-- ROUNDS`; one extra warm-up round is not counted.
 */
import { Process, Queue, main } from "procscope";
import { emit, intArg, median, nowNs } from "./common";

export function hello(queue: Queue<number>): void {
  void queue.put(process.pid);
}

export function idle(): void {}

main(async () => {
  const rounds = intArg(0, 10);
  const queue = new Queue<number>();
  const firstMessage: number[] = [];
  const startJoin: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const messenger = new Process({ target: hello, args: [queue] });
    const started = nowNs();
    messenger.start();
    await queue.get();
    const received = nowNs();
    await messenger.join();

    const sleeper = new Process({ target: idle });
    const launched = nowNs();
    sleeper.start();
    await sleeper.join();
    const joined = nowNs();
    if (round < 0) continue;
    firstMessage.push((received - started) / 1e6);
    startJoin.push((joined - launched) / 1e6);
  }
  emit({
    bench: "startup",
    rounds,
    firstMessageMs: median(firstMessage),
    startJoinMs: median(startJoin),
    firstMessageMinMs: Math.min(...firstMessage),
    startJoinMinMs: Math.min(...startJoin),
  });
});
