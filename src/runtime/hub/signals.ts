/**
 * Events, conditions and barriers, kept in the hub: who waits, and who woke them.
 * A condition's lock is a separate lock object; the condition only keeps its wait list.
 */
import type { Peer } from "./peer";

export interface Sleeper {
  peer: Peer;
  req: number;
  timed: boolean;
  loc?: string;
}

function removeSleeper(list: Sleeper[], peer: Peer, req: number): Sleeper | null {
  const index = list.findIndex((s) => s.peer === peer && s.req === req);
  return index < 0 ? null : list.splice(index, 1)[0];
}

function dropSleepers(list: Sleeper[], peer: Peer): void {
  for (let i = list.length - 1; i >= 0; i--) if (list[i].peer === peer) list.splice(i, 1);
}

export class EventState {
  flag = false;
  readonly sleepers: Sleeper[] = [];
  constructor(readonly id: string) {}

  set(by: Peer): void {
    this.flag = true;
    for (const sleeper of this.sleepers.splice(0)) {
      sleeper.peer.reply(sleeper.req, { set: true, by: by.number });
    }
  }

  clear(): void {
    this.flag = false;
  }

  wait(sleeper: Sleeper): void {
    if (this.flag) sleeper.peer.reply(sleeper.req, { set: true, by: null });
    else this.sleepers.push(sleeper);
  }

  cancel(peer: Peer, req: number): boolean {
    if (!removeSleeper(this.sleepers, peer, req)) return false;
    peer.reply(req, { set: false, cancelled: true });
    return true;
  }

  dropPeer(peer: Peer): void {
    dropSleepers(this.sleepers, peer);
  }
}

export class ConditionState {
  readonly sleepers: Sleeper[] = [];
  constructor(
    readonly id: string,
    readonly lockId: string,
  ) {}

  wait(sleeper: Sleeper): void {
    this.sleepers.push(sleeper);
  }

  notify(count: number, by: Peer): void {
    for (const sleeper of this.sleepers.splice(0, Math.max(0, count))) {
      sleeper.peer.reply(sleeper.req, { woken: true, by: by.number });
    }
  }

  cancel(peer: Peer, req: number): boolean {
    if (!removeSleeper(this.sleepers, peer, req)) return false;
    peer.reply(req, { woken: false, cancelled: true });
    return true;
  }

  dropPeer(peer: Peer): void {
    dropSleepers(this.sleepers, peer);
  }
}

export class BarrierState {
  readonly sleepers: Sleeper[] = [];
  broken = false;

  constructor(
    readonly id: string,
    readonly parties: number,
  ) {}

  wait(sleeper: Sleeper): void {
    if (this.broken) {
      sleeper.peer.reply(sleeper.req, { broken: true });
      return;
    }
    this.sleepers.push(sleeper);
    if (this.sleepers.length < this.parties) return;
    // Everyone is here: each learns its arrival index, 0 … parties-1.
    this.sleepers.splice(0).forEach((s, index) => s.peer.reply(s.req, { index }));
  }

  /** Breaks the barrier: every waiter (now or later, until reset) gets BrokenBarrierError. */
  abort(): void {
    this.broken = true;
    for (const s of this.sleepers.splice(0)) s.peer.reply(s.req, { broken: true });
  }

  reset(): void {
    for (const s of this.sleepers.splice(0)) s.peer.reply(s.req, { broken: true });
    this.broken = false;
  }

  /** A waiter timed out: as in Python, that breaks the barrier for everyone. */
  cancel(peer: Peer, req: number): boolean {
    if (!removeSleeper(this.sleepers, peer, req)) return false;
    peer.reply(req, { broken: true, cancelled: true });
    this.abort();
    return true;
  }

  /** A party died while waiting: the others would wait for ever, so the barrier breaks. */
  dropPeer(peer: Peer): void {
    const before = this.sleepers.length;
    dropSleepers(this.sleepers, peer);
    if (this.sleepers.length !== before) this.abort();
  }
}
