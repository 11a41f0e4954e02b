/**
 * The hub's synchronization objects and shared values: their requests, their share in a
 * dying process's clean-up, and what their waiters wait for (for deadlock detection).
 */
import type { FrameHeader } from "../framing";
import type { Peer } from "./peer";
import { SyncState, type SyncKind } from "./sync";
import { BarrierState, ConditionState, EventState, type Sleeper } from "./signals";
import { ValueState } from "./values";
import type { Actor, BlockedWait } from "./deadlock";

export interface SyncWarnings {
  holderDied(peer: Peer, obj: string, permits: number): void;
  misuse(peer: Peer, obj: string, message: string): void;
}

/** The entry under `key` (an object's id, a peer), created by `make` on first mention. */
export function obtain<K, T>(map: Map<K, T>, key: K, make: () => T): T {
  let found = map.get(key);
  if (found === undefined) {
    found = make();
    map.set(key, found);
  }
  return found;
}

export class SyncObjects {
  private readonly syncs = new Map<string, SyncState>();
  private readonly events = new Map<string, EventState>();
  private readonly conditions = new Map<string, ConditionState>();
  private readonly barriers = new Map<string, BarrierState>();
  private readonly values = new Map<string, ValueState>();

  constructor(private readonly warnings: SyncWarnings) {}

  /** Handles a frame if it is one of ours; returns false otherwise. */
  handle(peer: Peer, h: FrameHeader): boolean {
    const obj = h.obj as string;
    const req = h.req as number;
    const sleeper = (): Sleeper => ({
      peer,
      req,
      timed: h.timed === true,
    });
    switch (h.type) {
      case "sync":
        obtain(this.syncs, obj, () => new SyncState(obj, h.kind as SyncKind, h.value as number));
        return true;
      case "sync-acquire":
        this.sync(obj).acquire(peer, req, h.nowait === true, h.timed === true);
        return true;
      case "wait-loc":
        this.placeWait(obj, peer, h.target as number, h.loc as string);
        return true;
      case "sync-release": {
        const error = this.sync(obj).release(peer);
        if (typeof h.req === "number") peer.reply(req, { error });
        // Recorded even when the caller hears of it: an unawaited release never does.
        if (error) this.warnings.misuse(peer, obj, error);
        return true;
      }
      case "unbias":
        this.sync(obj).unbias(peer);
        return true;
      case "bias-state":
        this.sync(obj).biasState(peer, h.held === true);
        return true;
      case "sync-value":
        peer.reply(req, { value: this.sync(obj).available });
        return true;
      case "event":
        this.event(obj);
        return true;
      case "event-set":
        this.event(obj).set(peer);
        return true;
      case "event-clear":
        this.event(obj).clear();
        return true;
      case "event-wait":
        this.event(obj).wait(sleeper());
        return true;
      case "event-is-set":
        peer.reply(req, { set: this.event(obj).flag });
        return true;
      case "condition":
        obtain(this.conditions, obj, () => new ConditionState(obj, h.lock as string));
        return true;
      case "condition-wait":
        this.condition(obj).wait(sleeper());
        return true;
      case "condition-notify":
        this.condition(obj).notify(h.count as number, peer);
        return true;
      case "barrier":
        obtain(this.barriers, obj, () => new BarrierState(obj, h.parties as number));
        return true;
      case "barrier-wait":
        this.barrier(obj).wait(sleeper());
        return true;
      case "barrier-abort":
        this.barrier(obj).abort();
        return true;
      case "barrier-reset":
        this.barrier(obj).reset();
        return true;
      case "barrier-state": {
        const barrier = this.barrier(obj);
        peer.reply(req, { waiting: barrier.sleepers.length, broken: barrier.broken });
        return true;
      }
      case "value":
        obtain(
          this.values,
          obj,
          () => new ValueState(obj, h.typecode as string, h.items as unknown[]),
        );
        return true;
      case "value-get": {
        const value = this.value(obj);
        value.whenHere(peer, () => peer.reply(req, { value: value.get(h.index as number) }));
        return true;
      }
      case "value-set": {
        const value = this.value(obj);
        value.whenHere(peer, () =>
          peer.reply(req, { error: value.set(h.index as number, h.value) }),
        );
        return true;
      }
      case "value-all": {
        const value = this.value(obj);
        value.whenHere(peer, () => peer.reply(req, { items: value.items }));
        return true;
      }
      case "value-lease":
        this.value(obj).lease(peer, req);
        return true;
      case "value-sync":
        this.value(obj).writeBack(peer, h.items as unknown[], h.returned === true);
        return true;
      default:
        return false;
    }
  }

