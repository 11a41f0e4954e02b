// The seed's Manager program: ten processes share a dict and a list through a manager.
// Keys keep their types (1, "2" and 0.25 are three keys), as in Python.
import { DictProxy, ListProxy, Manager, Process, main } from "procscope";

export async function fill(d: DictProxy<unknown, unknown>, l: ListProxy<number>): Promise<void> {
  await d.set(1, "1");
  await d.set("2", 2);
  await d.set(0.25, null);
  await l.append(1);
}

main(async () => {
  await using manager = await Manager.start();
  const d = manager.dict<unknown, unknown>();
  const l = manager.list<number>([0, 1, 2, 3, 4]);
  const workers = Array.from({ length: 10 }, () =>
    new Process({ target: fill, args: [d, l] }).start(),
  );
  for (const p of workers) await p.join();
  console.log(await d.toMap()); // Map(3) { 1 => '1', '2' => 2, 0.25 => null }
  console.log(await l.toArray()); // [0, 1, 2, 3, 4, then ten 1s]: 15 items
});
