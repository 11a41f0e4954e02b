// What is measured: the sections of docs/benchmarks.md, the programs behind each row and
// the targets the results are judged against. Counts differ between implementations where
// one is much slower, so that each run lasts long enough to time and short enough to repeat.
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.dirname(BENCH);

const SIZES = {
  full: {
    startupRounds: 10,
    small: 200_000,
    largeCount: 2000,
    pingPong: 5000,
    pythonPingPong: 20_000,
    lock: 20_000,
    pythonLock: 1_000_000,
    contended: 5000,
    pythonContended: 1_000_000,
  },
  quick: {
    startupRounds: 3,
    small: 20_000,
    largeCount: 200,
    pingPong: 500,
    pythonPingPong: 2000,
    lock: 2000,
    pythonLock: 100_000,
    contended: 500,
    pythonContended: 100_000,
  },
};
const LARGE_BYTES = 65536;

/**
 * A procscope program run by the CLI (`cli` is its entry, dist/cli/main.js or a copy),
 * with tracing on (a trace is written) or off.
 */
function procscope(cli, file, tracing, tracePath, args) {
  const mode = tracing ? ["--trace", tracePath, "--no-summary"] : ["--no-trace"];
  const program = path.join(BENCH, "procscope", file);
  return { command: process.execPath, args: [cli, "run", program, ...mode, "--", ...args] };
}

function python(file, args) {
  return { command: "python3", args: [path.join(BENCH, "python", file), ...args] };
}

function node(file, args) {
  return { command: process.execPath, args: [path.join(BENCH, "node", file), ...args] };
}

/** The two procscope rows of a section: tracing on and off. */
function procscopeCases(id, file, args, { cli, tracePath }) {
  return [
    {
      id: `${id}:procscope`,
      label: "procscope, tracing on",
      ...procscope(cli, file, true, tracePath, args),
    },
    {
      id: `${id}:procscope-off`,
      label: "procscope, tracing off (`--no-trace`)",
      ...procscope(cli, file, false, tracePath, args),
    },
  ];
}

/**
 * Sections in the order they run and print. `procscopeRun` is `{ cli, tracePath }`: the CLI
 * entry to run procscope rows with and where their traces go. A metric's `compare` lists the rows every
 * other row is divided by ("× Python" = this row's value / Python's).
 */
