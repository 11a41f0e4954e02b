/**
 * The receiving side of a queue or pipe end in one process.
 *
 * Gets are served from a local buffer of batches handed over by the hub; only when it is
 * empty does the process ask the hub for more (one request in flight at a time, however
 * many gets wait). When the hub recalls the buffer because another process started
 * reading, what is left goes back in order and items are fetched one at a time from then on.
 */
import * as v8 from "node:v8";
import { context, record } from "./context";
import { fromWire } from "./clone";
import { EOFError } from "./errors";
import { timeoutSeconds } from "./limits";
import { callerLocation } from "./callsite";
import type { HubClient, Reply } from "./hub-client";
import { TraceSite } from "./recorder";
import { noteBlockingCall } from "./sync/held";
import type { BlockEvent, MessageReceiveEvent, TimeoutEvent } from "../protocol/trace";

export interface Item {
  value: unknown;
  sender: number;
  seq: number;
  size: number;
}

/** One batch from the hub, read item by item; exhausted when its reader reaches the end. */
interface Cursor {
  reader: v8.Deserializer;
  body: Buffer;
}

interface Waiter {
  resolve(item: Item | null): void;
  reject(error: Error): void;
  op: string;
  started: number;
  loc?: string;
  /** poll(): wake when an item is there, without taking it. */
  peek: boolean;
  timer?: NodeJS.Timeout;
}

export interface TakeOptions {
  block?: boolean;
  /** Seconds; undefined (or null, or Infinity) waits forever. */
  timeout?: number | null;
}

/** Readers by link and object, for the server's `recall`. */
const readers = new Map<HubClient, Map<string, ChannelReader>>();
let giveBackInstalled = false;

/**
 * A process leaving hands back what it fetched and never took, so another reader gets it:
 * prefetching is this runtime's business and must not lose a message.
 */
function giveBackAll(): void {
  for (const [link, onLink] of readers) {
    for (const reader of onLink.values()) reader.giveBackBuffered();
    link.flush();
  }
}

/** Reads the current offset of a v8 deserializer (to size each message exactly). */
function offsetOf(reader: v8.Deserializer): number {
  const internal = reader as unknown as { _readRawBytes?: (length: number) => number };
  return internal._readRawBytes ? internal._readRawBytes(0) : 0;
}

/** Reads the next message of a batch (as `HubClient.appendMessage` wrote it). */
export function readItem(reader: v8.Deserializer): Item {
  const start = offsetOf(reader);
  const sender = reader.readUint32();
  const seq = reader.readUint32();
  const flags = reader.readUint32();
  let value: unknown = reader.readValue();
  const size = offsetOf(reader) - start;
  if (flags & 1) value = fromWire(value);
  return { value, sender, seq, size };
}

/** Records that this process took `item`; `started` is when it began to wait (or -1). */
export function recordReceive(site: TraceSite, item: Item, started: number): void {
  const recorder = context.recorder;
  const t = context.now();
  const wait = started < 0 ? 0 : t - started;
  if (!recorder.receiveWantsDetail(site)) {
    recorder.packReceive(site, item.sender, item.seq, item.size, wait, t);
    return;
  }
  record<MessageReceiveEvent>({
    type: "message.receive",
    t,
    obj: site.obj,
    msg: `${item.sender}:${item.seq}`,
    size: item.size,
    wait,
    loc: callerLocation(),
  });
}

/** Every message of a batch's body, decoded. */
export function readBatch(body: Buffer, count: number): Item[] {
  const reader = new v8.DefaultDeserializer(body);
  reader.readHeader();
  const items = new Array<Item>(count);
  for (let i = 0; i < count; i++) items[i] = readItem(reader);
  return items;
}

export class ChannelReader {
  private readonly cursors: Cursor[] = [];
  private buffered = 0;
  private readonly waiters: Waiter[] = [];
  private demandInFlight: number | null = null;
  private shared = false;
  private unacked = 0;
  private ackScheduled = false;
  private readonly site: TraceSite;

