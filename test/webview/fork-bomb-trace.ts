/**
 * A synthetic live trace of a fork bomb: the root starts 10 spawners, each starts 99 leaves
 * (as test/fixtures/fork-bomb.ts does), and each process says it is up with a message to
 * the root. Events in the order a live run delivers them.
 */
import { TRACE_FORMAT_VERSION, type TraceEvent } from "../../src/protocol/trace";

export const SPAWNERS = 10;
export const LEAVES = 99;
export const PROCESSES = SPAWNERS * (1 + LEAVES);
export const ENTRY = "/home/user/app/fork-bomb.ts";
export const MS = 1_000_000;

/** The processes' events in the order a live run delivers them: spawn, start, "up". */
export function forkBombTrace(): TraceEvent[] {
  const events: TraceEvent[] = [
    {
      type: "run.start",
      t: 0,
      p: 1,
      version: TRACE_FORMAT_VERSION,
      entry: ENTRY,
      argv: [],
      cwd: "/home/user/app",
      node: "v20.0.0",
      wallClock: 0,
    },
    { type: "process.start", t: 1 * MS, p: 1, pid: 5000, ppid: 4999, name: "MainProcess" },
    { type: "object.create", t: 2 * MS, p: 1, obj: "1.1", kind: "queue", loc: `${ENTRY}:21:14` },
  ];
  let next = 2;
  let t = 3 * MS;
  const start = (parent: number, name: string, target: string): number => {
    const child = next++;
    const pid = 5000 + child;
    events.push(
      {
        type: "process.spawn",
        t,
        p: parent,
        child,
        pid,
        name,
        target: `${ENTRY}#${target}`,
        daemon: false,
        role: "process",
        loc: `${ENTRY}:23:5`,
      },
      { type: "process.start", t: t + 40 * MS, p: child, pid, ppid: 5000 + parent, name },
      {
        type: "message.send",
        t: t + 41 * MS,
        p: child,
        obj: "1.1",
        msg: `${child}:1`,
        size: 0,
      },
      {
        type: "message.receive",
        t: t + 42 * MS,
        p: 1,
        obj: "1.1",
        msg: `${child}:1`,
        size: 9,
        wait: 0,
      },
    );
    t += 10 * MS;
    return child;
  };
  for (let i = 0; i < SPAWNERS; i++) {
    const spawner = start(1, `spawner-${i + 1}`, "spawner");
    for (let j = 0; j < LEAVES; j++) start(spawner, `Process-${i + 1}:${j + 1}`, "leaf");
  }
  return events.sort((a, b) => a.t - b.t);
}
