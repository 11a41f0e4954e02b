// A small print shop: the tour of procscope in one program.
//
// The main process puts print jobs on a queue. Three worker processes take jobs, "render"
// them, and take turns at the one printer (a lock). Results come back on a second queue,
// and a monitor process follows the progress through a pipe.
import {
  Connection,
  JoinableQueue,
  Lock,
  Pipe,
  Process,
  Queue,
  currentProcess,
  main,
} from "procscope";

interface Job {
  id: number;
  pages: number;
}

interface Printed {
  job: number;
  pages: number;
  by: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function worker(
  jobs: JoinableQueue<Job | null>,
  printer: Lock,
  results: Queue<Printed>,
) {
  const me = currentProcess().name;
  for (;;) {
    const job = await jobs.get();
    if (job === null) {
      jobs.taskDone();
      return;
    }
    await sleep(5 + job.pages); // rendering happens in parallel
    await printer.withLock(async () => {
      await sleep(job.pages); // printing does not: one job at a time
      console.log(`${me} printed job ${job.id} (${job.pages} pages)`);
    });
    await results.put({ job: job.id, pages: job.pages, by: me });
    jobs.taskDone();
  }
}

export async function monitor(progress: Connection<number>) {
  let done = 0;
  for (;;) {
    const count = await progress.recv();
    if (count < 0) break;
    done = count;
  }
  console.log(`monitor: saw ${done} jobs finish`);
}

main(async () => {
  const jobs = new JoinableQueue<Job | null>();
  const results = new Queue<Printed>();
  const printer = new Lock();
  const [monitorEnd, mainEnd] = Pipe<number>();

  const workers = [1, 2, 3].map((n) =>
    new Process({ target: worker, args: [jobs, printer, results], name: `worker-${n}` }).start(),
  );
  const watcher = new Process({ target: monitor, args: [monitorEnd], name: "monitor" }).start();

  const count = 12;
  for (let id = 1; id <= count; id++) await jobs.put({ id, pages: 2 + ((id * 7) % 9) });
  for (let i = 0; i < count; i++) {
    const printed = await results.get();
    mainEnd.send(i + 1);
    if (i === count - 1) console.log(`last job: ${printed.job} by ${printed.by}`);
  }
  for (const _ of workers) await jobs.put(null);
  await jobs.join();
  mainEnd.send(-1);
  for (const p of [...workers, watcher]) await p.join();
  console.log("all jobs printed");
});