export function buildSuite(quick, procscopeRun) {
  const n = SIZES[quick ? "quick" : "full"];
  const s = (value) => String(value);
  return [
    {
      id: "startup",
      title: "Process start",
      description:
        "Time from `start()` to the first message the child sends arriving in the parent, " +
        "and from `start()` to `join()` returning for a child that does nothing. Median of " +
        `${n.startupRounds} processes per run (after one warm-up process).`,
      cases: [
        ...procscopeCases("startup", "startup.ts", [s(n.startupRounds)], procscopeRun),
        {
          id: "startup:python",
          label: "Python `multiprocessing` (spawn)",
          short: "Python",
          ...python("startup.py", [s(n.startupRounds)]),
        },
        {
          id: "startup:fork",
          label: "Node `child_process.fork`",
          short: "fork",
          ...node("fork-startup.mjs", [s(n.startupRounds)]),
        },
      ],
      metrics: [
        {
          key: "firstMessageMs",
          name: "start → first message",
          unit: "ms",
          lower: true,
          compare: ["startup:python", "startup:fork"],
        },
        {
          key: "startJoinMs",
          name: "start → join",
          unit: "ms",
          lower: true,
          compare: ["startup:python", "startup:fork"],
        },
      ],
    },
    {
      id: "queue-small",
      title: "Queue, small messages, child → parent",
      description:
        `${n.small.toLocaleString("en")} messages \`[i, null, "hello"]\`, timed from the ` +
        "sender's first put to the receiver's last get (one system-wide monotonic clock).",
      cases: [
        ...procscopeCases("queue-small", "queue.ts", [s(n.small)], procscopeRun),
        {
          id: "queue-small:python",
          label: "Python `multiprocessing.Queue`",
          short: "Python",
          ...python("queue_throughput.py", [s(n.small)]),
        },
        {
          id: "queue-small:fork-json",
          label: "Node `fork` IPC, json",
          short: "fork IPC",
          ...node("fork-ipc.mjs", [s(n.small), "json"]),
        },
        {
          id: "queue-small:fork-advanced",
          label: "Node `fork` IPC, `serialization: 'advanced'`",
          ...node("fork-ipc.mjs", [s(n.small), "advanced"]),
        },
      ],
      metrics: [
        {
          key: "msgPerSec",
          name: "throughput",
          unit: "msg/s",
          compare: ["queue-small:python", "queue-small:fork-json"],
        },
      ],
    },
    {
      id: "queue-large",
      title: "Queue, 64 KiB messages, child → parent",
      description:
        `${n.largeCount.toLocaleString("en")} fresh 64 KiB buffers (Python: \`bytes\`), timed ` +
        "from the sender's first put to the receiver's last get. MB = 10⁶ bytes.",
      cases: [
        ...procscopeCases(
          "queue-large",
          "queue.ts",
          [s(n.largeCount), s(LARGE_BYTES)],
          procscopeRun,
        ),
        {
          id: "queue-large:python",
          label: "Python `multiprocessing.Queue`",
          short: "Python",
          ...python("queue_throughput.py", [s(n.largeCount), s(LARGE_BYTES)]),
        },
        {
          id: "queue-large:socket",
          label: "raw Unix socket, Node → Node",
          short: "raw socket",
          ...node("unix-socket.mjs", [s(n.largeCount), s(LARGE_BYTES)]),
        },
      ],
      metrics: [
        {
          key: "mbPerSec",
          name: "throughput",
          unit: "MB/s",
          compare: ["queue-large:python", "queue-large:socket"],
        },
      ],
    },
    {
      id: "pipe-stream",
      title: "Pipe, small messages, one direction",
      description:
        `${n.small.toLocaleString("en")} messages \`[i, null, "hello"]\` sent child → parent ` +
        "on a duplex `Pipe()`, timed from the first send to the last receive.",
      cases: [
        ...procscopeCases("pipe-stream", "pipe.ts", ["stream", s(n.small)], procscopeRun),
        {
          id: "pipe-stream:python",
          label: "Python `multiprocessing.Pipe()`",
          short: "Python",
          ...python("pipe.py", ["stream", s(n.small)]),
        },
      ],
      metrics: [
        { key: "msgPerSec", name: "throughput", unit: "msg/s", compare: ["pipe-stream:python"] },
      ],
    },
    {
      id: "pipe-pingpong",
      title: "Pipe, round trip (ping-pong)",
      description:
        "The parent sends a number, the child sends it back, " +
        `${n.pingPong.toLocaleString("en")} times (Python and the raw socket: ` +
        `${n.pythonPingPong.toLocaleString("en")}) after 200 warm-up round trips. The mean ` +
        "includes the round trips that stall while a process waits for a CPU; the median " +
        "shows the usual one. The raw socket row is what Node itself costs with no hub.",
      cases: [
        ...procscopeCases("pipe-pingpong", "pipe.ts", ["pingpong", s(n.pingPong)], procscopeRun),
        {
          id: "pipe-pingpong:python",
          label: "Python `multiprocessing.Pipe()`",
          short: "Python",
          ...python("pipe.py", ["pingpong", s(n.pythonPingPong)]),
        },
        {
          id: "pipe-pingpong:socket",
          label: "raw Unix socket, Node ↔ Node",
          short: "raw socket",
          ...node("unix-pingpong.mjs", [s(n.pythonPingPong)]),
        },
      ],
      metrics: [
        {
          key: "roundTripUs",
          name: "mean round trip",
          unit: "µs",
          lower: true,
          compare: ["pipe-pingpong:python", "pipe-pingpong:socket"],
        },
        {
          key: "medianRoundTripUs",
          name: "median round trip",
          unit: "µs",
          lower: true,
          compare: ["pipe-pingpong:python", "pipe-pingpong:socket"],
        },
      ],
    },
    {
      id: "lock-uncontended",
      title: "Lock, uncontended",
      description:
        "Acquire/release pairs in one process, nobody else using the lock " +
        `(${n.lock.toLocaleString("en")} pairs; Python: ${n.pythonLock.toLocaleString("en")}).`,
      cases: [
        ...procscopeCases("lock-uncontended", "lock.ts", ["uncontended", s(n.lock)], procscopeRun),
        {
          id: "lock-uncontended:python",
          label: "Python `multiprocessing.Lock`",
          short: "Python",
          ...python("lock.py", ["uncontended", s(n.pythonLock)]),
        },
      ],
      metrics: [
        {
          key: "pairsPerSec",
          name: "pairs",
          unit: "pairs/s",
          compare: ["lock-uncontended:python"],
        },
      ],
    },
    {
      id: "lock-contended",
      title: "Lock, contended by two processes",
      description:
        "Parent and child each loop acquire/release on one lock; the child is already " +
        "blocked on the lock when the clock starts. Total pairs per second " +
        `(${n.contended.toLocaleString("en")} pairs each; Python: ` +
        `${n.pythonContended.toLocaleString("en")}). procscope's hub hands the lock over in ` +
        "request order, so the two alternate and every pair is a handover through the hub; " +
        "Python's semaphore lets the releasing process take it again at once, so its pairs " +
        "mostly come in runs by one process.",
      cases: [
        ...procscopeCases("lock-contended", "lock.ts", ["contended", s(n.contended)], procscopeRun),
        {
          id: "lock-contended:python",
          label: "Python `multiprocessing.Lock`",
          short: "Python",
          ...python("lock.py", ["contended", s(n.pythonContended)]),
        },
      ],
      metrics: [
        { key: "pairsPerSec", name: "pairs", unit: "pairs/s", compare: ["lock-contended:python"] },
      ],
    },
  ];
}

