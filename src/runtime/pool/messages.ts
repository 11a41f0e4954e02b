/** What a pool and its workers say to each other, over one inbox per worker and one result queue. */
import type { FunctionRef } from "../functions";

export interface TaskMessage {
  task: number;
  fn: FunctionRef;
  /** Argument lists, one call each (a `map` chunk holds several). */
  calls: unknown[][];
}

export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
}

/** `duration`: the worker's time on the task (ns), which sizes how far ahead the pool hands out work. */
export type ResultMessage =
  | { task: number; worker: number; duration: number; ok: true; values: unknown[] }
  | { task: number; worker: number; duration: number; ok: false; error: ErrorData };

/** Sent to a worker's inbox to make it finish (after `close()`, or to retire it). */
export const STOP = null;
