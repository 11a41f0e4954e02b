/**
 * A process's one connection to the run's hub.
 *
 * Everything a process says to the hub goes through `HubClient`: control frames, batches of
 * messages, trace events. Writes are coalesced and flushed once per turn of the event loop
 * (or sooner when a batch grows large), in the order they were made. Requests carry a
 * number (`req`) and are answered by a `reply` with the same number.
 */
import * as net from "node:net";
import * as v8 from "node:v8";
import { encodeFrame, FrameReader, type Frame, type FrameHeader } from "./framing";
import { walkValue, Walk, toWire, lastWalkBulkBytes, lastWalkSizeEstimate } from "./clone";
import { LARGE_MESSAGE_ESTIMATE, checkMessageSize } from "./limits";

export interface Reply {
  header: FrameHeader;
  body: Buffer | null;
}

interface PendingReply {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

/** Messages to one queue or pipe, written into one serializer until sealed. */
interface OpenBatch {
  obj: string;
  serializer: v8.Serializer;
  count: number;
  /** Approximate bulk (strings, binary data) written so far. */
  bytes: number;
  seen: Map<object, number>;
}

/**
 * Seal a batch after this many messages, or this many bytes of strings and binary data, so
 * that receivers get a steady stream and big messages flow while later ones are written.
 */
const MAX_BATCH_MESSAGES = 2048;
const MAX_BATCH_BYTES = 256 * 1024;
/** The longest a frame sent with `sendWhileUnanswered` waits for another write to go with. */
const UNHURRIED_MS = 50;
/** Flush synchronously once this much is waiting. */
const FLUSH_BYTES = 1 << 20;
/** Above this many unsent bytes in the socket, producers are asked to wait for drain. */
const HIGH_WATER_BYTES = 16 << 20;

export type UnsolicitedHandler = (frame: Frame) => void;

export class HubClient {
  private socket: net.Socket | null = null;
  private readonly queued: Buffer[] = [];
  private queuedBytes = 0;
  private flushScheduled = false;
  private batch: OpenBatch | null = null;
  private nextRequest = 1;
  private readonly replies = new Map<number, PendingReply>();
  private readonly handlers = new Map<string, UnsolicitedHandler>();
  private readonly reader = new FrameReader();
  private closed = false;
  private drainWaiters: Array<() => void> = [];
  /** How errors name the other end ("the procscope hub", "the manager at …"). */
  serverName = "the procscope hub";
  /**
   * Whether to retry, for a while, a connection refused or a socket not there yet: the hub
   * may still be starting. A manager listens before anyone learns its address, so a
   * refusal means it is gone, and is reported at once.
   */
  waitForServer = true;
  /** Run before each write: state reports that must precede what was queued (see `sendFirst`). */
  readonly beforeFlush: Array<() => void> = [];

  /** Makes sure a flush happens by the end of this turn of the event loop. */
  flushSoon(): void {
    this.scheduleFlush();
  }

  /** Queues a control frame ahead of everything not yet written. */
  sendFirst(header: FrameHeader): void {
    const chunks = encodeFrame(header);
    for (const chunk of chunks) this.queuedBytes += chunk.length;
    this.queued.unshift(...chunks);
    this.scheduleFlush();
  }

  /** Told of every request and its answer (manager links record each proxy call). */
  observer: ((header: FrameHeader, durationNs: number, reply: Reply) => void) | null = null;
  /** What `onLost` is told when the connection closes. */
  closedReason = "connection to the hub closed";
  /** Called when the hub goes away without this process having said goodbye. */
  onLost: (reason: string) => void = () => undefined;

  /** Connects and performs the hello/welcome handshake. */
  async connect(path: string, hello: FrameHeader): Promise<FrameHeader> {
    return (await this.connectWithBody(path, hello)).header;
  }

