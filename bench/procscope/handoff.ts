/**
 * Handoff latency between two processes: `-- lock|event COUNT WARM_UP`.
 *
 * lock: parent and child take turns holding one Lock. The hub grants a lock in request
 * order and each side asks again right after letting go (the release and the next request
 * leave in one write), so every acquire waits for the other's release: a handoff is the
 * time from one process calling `release()` to the other's `acquire()` resolving.
 *
 * event: a ping-pong through a pair of Events; a hop is the time from one process calling
 * `set()` to the other's `wait()` resolving.
 *
 * Each side reads the clock (CLOCK_MONOTONIC, one clock for all processes) before letting
 * go and after being woken; the child sends its readings at the end, outside the timing.
 * COUNT round trips (2 × COUNT hops) after WARM_UP round trips (each process's code paths
 * take a few thousand operations to reach their steady speed).
 */
import { Event, Lock, Process, Queue, main } from "procscope";
import { emit, handoffResult, intArg, nowNs, stringArg, type HandoffNotes } from "./common";

/** Long enough for the child to report ready and block before the first handoff. */
const CHILD_BLOCKS_MS = 100;

type Report = "ready" | HandoffNotes;

function notes(rounds: number): HandoffNotes {
  return { woken: new Array<number>(rounds), lettingGo: new Array<number>(rounds) };
}

export async function lockChild(lock: Lock, toParent: Queue<Report>, rounds: number) {
  const mine = notes(rounds);
  await toParent.put("ready");
  for (let i = 0; i < rounds; i++) {
    await lock.acquire();
    mine.woken[i] = nowNs();
    mine.lettingGo[i] = nowNs();
    lock.release();
  }
  await toParent.put(mine);
}

export async function eventChild(
  ping: Event,
  pong: Event,
  toParent: Queue<Report>,
  rounds: number,
) {
  const mine = notes(rounds);
  await toParent.put("ready");
  for (let i = 0; i < rounds; i++) {
    await ping.wait();
    mine.woken[i] = nowNs();
    ping.clear();
    mine.lettingGo[i] = nowNs();
    pong.set();
  }
  await toParent.put(mine);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The child, and the parent's own clock readings. */
interface Side {
  child: { join(): Promise<unknown> };
  mine: HandoffNotes;
}

/** The parent's side of the lock ping-pong: it holds the lock while the child starts. */
async function lockPingPong(toParent: Queue<Report>, rounds: number): Promise<Side> {
  const lock = new Lock();
  await lock.acquire();
  const child = new Process({ target: lockChild, args: [lock, toParent, rounds] }).start();
  await toParent.get();
  await pause(CHILD_BLOCKS_MS);
  const mine = notes(rounds);
  for (let i = 0; i < rounds; i++) {
    mine.lettingGo[i] = nowNs();
    lock.release();
    await lock.acquire();
    mine.woken[i] = nowNs();
  }
  lock.release();
  return { child, mine };
}

async function eventPingPong(toParent: Queue<Report>, rounds: number): Promise<Side> {
  const ping = new Event();
  const pong = new Event();
  const child = new Process({ target: eventChild, args: [ping, pong, toParent, rounds] }).start();
  await toParent.get();
  await pause(CHILD_BLOCKS_MS);
  const mine = notes(rounds);
  for (let i = 0; i < rounds; i++) {
    mine.lettingGo[i] = nowNs();
    ping.set();
    await pong.wait();
    mine.woken[i] = nowNs();
    pong.clear();
  }
  return { child, mine };
}

main(async () => {
  const mode = stringArg(0, "lock");
  const count = intArg(1, 2000);
  const warmUp = intArg(2, 2000);
  const rounds = warmUp + count;
  const toParent = new Queue<Report>();
  let side: Side;
  if (mode === "lock") side = await lockPingPong(toParent, rounds);
  else if (mode === "event") side = await eventPingPong(toParent, rounds);
  else throw new Error(`unknown mode ${mode}`);
  const childNotes = (await toParent.get()) as HandoffNotes;
  await side.child.join();
  emit({ bench: `handoff-${mode}`, ...handoffResult(side.mine, childNotes, warmUp) });
});
