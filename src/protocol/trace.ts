/**
 * Trace events: the one stream of facts a procscope run produces.
 *
 * Every layer speaks these types: the runtime records them, the hub relays them, the
 * CLI folds them into a summary and writes them to a `.pstrace` file, the viewers draw
 * them. This module imports nothing. docs/trace-format.md documents each event.
 */

/** Bumped on any incompatible change to the events or the `.pstrace` layout. */
export const TRACE_FORMAT_VERSION = 1;

/** Nanoseconds since the run started, on one monotonic clock shared by all processes. */
export type Nanos = number;

/**
 * A process's display number: 1 for the root (shown as P1), then 2, 3… in spawn order.
 * OS pids get reused; display numbers never are within a run.
 */
export type ProcessNumber = number;

/** Id of a runtime object (queue, pipe end, lock…), unique within a run. */
export type ObjectId = string;

/** Id of one message, pairing its send with its receive: `"<sender P>:<seq>"`. */
export type MessageId = string;

/** `path:line:column` of the user's call, mapped to the user's source (1-based). */
export type SourceLocation = string;

export type ObjectKind =
  | "queue"
  | "joinable-queue"
  | "simple-queue"
  | "pipe"
  | "lock"
  | "rlock"
  | "semaphore"
  | "bounded-semaphore"
  | "event"
  | "condition"
  | "barrier"
  | "value"
  | "array"
  | "pool"
  | "manager"
  | "dict"
  | "list"
  | "namespace";

interface EventBase {
  /** When it happened (ns since run start). */
  t: Nanos;
  /** Which process it happened in (display number). */
  p: ProcessNumber;
}

/** First event of every trace, written by the collector. */
export interface RunStartEvent extends EventBase {
  type: "run.start";
  version: number;
  entry: string;
  argv: string[];
  cwd: string;
  node: string;
  /** Wall-clock time of t = 0, ms since the epoch, for display only. */
  wallClock: number;
}

/** Last event of every complete trace. */
export interface RunEndEvent extends EventBase {
  type: "run.end";
  exitCode: number | null;
  signal: string | null;
}

export interface ProcessSpawnEvent extends EventBase {
  type: "process.spawn";
  /** The new process's number; `p` is its parent. */
  child: ProcessNumber;
  pid: number;
  name: string;
  /** `module#export` of the target function. */
  target: string;
  daemon: boolean;
  role: ProcessRole;
  loc?: SourceLocation;
}

export type ProcessRole = "root" | "process" | "manager" | "pool-worker";

/** The process is up and connected (for the root: the run started). */
export interface ProcessStartEvent extends EventBase {
  type: "process.start";
  pid: number;
  ppid: number;
  name: string;
}

export interface ProcessExitEvent extends EventBase {
  type: "process.exit";
  /** Exit status as Python reports it: the code, or -N when killed by signal N. */
  exitCode: number;
  signal: string | null;
  /**
   * How the exit was learnt: from the OS parent; from the loss of the hub (`connection-lost`:
   * the hub died, and a process that loses it exits by itself with code 70); or, for a
   * process still running when its root ended, from the run's end (the runtime killed it).
   */
  source: "parent" | "connection-lost" | "run-ended";
  /**
   * Set when the program asked for this ending (`terminate()` or `kill()`, a pool stopping
   * its workers, daemon children ended at exit) and the process died of that very signal:
   * an ending on request, not a failure.
   */
  stoppedBy?: "terminate" | "kill";
}

export interface ProcessJoinEvent extends EventBase {
  type: "process.join";
  /** OS pid of the joined child (the number comes from its spawn event). */
  childPid: number;
  /** How long the joining process waited. */
  wait: Nanos;
  loc?: SourceLocation;
}

export interface OutputEvent extends EventBase {
  type: "process.output";
  stream: "stdout" | "stderr";
  /** The text written, cut to a bounded length (see `truncated`). */
  text: string;
  truncated?: boolean;
}

export interface ObjectCreateEvent extends EventBase {
  type: "object.create";
  obj: ObjectId;
  kind: ObjectKind;
  /** Bound of a queue (0 = unbounded). */
  maxsize?: number;
  /** For a pipe end: the id of the other end. */
  peer?: ObjectId;
  /** A semaphore's initial permits, a barrier's parties. */
  value?: number;
  /** For a condition: its lock. */
  lock?: ObjectId;
  /** For an object the runtime made for another (a pool's queues): that object, and what for. */
  owner?: ObjectId;
  role?: string;
  /** For a shared value or array: its typecode ('i', 'd'…) and length. */
  typecode?: string;
  length?: number;
  loc?: SourceLocation;
}

