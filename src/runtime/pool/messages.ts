/** What a pool and its workers say to each other, over one inbox per worker and one result queue. */
import type { FunctionRef } from "../functions";

export interface TaskMessage {
  task: number;
  fn: FunctionRef;
  /** One entry per call (a `map` chunk holds several): an argument list when `spread`, else the only argument. */
  calls: unknown[];
  spread: boolean;
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
