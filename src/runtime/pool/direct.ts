/**
 * A pool's own line to one of its workers: the socket pair the worker was started with
 * (`Process` option `direct`), carrying tasks one way and results the other.
 *
 * Through the hub, a task and its result take four hops (pool → hub → worker → hub →
 * pool), each a wake-up of a sleeping process; on this line they take two, as in Python's
 * pool, and the hub never copies them. The line speaks the runtime's own framing and
 * batches (`HubClient`, `appendMessage`), so values are checked, limited and encoded as on
 * a queue, and each direction is a traced object ("tasks of PoolWorker-1", "results") whose
 * sends and receives the trace shows as message flows.
 */
import type * as net from "node:net";
import { HubClient } from "../hub-client";
import { sendMessage } from "../channel-writer";
import { readBatch, recordReceive, type Item } from "../channel-reader";
import { context } from "../context";
import { TraceSite } from "../recorder";

export interface LineEnds {
  /** The traced object this end sends on … */
  out: string;
  /** … and the one it receives on. */
  in: string;
}

export class DirectLine {
  private readonly link = new HubClient();
  private readonly outSite: TraceSite;
  private readonly inSite: TraceSite;
  private ended!: () => void;
  /** Resolves once the other end is gone and everything it sent has been handed over. */
  readonly closed = new Promise<void>((resolve) => (this.ended = resolve));

  /**
   * `onBroken` hears why, when the line ends other than by the other end closing it: a
   * frame that cannot be read. The line is closed then, and nothing more arrives.
   */
  constructor(
    socket: net.Socket,
    otherEnd: string,
    ends: LineEnds,
    onItems: (items: Item[]) => void,
    onBroken: (reason: string) => void,
  ) {
    this.outSite = new TraceSite(ends.out);
    this.inSite = new TraceSite(ends.in);
    this.link.serverName = otherEnd;
    this.link.closedReason = `connection to ${otherEnd} closed`;
    this.link.onLost = (reason) => {
      if (reason !== this.link.closedReason) onBroken(reason);
      this.ended();
    };
    this.link.on("put", (frame) => {
      if (frame.body) onItems(readBatch(frame.body, frame.header.count as number));
    });
    this.link.attach(socket);
  }

  /** Queues a message (written at the end of this turn, or by `flush`). Throws as `put` would. */
  send(value: unknown, where: string, prechecked?: number): void {
    sendMessage(this.link, this.outSite, value, where, prechecked);
  }

  /** Hands everything queued to the OS now. */
  flush(): void {
    this.link.flush();
  }

  /** Records that this process took `item`, having waited since `started` (-1: no wait). */
  taken(item: Item, started: number): void {
    if (context.tracing) recordReceive(this.inSite, item, started);
  }

  /** Closes this end now; nothing more is sent or received. */
  close(): void {
    this.link.fail(new Error("the line was closed"));
  }

  /** Keeps this process alive while `on` (something is expected from the other end). */
  keepAlive(on: boolean): void {
    this.link.keepAlive(on);
  }
}
