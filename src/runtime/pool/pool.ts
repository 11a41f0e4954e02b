/**
 * `Pool`: Python's process pool. Each worker has its own line to the pool's process
 * (direct.ts): tasks go down it, results come back up it, without the hub. The pool hands a
 * worker at most `prefetch` tasks at a time (so a slow task does not hold up work others
 * could do). Unlike Python's pool, a worker that dies never hangs it: the task it was
 * running rejects with `ProcessError`, the tasks queued behind it go to other workers, and
 * a new worker takes its place.
 */
import * as os from "node:os";
import { context, record } from "../context";
import { Process, atExit, cpuCount } from "../process";
import { referenceOf, describeReference, type FunctionRef } from "../functions";
import { lastWalkBulkBytes, walkValue } from "../clone";
import { ProcessError, ValueError, reviveError } from "../errors";
import { checkMessageSize } from "../limits";
import { callerLocation } from "../callsite";
import { createObject, createTracedOnly, ownedBy } from "../objects";
import type { Item } from "../channel-reader";
import { DirectLine } from "./direct";
import { AsyncResult } from "./async-result";
import { Fifo } from "../fifo";
import { TraceSite } from "../recorder";
import { poolWorker, type WorkerSettings } from "./worker";
import { STOP, packNumbers, type ResultMessage, type TaskMessage, type Values } from "./messages";
import type {
  PoolCallbackEvent,
  PoolDoneEvent,
  PoolSubmitEvent,
  WarningEvent,
} from "../../protocol/trace";

/**
 * How many tasks a worker is handed ahead of its results. Long tasks, and any task before
 * the first result says how long they take: one, as a Python worker takes the next task
 * only once it is free — a task handed to a worker behind one that waits (for an event the
 * task would set, say) would wait too, while another worker sat idle. Short tasks: as many
 * as make up about `QUEUED_WORK_NS` of work, so workers never wait for a round trip.
 */
const MIN_PREFETCH = 1;
const MAX_PREFETCH = 1024;
const QUEUED_WORK_NS = 5_000_000;
/**
 * How often a pool with tasks out checks whether any result came: after a check without one,
 * it tells the hub it is waiting for its workers, so that a cycle through a pool's task (a
 * task waiting for a lock this process holds while it awaits the task) is found.
 */
const QUIET_CHECK_MS = 100;
/**
 * How long after a worker's exit its line may stay open. What it wrote before it died is
 * read at once; the line stays open past that only when something else holds the worker's
 * end (a program its task started inherits fd 3), and the pool must not wait for that.
 */
const LINE_CLOSE_GRACE_MS = 250;

export interface PoolOptions {
  initializer?: (...args: never[]) => unknown;
  initargs?: unknown[];
  /** A worker is replaced by a fresh one after this many tasks. */
  maxtasksperchild?: number;
}

export interface ApplyOptions<T> {
  /** Called in this process with the result. */
  callback?: (result: T) => void;
  /** Called in this process with the error. */
  errorCallback?: (error: Error) => void;
}

interface Task {
  id: number;
  fn: FunctionRef;
  /** One entry per call: an argument list when `spread`, else the call's only argument. */
  calls: Values;
  spread: boolean;
  /** Set when `calls` holds only primitives: the bytes of their strings. */
  primitiveBytes: number | undefined;
  settle(ok: boolean, values: Values | undefined, error: Error | undefined): void;
}

interface WorkerSlot {
  number: number;
  process: Process;
  line: DirectLine;
  /** Tasks handed to this worker, oldest (the running one) first. */
  outstanding: Task[];
  stopping: boolean;
  /** Why the pool ended this worker, if it did (its line broke). */
  endedBecause?: string;
}

type PoolState = "run" | "close" | "terminate";

let poolWorkerCounter = 0;

