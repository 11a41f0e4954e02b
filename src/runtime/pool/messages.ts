/** What a pool and its workers say to each other, down and up each worker's line (direct.ts). */
import type { FunctionRef } from "../functions";
import type { ErrorData } from "../errors";

/**
 * A list of arguments or results as it travels: a list made only of numbers goes as a typed
 * array, which v8 copies as one block of bytes instead of a value at a time (a chunk of
 * 12,500 numbers: ~50 µs encoded and decoded against ~240 µs). Whole numbers that fit in 32
 * bits go as an `Int32Array` (half the bytes, and read back without allocating), any other
 * numbers as a `Float64Array`; every number, -0 and NaN included, comes out as it went in.
 */
export type Packed = Int32Array | Float64Array;
export type Values = unknown[] | Packed;

/** Shorter lists gain nothing from packing. */
const PACK_MIN = 64;

/** Whether `value` fits an `Int32Array` exactly (-0 does not: it would come back as 0). */
function isInt32(value: number): boolean {
  return (value | 0) === value && !(value === 0 && 1 / value < 0);
}

/**
 * A list collected in the form it travels in (a task's results, a chunk's arguments):
 * numbers go straight into a typed array (no list to grow, then copy, then leave to the
 * garbage collector), and the first value that does not fit moves what came before into a
 * wider array or a plain list.
 */
export class PackingList {
  private ints: Int32Array | null = null;
  private floats: Float64Array | null = null;
  private list: unknown[] | null = null;
  private count = 0;

  constructor(private readonly length: number) {
    if (length >= PACK_MIN) this.ints = new Int32Array(length);
    else this.list = [];
  }

  add(value: unknown): void {
    const at = this.count++;
    if (this.ints !== null) {
      if (typeof value === "number" && isInt32(value)) {
        this.ints[at] = value;
        return;
      }
      const before = this.ints.subarray(0, at);
      this.ints = null;
      if (typeof value === "number") {
        this.floats = new Float64Array(this.length);
        this.floats.set(before);
        this.floats[at] = value;
      } else {
        this.list = Array.from(before);
        this.list.push(value);
      }
      return;
    }
    if (this.floats !== null) {
      if (typeof value === "number") {
        this.floats[at] = value;
        return;
      }
      this.list = Array.from(this.floats.subarray(0, at));
      this.floats = null;
    }
    this.list!.push(value);
  }

  /** The results so far, as they travel. */
  values(): Values {
    return this.ints ?? this.floats ?? this.list!;
  }
}

/** `values[start, end)` packed, or null when it is short or holds anything but numbers. */
export function packNumbers(values: unknown[], start = 0, end = values.length): Packed | null {
  if (end - start < PACK_MIN) return null;
  const packed = new PackingList(end - start);
  for (let i = start; i < end; i++) {
    const value = values[i];
    if (typeof value !== "number") return null;
    packed.add(value);
  }
  return packed.values() as Packed;
}

export interface TaskMessage {
  task: number;
  fn: FunctionRef;
  /** One entry per call (a `map` chunk holds several): an argument list when `spread`, else the only argument. */
  calls: Values;
  spread: boolean;
}

/** `duration`: the worker's time on the task (ns), which sizes how far ahead the pool hands out work. */
export type ResultMessage =
  | { task: number; worker: number; duration: number; ok: true; values: Values }
  | { task: number; worker: number; duration: number; ok: false; error: ErrorData };

/** Sent down a worker's line to make it finish (after `close()`, or to retire it). */
export const STOP = null;
