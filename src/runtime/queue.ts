/**
 * `Queue`, `JoinableQueue` and `SimpleQueue`: Python's process-safe FIFO queues.
 * Items live in the hub; see channel-reader.ts and hub/channels.ts for how they move.
 */
import { context } from "./context";
import { ChannelReader, type TakeOptions } from "./channel-reader";
import {
  sendMessage,
  encodeSingle,
  recordSend,
  backPressure,
  requestWithTimeout,
} from "./channel-writer";
import { TO_HANDLE, registerReviver, type Handle } from "./clone";
import { Empty, Full, ValueError } from "./errors";
import { timeoutSeconds } from "./limits";
import { createObject } from "./objects";
import { currentLink, revivedVia, withVia } from "./link";
import { TraceSite } from "./recorder";
import type { ObjectKind } from "../protocol/trace";

export interface PutOptions {
  block?: boolean;
  /** Seconds; undefined (or null, or Infinity) waits forever. */
  timeout?: number | null;
}

const RESOLVED: Promise<void> = Promise.resolve();

type QueueKind = Extract<ObjectKind, "queue" | "joinable-queue" | "simple-queue">;

class BaseQueue<T> {
  readonly id: string;
  readonly maxsize: number;
  /** The server the queue lives on: the hub, or a manager. */
  protected readonly link = currentLink();
  private reader: ChannelReader | null = null;
  private closed = false;
  private sendSite: TraceSite | null = null;

  constructor(maxsize: number, kind: QueueKind, existing?: string) {
    if (!Number.isInteger(maxsize)) {
      throw new ValueError(`maxsize must be an integer, got ${String(maxsize)}`);
    }
    // As in Python, a maxsize of 0 or less is no bound at all.
    this.maxsize = Math.max(0, maxsize);
    if (existing) {
      this.id = existing;
      return;
    }
    this.id = createObject(
      kind,
      { type: "channel", maxsize: this.maxsize, pipe: false },
      { maxsize: this.maxsize },
    );
  }

  /** Puts `item` at the tail. On a bounded queue, waits for room (or rejects `Full`). */
  put(item: T, options: PutOptions = {}): Promise<void> {
    if (this.maxsize > 0) return this.putBounded(item, options);
    // The unbounded path allocates no promise of its own: it is the hot path of most programs.
    try {
      this.checkOpen();
      sendMessage(this.link, this.site(), item, "Queue.put(item)");
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return backPressure(this.link) ?? RESOLVED;
  }

  private async putBounded(item: T, options: PutOptions): Promise<void> {
    this.checkOpen();
    const seq = context.nextMessageSeq();
    const body = encodeSingle(item, seq, "Queue.put(item)");
    const started = context.now();
    const block = options.block ?? true;
    const reply = await requestWithTimeout(
      this.link,
      { type: "put", obj: this.id, count: 1, nowait: !block },
      body,
      block ? timeoutSeconds(options.timeout, "put()") : undefined,
    );
    if (!reply.header.ok) throw new Full(`queue ${this.id} is full (maxsize ${this.maxsize})`);
    if (context.tracing) {
      recordSend(this.site(), seq, item, context.now() - started, body.length, started);
    }
  }

  /**
   * @internal Puts on an unbounded queue a value already checked by `walkValue`, holding
   * no object but fresh ones of its own (a pool task of primitives): walking it again would
   * be most of the cost of a trivial task. `bulkBytes`: what that walk measured.
   */
  putPrechecked(item: T, bulkBytes: number): void {
    this.checkOpen();
    sendMessage(this.link, this.site(), item, "Queue.put(item)", bulkBytes);
  }

  /**
   * Puts without waiting. On an unbounded queue it is done when this returns; on a bounded
   * one only the hub knows whether there is room, so the returned promise rejects `Full`.
   */
  putNowait(item: T): Promise<void> {
    if (this.maxsize === 0) {
      this.checkOpen();
      sendMessage(this.link, this.site(), item, "Queue.putNowait(item)");
      return RESOLVED;
    }
    return this.put(item, { block: false });
  }

  /** Removes and returns the head item, waiting for one (or rejects `Empty`). */
  get(options: TakeOptions = {}): Promise<T> {
    // As in Python: close() ends this process's use of the queue, reading too.
    if (this.closed) return Promise.reject(new ValueError(`queue ${this.id} is closed`));
    const reader = this.channelReader();
    const ready = reader.takeReady();
    if (ready) {
      this.onGet();
      return Promise.resolve(ready.value as T);
    }
    return reader.take("get", options).then((item) => {
      this.onGet();
      return item.value as T;
    });
  }

  getNowait(): Promise<T> {
    return this.get({ block: false });
  }

  /** Approximate number of items, as in Python: in the hub plus held unread by readers. */
  async qsize(): Promise<number> {
    this.reader?.flushConsumed();
    const reply = await this.link.request({ type: "qsize", obj: this.id });
    return reply.header.size as number;
  }

  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0;
  }

