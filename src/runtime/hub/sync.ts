/**
 * Locks and semaphores, kept in the hub: the permits, who holds them, and who waits.
 *
 * One state machine serves Lock (1 permit), RLock (1 permit, re-entered inside its owner
 * process without asking the hub), Semaphore and BoundedSemaphore (n permits). Every grant
 * says which processes held the object while the requester waited — the "who waits on
 * whom" of the contention view — and the wait lists feed deadlock detection.
 *
 * Biased ownership (locks only): after a few grants in a row to the same process with no
 * one else asking, the grant says `biased`, and that process acquires and releases the
 * lock locally from then on. When another process asks, the hub sends `revoke`; the owner
 * answers `unbias` once it is not holding the lock, and the lock is the hub's again. Each
 * revocation doubles the streak needed for the next bias, so a contended lock stays here.
 */
import type { Peer } from "./peer";

export type SyncKind = "lock" | "rlock" | "semaphore" | "bounded-semaphore";

export interface Waiter {
  peer: Peer;
  req: number;
  /** Processes that held the object during this wait, in order. */
  heldBy: number[];
  /** The waiter gives up by itself after a while: it cannot be stuck for ever. */
  timed: boolean;
  loc?: string;
}

const FIRST_BIAS_STREAK = 3;
const MAX_BIAS_STREAK = 4096;

export class SyncState {
  /** Permits free now. */
  private value: number;
  readonly holders = new Map<Peer, number>();
  readonly waiters: Waiter[] = [];
  /** The process the lock is biased to, if any. */
  private biasedTo: Peer | null = null;
  /** Whether the biased owner held the lock when it last said. */
  private biasHeld = false;
  private revoking = false;
  private lastGrantee: Peer | null = null;
  private streak = 0;
  private streakNeeded = FIRST_BIAS_STREAK;

  constructor(
    readonly id: string,
    readonly kind: SyncKind,
    readonly initial: number,
  ) {
    this.value = initial;
  }

  get available(): number {
    return this.value;
  }

  acquire(peer: Peer, req: number, nowait: boolean, timed: boolean): void {
    if (peer !== this.lastGrantee) this.streak = 0;
    if (this.value > 0 && this.waiters.length === 0) {
      this.grant(peer, req, [], false);
    } else if (nowait) {
      this.revokeBias();
      peer.reply(req, { granted: false, heldBy: this.holderNumbers() });
    } else {
      this.waiters.push({ peer, req, heldBy: this.holderNumbers(), timed });
      this.revokeBias();
    }
  }

  /**
   * Gives a permit back. Returns an error message when the release is not allowed: a lock
   * released by a process that does not hold it, or a bounded semaphore released above its
   * initial value.
   */
  release(peer: Peer): string | null {
    const held = this.holders.get(peer) ?? 0;
    if (this.kind === "lock" || this.kind === "rlock") {
      if (held === 0) return `release of ${this.id}, which P${peer.number} does not hold`;
    }
    if (this.kind === "bounded-semaphore" && this.value + 1 > this.initial) {
      return `BoundedSemaphore ${this.id} released too many times (its value would exceed ${this.initial})`;
    }
    // A semaphore may be released by a process that did not acquire it: the permit it gives
    // back is then one its oldest holder took, which that holder no longer has (else the
    // holder's death would give the same permit back a second time).
    const from = held > 0 ? peer : this.holders.keys().next().value;
    if (from !== undefined) {
      const count = this.holders.get(from)!;
      if (count > 1) this.holders.set(from, count - 1);
      else this.holders.delete(from);
    }
    this.value++;
    this.handOver(false);
    return null;
  }

  /** The biased owner gave the lock back (it does not hold it). */
  unbias(peer: Peer): void {
    if (this.biasedTo !== peer) return;
    this.biasedTo = null;
    this.revoking = false;
    this.holders.delete(peer);
    this.value = this.initial;
    this.streakNeeded = Math.min(MAX_BIAS_STREAK, this.streakNeeded * 2);
    this.handOver(false);
  }

  biasState(peer: Peer, held: boolean): void {
    if (this.biasedTo === peer) this.biasHeld = held;
  }

  cancel(peer: Peer, req: number): boolean {
    const index = this.waiters.findIndex((w) => w.peer === peer && w.req === req);
    if (index < 0) return false;
    const [waiter] = this.waiters.splice(index, 1);
    peer.reply(req, { granted: false, cancelled: true, heldBy: waiter.heldBy });
    // Someone behind a cancelled waiter may be servable now.
    this.handOver(false);
    return true;
  }

  /**
   * A process is gone. Returns the permits it held that are released now: a lock's always
   * (a robust mutex), a semaphore's only when the process was killed. A process that ended
   * its work keeps what it took from a semaphore, as in Python, where permits belong to no
   * one: a semaphore used as a counter of tokens must not get them back.
   */
  dropPeer(peer: Peer): number {
    const endedNormally = peer.saidBye;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].peer === peer) this.waiters.splice(i, 1);
    }
    if (this.lastGrantee === peer) this.lastGrantee = null;
    if (this.biasedTo === peer) {
      const held = this.biasHeld;
      this.biasedTo = null;
      this.revoking = false;
      this.holders.delete(peer);
      this.value = this.initial;
      this.handOver(held);
      return held ? 1 : 0;
    }
    const held = this.holders.get(peer) ?? 0;
    if (held === 0) return 0;
    this.holders.delete(peer);
    if (endedNormally && this.kind !== "lock" && this.kind !== "rlock") return 0;
    this.value += held;
    this.handOver(true);
    return held;
  }

  holderNumbers(): number[] {
    return [...this.holders.keys()].map((holder) => holder.number);
  }

  private revokeBias(): void {
    if (this.biasedTo === null || this.revoking) return;
    this.revoking = true;
    this.biasedTo.send({ type: "revoke", obj: this.id });
  }

  private grant(peer: Peer, req: number, heldBy: number[], holderDied: boolean): void {
    this.value--;
    this.holders.set(peer, (this.holders.get(peer) ?? 0) + 1);
    this.streak = peer === this.lastGrantee ? this.streak + 1 : 1;
    this.lastGrantee = peer;
    const single = this.kind === "lock" || this.kind === "rlock";
    const biased = single && this.waiters.length === 0 && this.streak >= this.streakNeeded;
    if (biased) {
      this.biasedTo = peer;
      this.biasHeld = true;
    }
    peer.reply(req, { granted: true, heldBy, holderDied, biased });
  }

  private handOver(holderDied: boolean): void {
    while (this.value > 0 && this.waiters.length > 0) {
      const next = this.waiters.shift()!;
      this.grant(next.peer, next.req, next.heldBy, holderDied);
      for (const waiter of this.waiters) waiter.heldBy.push(next.peer.number);
    }
  }
}