  /** Like `connect`, also returning the welcome's body. */
  async connectWithBody(
    target: SocketTarget,
    hello: FrameHeader | ((challenge: FrameHeader) => FrameHeader),
  ): Promise<Reply> {
    const socket = await connectWithRetry(target, this.waitForServer);
    // `this.socket` is set only once the hello is written: until then, queued frames wait.
    this.listen(socket);
    // A manager speaks first: a challenge our hello must answer (see manager/auth.ts).
    let helloHeader: FrameHeader;
    if (typeof hello === "function") {
      const challenge = await new Promise<FrameHeader>((resolve, reject) => {
        this.handlers.set("challenge", (frame) => resolve(frame.header));
        socket.once("close", () =>
          reject(new Error(`${this.serverName} closed the connection during the handshake`)),
        );
      });
      this.handlers.delete("challenge");
      helloHeader = hello(challenge);
    } else {
      helloHeader = hello;
    }
    // The hello goes first, ahead of anything queued before the socket existed.
    this.socket = socket;
    const req = this.nextRequest++;
    const welcome = new Promise<Reply>((resolve, reject) =>
      this.replies.set(req, { resolve, reject }),
    );
    for (const chunk of encodeFrame({ ...helloHeader, req })) socket.write(chunk);
    this.flush();
    this.updateRef();
    return welcome;
  }

  /**
   * Speaks over a socket that is already connected and trusted, with no hello: one end of a
   * socket pair a process was started with (a pool and its worker, pool/direct.ts).
   */
  attach(socket: net.Socket): void {
    this.listen(socket);
    this.socket = socket;
    this.flush();
    this.updateRef();
  }

  private listen(socket: net.Socket): void {
    socket.setNoDelay?.(true);
    socket.on("data", (chunk: Buffer) => {
      try {
        this.reader.push(chunk, (frame) => this.dispatch(frame));
      } catch (error) {
        socket.destroy();
        this.onLost(`bad frame from ${this.serverName}: ${(error as Error).message}`);
      }
    });
    socket.on("drain", () => {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const wake of waiters) wake();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      const wasClosed = this.closed;
      this.closed = true;
      const lost = new Error(`${this.serverName} went away`);
      for (const pending of this.replies.values()) pending.reject(lost);
      this.replies.clear();
      if (!wasClosed) this.onLost(this.closedReason);
    });
  }

  /** Keeps the process alive while `on`, idle or not (a pool with tasks out, say). */
  keepAlive(on: boolean): void {
    if (this.kept === on) return;
    this.kept = on;
    this.updateRef();
  }

  private kept = false;

  get connected(): boolean {
    return this.socket !== null && !this.closed;
  }

  /** The connection could not be made: every request waiting (or to come) rejects with `error`. */
  fail(error: Error): void {
    this.closed = true;
    this.failure = error;
    for (const pending of this.replies.values()) pending.reject(error);
    this.replies.clear();
    this.socket?.destroy();
  }

  private failure: Error | null = null;

  /** Registers the handler for unsolicited frames of one type (e.g. `recall`). */
  on(type: string, handler: UnsolicitedHandler): void {
    this.handlers.set(type, handler);
  }

  /** Sends a control frame (after any open batch, keeping order). */
  send(header: FrameHeader, body?: Buffer | null): void {
    this.sealBatch();
    this.enqueue(encodeFrame(header, body));
  }

  /**
   * Queues a frame about request `req` that matters only while it waits for its answer and
   * is not worth a write of its own: it leaves with the next write, or within `UNHURRIED_MS`
   * when nothing else is written, and not at all if the answer came first.
   */
  sendWhileUnanswered(req: number, header: FrameHeader): void {
    this.whileUnanswered.push({ req, header });
    if (this.unhurriedTimer === null) {
      this.unhurriedTimer = setTimeout(() => {
        this.unhurriedTimer = null;
        this.flush();
      }, UNHURRIED_MS);
    }
  }

  private readonly whileUnanswered: Array<{ req: number; header: FrameHeader }> = [];
  private unhurriedTimer: NodeJS.Timeout | null = null;