export class Pool {
  readonly id: string;
  readonly processes: number;
  private state: PoolState = "run";
  private readonly settings: Omit<WorkerSettings, "worker" | "tasks">;
  private readonly maxtasks: number | null;
  private readonly workers = new Set<WorkerSlot>();
  private readonly pending = new Fifo<Task>();
  private readonly inFlight = new Map<number, { task: Task; worker: WorkerSlot }>();
  private nextTask = 1;
  private readonly exits: Promise<void>[] = [];
  /** Recent average of the workers' time per task (ns); null before the first result. */
  private averageTaskNs: number | null = null;
  private prefetch = MIN_PREFETCH;
  private readonly submitSite: TraceSite;
  private quietTimer: NodeJS.Timeout | null = null;
  private resultsSinceCheck = 0;
  /** The imaps still reading their iterables (see `feed`). */
  private readonly feeds = new Set<ChunkFeed>();
  /** Whether the hub was told this process waits for its workers. */
  private declaredWaiting = false;
  /** Takes the pool off the list of what is terminated when this process's work is over. */
  private readonly forgetAtExit: () => void;
  /** Where the program made the pool (tracing only), for the warning of `endAtExit`. */
  private readonly loc: string | undefined;

  constructor(processes: number = cpuCount(), options: PoolOptions = {}) {
    if (!Number.isInteger(processes) || processes < 1) {
      throw new ValueError(`a pool needs at least one process, got ${String(processes)}`);
    }
    const maxtasks = options.maxtasksperchild;
    if (maxtasks !== undefined && (!Number.isInteger(maxtasks) || maxtasks < 1)) {
      throw new ValueError(`maxtasksperchild must be a positive integer, got ${String(maxtasks)}`);
    }
    this.processes = processes;
    this.maxtasks = maxtasks ?? null;
    const initializer = options.initializer
      ? referenceOf(options.initializer, "the pool's initializer")
      : null;
    const initargs = options.initargs ?? [];
    walkValue(initargs, "initargs", "pass", new Map(), 0);
    this.id = createObject("pool", { type: "pool" }, { value: processes });
    const results = ownedBy(this.id, "results", () => createTracedOnly("queue"));
    this.settings = { pool: this.id, initializer, initargs, maxtasks: this.maxtasks, results };
    this.submitSite = new TraceSite(this.id);
    this.loc = context.tracing ? callerLocation() : undefined;
    this.forgetAtExit = atExit(() => this.endAtExit());
    for (let i = 0; i < processes; i++) this.spawnWorker();
  }

  /** Runs `fn(...args)` in a worker and resolves with its result. */
  async apply<A extends unknown[], R>(fn: (...args: A) => R, args?: A): Promise<Awaited<R>> {
    return this.applyAsync(fn, args).get();
  }

  applyAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    args: A = [] as unknown as A,
    options: ApplyOptions<Awaited<R>> = {},
  ): AsyncResult<Awaited<R>> {
    const result = new AsyncResult<Awaited<R>>();
    const task = this.submit(fn, [args], true, (ok, values, error) => {
      const value = values?.[0] as Awaited<R>;
      result.settle(ok, value, error);
      if (ok) this.runCallback(task, options.callback, value);
      else this.runCallback(task, options.errorCallback, error!);
    });
    return result;
  }

  async map<T, R>(
    fn: (item: T) => R,
    iterable: Iterable<T>,
    chunksize?: number,
  ): Promise<Awaited<R>[]> {
    return this.mapAsync(fn, iterable, chunksize).get();
  }

  mapAsync<T, R>(
    fn: (item: T) => R,
    iterable: Iterable<T>,
    chunksize?: number,
    options: ApplyOptions<Awaited<R>[]> = {},
  ): AsyncResult<Awaited<R>[]> {
    // An array is read as it is now: its chunks are copied before this returns.
    const items = Array.isArray(iterable) ? (iterable as unknown[]) : [...iterable];
    return this.mapCalls(fn as (...args: unknown[]) => R, items, false, chunksize, options);
  }

  async starmap<A extends unknown[], R>(
    fn: (...args: A) => R,
    argsList: Iterable<A>,
    chunksize?: number,
  ): Promise<Awaited<R>[]> {
    return this.starmapAsync(fn, argsList, chunksize).get();
  }

  starmapAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    argsList: Iterable<A>,
    chunksize?: number,
    options: ApplyOptions<Awaited<R>[]> = {},
  ): AsyncResult<Awaited<R>[]> {
    return this.mapCalls(fn as (...args: unknown[]) => R, [...argsList], true, chunksize, options);
  }

  /** Results in order, as they become available (Python's `imap`). */
  imap<T, R>(fn: (item: T) => R, iterable: Iterable<T>, chunksize = 1): AsyncIterable<Awaited<R>> {
    const feed = this.feed(fn as (...args: unknown[]) => R, iterable, chunksize);
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (let chunk = feed.take(); chunk; chunk = feed.take()) {
            yield* (await chunk) as Awaited<R>[];
          }
        } finally {
          feed.abandon(); // the consumer left (a break): read no more of the iterable
        }
      },
    };
  }

  /** Results in the order they finish (Python's `imap_unordered`). */
  imapUnordered<T, R>(
    fn: (item: T) => R,
    iterable: Iterable<T>,
    chunksize = 1,
  ): AsyncIterable<Awaited<R>> {
    const feed = this.feed(fn as (...args: unknown[]) => R, iterable, chunksize);
    return {
      async *[Symbol.asyncIterator]() {
        const waiting = new Map<number, Promise<{ index: number; values: Values }>>();
        let taken = 0;
        try {
          for (;;) {
            // What was submitted so far is raced; more is read only as results are taken.
            for (const chunk of feed.takeSubmitted()) {
              const index = taken++;
              waiting.set(
                index,
                chunk.then((values) => ({ index, values })),
              );
            }
            if (waiting.size === 0) return;
            const { index, values } = await Promise.race(waiting.values());
            waiting.delete(index);
            feed.fill(IMAP_WINDOW - waiting.size);
            yield* values as Awaited<R>[];
          }
        } finally {
          feed.abandon(); // the consumer left (a break): read no more of the iterable
        }
      },
    };
  }

  /**
   * An imap's items, read from its iterable a window at a time as its results are taken:
   * an endless generator is fine, as in Python (whose task feeder blocks on a full pipe).
   * Checked at the call, as apply() is; a close() afterwards lets the rest be submitted.
   */
  private feed(
    fn: (...args: unknown[]) => unknown,
    iterable: Iterable<unknown>,
    chunksize: number,
  ): ChunkFeed {
    this.checkCall(fn, chunksize);
    const feed = new ChunkFeed(iterable[Symbol.iterator](), chunksize, (items) =>
      this.submitChunk(fn, packNumbers(items, 0, items.length) ?? items, false, true),
    );
    this.feeds.add(feed);
    feed.onEnd = () => {
      this.feeds.delete(feed);
      this.stopIdleWorkers();
    };
    feed.fill();
    return feed;
  }

  /** No more tasks: the workers finish what is queued, then exit. */
  close(): void {
    // What imaps still have to read of their iterables was handed over before the close: it
    // is submitted now (an endless one, in part: the rest as its results are taken, while
    // the workers wait for it).
    for (const feed of [...this.feeds]) feed.fill(CLOSE_DRAIN_CHUNKS);
    if (this.state === "run") this.state = "close";
    this.stopIdleWorkers();
  }

  /** Stops the workers now; work not finished rejects. */
  terminate(): void {
    if (this.state === "terminate") return;
    this.state = "terminate";
    this.forgetAtExit();
    const error = new ValueError("the pool was terminated before this task finished");
    for (const task of this.pending.drain()) task.settle(false, undefined, error);
    for (const { task } of this.inFlight.values()) task.settle(false, undefined, error);
    this.inFlight.clear();
    for (const worker of this.workers) {
      worker.outstanding.length = 0;
      worker.process.terminate();
    }
  }

  /** Waits for every worker to exit; only after `close()` or `terminate()`, as in Python. */
  async join(): Promise<void> {
    if (this.state === "run") throw new ValueError("join() needs close() or terminate() first");
    // Pinned: the workers' lines and the grace timer do not keep this process alive, and
    // with nothing else to do Node would end it here, mid-main, without a word.
    await context.client.pin(async () => {
      while (this.workers.size > 0 || this.exits.length > 0) {
        await Promise.all(this.exits.splice(0));
      }
    });
    this.forgetAtExit();
  }

  /**
   * The process's work is over (its main function or target returned) and the pool was not
   * joined: terminated, as Python's exit handlers do, with a warning when that cut work
   * short or the program never closed it (Python's "unclosed running pool").
   */
  private endAtExit(): void {
    const unfinished = this.pending.length + this.inFlight.size;
    if (this.state === "run" || unfinished > 0) {
      const cut = unfinished > 0 ? `, with ${unfinished} task(s) unfinished` : "";
      const advice =
        this.state === "run"
          ? "close() it and await join() (or terminate() it) before returning, or declare it with `await using`"
          : "await join() after close() to let queued tasks finish";
      record<WarningEvent>({
        type: "warning",
        code: "misuse",
        obj: this.id,
        loc: this.loc,
        message:
          `${this.id} was ${this.state === "run" ? "still running" : "closed but not joined"} ` +
          `when ${context.isRoot ? "main()" : "the process's target"} returned: ` +
          `it was terminated${cut}; ${advice}`,
      });
    }
    this.terminate();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.terminate();
    await this.join();
  }

  private mapCalls<R>(
    fn: (...args: unknown[]) => R,
    calls: unknown[],
    spread: boolean,
    chunksize: number | undefined,
    options: ApplyOptions<Awaited<R>[]>,
  ): AsyncResult<Awaited<R>[]> {
    const result = new AsyncResult<Awaited<R>[]>();
    const first = this.nextTask;
    Promise.all(
      this.submitChunks(fn, calls, spread, chunksize ?? this.defaultChunksize(calls.length)),
    ).then(
      (chunks) => {
        const values = concatenate(chunks) as Awaited<R>[];
        result.settle(true, values, undefined);
        this.runCallback(first, options.callback, values);
      },
      (error: Error) => {
        result.settle(false, undefined, error);
        this.runCallback(first, options.errorCallback, error);
      },
    );
    return result;
  }

  /** Python's default: about four chunks per worker. */
  private defaultChunksize(length: number): number {
    if (length === 0) return 1;
    const chunksize = Math.floor(length / (this.processes * 4));
    return Math.max(1, length % (this.processes * 4) ? chunksize + 1 : chunksize);
  }

  private submitChunks<R>(
    fn: (...args: unknown[]) => R,
    calls: unknown[],
    spread: boolean,
    chunksize: number,
  ): Promise<Values>[] {
    this.checkCall(fn, chunksize);
    const chunks: Promise<Values>[] = [];
    for (let i = 0; i < calls.length; i += chunksize) {
      const end = Math.min(i + chunksize, calls.length);
      // Numbers are packed straight from the list: no copy of the slice, no walk.
      const chunk = (spread ? null : packNumbers(calls, i, end)) ?? calls.slice(i, end);
      chunks.push(this.submitChunk(fn, chunk, spread, false));
    }
    return chunks;
  }

  /**
   * Checked at the call, not in the promises of its chunks: a closed pool or an unexported
   * function throws at the caller's line, as with apply().
   */
  private checkCall(fn: (...args: never[]) => unknown, chunksize: number): void {
    this.checkRunning();
    referenceOf(fn, "the pool's function");
    if (!Number.isInteger(chunksize) || chunksize < 1) {
      throw new ValueError(`chunksize must be a positive integer, got ${String(chunksize)}`);
    }
  }

  /**
   * One chunk as a task; its results, or its error. A rejection is handed to whoever awaits
   * the results: none is left unhandled meanwhile.
   */
  private submitChunk(
    fn: (...args: never[]) => unknown,
    chunk: Values,
    spread: boolean,
    afterClose: boolean,
  ): Promise<Values> {
    const results = new Promise<Values>((resolve, reject) =>
      this.submit(
        fn,
        chunk,
        spread,
        (ok, values, error) => (ok ? resolve(values!) : reject(error!)),
        afterClose,
      ),
    );
    results.catch(() => undefined);
    return results;
  }

  private checkRunning(): void {
    if (this.state !== "run") {
      throw new ValueError("the pool is not running (close() or terminate() was called)");
    }
  }

  /**
   * Queues one task; returns its number. `afterClose`: part of a call made while the pool
   * ran (an imap's later chunks), which a close() since does not refuse.
   */
  private submit(
    fn: (...args: never[]) => unknown,
    calls: Values,
    spread: boolean,
    settle: Task["settle"],
    afterClose = false,
  ): number {
    if (!afterClose || this.state === "terminate") this.checkRunning();
    const ref = referenceOf(fn, "the pool's function");
    const id = this.nextTask++;
    // What the walk found, when it was only primitives: their bytes (no second walk to send).
    let primitiveBytes: number | undefined;
    if (Array.isArray(calls)) {
      const seen = new Map<object, number>();
      walkValue(calls, calls.length === 1 ? "args" : "iterable", "pass", seen, 0);
      // Only the list itself was seen: primitives.
      if (seen.size === 1) primitiveBytes = lastWalkBulkBytes();
    } else {
      primitiveBytes = calls.byteLength;
    }
    // Too big to send is said here, at the caller's line, before the task is queued.
    checkMessageSize(primitiveBytes ?? lastWalkBulkBytes(), "cannot submit the task", true);
    if (context.tracing) {
      // Located on a sample, as messages are: a stack capture per task would cost more than
      // the task; the others are packed records.
      if (context.recorder.sendWantsDetail(this.submitSite)) {
        record<PoolSubmitEvent>({
          type: "pool.submit",
          obj: this.id,
          task: id,
          fn: describeReference(ref),
          items: calls.length,
          loc: callerLocation(),
        });
      } else {
        context.recorder.packPoolSubmit(this.submitSite, id, calls.length, describeReference(ref));
      }
    }
    this.pending.push({ id, fn: ref, calls, spread, primitiveBytes, settle });
    this.dispatch();
    return id;
  }

  private spawnWorker(): void {
    const number = ++poolWorkerCounter;
    const name = `PoolWorker-${number}`;
    const tasks = ownedBy(this.id, `tasks of ${name}`, () => createTracedOnly("queue"));
    const child = new Process({
      target: poolWorker,
      args: [{ ...this.settings, worker: number, tasks }],
      name,
      daemon: true,
      role: "pool-worker",
      direct: true,
    });
    child.start();
    const line = new DirectLine(
      child.directSocket!,
      `pool worker ${name}`,
      { out: tasks, in: this.settings.results },
      (items) => this.onResults(slot, items),
      (reason) => {
        // Nothing more can be read from it: end it, and its running task fails as if it died.
        process.stderr.write(`procscope: ${reason}; ending ${name}\n`);
        slot.endedBecause = reason;
        slot.process.kill();
      },
    );
    const slot: WorkerSlot = {
      number,
      process: child as unknown as Process,
      line,
      outstanding: [],
      stopping: false,
    };
    this.workers.add(slot);
    // The line closes after the last result the worker sent has been read: only then is it
    // known which of its tasks it never finished.
    this.exits.push(
      child
        .whenExited()
        .then(() => Promise.race([line.closed, delay(LINE_CLOSE_GRACE_MS)]))
        .then(() => this.workerExited(slot)),
    );
  }

  /**
   * Hands pending tasks to the least busy workers, up to `prefetch` each. A worker is
   * topped up only once it has worked through half of what it holds, and then gets its
   * share in one run of messages: they travel as one batch down its line (a batch holds one
   * destination's messages), instead of a frame per task.
   */
  private dispatch(): void {
    while (this.pending.length > 0) {
      let best: WorkerSlot | null = null;
      let active = 0;
      for (const worker of this.workers) {
        if (worker.stopping) continue;
        active++;
        if (!best || worker.outstanding.length < best.outstanding.length) best = worker;
      }
      if (!best || best.outstanding.length > this.prefetch / 2) break;
      // An even share of what is pending, so that a short list is spread over the workers.
      let room = Math.min(
        this.prefetch - best.outstanding.length,
        Math.ceil(this.pending.length / active),
      );
      for (; room > 0 && this.pending.length > 0 && !best.stopping; room--) {
        const task = this.pending.shift()!;
        best.outstanding.push(task);
        this.inFlight.set(task.id, { task, worker: best });
        // A copy of the function's reference per message: one object shared by two
        // messages of a batch would cut the batch (each message must arrive as its own copy).
        const message: TaskMessage = {
          task: task.id,
          fn: { ...task.fn },
          calls: task.calls,
          spread: task.spread,
        };
        try {
          best.line.send(message, "a pool task", task.primitiveBytes);
        } catch (error) {
          // Not sent (larger serialized than the walk estimated): the task fails, and is
          // nobody's to run. Settled later, as the caller may not have its result yet.
          best.outstanding.pop();
          this.inFlight.delete(task.id);
          queueMicrotask(() => task.settle(false, undefined, error as Error));
          continue;
        }
        if (this.maxtasks !== null) this.retireIfDone(best);
      }
      // While it has tasks out, the pool's process stays alive to hear back.
      best.line.keepAlive(true);
      this.watchQuiet();
    }
  }

  private watchQuiet(): void {
    if (this.quietTimer) return;
    this.quietTimer = setTimeout(() => this.checkQuiet(), QUIET_CHECK_MS);
    this.quietTimer.unref();
  }

  private checkQuiet(): void {
    this.quietTimer = null;
    const waiting = this.inFlight.size > 0 && this.resultsSinceCheck === 0;
    this.resultsSinceCheck = 0;
    if (waiting !== this.declaredWaiting) this.declareWaiting(waiting);
    if (this.inFlight.size > 0) this.watchQuiet();
  }

  private declareWaiting(on: boolean): void {
    this.declaredWaiting = on;
    context.client.send({ type: "awaiting", obj: this.id, op: "pool.results", on });
  }

  /** A worker that will exit after its `maxtasksperchild` tasks gets no more. */
  private retireIfDone(worker: WorkerSlot): void {
    const handed = this.handedTo.get(worker) ?? 0;
    this.handedTo.set(worker, handed + 1);
    if (handed + 1 >= this.maxtasks!) worker.stopping = true;
  }

  private readonly handedTo = new Map<WorkerSlot, number>();

  /** Results from one worker's line, in the order it sent them. */
  private onResults(worker: WorkerSlot, items: Item[]): void {
    this.resultsSinceCheck += items.length;
    if (this.declaredWaiting) this.declareWaiting(false);
    for (const item of items) {
      worker.line.taken(item, -1);
      this.onResult(item.value as ResultMessage);
    }
    worker.line.keepAlive(worker.outstanding.length > 0);
  }

  private onResult(result: ResultMessage): void {
    const entry = this.inFlight.get(result.task);
    if (!entry) return;
    this.inFlight.delete(result.task);
    const perCall = result.duration / Math.max(1, entry.task.calls.length);
    this.averageTaskNs =
      this.averageTaskNs === null ? perCall : 0.8 * this.averageTaskNs + 0.2 * perCall;
    const calls = Math.max(1, entry.task.calls.length);
    this.prefetch = Math.min(
      MAX_PREFETCH,
      Math.max(MIN_PREFETCH, Math.ceil(QUEUED_WORK_NS / Math.max(1, this.averageTaskNs * calls))),
    );
    // A worker answers in order, so the task is almost always its oldest: shifting it off is
    // cheap where a search and splice through a thousand prefetched tasks is not.
    const outstanding = entry.worker.outstanding;
    if (outstanding[0] === entry.task) outstanding.shift();
    else {
      const index = outstanding.indexOf(entry.task);
      if (index >= 0) outstanding.splice(index, 1);
    }
    if (result.ok) entry.task.settle(true, result.values, undefined);
    else entry.task.settle(false, undefined, reviveError(result.error));
    this.dispatch();
    this.stopIdleWorkers();
  }

  /** After close(), workers with nothing left to do are told to stop. */
  private stopIdleWorkers(): void {
    if (this.state !== "close" || this.pending.length > 0 || this.feeds.size > 0) return;
    for (const worker of this.workers) {
      if (worker.outstanding.length === 0 && !worker.stopping) {
        worker.stopping = true;
        worker.line.send(STOP, "a pool worker's stop");
      }
    }
  }

  /** The worker has exited and its line is closed: every result it sent has been handled. */
  private workerExited(worker: WorkerSlot): void {
    worker.line.keepAlive(false);
    worker.line.close();
    this.workers.delete(worker);
    if (this.state === "terminate") return;
    const code = worker.process.exitCode ?? 0;
    const stranded = worker.outstanding.splice(0);
    // Even an exit with status 0 fails the task the worker was running: handed again, it
    // could end the next worker the same way, for ever.
    if (stranded.length > 0) {
      // The oldest task was running when the worker died: it fails; the rest go elsewhere.
      const running = stranded.shift()!;
      this.inFlight.delete(running.id);
      const how =
        (code < 0 ? `killed by signal ${-code}` : `exit code ${code}`) +
        (worker.endedBecause ? ` by the pool, as ${worker.endedBecause}` : "");
      const error = new ProcessError(
        `pool worker ${worker.process.name} (pid ${worker.process.pid}) died (${how}) while running task ${running.id}`,
        worker.process.pid,
        code < 0 ? null : code,
        code < 0 ? signalName(-code) : null,
      );
      record<PoolDoneEvent>({
        type: "pool.done",
        obj: this.id,
        task: running.id,
        ok: false,
        duration: 0,
        error: error.message,
        workerPid: worker.process.pid ?? undefined,
      });
      running.settle(false, undefined, error);
    }
    for (const task of stranded.reverse()) {
      this.inFlight.delete(task.id);
      this.pending.unshift(task);
    }
    if (this.state === "run" || this.pending.length > 0) this.spawnWorker();
    this.dispatch();
    this.stopIdleWorkers();
  }

  private runCallback<V>(task: number, callback: ((value: V) => void) | undefined, value: V): void {
    if (!callback) return;
    const started = context.now();
    let ok = true;
    try {
      callback(value);
    } catch (error) {
      ok = false;
      // As an exception in Python's result-handler thread: reported, and the pool goes on.
      process.stderr.write(
        `procscope: a pool callback threw: ${(error as Error).stack ?? String(error)}\n`,
      );
    }
    record<PoolCallbackEvent>({
      type: "pool.callback",
      obj: this.id,
      task,
      ok,
      duration: context.now() - started,
    });
  }
}

