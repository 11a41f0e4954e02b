/**
 * Queues and pipe ends, kept in the hub.
 *
 * Items are stored as the sender's batches (`Segment`s) without being decoded. While a
 * channel has one reader, whole batches go to it on demand and it consumes them locally —
 * the fast path. Once a second process reads, the hub recalls what the first one holds and
 * hands out items one at a time, so that work is shared as with Python's queues.
 */
import * as v8 from "node:v8";
import type { Peer } from "./peer";
import { Lease } from "./lease";
import { obtain } from "./sync-objects";
import { FREE, type Actor, type BlockedWait } from "./deadlock";

export interface Segment {
  body: Buffer;
  count: number;
}

interface Demand {
  peer: Peer;
  req: number;
  max: number;
  timed: boolean;
  loc?: string;
}

interface ParkedPut {
  peer: Peer;
  req: number;
  segment: Segment;
}

/**
 * How many items a lone reader is handed per request adapts to how fast it takes them: a
 * reader that comes back for more within `FAST_RETURN_MS` gets four times as many next
 * time (up to `MAX_LONE_BATCH`); one that took longer than `SLOW_RETURN_MS` gets one at a
 * time again. A consumer streaming a queue soon fetches thousands per round trip; a worker
 * that takes a job and spends a while on it does not hoard the jobs other workers could
 * start on (and when another reader appears, what it holds is recalled anyway).
 */
const MAX_LONE_BATCH = 8192;
/** Bytes of batches one answer to a lone reader carries at most (a single batch may be more). */
const MAX_ANSWER_BYTES = 64 << 20;
const FAST_RETURN_MS = 5;
const SLOW_RETURN_MS = 50;

export interface ChannelEvents {
  /** A reader died holding messages: `ids` names them (`sender:seq`), oldest first. */
  lost(channel: Channel, peer: Peer, ids: string[]): void;
}

export class Channel {
  private readonly segments: Segment[] = [];
  /** Items stored in the hub. */
  private stored = 0;
  /** Items handed to readers and not yet reported consumed, per reader. */
  private readonly leased = new Map<Peer, Lease>();
  private readonly readers = new Set<Peer>();
  /**
   * Readers asked to give their batch back and not yet answered. Until they answer, no one
   * is served: items they hold come before everything stored here.
   */
  private readonly recalling = new Set<Peer>();
  /** Per lone reader: its current batch size and when it was last served. */
  private readonly pace = new Map<Peer, { batch: number; servedAt: number }>();
  private readonly demands: Demand[] = [];
  private readonly parkedPuts: ParkedPut[] = [];
  /** Tasks put and not yet marked done (JoinableQueue). */
  private unfinished = 0;
  private readonly joiners: Array<{ peer: Peer; req: number }> = [];
  /** For a pipe end's inbox: who holds the other end, open (peers or not-yet-connected pids). */
  readonly writers = new Map<Peer | number, number>();
  private hadWriters = false;

  constructor(
    readonly id: string,
    readonly maxsize: number,
    readonly isPipe: boolean,
  ) {}

  get size(): number {
    let total = this.stored;
    for (const lease of this.leased.values()) total += lease.count;
    return total;
  }

  private get full(): boolean {
    return this.maxsize > 0 && this.size >= this.maxsize;
  }

  /** An unbounded put: always accepted. */
  put(segment: Segment): void {
    this.store(segment);
    this.serve();
  }

  /** A bounded put: accepted now (true) or parked until there is room. */
  putBounded(peer: Peer, req: number, segment: Segment, nowait: boolean): void {
    if (!this.full) {
      this.store(segment);
      peer.reply(req, { ok: true });
      this.serve();
    } else if (nowait) {
      peer.reply(req, { full: true });
    } else {
      this.parkedPuts.push({ peer, req, segment });
    }
  }

  demand(peer: Peer, req: number, max: number, nowait: boolean, timed = false, loc?: string): void {
    if (!this.readers.has(peer)) this.addReader(peer);
    this.demands.push({ peer, req, max, timed, loc });
    this.serve();
    if (nowait) {
      const index = this.demands.findIndex((d) => d.req === req && d.peer === peer);
      if (index >= 0) {
        this.demands.splice(index, 1);
        peer.reply(req, { empty: true });
      }
    }
  }