  /** Sends a request and resolves with its reply. */
  request(header: FrameHeader, body?: Buffer | null): Promise<Reply> {
    const req = this.nextRequest++;
    const promise = new Promise<Reply>((resolve, reject) => {
      if (this.closed) {
        reject(this.failure ?? new Error(`${this.serverName} went away`));
        return;
      }
      this.replies.set(req, { resolve, reject });
    });
    this.send({ ...header, req }, body);
    // Whoever asks waits for the answer: write now rather than at the end of this turn.
    if (this.socket) this.flush();
    this.updateRef();
    const observer = this.observer;
    if (!observer) return promise;
    const started = process.hrtime.bigint();
    return promise.then((reply) => {
      observer(header, Number(process.hrtime.bigint() - started), reply);
      return reply;
    });
  }

  /** The number the next `request` will carry (for cancelling it). */
  peekRequestNumber(): number {
    return this.nextRequest;
  }

  /**
   * Appends one message to the batch for `obj`. Throws `PicklingError` (from the walk)
   * before anything is written when the value cannot cross a process boundary.
   */
  appendMessage(
    obj: string,
    value: unknown,
    sender: number,
    seq: number,
    where: string,
    prechecked?: number,
  ): void {
    let batch = this.batch;
    if (batch && batch.obj !== obj) {
      this.sealBatch();
      batch = null;
    }
    if (!batch) batch = this.openBatch(obj);
    if (prechecked !== undefined) {
      if (prechecked >= LARGE_MESSAGE_ESTIMATE) {
        checkMessageSize(prechecked, where, true);
        this.appendLarge(obj, value, sender, seq, false, where);
        return;
      }
      // Walked by the caller and made only of fresh objects: nothing to share or swap.
      batch.serializer.writeUint32(sender);
      batch.serializer.writeUint32(seq);
      batch.serializer.writeUint32(0);
      batch.serializer.writeValue(value);
      this.endMessage(batch, prechecked);
      return;
    }
    let walked = walkValue(value, where, "send", batch.seen, seq);
    if (walked & Walk.SeenInBatch) {
      // Shares an object with an earlier message of this batch: cut the batch so the
      // receiver gets two independent copies, as with two separate pickles.
      this.sealBatch();
      batch = this.openBatch(obj);
      walked = walkValue(value, where, "send", batch.seen, seq);
    }
    const hasHandles = (walked & Walk.HasHandles) !== 0;
    if (lastWalkSizeEstimate() >= LARGE_MESSAGE_ESTIMATE) {
      checkMessageSize(lastWalkBulkBytes(), where, true);
      this.appendLarge(obj, hasHandles ? toWire(value) : value, sender, seq, hasHandles, where);
      return;
    }
    batch.serializer.writeUint32(sender);
    batch.serializer.writeUint32(seq);
    batch.serializer.writeUint32(hasHandles ? 1 : 0);
    batch.serializer.writeValue(hasHandles ? toWire(value) : value);
    this.endMessage(batch, lastWalkBulkBytes());
  }

  /**
   * A message that may be large travels as a batch of its own, serialized here and measured:
   * over `MAX_MESSAGE_BYTES` it is refused (ValueError) before anything of it is sent, and the
   * messages before it still go, in order.
   */
  private appendLarge(
    obj: string,
    wire: unknown,
    sender: number,
    seq: number,
    hasHandles: boolean,
    where: string,
  ): void {
    const serializer = new v8.DefaultSerializer();
    serializer.writeHeader();
    serializer.writeUint32(sender);
    serializer.writeUint32(seq);
    serializer.writeUint32(hasHandles ? 1 : 0);
    serializer.writeValue(wire);
    const body = serializer.releaseBuffer();
    checkMessageSize(body.length, where);
    this.sealBatch();
    this.enqueue(encodeFrame({ type: "put", obj, count: 1 }, body));
  }

  private endMessage(batch: OpenBatch, bulkBytes: number): void {
    batch.count++;
    batch.bytes += bulkBytes;
    if (batch.count >= MAX_BATCH_MESSAGES || batch.bytes >= MAX_BATCH_BYTES) this.sealBatch();
    this.scheduleFlush();
  }

  /** True when the socket is backed up and producers should wait for `drained()`. */
  get congested(): boolean {
    return this.socket !== null && this.socket.writableLength > HIGH_WATER_BYTES;
  }

