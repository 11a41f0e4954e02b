// A simulation advanced in lock-step: each process updates its cell of a shared array,
// then waits at a barrier so that nobody reads the next step's neighbours too early.
import { Barrier, Process, SharedArray, main } from "procscope";

const CELLS = 4;
const STEPS = 5;

export async function cell(
  index: number,
  values: SharedArray<number>,
  step: Barrier,
): Promise<void> {
  for (let s = 0; s < STEPS; s++) {
    const left = await values.get((index + CELLS - 1) % CELLS);
    const right = await values.get((index + 1) % CELLS);
    await step.wait(); // everyone has read this step's values
    await values.set(index, (left + right) / 2);
    await step.wait(); // everyone has written: the next step may start
  }
}

main(async () => {
  const values = new SharedArray("d", [0, 40, 80, 120]);
  const step = new Barrier(CELLS);
  const cells = Array.from({ length: CELLS }, (_, i) =>
    new Process({ target: cell, args: [i, values, step], name: `cell-${i}` }).start(),
  );
  for (const p of cells) await p.join();
  console.log("after", STEPS, "steps:", await values.toArray());
});
