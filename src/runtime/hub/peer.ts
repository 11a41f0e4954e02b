/** One connected process, as the hub sees it. */
import type * as net from "node:net";
import { encodeFrame, type FrameHeader } from "../framing";

export class Peer {
  /** Display number (1 = root); 0 until welcomed. */
  number = 0;
  pid = 0;
  saidBye = false;
  /** When the hub last heard from this process (ms, wall clock). */
  lastFrameAt = Date.now();
  private readonly out: Buffer[] = [];
  private scheduled = false;

  constructor(readonly socket: net.Socket) {}

  send(header: FrameHeader, body?: Buffer | null): void {
    for (const chunk of encodeFrame(header, body)) this.out.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
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