/** Chunks an imap keeps submitted ahead of what its consumer has taken. */
const IMAP_WINDOW = 512;
/** Chunks `close()` submits at once of each imap's iterable still being read. */
const CLOSE_DRAIN_CHUNKS = 65_536;

/**
 * An iterable read in chunks, each submitted as a task, no more than `IMAP_WINDOW` ahead of
 * the consumer. An iterable that throws fails at that point of the results, as in Python.
 */
class ChunkFeed {
  private readonly ready: Array<Promise<Values>> = [];
  private ended = false;
  onEnd: () => void = () => undefined;

  constructor(
    private readonly iterator: Iterator<unknown>,
    private readonly chunksize: number,
    private readonly submit: (items: unknown[]) => Promise<Values>,
  ) {}

  /** The next chunk's results, submitting more behind it; null once all were taken. */
  take(): Promise<Values> | null {
    const chunk = this.ready.shift() ?? null;
    this.fill();
    return chunk;
  }

  /** Every chunk submitted and not taken yet, without reading more of the iterable. */
  takeSubmitted(): Array<Promise<Values>> {
    return this.ready.splice(0);
  }

  /** Submits chunks until `window` wait to be taken, or the iterable is done. */
  fill(window = IMAP_WINDOW): void {
    while (!this.ended && this.ready.length < window) {
      const items: unknown[] = [];
      try {
        while (items.length < this.chunksize) {
          const next = this.iterator.next();
          if (next.done) {
            this.end();
            break;
          }
          items.push(next.value);
        }
        if (items.length > 0) this.ready.push(this.submit(items));
      } catch (error) {
        // The iterable threw: its error comes after the items it gave before.
        this.end();
        const failed = Promise.reject(error as Error);
        failed.catch(() => undefined);
        this.ready.push(failed);
      }
    }
  }

  /** The consumer stopped taking results: nothing more is read or submitted. */
  abandon(): void {
    this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}

/**
 * The chunks' results as one array (`Array.prototype.flat` is several times slower). One
 * loop per kind of chunk, so that each reads one kind of array.
 */
function concatenate(chunks: Values[]): unknown[] {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const values = new Array<unknown>(length);
  let at = 0;
  for (const chunk of chunks) {
    if (chunk instanceof Int32Array) {
      for (let i = 0; i < chunk.length; i++) values[at++] = chunk[i];
    } else if (chunk instanceof Float64Array) {
      for (let i = 0; i < chunk.length; i++) values[at++] = chunk[i];
    } else {
      for (let i = 0; i < chunk.length; i++) values[at++] = chunk[i];
    }
  }
  return values;
}

/** Resolves after `ms`, without keeping the process alive for it. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function signalName(number: number): string {
  const found = Object.entries(os.constants.signals).find(([, value]) => value === number);
  return found ? found[0] : `signal ${number}`;
}