  /** A waiting get or put gave up: answer `cancelled`, unless it was served already. */
  cancel(peer: Peer, req: number): void {
    const demand = this.demands.findIndex((d) => d.peer === peer && d.req === req);
    if (demand >= 0) {
      this.demands.splice(demand, 1);
      peer.reply(req, { cancelled: true });
      return;
    }
    const put = this.parkedPuts.findIndex((p) => p.peer === peer && p.req === req);
    if (put >= 0) {
      this.parkedPuts.splice(put, 1);
      peer.reply(req, { cancelled: true });
      return;
    }
    // Too late: the get was served, and its items are on their way to a process that no
    // longer waits for them. A lone reader keeps them for its next get; while others read,
    // they are theirs as much (in Python the item would still be in the queue), so they are
    // recalled before anyone is served again.
    if (this.readers.size >= 2) this.recall(peer);
  }

  /** A reader reports items it has handed to the program. */
  consumed(peer: Peer, count: number): void {
    this.leased.get(peer)?.consumed(count);
    this.admitParkedPuts();
  }

  /** A reader gives back items it was holding (after a recall or a cancelled get). */
  returned(peer: Peer, segment: Segment): void {
    this.leased.get(peer)?.returned(segment.count);
    this.segments.unshift(segment);
    this.stored += segment.count;
    this.serve();
  }

  qsize(): number {
    return this.size;
  }

  taskDone(count: number): boolean {
    if (count > this.unfinished) return false;
    this.unfinished -= count;
    if (this.unfinished === 0) this.releaseJoiners();
    return true;
  }

  join(peer: Peer, req: number): void {
    if (this.unfinished === 0) peer.reply(req, { ok: true });
    else this.joiners.push({ peer, req });
  }

  addWriter(holder: Peer | number): void {
    this.writers.set(holder, (this.writers.get(holder) ?? 0) + 1);
    this.hadWriters = true;
  }

  removeWriter(holder: Peer | number, all = false): void {
    const count = this.writers.get(holder);
    if (count === undefined) return;
    if (all || count <= 1) this.writers.delete(holder);
    else this.writers.set(holder, count - 1);
    this.serve();
  }

  /** A pending pid connected: its holdings move to its peer. */
  adoptWriter(pid: number, peer: Peer): void {
    const count = this.writers.get(pid);
    if (count === undefined) return;
    this.writers.delete(pid);
    this.writers.set(peer, (this.writers.get(peer) ?? 0) + count);
  }

  /** A process is gone: forget its demands, puts and holdings; its leased items are lost. */
  dropPeer(peer: Peer, events: ChannelEvents): void {
    this.readers.delete(peer);
    const wasRecalled = this.recalling.delete(peer);
    this.pace.delete(peer);
    for (let i = this.demands.length - 1; i >= 0; i--) {
      if (this.demands[i].peer === peer) this.demands.splice(i, 1);
    }
    for (let i = this.parkedPuts.length - 1; i >= 0; i--) {
      if (this.parkedPuts[i].peer === peer) this.parkedPuts.splice(i, 1);
    }
    for (let i = this.joiners.length - 1; i >= 0; i--) {
      if (this.joiners[i].peer === peer) this.joiners.splice(i, 1);
    }
    const lease = this.leased.get(peer);
    this.leased.delete(peer);
    if (lease && lease.count > 0 && !peer.saidBye) events.lost(this, peer, lease.messageIds());
    this.removeWriter(peer, true);
    // A recalled reader that died will never answer: serve the others now.
    if (wasRecalled) this.serve();
    this.admitParkedPuts();
  }

  /** Untimed gets waiting here, with who could end them: a pipe's writers, or anyone. */
  blockedWaits(live: Actor[]): BlockedWait[] {
    // A writer still starting (known by its pid only) may yet send: it counts as one who can.
    const writers: Actor[] = [...this.writers.keys()].map((w) =>
      typeof w === "number" ? FREE : w,
    );
    return this.demands
      .filter((demand) => !demand.timed)
      .map((demand) => ({
        peer: demand.peer,
        obj: this.id,
        op: this.isPipe ? "pipe.recv" : "queue.get",
        loc: demand.loc,
        releasers: this.isPipe ? writers : live.filter((p) => p !== demand.peer),
      }));
  }

  private addReader(peer: Peer): void {
    this.readers.add(peer);
    if (this.readers.size < 2) return;
    // Shared from now on: whoever holds a lone reader's batch must give it back.
    for (const holder of this.leased.keys()) {
      if (holder !== peer) this.recall(holder);
    }
  }