/**
 * The project's targets. `ratio(a, b)` is median(a) / median(b) for one metric; a target
 * is met when its value is at least `min` (or at most `max`).
 */
export const TARGETS = [
  {
    text: "Queue small-message throughput, tracing on, ≥ 3× Python's Queue (never < 1×)",
    metric: "msgPerSec",
    of: "queue-small:procscope",
    over: "queue-small:python",
    min: 3,
    floor: 1,
  },
  {
    text: "Pipe small-message throughput, tracing on, ≥ 3× Python's Pipe (never < 1×)",
    metric: "msgPerSec",
    of: "pipe-stream:procscope",
    over: "pipe-stream:python",
    min: 3,
    floor: 1,
  },
  {
    text: "64 KiB Queue throughput, tracing on, ≥ Python's Queue",
    metric: "mbPerSec",
    of: "queue-large:procscope",
    over: "queue-large:python",
    min: 1,
  },
  {
    text: "64 KiB Queue throughput, tracing off, ≥ Python's Queue",
    metric: "mbPerSec",
    of: "queue-large:procscope-off",
    over: "queue-large:python",
    min: 1,
  },
  {
    text: "Tracing costs ≤ 5% of Queue small-message throughput",
    metric: "msgPerSec",
    of: "queue-small:procscope",
    over: "queue-small:procscope-off",
    cost: true,
    maxCost: 0.05,
  },
  {
    text: "Tracing costs ≤ 5% of Pipe small-message throughput",
    metric: "msgPerSec",
    of: "pipe-stream:procscope",
    over: "pipe-stream:procscope-off",
    cost: true,
    maxCost: 0.05,
  },
  {
    text: "Tracing costs ≤ 5% of 64 KiB Queue throughput",
    metric: "mbPerSec",
    of: "queue-large:procscope",
    over: "queue-large:procscope-off",
    cost: true,
    maxCost: 0.05,
  },
  {
    text: "Process start → first message, tracing on, ≤ 1.2× bare `child_process.fork`",
    metric: "firstMessageMs",
    of: "startup:procscope",
    over: "startup:fork",
    max: 1.2,
  },
  {
    text: "Process start → first message, tracing off, ≤ 1.2× bare `child_process.fork`",
    metric: "firstMessageMs",
    of: "startup:procscope-off",
    over: "startup:fork",
    max: 1.2,
  },
];
