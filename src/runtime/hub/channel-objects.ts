/** The hub's (or a manager's) queues and pipe ends: the frames that reach them. */
import type { Frame } from "../framing";
import type { Peer } from "./peer";
import { Channel, type ChannelEvents } from "./channels";
import { obtain } from "./sync-objects";
import type { Actor, BlockedWait } from "./deadlock";

export interface ChannelWarnings extends ChannelEvents {
  taskDoneExtra(peer: Peer, obj: string): void;
}

export class ChannelObjects {
  readonly channels = new Map<string, Channel>();

  constructor(private readonly warnings: ChannelWarnings) {}

  /** Handles a frame if it is one of ours; returns false otherwise. */
  handle(peer: Peer, frame: Frame): boolean {
    const h = frame.header;
    const req = h.req as number;
    const obj = h.obj as string;
    switch (h.type) {
      case "channel":
        this.channel(obj, h.maxsize as number, h.pipe as boolean);
        return true;
      case "put": {
        if (!frame.body) return true;
        const segment = { body: frame.body, count: h.count as number };
        if (typeof h.req === "number")
          this.channel(obj).putBounded(peer, req, segment, h.nowait === true);
        else this.channel(obj).put(segment);
        return true;
      }
      case "demand":
        this.channel(obj).demand(
          peer,
          req,
          h.max as number,
          h.nowait === true,
          h.timed === true,
          h.loc as string | undefined,
        );
        return true;
      case "consumed":
        this.channel(obj).consumed(peer, h.count as number);
        return true;
      case "return":
        if (frame.body) {
          this.channel(obj).returned(peer, { body: frame.body, count: h.count as number });
        } else {
          this.channel(obj).recallAnswered(peer);
        }
        return true;
      case "qsize":
        peer.reply(req, { size: this.channel(obj).qsize() });
        return true;
      case "task-done":
        if (!this.channel(obj).taskDone(h.count as number)) this.warnings.taskDoneExtra(peer, obj);
        return true;
      case "join-queue":
        this.channel(obj).join(peer, req);
        return true;
      case "handle-open":
        this.channel(obj, 0, true).addWriter(typeof h.pid === "number" ? h.pid : peer);
        return true;
      case "handle-close":
        this.channel(obj, 0, true).removeWriter(peer);
        return true;
      default:
        return false;
    }
  }

  /** Returns false when `obj` is not a channel. */
  cancel(peer: Peer, obj: string, req: number): boolean {
    const channel = this.channels.get(obj);
    channel?.cancel(peer, req);
    return channel !== undefined;
  }

  dropPeer(peer: Peer): void {
    for (const channel of this.channels.values()) channel.dropPeer(peer, this.warnings);
  }

  blockedWaits(live: Actor[]): BlockedWait[] {
    return [...this.channels.values()].flatMap((channel) => channel.blockedWaits(live));
  }

  /** A pending pid connected: its pipe-end holdings move to its peer. */
  adopt(pid: number, peer: Peer): void {
    for (const channel of this.channels.values()) channel.adoptWriter(pid, peer);
  }

  /** A process that never connected is gone: it holds no pipe end any more. */
  forget(pid: number): void {
    for (const channel of this.channels.values()) channel.removeWriter(pid, true);
  }

  /** A child is handed pipe ends at spawn: it holds them before it connects. */
  preRegister(pid: number, objs: string[]): void {
    for (const obj of objs) this.channel(obj, 0, true).addWriter(pid);
  }

  private channel(id: string, maxsize = 0, pipe = false): Channel {
    return obtain(this.channels, id, () => new Channel(id, maxsize, pipe));
  }
}