/** A message entered a queue or pipe. */
export interface MessageSendEvent extends EventBase {
  type: "message.send";
  obj: ObjectId;
  msg: MessageId;
  /** Serialized size in bytes. */
  size: number;
  /** Short human-readable rendering of the value; sampled (see trace-format.md). */
  preview?: string;
  loc?: SourceLocation;
  /** How long a put on a full bounded queue waited for room. */
  wait?: Nanos;
}

/** A message left a queue or pipe into the user's hands. */
export interface MessageReceiveEvent extends EventBase {
  type: "message.receive";
  obj: ObjectId;
  msg: MessageId;
  size: number;
  /** How long the receiving call was blocked. */
  wait: Nanos;
  loc?: SourceLocation;
}

/** A blocking call on an object started waiting (get on empty queue, recv, join…). */
export interface BlockEvent extends EventBase {
  type: "object.block";
  obj: ObjectId;
  op: string;
  loc?: SourceLocation;
}

/** A blocked get or recv ended without an item: its timeout ran out, or (`eof`) EOFError. */
export interface TimeoutEvent extends EventBase {
  type: "object.timeout";
  obj: ObjectId;
  op: string;
  wait: Nanos;
  /** The other end was closed everywhere and nothing was left (a pipe's EOFError). */
  eof?: true;
  loc?: SourceLocation;
}

export interface LockRequestEvent extends EventBase {
  type: "lock.request";
  obj: ObjectId;
  loc?: SourceLocation;
}

export interface LockAcquiredEvent extends EventBase {
  type: "lock.acquired";
  obj: ObjectId;
  wait: Nanos;
  /** Processes that held the lock while this one waited, in order. */
  heldBy: ProcessNumber[];
  loc?: SourceLocation;
}

export interface LockReleasedEvent extends EventBase {
  type: "lock.released";
  obj: ObjectId;
  hold: Nanos;
  loc?: SourceLocation;
}

export interface LockTimeoutEvent extends EventBase {
  type: "lock.timeout";
  obj: ObjectId;
  wait: Nanos;
  heldBy: ProcessNumber[];
  loc?: SourceLocation;
}

/**
 * CPU and memory of one live process, sampled by the editor while the run lives (the CLI
 * does not sample). Written by the collector's side, never by the runtime.
 */
export interface ResourceSampleEvent extends EventBase {
  type: "resource.sample";
  /** CPU use since the previous sample, in percent of one core (may exceed 100). */
  cpu: number;
  /** Resident set size in bytes. */
  rss: number;
}

/** A wait on an event, a condition or a barrier ended. */
export interface SyncWaitEvent extends EventBase {
  type: "sync.wait";
  obj: ObjectId;
  op: "event.wait" | "condition.wait" | "barrier.wait";
  wait: Nanos;
  outcome: "woken" | "timeout" | "broken";
  /** Who set the event / notified the condition (null when it was already set). */
  wokenBy: ProcessNumber | null;
  /** A barrier's arrival index. */
  index?: number;
  loc?: SourceLocation;
}

/** A process woke others, or changed an event or barrier. */
export interface SyncSignalEvent extends EventBase {
  type: "sync.signal";
  obj: ObjectId;
  op: "event.set" | "event.clear" | "condition.notify" | "barrier.abort" | "barrier.reset";
  /** How many a notify asked to wake. */
  count?: number;
  loc?: SourceLocation;
}

/** Work handed to a pool (one task; a `map` chunk of `items` calls is one task). */
export interface PoolSubmitEvent extends EventBase {
  type: "pool.submit";
  obj: ObjectId;
  task: number;
  /** `module#export` of the function. */
  fn: string;
  items: number;
  loc?: SourceLocation;
}

/** A worker (`p`) began a task. */
export interface PoolStartEvent extends EventBase {
  type: "pool.start";
  obj: ObjectId;
  task: number;
}

/** A task ended: in its worker (`p`), or in the pool's owner when its worker died. */
export interface PoolDoneEvent extends EventBase {
  type: "pool.done";
  obj: ObjectId;
  task: number;
  ok: boolean;
  /** Time the worker spent on it (0 when the worker died). */
  duration: Nanos;
  /** What went wrong, in one line. */
  error?: string;
  /** The worker's OS pid, when the event is not recorded by the worker itself. */
  workerPid?: number;
}

