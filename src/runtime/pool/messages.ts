/** What a pool and its workers say to each other, over one inbox per worker and one result queue. */
import type { FunctionRef } from "../functions";

/**
 * A list of arguments or results as it travels: a list made only of numbers goes as a
 * `Float64Array`, which v8 copies as one block of bytes instead of a value at a time (a
 * chunk of 12,500 numbers: ~50 µs encoded and decoded against ~240 µs). Every number, -0
 * and NaN included, comes out as it went in.
 */
export type Values = unknown[] | Float64Array;

/** Shorter lists gain nothing from packing. */
const PACK_MIN = 64;

/** `values` packed when it is long and made only of numbers. */
export function packNumbers(values: unknown[]): Values {
  if (values.length < PACK_MIN) return values;
  const packed = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== "number") return values;
    packed[i] = value;
  }
  return packed;
}

export interface TaskMessage {
  task: number;
  fn: FunctionRef;
  /** One entry per call (a `map` chunk holds several): an argument list when `spread`, else the only argument. */
  calls: Values;
  spread: boolean;
}

export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
}

/** `duration`: the worker's time on the task (ns), which sizes how far ahead the pool hands out work. */
export type ResultMessage =
  | { task: number; worker: number; duration: number; ok: true; values: Values }
  | { task: number; worker: number; duration: number; ok: false; error: ErrorData };

/** Sent to a worker's inbox to make it finish (after `close()`, or to retire it). */
export const STOP = null;
