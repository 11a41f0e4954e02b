/**
 * The wire form of a process's trace events. Most events travel as objects; those that
 * happen per message, per uncontended lock operation or per pool task travel packed as runs
 * of numbers, which costs a fraction of an object each to record and serialize. The
 * collector expands them back.
 */
import * as v8 from "node:v8";
import type {
  LockAcquiredEvent,
  LockReleasedEvent,
  LockRequestEvent,
  ManagerCallEvent,
  MessageReceiveEvent,
  MessageSendEvent,
  PoolDoneEvent,
  PoolStartEvent,
  PoolSubmitEvent,
  TraceEvent,
} from "../protocol/trace";

export interface TraceBatch {
  /** The recording process's number (for packed records). */
  p: number;
  events: TraceEvent[];
  /** Packed records, see `PACKED_SEND` / `PACKED_RECEIVE`. */
  packed: number[];
  /** Object ids (and function names) referred to by index from packed records. */
  objects: string[];
}

/** `[PACKED_SEND, t, objectIndex, seq]` */
export const PACKED_SEND = 1;
/** `[PACKED_RECEIVE, t, objectIndex, sender, seq, size, wait]` */
export const PACKED_RECEIVE = 2;
/** `[PACKED_ACQUIRED, t, objectIndex, wait]`: a lock taken without contention (heldBy empty). */
export const PACKED_ACQUIRED = 3;
/** `[PACKED_RELEASED, t, objectIndex, hold]` */
export const PACKED_RELEASED = 4;
/** `[PACKED_POOL_SUBMIT, t, poolIndex, task, items, fnIndex]`: a task submitted (no `loc`). */
export const PACKED_POOL_SUBMIT = 5;
/** `[PACKED_POOL_START, t, poolIndex, task]` */
export const PACKED_POOL_START = 6;
/** `[PACKED_POOL_DONE, t, poolIndex, task, duration]`: a task that succeeded in its worker. */
export const PACKED_POOL_DONE = 7;
/**
 * `[PACKED_MANAGER_CALL, t, objectIndex (-1: none), server, methodIndex, duration, ok (1/0)]`:
 * a proxy call answered (`t` is when the answer came).
 */
export const PACKED_MANAGER_CALL = 8;
/** `[PACKED_LOCK_REQUEST, t, objectIndex, locIndex (-1: none)]`: a blocking acquire asked the hub. */
export const PACKED_LOCK_REQUEST = 9;
/**
 * `[PACKED_LOCK_GRANTED, t, objectIndex, wait, locIndex (-1: none), n, heldBy₁ … heldByₙ]`:
 * the hub granted it, after the n processes that held the lock meanwhile.
 */
export const PACKED_LOCK_GRANTED = 10;

/**
 * What a trace frame's header says its batch stands for: the events in it, and the events
 * its recorder had dropped before (reported inside as `trace.dropped`). Whoever drops the
 * batch unread counts both.
 */
export function batchEventCount(header: Readonly<Record<string, unknown>>): {
  events: number;
  lost: number;
  total: number;
} {
  const events = typeof header.n === "number" && header.n > 0 ? header.n : 0;
  const lost = typeof header.lost === "number" && header.lost > 0 ? header.lost : 0;
  return { events, lost, total: events + lost };
}

export function decodeTraceBatch(body: Buffer): TraceEvent[] {
  const decoded = v8.deserialize(body) as TraceBatch | TraceEvent[];
  if (Array.isArray(decoded)) return decoded;
  return expandPacked(decoded, decoded.events);
}

/**
 * Decodes a batch but leaves its packed records packed (one array of numbers instead of an
 * object per message): a collector that only needs them at the end saves the work and the
 * memory while the program runs.
 */
export function decodeTraceBatchLazily(body: Buffer): {
  events: TraceEvent[];
  packed: TraceBatch | null;
} {
  const decoded = v8.deserialize(body) as TraceBatch | TraceEvent[];
  if (Array.isArray(decoded)) return { events: decoded, packed: null };
  const packed = decoded.packed.length > 0 ? { ...decoded, events: [] } : null;
  return { events: decoded.events, packed };
}

/** Appends the events a batch's packed records stand for to `events`. */
export function expandPacked(batch: TraceBatch, events: TraceEvent[]): TraceEvent[] {
  const { p, packed, objects } = batch;
  for (let i = 0; i < packed.length;) {
    const kind = packed[i];
    if (kind === PACKED_SEND) {
      const send: MessageSendEvent = {
        type: "message.send",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        msg: `${p}:${packed[i + 3]}`,
        size: 0,
      };
      events.push(send);
      i += 4;
    } else if (kind === PACKED_RECEIVE) {
      const receive: MessageReceiveEvent = {
        type: "message.receive",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        msg: `${packed[i + 3]}:${packed[i + 4]}`,
        size: packed[i + 5],
        wait: packed[i + 6],
      };
      events.push(receive);
      i += 7;
    } else if (kind === PACKED_ACQUIRED) {
      const acquired: LockAcquiredEvent = {
        type: "lock.acquired",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        wait: packed[i + 3],
        heldBy: [],
      };
      events.push(acquired);
      i += 4;
    } else if (kind === PACKED_RELEASED) {
      const released: LockReleasedEvent = {
        type: "lock.released",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        hold: packed[i + 3],
      };
      events.push(released);
      i += 4;
    } else if (kind === PACKED_POOL_SUBMIT) {
      const submit: PoolSubmitEvent = {
        type: "pool.submit",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        task: packed[i + 3],
        items: packed[i + 4],
        fn: objects[packed[i + 5]],
      };
      events.push(submit);
      i += 6;
    } else if (kind === PACKED_POOL_START) {
      const start: PoolStartEvent = {
        type: "pool.start",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        task: packed[i + 3],
      };
      events.push(start);
      i += 4;
    } else if (kind === PACKED_POOL_DONE) {
      const done: PoolDoneEvent = {
        type: "pool.done",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        task: packed[i + 3],
        ok: true,
        duration: packed[i + 4],
      };
      events.push(done);
      i += 5;
    } else if (kind === PACKED_MANAGER_CALL) {
      const obj = packed[i + 2];
      const call: ManagerCallEvent = {
        type: "manager.call",
        t: packed[i + 1],
        p,
        ...(obj >= 0 ? { obj: objects[obj] } : {}),
        server: packed[i + 3],
        method: objects[packed[i + 4]],
        duration: packed[i + 5],
        ok: packed[i + 6] === 1,
      };
      events.push(call);
      i += 7;
    } else if (kind === PACKED_LOCK_REQUEST) {
      const loc = packed[i + 3];
      const request: LockRequestEvent = {
        type: "lock.request",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        ...(loc >= 0 ? { loc: objects[loc] } : {}),
      };
      events.push(request);
      i += 4;
    } else if (kind === PACKED_LOCK_GRANTED) {
      const loc = packed[i + 4];
      const held = packed[i + 5];
      const granted: LockAcquiredEvent = {
        type: "lock.acquired",
        t: packed[i + 1],
        p,
        obj: objects[packed[i + 2]],
        wait: packed[i + 3],
        heldBy: packed.slice(i + 6, i + 6 + held),
        ...(loc >= 0 ? { loc: objects[loc] } : {}),
      };
      events.push(granted);
      i += 6 + held;
    } else {
      throw new Error(`corrupt trace batch: unknown packed record kind ${kind}`);
    }
  }
  return events;
}