/** A result handed to the program: a callback run, or a result awaited. */
export interface PoolCallbackEvent extends EventBase {
  type: "pool.callback";
  obj: ObjectId;
  task: number;
  ok: boolean;
  duration: Nanos;
}

/** A call through a manager proxy: a request to the manager process and its answer. */
export interface ManagerCallEvent extends EventBase {
  type: "manager.call";
  /** The proxied object (absent for calls on the manager itself). */
  obj?: ObjectId;
  /** The manager process that served it. */
  server: ProcessNumber;
  /** What was asked: `dict.set`, `lock-acquire`, `put`… */
  method: string;
  /** From request to answer; `t` is when the answer came. */
  duration: Nanos;
  ok: boolean;
}

export interface DroppedEvent extends EventBase {
  type: "trace.dropped";
  /** Events of process `p` lost since the last report of the same source. */
  count: number;
  /**
   * Where they were lost: the process's own recorder (its buffer was full; the default when
   * absent), the hub (the collector was not reading fast enough), or the collector (the
   * run went past the number of events it keeps).
   */
  source?: DropSource;
}

export type DropSource = "recorder" | "hub" | "collector";

export interface WarningEvent extends EventBase {
  type: "warning";
  code: WarningCode;
  message: string;
  obj?: ObjectId;
  loc?: SourceLocation;
  /** `message-lost`: the messages lost, oldest first (their sends carry the same ids). */
  msgs?: MessageId[];
  /**
   * `holder-died`, from the server that gave the permits back (the hub or a manager): the
   * process that died holding `obj`. (The process granted them next warns too, without it.)
   */
  holder?: ProcessNumber;
}

/** Processes that wait for each other for ever, found by the hub. */
export interface DeadlockEvent extends EventBase {
  type: "deadlock";
  processes: Array<{
    p: ProcessNumber;
    obj: ObjectId;
    /** What it is blocked in, e.g. `lock.acquire`, `queue.get`. */
    op: string;
    loc?: SourceLocation;
    /** The stuck processes that could have released it. */
    waitingFor: ProcessNumber[];
  }>;
  /** The report in plain words. */
  message: string;
}

export type WarningCode =
  | "holder-died"
  | "items-left"
  | "not-joined"
  | "events-dropped"
  | "message-lost"
  | "hub-lost"
  | "task-done-extra"
  | "misuse"
  | "lock-across-blocking-call"
  | "lock-order-inversion";

export type TraceEvent =
  | RunStartEvent
  | RunEndEvent
  | ProcessSpawnEvent
  | ProcessStartEvent
  | ProcessExitEvent
  | ProcessJoinEvent
  | OutputEvent
  | ObjectCreateEvent
  | MessageSendEvent
  | MessageReceiveEvent
  | BlockEvent
  | TimeoutEvent
  | LockRequestEvent
  | LockAcquiredEvent
  | LockReleasedEvent
  | LockTimeoutEvent
  | ResourceSampleEvent
  | SyncWaitEvent
  | SyncSignalEvent
  | PoolSubmitEvent
  | PoolStartEvent
  | PoolDoneEvent
  | PoolCallbackEvent
  | ManagerCallEvent
  | DroppedEvent
  | WarningEvent
  | DeadlockEvent;

export type TraceEventType = TraceEvent["type"];

/** Every event type, once: the compiler refuses this table if one is missing. */
const EVENT_TYPE_TABLE: Record<TraceEventType, true> = {
  "run.start": true,
  "run.end": true,
  "process.spawn": true,
  "process.start": true,
  "process.exit": true,
  "process.join": true,
  "process.output": true,
  "object.create": true,
  "message.send": true,
  "message.receive": true,
  "object.block": true,
  "object.timeout": true,
  "lock.request": true,
  "lock.acquired": true,
  "lock.released": true,
  "lock.timeout": true,
  "sync.wait": true,
  "sync.signal": true,
  "pool.submit": true,
  "pool.start": true,
  "pool.done": true,
  "pool.callback": true,
  "manager.call": true,
  "resource.sample": true,
  "trace.dropped": true,
  warning: true,
  deadlock: true,
};

export const TRACE_EVENT_TYPES: readonly TraceEventType[] = Object.keys(
  EVENT_TYPE_TABLE,
) as TraceEventType[];

/** First line of a `.pstrace` file. */
export interface TraceFileHeader {
  format: "pstrace";
  version: number;
}

/** Compile-time exhaustiveness check for `switch` statements over unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** Display name of a process number: 3 → "P3". */
export function processLabel(p: ProcessNumber): string {
  return `P${p}`;
}
