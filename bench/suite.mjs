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
    // As many pairs as Python's row: a short run measures V8's warm-up more than the lock.
    lock: 1_000_000,
    pythonLock: 1_000_000,
    contended: 5000,
    pythonContended: 1_000_000,
    handoff: 2000,
    pythonHandoff: 10_000,
    // The procscope code paths of a run (in the program, the hub, a manager) run at about
    // half speed for their first few thousand operations, until V8 has optimized them: the
    // latency rows measure after a warm-up of this many operations (the same for Python).
    warmUp: 3000,
    // Leased to the child, increments cost microseconds: enough of them to time more than
    // the clock's and the scheduler's noise.
    value: 200_000,
    pythonValue: 1_000_000,
    poolTasks: 100_000,
    poolRounds: 5,
    pythonPoolRounds: 10,
    apply: 2000,
    pythonApply: 5000,
    managerOps: 5000,
    pythonManagerOps: 20_000,
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
    handoff: 200,
    pythonHandoff: 1000,
    warmUp: 300,
    value: 20_000,
    pythonValue: 100_000,
    poolTasks: 10_000,
    poolRounds: 1,
    pythonPoolRounds: 1,
    apply: 200,
    pythonApply: 500,
    managerOps: 500,
    pythonManagerOps: 2000,
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

/** A round-trip program's figures, read as the "latency" of a handoff section. */
const ROUND_TRIP_ALIAS = { medianLatencyUs: "medianRoundTripUs", meanLatencyUs: "roundTripUs" };

