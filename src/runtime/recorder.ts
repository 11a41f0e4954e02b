/**
 * Records this process's trace events and sends them to the hub in batches.
 *
 * Following tokio-console's split, the recorder only writes facts down: cheaply, into a
 * bounded buffer, flushed every few milliseconds. When the buffer is full it
 * drops events and counts them; the count reaches the user as a `trace.dropped` event.
 * Without a collector (a plain `node` run) it is off and every call returns at once.
 */
import * as v8 from "node:v8";
import { ENV } from "./env";
import type { TraceEvent } from "../protocol/trace";
import type { HubClient } from "./hub-client";
import { now } from "./clock";
import {
  PACKED_ACQUIRED,
  PACKED_LOCK_GRANTED,
  PACKED_LOCK_REQUEST,
  PACKED_MANAGER_CALL,
  PACKED_POOL_DONE,
  PACKED_POOL_START,
  PACKED_POOL_SUBMIT,
  PACKED_RECEIVE,
  PACKED_RELEASED,
  PACKED_SEND,
  type TraceBatch,
} from "./trace-codec";

/** Records held at most while the connection is slow; beyond this they are dropped. */
const MAX_BUFFERED_RECORDS = 500_000;
/**
 * A program that never yields to the event loop (a tight loop of awaited calls that settle
 * at once) would otherwise fill the buffer before any flush: past this many records the
 * batch is sent at once.
 */
const FLUSH_RECORDS = 32_768;
/** How long events wait to be sent, at most (unless the buffer fills first). */
const FLUSH_INTERVAL_MS = 10;

/** Detail (preview, source line) is kept for the first few messages per object, then sampled. */
const DETAIL_FIRST = 32;
const DETAIL_EVERY = 256;

/** Per-object trace state in this process: counters for sampling, index in the current batch. */
export class TraceSite {
  sends = 0;
  receives = 0;
  batchEpoch = -1;
  batchIndex = 0;
  constructor(readonly obj: string) {}
}

export class Recorder {
  readonly enabled = Boolean(process.env[ENV.collector]);
  private events: TraceEvent[] = [];
  private packed: number[] = [];
  private objects: string[] = [];
  private readonly strings = new Map<string, number>();
  private epoch = 0;
  private records = 0;
  private dropped = 0;
  /** Dropped events reported in the batch being gathered (its `trace.dropped` events). */
  private lost = 0;
  private scheduled = false;
  private client: HubClient | null = null;

  attach(client: HubClient): void {
    this.client = client;
    if (this.records > 0) this.schedule();
  }

  record(event: TraceEvent): void {
    if (!this.enabled) return;
    if (this.records >= MAX_BUFFERED_RECORDS) {
      this.dropped++;
      return;
    }
    this.records++;
    this.events.push(event);
    this.schedule();
  }

  /** Whether this send on `site` should carry its preview and source line. */
  sendWantsDetail(site: TraceSite): boolean {
    const n = ++site.sends;
    return n <= DETAIL_FIRST || n % DETAIL_EVERY === 0;
  }

  receiveWantsDetail(site: TraceSite): boolean {
    const n = ++site.receives;
    return n <= DETAIL_FIRST || n % DETAIL_EVERY === 0;
  }

  /** A message sent, without detail: a packed record. */
  packSend(site: TraceSite, seq: number): void {
    if (!this.room()) return;
    this.packed.push(PACKED_SEND, now(), this.objectIndex(site), seq);
    this.schedule();
  }

  /** A message received, without detail: a packed record. */
  packReceive(
    site: TraceSite,
    sender: number,
    seq: number,
    size: number,
    wait: number,
    t: number,
  ): void {
    if (!this.room()) return;
    this.packed.push(PACKED_RECEIVE, t, this.objectIndex(site), sender, seq, size, wait);
    this.schedule();
  }

  /** A lock taken or released without anyone else involved: a packed record. */
  packLock(site: TraceSite, acquired: boolean, t: number, duration: number): void {
    if (!this.room()) return;
    this.packed.push(
      acquired ? PACKED_ACQUIRED : PACKED_RELEASED,
      t,
      this.objectIndex(site),
      duration,
    );
    this.schedule();
  }

  /** A blocking acquire sent to the hub, and where: a packed record. */
  packLockRequest(site: TraceSite, t: number, loc: string | undefined): void {
    if (!this.room()) return;
    this.packed.push(
      PACKED_LOCK_REQUEST,
      t,
      this.objectIndex(site),
      loc === undefined ? -1 : this.stringIndex(loc),
    );
    this.schedule();
  }