  cancel(peer: Peer, obj: string, req: number): boolean {
    return Boolean(
      this.syncs.get(obj)?.cancel(peer, req) ||
      this.events.get(obj)?.cancel(peer, req) ||
      this.conditions.get(obj)?.cancel(peer, req) ||
      this.barriers.get(obj)?.cancel(peer, req),
    );
  }

  dropPeer(peer: Peer): void {
    for (const sync of this.syncs.values()) {
      const permits = sync.dropPeer(peer);
      if (permits > 0) this.warnings.holderDied(peer, sync.id, permits);
    }
    for (const event of this.events.values()) event.dropPeer(peer);
    for (const condition of this.conditions.values()) condition.dropPeer(peer);
    for (const barrier of this.barriers.values()) barrier.dropPeer(peer);
    for (const value of this.values.values()) value.dropPeer(peer);
  }

  /**
   * Notes where a waiting call was made: its request comes first, the line just after
   * (sync/waits.ts). A wait already over has nothing to note.
   */
  private placeWait(obj: string, peer: Peer, req: number, loc: string): void {
    const lists: Array<Array<{ peer: Peer; req: number; loc?: string }> | undefined> = [
      this.syncs.get(obj)?.waiters,
      this.events.get(obj)?.sleepers,
      this.conditions.get(obj)?.sleepers,
      this.barriers.get(obj)?.sleepers,
    ];
    for (const list of lists) {
      const wait = list?.find((w) => w.peer === peer && w.req === req);
      if (wait) wait.loc = loc;
    }
  }

  /** Every wait without a timeout, with the processes that could end it. */
  blockedWaits(live: Actor[]): BlockedWait[] {
    const others = (peer: Peer): Actor[] => live.filter((p) => p !== peer);
    const waits: BlockedWait[] = [];
    for (const sync of this.syncs.values()) {
      const holders = [...sync.holders.keys()];
      for (const w of sync.waiters) {
        if (w.timed) continue;
        const releasers = holders.length > 0 ? holders : others(w.peer);
        waits.push({
          peer: w.peer,
          obj: sync.id,
          op: `${sync.kind}.acquire`,
          loc: w.loc,
          releasers,
        });
      }
    }
    const sleepers = (
      list: Sleeper[],
      obj: string,
      op: string,
      releasers: (s: Sleeper) => Actor[],
    ): void => {
      for (const s of list) {
        if (!s.timed) waits.push({ peer: s.peer, obj, op, loc: s.loc, releasers: releasers(s) });
      }
    };
    for (const event of this.events.values())
      sleepers(event.sleepers, event.id, "event.wait", (s) => others(s.peer));
    for (const condition of this.conditions.values()) {
      sleepers(condition.sleepers, condition.id, "condition.wait", (s) => others(s.peer));
    }
    for (const barrier of this.barriers.values()) {
      const arrived = new Set<Actor>(barrier.sleepers.map((s) => s.peer));
      sleepers(barrier.sleepers, barrier.id, "barrier.wait", () =>
        live.filter((p) => !arrived.has(p)),
      );
    }
    return waits;
  }

  private sync(obj: string): SyncState {
    return obtain(this.syncs, obj, () => new SyncState(obj, "lock", 1));
  }

  private event(obj: string): EventState {
    return obtain(this.events, obj, () => new EventState(obj));
  }

  private condition(obj: string): ConditionState {
    return obtain(this.conditions, obj, () => new ConditionState(obj, ""));
  }

  private barrier(obj: string): BarrierState {
    return obtain(this.barriers, obj, () => new BarrierState(obj, 1));
  }

  private value(obj: string): ValueState {
    return obtain(this.values, obj, () => new ValueState(obj, "i", [0]));
  }
}