  /** Asks `holder` for the items it holds and has not taken, if any. */
  private recall(holder: Peer): void {
    const lease = this.leased.get(holder);
    if (!lease || lease.count === 0 || this.recalling.has(holder)) return;
    this.recalling.add(holder);
    holder.send({ type: "recall", obj: this.id });
  }

  /** A recalled reader has given back all it held: others may be served again. */
  recallAnswered(peer: Peer): void {
    if (this.recalling.delete(peer)) this.serve();
  }

  private store(segment: Segment): void {
    this.segments.push(segment);
    this.stored += segment.count;
    this.unfinished += segment.count;
  }

  private serve(): void {
    while (this.demands.length > 0 && this.stored > 0 && this.recalling.size === 0) {
      const demand = this.demands.shift()!;
      const lone = this.readers.size < 2;
      const taken = lone
        ? this.takeUpTo(Math.max(demand.max, this.loneBatch(demand.peer)))
        : this.takeOne();
      const lease = obtain(this.leased, demand.peer, () => new Lease());
      let count = 0;
      for (const segment of taken) {
        lease.add(segment);
        count += segment.count;
      }
      demand.peer.reply(
        demand.req,
        { count, lengths: taken.map((segment) => segment.body.length) },
        taken.length === 1 ? taken[0].body : Buffer.concat(taken.map((segment) => segment.body)),
      );
    }
    if (this.isPipe && this.stored === 0 && this.hadWriters && this.writers.size === 0) {
      for (const demand of this.demands.splice(0)) demand.peer.reply(demand.req, { eof: true });
    }
    this.admitParkedPuts();
  }

  private loneBatch(peer: Peer): number {
    const now = Date.now();
    const pace = this.pace.get(peer);
    let batch = 1;
    if (pace) {
      const since = now - pace.servedAt;
      if (since <= FAST_RETURN_MS) batch = Math.min(MAX_LONE_BATCH, pace.batch * 4);
      else if (since <= SLOW_RETURN_MS) batch = pace.batch;
    }
    this.pace.set(peer, { batch, servedAt: now });
    return batch;
  }

  /** Whole batches up to `max` items; a batch larger than what is asked is split. */
  private takeUpTo(max: number): Segment[] {
    const taken: Segment[] = [];
    let count = 0;
    let bytes = 0;
    while (this.segments.length > 0 && count < max) {
      const head = this.segments[0];
      // Big messages go one answer each, so that an answer stays far below the frame limit.
      if (count > 0 && bytes + head.body.length > MAX_ANSWER_BYTES) break;
      // A batch up to twice what is asked goes whole: splitting costs a decode and encode.
      if (count + head.count > max * 2) {
        if (count > 0) break;
        if (head.count > 1) {
          this.segments.splice(0, 1, ...splitSegment(head));
          continue;
        }
      }
      taken.push(this.segments.shift()!);
      count += head.count;
      bytes += head.body.length;
    }
    this.stored -= count;
    return taken;
  }

  private takeOne(): Segment[] {
    const head = this.segments[0];
    if (head.count > 1) this.segments.splice(0, 1, ...splitSegment(head));
    const one = this.segments.shift()!;
    this.stored -= one.count;
    return [one];
  }

  private admitParkedPuts(): void {
    while (this.parkedPuts.length > 0 && !this.full) {
      const put = this.parkedPuts.shift()!;
      this.store(put.segment);
      put.peer.reply(put.req, { ok: true });
      if (this.demands.length > 0) {
        this.serve();
        return;
      }
    }
  }

  private releaseJoiners(): void {
    for (const joiner of this.joiners.splice(0)) joiner.peer.reply(joiner.req, { ok: true });
  }
}

/**
 * Re-encodes a batch as one segment per item. Decoding and encoding each item again also
 * breaks any object sharing between items, which separate pickles would not have.
 */
export function splitSegment(segment: Segment): Segment[] {
  const reader = new v8.DefaultDeserializer(segment.body);
  reader.readHeader();
  const out: Segment[] = [];
  for (let i = 0; i < segment.count; i++) {
    const sender = reader.readUint32();
    const seq = reader.readUint32();
    const flags = reader.readUint32();
    const value: unknown = reader.readValue();
    const writer = new v8.DefaultSerializer();
    writer.writeHeader();
    writer.writeUint32(sender);
    writer.writeUint32(seq);
    writer.writeUint32(flags);
    writer.writeValue(value);
    out.push({ body: writer.releaseBuffer(), count: 1 });
  }
  return out;
}