  async full(): Promise<boolean> {
    return this.maxsize > 0 && (await this.qsize()) >= this.maxsize;
  }

  /**
   * This process will use the queue no more (Python's `close()`): what it put is still
   * delivered; a later put or get here throws `ValueError`.
   */
  close(): void {
    this.closed = true;
    this.link.flush();
  }

  /** Python's `join_thread()`: the data is flushed with the connection; kept for parity. */
  async joinThread(): Promise<void> {
    this.link.flush();
    await backPressure(this.link);
  }

  protected onGet(): void {}

  private site(): TraceSite {
    this.sendSite ??= new TraceSite(this.id);
    return this.sendSite;
  }

  private checkOpen(): void {
    if (this.closed) throw new ValueError(`queue ${this.id} is closed`);
  }

  private channelReader(): ChannelReader {
    if (!this.reader) {
      this.reader = new ChannelReader(
        this.link,
        this.id,
        () => new Empty(`queue ${this.id} is empty`),
      );
    }
    return this.reader;
  }

  protected handle(kind: string): Handle {
    return withVia(this.link, { $procscope: kind, id: this.id, maxsize: this.maxsize });
  }
}

export class Queue<T = unknown> extends BaseQueue<T> {
  constructor(maxsize = 0, existing?: string) {
    super(maxsize, "queue", existing);
  }
  [TO_HANDLE](): Handle {
    return this.handle("queue");
  }
}

export class JoinableQueue<T = unknown> extends BaseQueue<T> {
  /** Items this process took and has not yet marked done. */
  private takenHere = 0;

  constructor(maxsize = 0, existing?: string) {
    super(maxsize, "joinable-queue", existing);
  }

  protected override onGet(): void {
    this.takenHere++;
  }

  /** Marks one task taken from this queue as done. */
  taskDone(): void {
    if (this.takenHere === 0) {
      throw new ValueError(
        "taskDone() called more times than items were taken from the queue here",
      );
    }
    this.takenHere--;
    this.link.send({ type: "task-done", obj: this.id, count: 1 });
  }

  /** Waits until every item ever put has been marked done. */
  async join(): Promise<void> {
    await this.link.request({ type: "join-queue", obj: this.id });
  }

  [TO_HANDLE](): Handle {
    return this.handle("joinable-queue");
  }
}

export class SimpleQueue<T = unknown> extends BaseQueue<T> {
  constructor(existing?: string) {
    super(0, "simple-queue", existing);
  }
  [TO_HANDLE](): Handle {
    return this.handle("simple-queue");
  }
}

registerReviver("queue", (h) =>
  revivedVia(h, () => new Queue(h.maxsize as number, h.id as string)),
);
registerReviver("joinable-queue", (h) =>
  revivedVia(h, () => new JoinableQueue(h.maxsize as number, h.id as string)),
);
registerReviver("simple-queue", (h) => revivedVia(h, () => new SimpleQueue(h.id as string)));