  constructor(
    private readonly link: HubClient,
    readonly obj: string,
    private readonly emptyError: () => Error,
  ) {
    this.site = new TraceSite(obj);
    let onLink = readers.get(link);
    if (!onLink) {
      const mine = new Map<string, ChannelReader>();
      onLink = mine;
      readers.set(link, mine);
      link.on("recall", (frame) => mine.get(frame.header.obj as string)?.recall());
    }
    onLink.set(obj, this);
    if (!giveBackInstalled) {
      giveBackInstalled = true;
      context.beforeShutdown.push(giveBackAll);
    }
  }

  /** Returns buffered, untaken items to the server (at exit). */
  giveBackBuffered(): void {
    if (this.waiters.length === 0) this.giveBack();
  }

  /** The next item if one is here and nobody waits before us (no promise, no clock read). */
  takeReady(): Item | null {
    if (this.buffered === 0 || this.waiters.length > 0) return null;
    const item = this.pop();
    if (context.tracing) this.recordReceive(item, -1);
    return item;
  }

  /** Takes the next item; `op` names the call for the trace ("get", "recv"). */
  async take(op: string, options: TakeOptions = {}): Promise<Item> {
    const tracing = context.tracing;
    const block = options.block ?? true;
    let item: Item;
    // The clock is read only when the call may wait: most gets of a busy queue do not.
    let started = -1;
    if (this.buffered > 0 && this.waiters.length === 0) {
      item = this.pop();
    } else if (!block) {
      if (tracing) started = context.now();
      item = await this.takeNow();
    } else {
      // A bad timeout is refused before anything of the call is recorded.
      const timeout = timeoutSeconds(options.timeout, `${op}()`);
      if (tracing) started = context.now();
      const loc = tracing ? callerLocation() : undefined;
      noteBlockingCall(`${op}()`, this.obj);
      record<BlockEvent>({ type: "object.block", obj: this.obj, op, loc });
      item = (await this.wait(false, timeout, op, loc)) as Item;
    }
    if (tracing) this.recordReceive(item, started);
    return item;
  }

  private recordReceive(item: Item, started: number): void {
    recordReceive(this.site, item, started);
  }

  /** Resolves true once an item is available (or the channel ended), false on timeout. */
  async poll(timeout: number | null | undefined): Promise<boolean> {
    if (this.buffered > 0) return true;
    try {
      await this.wait(true, timeoutSeconds(timeout, "poll()"), "poll");
      return true;
    } catch (error) {
      if (error instanceof EOFError) return true;
      return false;
    }
  }

  private async takeNow(): Promise<Item> {
    if (this.buffered > 0) return this.pop();
    if (this.demandInFlight !== null) throw this.emptyError();
    this.sendAck();
    const reply = await this.link.request({
      type: "demand",
      obj: this.obj,
      max: 1,
      nowait: true,
    });
    this.accept(reply);
    if (reply.header.eof)
      throw new EOFError(`${this.obj}: the other end is closed and nothing is left`);
    if (this.buffered === 0) throw this.emptyError();
    return this.pop();
  }

  private wait(
    peek: boolean,
    timeout: number | undefined,
    op: string,
    loc?: string,
  ): Promise<Item | null> {
    return this.link.pin(
      () =>
        new Promise<Item | null>((resolve, reject) => {
          const waiter: Waiter = { resolve, reject, peek, op, loc, started: context.now() };
          if (timeout !== undefined) {
            waiter.timer = setTimeout(() => this.expire(waiter), Math.max(0, timeout) * 1000);
          }
          this.waiters.push(waiter);
          this.demand();
        }),
    );
  }

  /** Records that `waiter`'s wait ended without an item: its timeout, or EOF. */
  private recordEndWithout(waiter: Waiter, eof?: true): void {
    record<TimeoutEvent>({
      type: "object.timeout",
      obj: this.obj,
      op: waiter.op,
      wait: context.now() - waiter.started,
      ...(eof ? { eof } : {}),
      loc: waiter.loc,
    });
  }

  private expire(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return;
    this.waiters.splice(index, 1);
    this.recordEndWithout(waiter);
    waiter.reject(this.emptyError());
    if (this.waiters.length === 0 && this.demandInFlight !== null) {
      // Nobody here wants the answer any more; what still arrives is kept or returned.
      this.link.send({ type: "cancel", obj: this.obj, target: this.demandInFlight });
    }
  }