/** Bare round trips per second, read as the calls per second of a manager section. */
const ROUND_TRIPS_AS_CALLS = { setPerSec: "roundTripsPerSec", getPerSec: "roundTripsPerSec" };

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
        `(${n.lock.toLocaleString("en")} pairs, after ` +
        `${Math.min(n.lock, 20_000).toLocaleString("en")} warm-up ones; Python: ` +
        `${n.pythonLock.toLocaleString("en")}).`,
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
    {
      id: "lock-handoff",
      title: "Lock handoff between two processes",
      description:
        "Two processes take turns holding a lock, each asking for it again right after " +
        "letting go; a handoff is the time from one process calling `release()` to the " +
        "other's `acquire()` returning (each side reads the one system-wide monotonic clock; " +
        `${(2 * n.handoff).toLocaleString("en")} handoffs, Python: ` +
        `${(2 * n.pythonHandoff).toLocaleString("en")}, after ${(2 * n.warmUp).toLocaleString("en")} ` +
        "warm-up ones). procscope: one " +
        "`Lock`, which the hub grants in request order, so the two strictly alternate. Python: " +
        "a `Lock` does not alternate (the releasing process takes it again at once), so a pair " +
        "of `Lock`s used as binary semaphores, each released by the other process. The two " +
        "reference rows are round trips (two hops each), the issue's yardstick: a procscope " +
        `\`Pipe\` ping-pong (${n.handoff.toLocaleString("en")}) and a raw Unix socket between ` +
        `two Node processes (${n.pythonHandoff.toLocaleString("en")}), after the same warm-up.`,
      cases: [
        ...procscopeCases(
          "lock-handoff",
          "handoff.ts",
          ["lock", s(n.handoff), s(n.warmUp)],
          procscopeRun,
        ),
        {
          id: "lock-handoff:python",
          label: "Python, pair of `multiprocessing.Lock`s",
          short: "Python",
          ...python("handoff.py", ["lock", s(n.pythonHandoff), s(n.warmUp)]),
        },
        ...procscopeCases(
          "lock-handoff:pipe",
          "pipe.ts",
          ["pingpong", s(n.handoff), s(n.warmUp)],
          procscopeRun,
        ).map((row) => ({
          ...row,
          id: row.id.replace("lock-handoff:pipe:procscope", "lock-handoff:pipe"),
          label: `reference: procscope \`Pipe\` round trip, ${row.label.replace("procscope, ", "")}`,
          alias: ROUND_TRIP_ALIAS,
        })),
        {
          id: "lock-handoff:socket",
          label: "reference: raw Unix socket round trip, Node ↔ Node",
          short: "raw socket round trip",
          ...node("unix-pingpong.mjs", [s(n.pythonHandoff), s(n.warmUp)]),
          alias: ROUND_TRIP_ALIAS,
        },
      ],
      metrics: ["median", "mean"].map((which) => ({
        key: `${which}LatencyUs`,
        name: `${which} handoff`,
        unit: "µs",
        lower: true,
        compare: [
          "lock-handoff:python",
          "lock-handoff:socket",
          {
            short: "procscope Pipe round trip (same tracing)",
            pairs: {
              "lock-handoff:procscope": "lock-handoff:pipe",
              "lock-handoff:procscope-off": "lock-handoff:pipe-off",
            },
          },
        ],
      })),
    },
    {
      id: "event-wake",
      title: "Event set → wake between two processes",
      description:
        "A ping-pong through a pair of Events: one process calls `set()` on the event the " +
        "other waits on, then waits on the other event; a hop is the time from `set()` to the " +
        "other's `wait()` returning, which then `clear()`s its event and sets the other (" +
        `${(2 * n.handoff).toLocaleString("en")} hops, Python ` +
        `\`multiprocessing.Event\`: ${(2 * n.pythonHandoff).toLocaleString("en")}, after ` +
        `${(2 * n.warmUp).toLocaleString("en")} warm-up ones). The raw socket round trip is the ` +
        "same reference as above.",
      cases: [
        ...procscopeCases(
          "event-wake",
          "handoff.ts",
          ["event", s(n.handoff), s(n.warmUp)],
          procscopeRun,
        ),
        {
          id: "event-wake:python",
          label: "Python `multiprocessing.Event`",
          short: "Python",
          ...python("handoff.py", ["event", s(n.pythonHandoff), s(n.warmUp)]),
        },
        {
          id: "event-wake:socket",
          label: "reference: raw Unix socket round trip, Node ↔ Node",
          short: "raw socket round trip",
          ...node("unix-pingpong.mjs", [s(n.pythonHandoff), s(n.warmUp)]),
          alias: ROUND_TRIP_ALIAS,
        },
      ],
      metrics: ["median", "mean"].map((which) => ({
        key: `${which}LatencyUs`,
        name: `${which} set → wake`,
        unit: "µs",
        lower: true,
        compare: ["event-wake:python", "event-wake:socket"],
      })),
    },
    {
      id: "value-increments",
      title: "Value increments under its lock, from one child",
      description:
        "A child increments a shared `Value('i')` under its own lock, one increment after " +
        "another: procscope `await v.withLock(async () => v.set((await v.get()) + 1))`, " +
        "Python `with v.get_lock(): v.value += 1` " +
        `(${n.value.toLocaleString("en")} increments; Python: ` +
        `${n.pythonValue.toLocaleString("en")}; after ${n.warmUp.toLocaleString("en")} warm-up ` +
        "ones), timed in the child.",
      cases: [
        ...procscopeCases("value-increments", "value.ts", [s(n.value), s(n.warmUp)], procscopeRun),
        {
          id: "value-increments:python",
          label: "Python `multiprocessing.Value('i')` with `get_lock()`",
          short: "Python",
          ...python("value.py", [s(n.pythonValue), s(n.warmUp)]),
        },
      ],
      metrics: [
        {
          key: "incrementsPerSec",
          name: "increments",
          unit: "incr/s",
          compare: ["value-increments:python"],
        },
      ],
    },
    {
      id: "pool-map-default",
      title: "Pool(2).map, trivial tasks, default chunksize",
      description:
        `\`pool.map(inc, items)\` of ${n.poolTasks.toLocaleString("en")} numbers with ` +
        "`inc = x => x + 1` on a pool of 2 workers started and warmed up before the clock; " +
        "both choose Python's default chunksize (about four chunks per worker: " +
        `${Math.ceil(n.poolTasks / 8).toLocaleString("en")}). Each run times ${n.poolRounds} ` +
        `map${n.poolRounds > 1 ? "s" : ""} (Python: ${n.pythonPoolRounds}) and reports the median.`,
      cases: [
        ...procscopeCases(
          "pool-map-default",
          "pool.ts",
          ["map", s(n.poolTasks), "default", s(n.poolRounds)],
          procscopeRun,
        ),
        {
          id: "pool-map-default:python",
          label: "Python `multiprocessing.Pool(2).map`",
          short: "Python",
          ...python("pool.py", ["map", s(n.poolTasks), "default", s(n.pythonPoolRounds)]),
        },
      ],
      metrics: [
        {
          key: "tasksPerSec",
          name: "tasks",
          unit: "tasks/s",
          compare: ["pool-map-default:python"],
        },
      ],
    },
    {
      id: "pool-map-chunk1",
      title: "Pool(2).map, trivial tasks, chunksize 1",
      description:
        `The same map of ${n.poolTasks.toLocaleString("en")} trivial tasks with chunksize 1: ` +
        "every item is a task of its own. The worker-thread pools get the same " +
        `${n.poolTasks.toLocaleString("en")} tasks submitted at once to 2 threads ` +
        "(`piscina.run(x)`, `workerpool.exec('inc', [x])`), after 1,000 warm-up tasks.",
      cases: [
        ...procscopeCases(
          "pool-map-chunk1",
          "pool.ts",
          ["map", s(n.poolTasks), "1", "1"],
          procscopeRun,
        ),
        {
          id: "pool-map-chunk1:python",
          label: "Python `multiprocessing.Pool(2).map`, chunksize 1",
          short: "Python",
          ...python("pool.py", ["map", s(n.poolTasks), "1", "1"]),
        },
        {
          id: "pool-map-chunk1:piscina",
          label: "piscina 5, 2 worker threads",
          short: "piscina",
          ...node("thread-pool.mjs", ["piscina", s(n.poolTasks)]),
        },
        {
          id: "pool-map-chunk1:workerpool",
          label: "workerpool 10, 2 worker threads",
          short: "workerpool",
          ...node("thread-pool.mjs", ["workerpool", s(n.poolTasks)]),
        },
      ],
      metrics: [
        {
          key: "tasksPerSec",
          name: "tasks",
          unit: "tasks/s",
          compare: [
            "pool-map-chunk1:python",
            "pool-map-chunk1:piscina",
            "pool-map-chunk1:workerpool",
          ],
        },
      ],
    },
    {
      id: "pool-apply",
      title: "Pool(2).applyAsync round trip",
      description:
        "`await pool.applyAsync(inc, [i]).get()` (Python: `pool.apply_async(inc, (i,)).get()`) " +
        `one after another, ${n.apply.toLocaleString("en")} times (Python: ` +
        `${n.pythonApply.toLocaleString("en")}) after ${n.warmUp.toLocaleString("en")} warm-up ` +
        "calls, on a pool of 2 " +
        "workers: from submitting the task to holding its result.",
      cases: [
        ...procscopeCases(
          "pool-apply",
          "pool.ts",
          ["apply", s(n.apply), s(n.warmUp)],
          procscopeRun,
        ),
        {
          id: "pool-apply:python",
          label: "Python `Pool(2).apply_async(...).get()`",
          short: "Python",
          ...python("pool.py", ["apply", s(n.pythonApply), s(n.warmUp)]),
        },
      ],
      metrics: [
        {
          key: "medianRoundTripUs",
          name: "median round trip",
          unit: "µs",
          lower: true,
          compare: ["pool-apply:python"],
        },
        {
          key: "roundTripUs",
          name: "mean round trip",
          unit: "µs",
          lower: true,
          compare: ["pool-apply:python"],
        },
      ],
    },
    {
      id: "manager-dict",
      title: "Manager dict from a child",
      description:
        "A child does " +
        `${n.managerOps.toLocaleString("en")} \`await d.set(i, i)\`, then as many ` +
        "`await d.get(i)`, on a `manager.dict()`, one call after another (Python: " +
        `${n.pythonManagerOps.toLocaleString("en")} \`d[i] = i\`, then \`d[i]\`, on ` +
        `\`Manager().dict()\`), after ${n.warmUp.toLocaleString("en")} warm-up sets and as ` +
        "many gets of other keys; each phase timed in the child. A call is one round trip " +
        "between two processes, so the two reference rows give the ceiling of each " +
        "language on this machine: bare round trips over a Unix socket, as calls per second " +
        `(${n.pythonHandoff.toLocaleString("en")}, after the same warm-up).`,
      cases: [
        ...procscopeCases(
          "manager-dict",
          "manager.ts",
          [s(n.managerOps), s(n.warmUp)],
          procscopeRun,
        ),
        {
          id: "manager-dict:python",
          label: "Python `multiprocessing.Manager().dict()`",
          short: "Python",
          ...python("manager.py", [s(n.pythonManagerOps), s(n.warmUp)]),
        },
        {
          id: "manager-dict:socket",
          label: "reference: raw Unix socket round trips, Node ↔ Node",
          short: "raw Node round trips",
          ...node("unix-pingpong.mjs", [s(n.pythonHandoff), s(n.warmUp)]),
          alias: ROUND_TRIPS_AS_CALLS,
        },
        {
          id: "manager-dict:python-socket",
          label: "reference: raw Unix socket round trips, Python ↔ Python",
          short: "raw Python round trips",
          ...python("socket_pingpong.py", [s(n.pythonHandoff), s(n.warmUp)]),
          alias: ROUND_TRIPS_AS_CALLS,
        },
      ],
      metrics: [
        {
          key: "setPerSec",
          name: "set",
          unit: "ops/s",
          compare: ["manager-dict:python", "manager-dict:socket"],
        },
        {
          key: "getPerSec",
          name: "get",
          unit: "ops/s",
          compare: ["manager-dict:python", "manager-dict:socket"],
        },
      ],
    },
  ];
}

