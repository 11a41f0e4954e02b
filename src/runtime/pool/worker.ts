/**
 * The loop every pool worker runs: take a task from its line to the pool, run its calls,
 * send the result back; stop on `STOP`, after `maxtasksperchild` tasks, or when the pool's
 * process is gone (its end of the line closed).
 */
import * as net from "node:net";
import { context, record } from "../context";
import { registerInternalTarget, resolveReference, type FunctionRef } from "../functions";
import { DIRECT_FD } from "../process";
import type { Item } from "../channel-reader";
import { Fifo } from "../fifo";
import type { PoolDoneEvent } from "../../protocol/trace";
import { TraceSite } from "../recorder";
import { DirectLine } from "./direct";
import type { ErrorData } from "../errors";
import { PackingList, type ResultMessage, type TaskMessage } from "./messages";

export interface WorkerSettings {
  pool: string;
  worker: number;
  initializer: FunctionRef | null;
  initargs: unknown[];
  maxtasks: number | null;
  /** The traced objects of this worker's line: tasks in, results out. */
  tasks: string;
  results: string;
}

/** The worker's end of its line: tasks in arrival order, and a wait for the next one. */
class Inbox {
  private readonly items = new Fifo<Item>();
  private wake: (() => void) | null = null;
  private ended = false;
  private broken: string | null = null;
  readonly line: DirectLine;

  constructor(settings: WorkerSettings) {
    const socket = new net.Socket({ fd: DIRECT_FD, readable: true, writable: true });
    this.line = new DirectLine(
      socket,
      "the pool's process",
      { out: settings.results, in: settings.tasks },
      (items) => {
        for (const item of items) this.items.push(item);
        this.wake?.();
      },
      (reason) => (this.broken = reason),
    );
    void this.line.closed.then(() => {
      this.ended = true;
      this.wake?.();
    });
  }

  /**
   * The next task, or `STOP` when the pool's process is gone. Throws when the line broke: the
   * worker must not end as if asked to, or its pool would hand the same tasks to another.
   */
  async next(): Promise<TaskMessage | null> {
    let started = -1;
    if (this.items.length === 0 && !this.ended) {
      started = context.now();
      this.line.keepAlive(true);
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      this.line.keepAlive(false);
    }
    if (this.broken !== null) throw new Error(`pool worker: ${this.broken}`);
    if (this.items.length === 0) return null;
    const item = this.items.shift()!;
    this.line.taken(item, started);
    return item.value as TaskMessage | null;
  }
}

/** How a result that cannot be sent is named in the error that says so. */
const RESULT = "the result of a pool task";

export function errorData(error: unknown): ErrorData {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const data: ErrorData = { name: error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (key === "name" || key === "message" || key === "stack") continue;
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
      (data.fields ??= {})[key] = value as string | number | boolean | null;
    }
  }
  return data;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * What fails each task promise awaited now, should nothing be left in this process that
 * could settle it (Node is about to exit: no timer, no I/O, no message pending). An entry
 * goes when its promise settles: nothing is kept per task once it is done.
 */
const awaiting = new Set<() => void>();

function strandOnEmptyLoop(): void {
  process.on("beforeExit", () => {
    const stranded = [...awaiting];
    awaiting.clear();
    for (const fail of stranded) fail();
  });
}

/**
 * `value`, once it settles; or, once nothing is left that could settle it, an error saying
 * so: the task fails, where the worker would otherwise exit as if it had died.
 */
function settledOrStranded(value: PromiseLike<unknown>, fn: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const fail = (): void =>
      reject(
        new Error(
          `the promise returned by ${fn} never settled: nothing was left in the worker that ` +
            "could settle it (no timer, I/O or message pending)",
        ),
      );
    awaiting.add(fail);
    value.then(
      (settled) => {
        awaiting.delete(fail);
        resolve(settled);
      },
      (error: unknown) => {
        awaiting.delete(fail);
        reject(error);
      },
    );
  });
}

export async function poolWorker(settings: WorkerSettings): Promise<void> {
  strandOnEmptyLoop();
  const inbox = new Inbox(settings);
  if (settings.initializer) await resolveReference(settings.initializer)(...settings.initargs);
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  const site = new TraceSite(settings.pool);
  let done = 0;
  for (;;) {
    const message = await inbox.next();
    if (message === null) return;
    const key = `${message.fn.module}#${message.fn.name}`;
    let fn = functions.get(key);
    const started = context.now();
    if (context.tracing) context.recorder.packPoolStart(site, message.task, started);
    let result: ResultMessage;
    try {
      if (!fn) {
        fn = resolveReference(message.fn);
        functions.set(key, fn);
      }
      const { calls, spread } = message;
      const values = new PackingList(calls.length);
      for (let i = 0; i < calls.length; i++) {
        const value = spread ? fn(...(calls[i] as unknown[])) : fn(calls[i]);
        // Awaited only when it is a promise: a turn of the microtask queue per call would
        // cost more than a trivial task.
        values.add(isThenable(value) ? await settledOrStranded(value, message.fn.name) : value);
      }
      result = {
        task: message.task,
        worker: settings.worker,
        duration: 0,
        ok: true,
        values: values.values(),
      };
    } catch (error) {
      result = {
        task: message.task,
        worker: settings.worker,
        duration: 0,
        ok: false,
        error: errorData(error),
      };
    }
    const ended = context.now();
    result.duration = ended - started;
    if (result.ok) {
      if (context.tracing)
        context.recorder.packPoolDone(site, message.task, ended, result.duration);
    } else {
      record<PoolDoneEvent>({
        type: "pool.done",
        t: ended,
        obj: settings.pool,
        task: message.task,
        ok: false,
        duration: result.duration,
        error: `${result.error.name}: ${result.error.message}`,
      });
    }
    try {
      inbox.line.send(result, RESULT);
    } catch (error) {
      // The value cannot cross back (a function in the result, say): report that instead.
      inbox.line.send(
        {
          task: message.task,
          worker: settings.worker,
          duration: result.duration,
          ok: false,
          error: errorData(error),
        } satisfies ResultMessage,
        RESULT,
      );
    }
    // Hand the result to the OS now: if the next task kills this process, this one still
    // arrives, and the pool blames the task that was really running.
    inbox.line.flush();
    done++;
    if (settings.maxtasks !== null && done >= settings.maxtasks) return;
  }
}

registerInternalTarget("poolWorker", poolWorker);