  private demand(): void {
    if (this.demandInFlight !== null || this.waiters.length === 0) return;
    this.sendAck();
    const req = this.link.peekRequestNumber();
    this.demandInFlight = req;
    this.link
      .request({
        type: "demand",
        obj: this.obj,
        max: this.shared ? 1 : this.waiters.length,
        // For deadlock detection: whether every waiter here gives up by itself, and where.
        timed: this.waiters.every((waiter) => waiter.timer !== undefined),
        loc: this.waiters[0].loc,
      })
      .then(
        (reply) => {
          this.demandInFlight = null;
          this.accept(reply);
          if (reply.header.eof) {
            const error = new EOFError(`${this.obj}: the other end is closed and nothing is left`);
            for (const waiter of this.waiters.splice(0)) {
              clearTimeout(waiter.timer);
              // The wait's end, so that it does not read as a wait that never ended.
              this.recordEndWithout(waiter, true);
              waiter.reject(error);
            }
            return;
          }
          this.serveWaiters();
          if (this.waiters.length > 0) this.demand();
          else if (this.shared && this.buffered > 0) this.giveBack();
        },
        (error: Error) => {
          this.demandInFlight = null;
          for (const waiter of this.waiters.splice(0)) waiter.reject(error);
        },
      );
  }

  private accept(reply: Reply): void {
    const count = (reply.header.count as number | undefined) ?? 0;
    if (count === 0 || !reply.body) return;
    const lengths = (reply.header.lengths as number[] | undefined) ?? [reply.body.length];
    let offset = 0;
    for (const length of lengths) {
      const body = reply.body.subarray(offset, offset + length);
      offset += length;
      const reader = new v8.DefaultDeserializer(body);
      reader.readHeader();
      this.cursors.push({ reader, body });
    }
    this.buffered += count;
  }

  private pop(): Item {
    const cursor = this.cursors[0];
    const item = readItem(cursor.reader);
    if (offsetOf(cursor.reader) >= cursor.body.length) this.cursors.shift();
    this.buffered--;
    this.unacked++;
    this.scheduleAck();
    return item;
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0 && this.buffered > 0) {
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      if (waiter.peek) waiter.resolve(null);
      else waiter.resolve(this.pop());
    }
  }

  private scheduleAck(): void {
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => this.sendAck());
  }

  /** Reports consumed items now (before a qsize, so that it counts what this process took). */
  flushConsumed(): void {
    this.sendAck();
  }

  private sendAck(): void {
    this.ackScheduled = false;
    if (this.unacked === 0) return;
    this.link.send({ type: "consumed", obj: this.obj, count: this.unacked });
    this.unacked = 0;
  }

  /** Another process reads this channel too: hand back what is buffered here, in order. */
  private recall(): void {
    this.shared = true;
    // The hub's answer to our last demand may have come in just ahead of the recall, in the
    // same read: its items are taken in when its promise settles, after this frame. Answer
    // once every frame read so far has settled, so that those items go back too — answered
    // without them, the hub would serve others later items first.
    setImmediate(() => this.answerRecall());
  }

  private answerRecall(): void {
    this.giveBack();
    // Always answered, even with nothing to give: the hub serves no one until it hears back,
    // so that no reader gets a later item before the recalled earlier ones.
    this.sendAck();
    this.link.send({ type: "return", obj: this.obj, count: 0 });
  }

  private giveBack(): void {
    if (this.buffered === 0) return;
    this.sendAck();
    const writer = new v8.DefaultSerializer();
    writer.writeHeader();
    let count = 0;
    while (this.buffered > 0) {
      const cursor = this.cursors[0];
      const reader = cursor.reader;
      writer.writeUint32(reader.readUint32());
      writer.writeUint32(reader.readUint32());
      writer.writeUint32(reader.readUint32());
      writer.writeValue(reader.readValue());
      if (offsetOf(reader) >= cursor.body.length) this.cursors.shift();
      this.buffered--;
      count++;
    }
    this.link.send({ type: "return", obj: this.obj, count }, writer.releaseBuffer());
  }
}