/**
 * The project's targets. `ratio(a, b)` is median(a) / median(b) for one metric; a target
 * is met when its value is at least `min` (or at most `max`). A target without `over` is
 * absolute: median(a) at least `atLeast` (in `unit`).
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
  // Issue 4: the synchronization family.
  {
    text: "Lock uncontended acquire/release, tracing on, ≥ 1M pairs/s",
    metric: "pairsPerSec",
    of: "lock-uncontended:procscope",
    atLeast: 1e6,
    unit: "pairs/s",
  },
  {
    text: "Lock handoff between two processes (median), tracing on, ≤ 2× a raw socket round trip",
    metric: "medianLatencyUs",
    of: "lock-handoff:procscope",
    over: "lock-handoff:socket",
    max: 2,
  },
  {
    text: "Lock handoff between two processes (median), tracing off, ≤ 2× a raw socket round trip",
    metric: "medianLatencyUs",
    of: "lock-handoff:procscope-off",
    over: "lock-handoff:socket",
    max: 2,
  },
  // Issue 5: pools and managers, each at least Python's with tracing on.
  {
    text: "Pool(2).map, default chunksize, tracing on, ≥ Python's tasks/s",
    metric: "tasksPerSec",
    of: "pool-map-default:procscope",
    over: "pool-map-default:python",
    min: 1,
  },
  {
    text: "Pool(2).map, chunksize 1, tracing on, ≥ Python's tasks/s",
    metric: "tasksPerSec",
    of: "pool-map-chunk1:procscope",
    over: "pool-map-chunk1:python",
    min: 1,
  },
  {
    text: "Pool applyAsync round trip (median), tracing on, ≤ Python's",
    metric: "medianRoundTripUs",
    of: "pool-apply:procscope",
    over: "pool-apply:python",
    max: 1,
  },
  {
    text: "Manager dict set from a child, tracing on, ≥ Python's ops/s",
    metric: "setPerSec",
    of: "manager-dict:procscope",
    over: "manager-dict:python",
    min: 1,
  },
  {
    text: "Manager dict get from a child, tracing on, ≥ Python's ops/s",
    metric: "getPerSec",
    of: "manager-dict:procscope",
    over: "manager-dict:python",
    min: 1,
  },
];
