/**
 * Lock ownership and wait lists, kept in the hub.
 *
 * The hub knows who holds each lock and who waits for it, so every grant can say which
 * processes held the lock while the requester waited — the "who waits on whom" of the
 * lock-contention view.
 */
import type { Peer } from "./peer";

interface Waiter {
  peer: Peer;
  req: number;
  /** Processes that held the lock during this wait, in order. */
  heldBy: number[];
}

export class LockState {
  owner: Peer | null = null;
  private readonly waiters: Waiter[] = [];

  constructor(readonly id: string) {}

  acquire(peer: Peer, req: number, nowait: boolean): void {
    if (this.owner === null) {
      this.owner = peer;
      peer.reply(req, { granted: true, heldBy: [] });
    } else if (nowait) {
      peer.reply(req, { granted: false, heldBy: [this.owner.number] });
    } else {
      this.waiters.push({ peer, req, heldBy: [this.owner.number] });
    }
  }

  /** Returns false when `peer` did not hold the lock. */
  release(peer: Peer): boolean {
    if (this.owner !== peer) return false;
    this.handOver(false);
    return true;
  }

  cancel(peer: Peer, req: number): boolean {
    const index = this.waiters.findIndex((w) => w.peer === peer && w.req === req);
    if (index < 0) return false;
    const [waiter] = this.waiters.splice(index, 1);
    peer.reply(req, { granted: false, cancelled: true, heldBy: waiter.heldBy });
    return true;
  }

  /** A process is gone. Returns true when it died holding the lock. */
  dropPeer(peer: Peer): boolean {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].peer === peer) this.waiters.splice(i, 1);
    }
    if (this.owner !== peer) return false;
    this.handOver(true);
    return true;
  }

  private handOver(holderDied: boolean): void {
    const next = this.waiters.shift();
    this.owner = next ? next.peer : null;
    if (!next) return;
    for (const waiter of this.waiters) waiter.heldBy.push(next.peer.number);
    next.peer.reply(next.req, { granted: true, heldBy: next.heldBy, holderDied });
  }
}
