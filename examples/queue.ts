// The seed's Queue program: a child puts one message and exits at once; it still arrives
// (puts are flushed before a process exits, as Python's queue feeder thread does).
import { Process, Queue, main } from "procscope";

export function produce(q: Queue<[number, null, string]>): void {
  void q.put([42, null, "hello"]);
}

main(async () => {
  const q = new Queue<[number, null, string]>();
  const p = new Process({ target: produce, args: [q] });
  p.start();
  console.log(await q.get()); // [ 42, null, 'hello' ]
  await p.join();
});
