/**
 * Pipe benchmarks: `-- stream COUNT` sends COUNT messages `[i, null, "hello"]` one way,
 * child → parent; `-- pingpong COUNT [WARM_UP]` bounces a number COUNT times between parent
 * and child (after WARM_UP round trips, default 200) and reports the mean round trip.
 */
import { Connection, Pipe, Process, main } from "procscope";
import { emit, intArg, median, nowNs, stringArg, throughput, type EndMarker } from "./common";

type Message = [number, null, string] | EndMarker;

const DEFAULT_WARM_UP_ROUND_TRIPS = 200;

export function stream(conn: Connection<Message>, count: number): void {
  const startedNs = nowNs();
  for (let i = 0; i < count; i++) conn.send([i, null, "hello"]);
  conn.send({ startedNs });
}

/** Sends back whatever it receives, until it receives `null`. */
export async function echo(conn: Connection<number | null>): Promise<void> {
  for (;;) {
    const value = await conn.recv();
    if (value === null) return;
    conn.send(value);
  }
}

async function measureStream(count: number): Promise<void> {
  const [reader, writer] = Pipe<Message>();
  const child = new Process({ target: stream, args: [writer, count] }).start();
  let last: Message | undefined;
  for (let i = 0; i < count; i++) last = await reader.recv();
  const end = (await reader.recv()) as EndMarker;
  const result = throughput(count, 0, end.startedNs);
  if ((last as [number, null, string])[0] !== count - 1) throw new Error("out of order");
  await child.join();
  emit({ bench: "pipe-stream", ...result });
}

async function measurePingPong(count: number, warmUp: number): Promise<void> {
  const [here, there] = Pipe<number | null>();
  const child = new Process({ target: echo, args: [there] }).start();
  // Mean and median both: on a shared machine a few round trips stall for milliseconds
  // while a process waits for a CPU, which moves the mean far more than the median.
  const roundTrips: number[] = [];
  let startedNs = 0;
  for (let i = -warmUp; i < count; i++) {
    const sentNs = nowNs();
    if (i === 0) startedNs = sentNs;
    here.send(i);
    if ((await here.recv()) !== i) throw new Error("wrong echo");
    if (i >= 0) roundTrips.push((nowNs() - sentNs) / 1e3);
  }
  const seconds = (nowNs() - startedNs) / 1e9;
  here.send(null);
  await child.join();
  emit({
    bench: "pipe-pingpong",
    count,
    seconds,
    roundTripUs: (seconds / count) * 1e6,
    medianRoundTripUs: median(roundTrips),
  });
}

main(async () => {
  const mode = stringArg(0, "stream");
  const count = intArg(1, 200_000);
  if (mode === "stream") await measureStream(count);
  else if (mode === "pingpong") {
    await measurePingPong(count, intArg(2, DEFAULT_WARM_UP_ROUND_TRIPS));
  } else throw new Error(`unknown mode ${mode}`);
});