  drained(): Promise<void> {
    if (!this.congested) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Writes everything queued now. */
  flush(): void {
    this.flushScheduled = false;
    this.sealBatch();
    if (this.whileUnanswered.length > 0) {
      for (const { req, header } of this.whileUnanswered) {
        if (this.replies.has(req)) this.enqueueQuietly(encodeFrame(header));
      }
      this.whileUnanswered.length = 0;
    }
    for (const hook of this.beforeFlush) hook();
    const socket = this.socket;
    if (!socket || this.closed || this.queued.length === 0) return;
    socket.cork();
    for (const chunk of this.queued) socket.write(chunk);
    socket.uncork();
    this.queued.length = 0;
    this.queuedBytes = 0;
    this.updateRef();
  }

  /** Flushes, says goodbye and waits until every byte has left this process. */
  async close(): Promise<void> {
    if (!this.socket || this.closed) return;
    this.send({ type: "bye" });
    this.flush();
    this.closed = true;
    const socket = this.socket;
    // Keep the process alive until the goodbye has left: an idle socket is unref'd.
    socket.ref();
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.end();
    });
  }

  private openBatch(obj: string): OpenBatch {
    const serializer = new v8.DefaultSerializer();
    serializer.writeHeader();
    this.batch = { obj, serializer, count: 0, bytes: 0, seen: new Map() };
    return this.batch;
  }

  private sealBatch(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    if (batch.count === 0) return;
    const body = batch.serializer.releaseBuffer();
    this.enqueue(encodeFrame({ type: "put", obj: batch.obj, count: batch.count }, body));
  }

  /** Queues without scheduling a write (the caller is writing). */
  private enqueueQuietly(chunks: Buffer[]): void {
    for (const chunk of chunks) {
      this.queued.push(chunk);
      this.queuedBytes += chunk.length;
    }
  }

  private enqueue(chunks: Buffer[]): void {
    for (const chunk of chunks) {
      this.queued.push(chunk);
      this.queuedBytes += chunk.length;
    }
    if (this.queuedBytes >= FLUSH_BYTES) this.flush();
    else this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private dispatch(frame: Frame): void {
    const { header } = frame;
    if (header.type === "reply") {
      const req = header.req as number;
      const pending = this.replies.get(req);
      if (!pending) return;
      this.replies.delete(req);
      this.updateRef();
      pending.resolve({ header, body: frame.body });
      return;
    }
    this.handlers.get(header.type)?.(frame);
  }

  /**
   * The socket keeps the process alive only while an answer is awaited or bytes wait to be
   * written: a finished program must be free to exit.
   */
  private updateRef(): void {
    const socket = this.socket;
    if (!socket || this.closed) return;
    if (this.replies.size > 0 || this.queued.length > 0 || this.pinned > 0 || this.kept) {
      socket.ref();
    } else socket.unref();
  }

  private pinned = 0;

  /** Keeps the process alive while `fn`'s promise is pending (e.g. a local wait). */
  async pin<T>(fn: () => Promise<T>): Promise<T> {
    this.pinned++;
    this.updateRef();
    try {
      return await fn();
    } finally {
      this.pinned--;
      this.updateRef();
    }
  }
}

/** A Unix socket path, or a TCP address (remote managers). */
export type SocketTarget = string | { host: string; port: number };

async function connectWithRetry(target: SocketTarget, retry: boolean): Promise<net.Socket> {
  const deadline = Date.now() + 10_000;
  const where = typeof target === "string" ? target : `${target.host}:${target.port}`;
  for (;;) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const socket =
          typeof target === "string" ? net.connect(target) : net.connect(target.port, target.host);
        socket.once("connect", () => {
          socket.removeAllListeners("error");
          resolve(socket);
        });
        socket.once("error", reject);
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // EAGAIN: the server is there but its queue of connections not yet accepted is full
      // (hundreds of processes starting at once); it is worth another try in any case.
      const notThereYet = retry && (code === "ENOENT" || code === "ECONNREFUSED");
      if ((!notThereYet && code !== "EAGAIN") || Date.now() > deadline) {
        throw new Error(`cannot reach ${where}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
