/**
 * The loop every pool worker runs: take a task from its own inbox, run its calls, put the
 * result on the pool's result queue; stop on `STOP` or after `maxtasksperchild` tasks.
 */
import { context, record } from "../context";
import { registerInternalTarget, resolveReference, type FunctionRef } from "../functions";
import type { Queue } from "../queue";
import type { PoolDoneEvent } from "../../protocol/trace";
import { TraceSite } from "../recorder";
import type { ResultMessage, TaskMessage } from "./messages";

export interface WorkerSettings {
  pool: string;
  worker: number;
  initializer: FunctionRef | null;
  initargs: unknown[];
  maxtasks: number | null;
}

export function errorData(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error)
    return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: String(error) };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

export async function poolWorker(
  settings: WorkerSettings,
  inbox: Queue<TaskMessage | null>,
  results: Queue<ResultMessage>,
): Promise<void> {
  if (settings.initializer) await resolveReference(settings.initializer)(...settings.initargs);
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  const site = new TraceSite(settings.pool);
  let done = 0;
  for (;;) {
    const message = await inbox.get();
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
      const values: unknown[] = [];
      const { calls, spread } = message;
      for (let i = 0; i < calls.length; i++) {
        const value = spread ? fn(...(calls[i] as unknown[])) : fn(calls[i]);
        // Awaited only when it is a promise: a turn of the microtask queue per call would
        // cost more than a trivial task.
        values.push(isThenable(value) ? await value : value);
      }
      result = { task: message.task, worker: settings.worker, duration: 0, ok: true, values };
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
      await results.put(result);
    } catch (error) {
      // The value cannot cross back (a function in the result, say): report that instead.
      await results.put({
        task: message.task,
        worker: settings.worker,
        duration: result.duration,
        ok: false,
        error: errorData(error),
      });
    }
    // Hand the result to the OS now: if the next task kills this process, this one still
    // arrives, and the pool blames the task that was really running.
    context.client.flush();
    done++;
    if (settings.maxtasks !== null && done >= settings.maxtasks) return;
  }
}

registerInternalTarget("poolWorker", poolWorker);
