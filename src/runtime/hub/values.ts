/**
 * Shared values and arrays (Python's `Value` and `Array`), kept in the hub.
 *
 * A process that holds a value's own lock, with the lock biased to it (see sync.ts), may
 * take the value on lease: its reads and writes are then local, as its acquires and
 * releases are, instead of a round trip each. It writes its changes back at the end of
 * each turn of its event loop (so a process killed loses at most that turn's writes) and
 * returns the lease when it loses the lock's bias, when it exits, or when the hub recalls
 * it because another process reads or writes the value: that access waits for the return,
 * so every process still sees one value, changing in one order.
 */
import type { Peer } from "./peer";

export class ValueState {
  /** The process holding the value on lease, if any: its copy is the value. */
  private leasedTo: Peer | null = null;
  private recalling = false;
  /** Accesses by other processes, run once the lease is back. */
  private readonly waiting: Array<{ peer: Peer; access: () => void }> = [];

  constructor(
    readonly id: string,
    readonly typecode: string,
    /** One entry for a Value, `length` entries for an array. */
    readonly items: unknown[],
  ) {}

  /**
   * Runs `access` now, or once the lease is back when another process holds it.
   * The holder itself may still ask the hub (a copy of the value made before its lease).
   */
  whenHere(peer: Peer, access: () => void): void {
    if (this.leasedTo === null || this.leasedTo === peer) {
      access();
      return;
    }
    this.waiting.push({ peer, access });
    if (!this.recalling) {
      this.recalling = true;
      this.leasedTo.send({ type: "value-recall", obj: this.id });
    }
  }

  /** Leases the value to `peer` (after any recall), answering with its items. */
  lease(peer: Peer, req: number): void {
    this.whenHere(peer, () => {
      this.leasedTo = peer;
      peer.reply(req, { items: this.items });
    });
  }

  /** The lease holder's changes so far; with `returned`, the lease ends. */
  writeBack(peer: Peer, items: unknown[], returned: boolean): void {
    if (this.leasedTo !== peer) return;
    if (Array.isArray(items) && items.length === this.items.length) {
      for (let i = 0; i < items.length; i++) this.items[i] = items[i];
    }
    if (returned) this.endLease();
  }

  /** The holder is gone: the value is what it last wrote back. */
  dropPeer(peer: Peer): void {
    if (this.leasedTo === peer) this.endLease();
  }

  private endLease(): void {
    this.leasedTo = null;
    this.recalling = false;
    // Each access may lease the value again, and the rest then wait for that lease.
    for (const { peer, access } of this.waiting.splice(0)) this.whenHere(peer, access);
  }

  get(index: number): unknown {
    return this.items[index];
  }

  /** Returns an error message for an index out of range. */
  set(index: number, value: unknown): string | null {
    if (!Number.isInteger(index) || index < 0 || index >= this.items.length) {
      return `index ${index} out of range for ${this.id} of length ${this.items.length}`;
    }
    this.items[index] = value;
    return null;
  }
}
