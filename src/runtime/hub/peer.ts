/** One connected process, as the hub sees it. */
import type * as net from "node:net";
import { encodeFrame, type FrameHeader } from "../framing";

/** Peers with output waiting, written together after each chunk of input is handled. */
const dirty = new Set<Peer>();

/**
 * Writes every peer's waiting output now. Servers call it once they have handled a chunk
 * of input: answers go out without waiting for the next turn of the event loop, and the
 * answers to one chunk still leave in one write per peer.
 */
export function flushPeers(): void {
  for (const peer of dirty) peer.flush();
  dirty.clear();
}

export class Peer {
  /** Display number (1 = root); 0 until welcomed. */
  number = 0;
  pid = 0;
  saidBye = false;
  /** When the hub last heard from this process (ms, wall clock), answers to probes aside. */
  lastFrameAt = Date.now();
  /** The last answer to "idle?" (deadlock.ts): when, and what else it had pending. */
  idle: { at: number; pending: string[] } | null = null;
  /** Whether an "idle?" is out and unanswered. */
  probed = false;
  private readonly out: Buffer[] = [];
  private scheduled = false;

  constructor(readonly socket: net.Socket) {}

  send(header: FrameHeader, body?: Buffer | null): void {
    for (const chunk of encodeFrame(header, body)) this.out.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      dirty.add(this);
      // Output made outside input handling (timers, deaths) still leaves within a turn.
      setImmediate(() => this.flush());
    }
  }

  reply(req: number, fields: Record<string, unknown> = {}, body?: Buffer | null): void {
    this.send({ type: "reply", req, ...fields }, body);
  }

  flush(): void {
    this.scheduled = false;
    if (this.out.length === 0 || this.socket.destroyed) return;
    this.socket.cork();
    for (const chunk of this.out) this.socket.write(chunk);
    this.socket.uncork();
    this.out.length = 0;
  }
}
