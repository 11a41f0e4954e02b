/**
 * `Pipe()` and `Connection`: Python's two-ended pipe. Each end has an inbox in the hub;
 * `send` on one end puts into the other end's inbox. An end counts as open in every process
 * holding it; `recv` on a drained end whose other end is closed everywhere rejects `EOFError`.
 */
import { context, record } from "./context";
import { ChannelReader } from "./channel-reader";
import { sendMessage, backPressure } from "./channel-writer";
import { TO_HANDLE, registerReviver, type Handle } from "./clone";
import { Empty, ValueError } from "./errors";
import { callerLocation } from "./callsite";
import { noteSharedWriter } from "./handles";
import { TraceSite } from "./recorder";
import type { ObjectCreateEvent } from "../protocol/trace";

export class Connection<T = unknown> {
  private reader: ChannelReader | null = null;
  private closedHere = false;
  private sendSite: TraceSite | null = null;

  /** @internal Use `Pipe()`. */
  constructor(
    /** This end's id (its inbox in the hub). */
    readonly id: string,
    /** The other end's id (where `send` delivers). */
    readonly peerId: string,
    readonly readable: boolean,
    readonly writable: boolean,
  ) {}

  get closed(): boolean {
    return this.closedHere;
  }

  /** Sends a copy of `value` to the other end. Never waits (the pipe is unbounded). */
  send(value: T): void {
    this.check("send", this.writable);
    sendMessage(context.client, this.outbox(), value, "Connection.send(value)");
  }

  /** Receives the next value, waiting for one; `EOFError` once the other end is closed. */
  recv(): Promise<T> {
    try {
      this.check("recv", this.readable);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const ready = this.inbox().takeReady();
    if (ready) return Promise.resolve(ready.value as T);
    return this.inbox()
      .take("recv")
      .then((item) => item.value as T);
  }

  sendBytes(buffer: Uint8Array, offset = 0, size?: number): void {
    if (!(buffer instanceof Uint8Array)) {
      throw new TypeError("sendBytes() takes a Buffer or Uint8Array");
    }
    const end = size === undefined ? buffer.length : offset + size;
    if (offset < 0 || end > buffer.length || end < offset) {
      throw new ValueError(
        `sendBytes(): offset ${offset} and size ${size} do not fit a buffer of ${buffer.length} bytes`,
      );
    }
    this.check("send", this.writable);
    sendMessage(
      context.client,
      this.outbox(),
      Buffer.from(buffer.subarray(offset, end)),
      "Connection.sendBytes(buffer)",
    );
  }

  async recvBytes(): Promise<Buffer> {
    const value = (await this.recv()) as unknown;
    if (!(value instanceof Uint8Array)) {
      throw new ValueError(
        "recvBytes(): the message received was not bytes (it was sent with send())",
      );
    }
    return Buffer.isBuffer(value) ? value : Buffer.from(value);
  }

  /** Whether data (or end-of-file) is available, waiting up to `timeout` seconds (default 0). */
  async poll(timeout: number | null = 0): Promise<boolean> {
    this.check("poll", this.readable);
    return this.inbox().poll(timeout);
  }

  /** Closes this process's handle on this end. */
  close(): void {
    if (this.closedHere) return;
    this.closedHere = true;
    if (this.writable) context.client.send({ type: "handle-close", obj: this.peerId });
  }

  /** Waits while the connection to the hub is backed up. */
  async drain(): Promise<void> {
    await backPressure(context.client);
  }

  [TO_HANDLE](): Handle {
    if (this.writable) noteSharedWriter(this.peerId);
    return {
      $procscope: "connection",
      id: this.id,
      peerId: this.peerId,
      readable: this.readable,
      writable: this.writable,
    };
  }

  private check(op: string, allowed: boolean): void {
    if (this.closedHere) throw new ValueError(`cannot ${op}: this connection is closed`);
    if (!allowed) {
      throw new ValueError(
        `cannot ${op}: this end of a one-way pipe is ${this.readable ? "read" : "write"}-only`,
      );
    }
  }

  private outbox(): TraceSite {
    this.sendSite ??= new TraceSite(this.peerId);
    return this.sendSite;
  }

  private inbox(): ChannelReader {
    if (!this.reader)
      this.reader = new ChannelReader(
        context.client,
        this.id,
        () => new Empty(`nothing to receive on ${this.id}`),
      );
    return this.reader;
  }
}

/**
 * Python's `Pipe(duplex=True)`: two connected ends. With `duplex = false` the first end
 * only receives and the second only sends.
 */
export function Pipe<T = unknown>(duplex = true): [Connection<T>, Connection<T>] {
  const base = context.nextObjectId();
  const a = `${base}a`;
  const b = `${base}b`;
  void context.ensureConnected();
  const loc = context.tracing ? callerLocation() : undefined;
  const first = new Connection<T>(a, b, true, duplex);
  const second = new Connection<T>(b, a, duplex, true);
  for (const end of [first, second]) {
    context.client.send({ type: "channel", obj: end.id, maxsize: 0, pipe: true });
    // This process holds both ends: it may write into the inbox of each writable end's peer.
    if (end.writable) context.client.send({ type: "handle-open", obj: end.peerId });
    record<ObjectCreateEvent>({
      type: "object.create",
      obj: end.id,
      kind: "pipe",
      peer: end.peerId,
      loc,
    });
  }
  return [first, second];
}

registerReviver(
  "connection",
  (h) =>
    new Connection(
      h.id as string,
      h.peerId as string,
      h.readable as boolean,
      h.writable as boolean,
    ),
);
