/**
 * Queue throughput, child → parent: `-- COUNT [PAYLOAD_BYTES]`. Without a payload size each
 * message is `[i, null, "hello"]`; with one, each is a fresh Buffer of that size (a fresh
 * one, as a program reading chunks of a file would send).
 */
import { Process, Queue, main } from "procscope";
import { emit, intArg, nowNs, throughput, type EndMarker } from "./common";

type Message = [number, null, string] | Buffer | EndMarker;

export async function produce(queue: Queue<Message>, count: number, bytes: number): Promise<void> {
  const startedNs = nowNs();
  for (let i = 0; i < count; i++) {
    await queue.put(bytes > 0 ? Buffer.allocUnsafe(bytes).fill(i & 0xff) : [i, null, "hello"]);
  }
  await queue.put({ startedNs });
}

main(async () => {
  const count = intArg(0, 200_000);
  const bytes = process.argv[3] === undefined ? 0 : intArg(1, 0);
  const queue = new Queue<Message>();
  const producer = new Process({ target: produce, args: [queue, count, bytes] }).start();
  let last: Message | undefined;
  for (let i = 0; i < count; i++) last = await queue.get();
  const end = (await queue.get()) as EndMarker;
  const result = throughput(count, bytes, end.startedNs);
  if (bytes === 0 && (last as [number, null, string])[0] !== count - 1) {
    throw new Error("messages arrived out of order");
  }
  await producer.join();
  emit({ bench: bytes > 0 ? "queue-large" : "queue-small", bytes, ...result });
});