  /** The hub's grant of a blocking acquire: a packed record. */
  packLockGranted(
    site: TraceSite,
    t: number,
    wait: number,
    heldBy: readonly number[],
    loc: string | undefined,
  ): void {
    if (!this.room()) return;
    this.packed.push(
      PACKED_LOCK_GRANTED,
      t,
      this.objectIndex(site),
      wait,
      loc === undefined ? -1 : this.stringIndex(loc),
      heldBy.length,
    );
    for (const p of heldBy) this.packed.push(p);
    this.schedule();
  }

  /** A pool task submitted, without its source line: a packed record. */
  packPoolSubmit(site: TraceSite, task: number, items: number, fn: string): void {
    if (!this.room()) return;
    this.packed.push(
      PACKED_POOL_SUBMIT,
      now(),
      this.objectIndex(site),
      task,
      items,
      this.stringIndex(fn),
    );
    this.schedule();
  }

  /** A pool task started on this worker: a packed record. */
  packPoolStart(site: TraceSite, task: number, t: number): void {
    if (!this.room()) return;
    this.packed.push(PACKED_POOL_START, t, this.objectIndex(site), task);
    this.schedule();
  }

  /** A pool task that succeeded on this worker: a packed record. */
  packPoolDone(site: TraceSite, task: number, t: number, duration: number): void {
    if (!this.room()) return;
    this.packed.push(PACKED_POOL_DONE, t, this.objectIndex(site), task, duration);
    this.schedule();
  }

  /** A manager's answer to a proxy call: a packed record. */
  packManagerCall(
    obj: string | undefined,
    server: number,
    method: string,
    duration: number,
    ok: boolean,
  ): void {
    if (!this.room()) return;
    this.packed.push(
      PACKED_MANAGER_CALL,
      now(),
      obj === undefined ? -1 : this.stringIndex(obj),
      server,
      this.stringIndex(method),
      duration,
      ok ? 1 : 0,
    );
    this.schedule();
  }

  /** Counts a record about to be packed, or a drop when the buffer is full. */
  private room(): boolean {
    if (this.records >= MAX_BUFFERED_RECORDS) {
      this.dropped++;
      return false;
    }
    this.records++;
    return true;
  }

  /** Index of a string (a name, an id) in this batch's table, added once per batch. */
  private stringIndex(text: string): number {
    let index = this.strings.get(text);
    if (index === undefined) {
      index = this.objects.length;
      this.objects.push(text);
      this.strings.set(text, index);
    }
    return index;
  }

  private objectIndex(site: TraceSite): number {
    if (site.batchEpoch !== this.epoch) {
      site.batchEpoch = this.epoch;
      site.batchIndex = this.objects.length;
      this.objects.push(site.obj);
    }
    return site.batchIndex;
  }

  /** Hands everything recorded so far to the hub connection. */
  /** `force`: at exit, send even into a backed-up connection (it is drained before closing). */
  flush(p: number, force = false): void {
    this.scheduled = false;
    const client = this.client;
    if (!client) return;
    if (this.dropped > 0) {
      this.events.push({ type: "trace.dropped", t: now(), p, count: this.dropped });
      this.lost += this.dropped;
      this.dropped = 0;
    }
    if (this.records === 0 && this.events.length === 0) return;
    if (client.congested && !force) {
      // Keep buffering (bounded) until the socket drains.
      this.scheduled = true;
      void client.drained().then(() => this.flush(p));
      return;
    }
    const batch: TraceBatch = {
      p,
      events: this.events,
      packed: this.packed,
      objects: this.objects,
    };
    // What the batch stands for, readable without decoding it: whoever has to drop it (a hub
    // whose collector lags, a collector past its budget) counts what it drops — the events
    // in it and those this recorder had dropped before.
    const header = { type: "trace", n: this.records, lost: this.lost };
    this.lost = 0;
    this.events = [];
    this.packed = [];
    this.objects = [];
    this.strings.clear();
    this.records = 0;
    this.epoch++;
    client.send(header, v8.serialize(batch));
  }

  private schedule(): void {
    if (this.records >= FLUSH_RECORDS && this.client && !this.client.congested) {
      this.flush(this.processNumber());
      return;
    }
    if (this.scheduled || !this.client) return;
    this.scheduled = true;
    // Every few milliseconds, not every turn: a program doing many quick round trips
    // would otherwise wake the hub and the collector for each. Still ~100 updates/s live.
    setTimeout(() => this.flush(this.processNumber()), FLUSH_INTERVAL_MS).unref();
  }

  processNumber: () => number = () => 0;
}
