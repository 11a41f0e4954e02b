// The seed's Pool program: ten slow tasks on five workers, each result reported by a
// callback in the main process as soon as it is ready.
import { Pool, main } from "procscope";

export async function foo(i: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  return i + 100;
}

main(async () => {
  const pool = new Pool(5);
  for (let i = 0; i < 10; i++) {
    pool.applyAsync(foo, [i], { callback: (result) => console.log("-->exec done:", result) });
  }
  console.log("end");
  pool.close();
  await pool.join();
});
