/**
 * Records this process's trace events and sends them to the hub in batches.
 *
 * Following tokio-console's split, the recorder only writes facts down: cheaply, into a
 * bounded buffer, flushed once per turn of the event loop. When the buffer is full it
 * drops events and counts them; the count reaches the user as a `trace.dropped` event.
 * Without a collector (a plain `node` run) it is off and every call returns at once.
 */
import * as v8 from "node:v8";
import { ENV } from "./env";
import type { TraceEvent } from "../protocol/trace";
import type { HubClient } from "./hub-client";
import { now } from "./clock";

/** Events held at most while the connection is slow; beyond this they are dropped. */
const MAX_BUFFERED_EVENTS = 200_000;

/** Detail (preview, source line) is kept for the first few messages per object, then sampled. */
const DETAIL_FIRST = 32;
const DETAIL_EVERY = 256;

export class Recorder {
  readonly enabled = Boolean(process.env[ENV.collector]);
  private events: TraceEvent[] = [];
  private dropped = 0;
  private scheduled = false;
  private client: HubClient | null = null;
  private readonly detailCounts = new Map<string, number>();

  attach(client: HubClient): void {
    this.client = client;
    if (this.events.length > 0) this.schedule();
  }

  record(event: TraceEvent): void {
    if (!this.enabled) return;
    if (this.events.length >= MAX_BUFFERED_EVENTS) {
      this.dropped++;
      return;
    }
    this.events.push(event);
    this.schedule();
  }

  /** Whether this message on `obj` should carry its preview and source line. */
  wantsDetail(obj: string, op: string): boolean {
    if (!this.enabled) return false;
    const key = `${op}:${obj}`;
    const count = (this.detailCounts.get(key) ?? 0) + 1;
    this.detailCounts.set(key, count);
    return count <= DETAIL_FIRST || count % DETAIL_EVERY === 0;
  }

  /** Hands everything recorded so far to the hub connection. */
  flush(p: number): void {
    this.scheduled = false;
    const client = this.client;
    if (!client) return;
    if (this.dropped > 0) {
      this.events.push({ type: "trace.dropped", t: now(), p, count: this.dropped });
      this.dropped = 0;
    }
    if (this.events.length === 0) return;
    if (client.congested) {
      // Keep buffering (bounded) until the socket drains.
      this.scheduled = true;
      void client.drained().then(() => this.flush(p));
      return;
    }
    const batch = this.events;
    this.events = [];
    client.send({ type: "trace" }, v8.serialize(batch));
  }

  private schedule(): void {
    if (this.scheduled || !this.client) return;
    this.scheduled = true;
    setImmediate(() => this.flush(this.processNumber()));
  }

  processNumber: () => number = () => 0;
}
