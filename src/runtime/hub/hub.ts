/**
 * The hub: one small process per run that owns the shared objects (queues, pipes, locks),
 * keeps the process table, relays trace events to the collector and, when the root process
 * dies, ends every other process of the run.
 *
 * It runs apart from the user's code so that a busy or dead root never stalls the other
 * processes' queues and locks, and so that someone is left to clean up (docs/architecture.md).
 */
import * as net from "node:net";
import * as crypto from "node:crypto";
import * as v8 from "node:v8";
import { FrameReader, encodeFrame, type Frame, type FrameHeader } from "../framing";
import { guardHandshake } from "../handshake";
import type { Channel } from "./channels";
import { ChannelObjects, type ChannelWarnings } from "./channel-objects";
import { SyncObjects, obtain } from "./sync-objects";
import { FREE, findDeadlock, type Actor, type DeadlockEntry } from "./deadlock";
import { Peer, flushPeers } from "./peer";
import { batchEventCount } from "../trace-codec";
import { lostMessage } from "./lost";
import type { ProcessRole, TraceEvent } from "../../protocol/trace";
import { now } from "../clock";

/** A wait the hub was told of (`awaiting`): what it is, who alone can end it, where. */
interface DeclaredWait {
  /** What it waits on, as the report names it: a pool, or a child process by its name. */
  obj: string;
  op: string;
  /** The pid of the one process that can end it (a joined child); else any other can. */
  by?: number;
  loc?: string;
}

/** How soon after a wait begins the hub looks for a deadlock, and how often after. */
const DEADLOCK_CHECK_MS = 300;
/** The longest the hub stays after the root to hand its last events to the collector. */
const COLLECTOR_DRAIN_MS = 150_000;
/** A process must have sent nothing for this long to count as stuck. */
const QUIET_MS = 250;
/**
 * Trace bytes the hub holds for a collector that reads slower than the run records (a busy
 * editor): past this, processes' trace batches are dropped and counted, so that a flood of
 * events costs the hub bounded memory. The hub's own events (process lifecycle, warnings,
 * deadlocks) are few and always kept.
 */
export const COLLECTOR_BACKLOG_BYTES = 64 << 20;
/** How often, at most, the hub reports what it had to drop. */
const DROP_REPORT_MS = 500;

export interface HubOptions {
  socketPath: string;
  secret: string;
  collectorPath?: string;
  collectorSecret?: string;
}

interface KnownProcess {
  number: number;
  pid: number;
  exited: boolean;
  peer: Peer | null;
  /** The target's arguments, held until the child connects. */
  args: Buffer | null;
}

export class Hub implements ChannelWarnings {
  private readonly server: net.Server;
  private readonly channelObjects = new ChannelObjects(this);
  private readonly syncObjects = new SyncObjects({
    holderDied: (peer, obj, permits) =>
      this.record({
        type: "warning",
        t: now(),
        p: peer.number,
        code: "holder-died",
        obj,
        holder: peer.number,
        message: `P${peer.number} ended while holding ${obj}${permits > 1 ? ` (${permits} permits)` : ""}; it was released and the next waiter got it`,
      }),
    misuse: (peer, obj, message) =>
      this.record({ type: "warning", t: now(), p: peer.number, code: "misuse", obj, message }),
  });
  private readonly peers = new Set<Peer>();
  private deadlockTimer: NodeJS.Timeout | null = null;
  private readonly reportedDeadlocks = new Set<string>();
  private readonly processes = new Map<number, KnownProcess>();
  private readonly waitingHello = new Map<
    number,
    { peer: Peer; req: number; header: FrameHeader }
  >();
  private nextNumber = 1;
  private collector: net.Socket | null = null;
  private readonly collectorQueue: Buffer[] = [];
  private collectorQueueBytes = 0;
  private collectorReady = false;
  /** Events dropped per process since the last report (the collector lagged). */
  private readonly dropped = new Map<number, number>();
  private dropReportTimer: NodeJS.Timeout | null = null;
  private readonly ownEvents: TraceEvent[] = [];
  private ownFlushScheduled = false;
  private rootPeer: Peer | null = null;
  private shuttingDown = false;

  constructor(private readonly options: HubOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async start(): Promise<void> {
    if (this.options.collectorPath) this.connectCollector(this.options.collectorPath);
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.socketPath, () => resolve());
    });
  }

  private connectCollector(path: string): void {
    const socket = net.connect(path);
    this.collector = socket;
    socket.on("connect", () => {
      this.collectorReady = true;
      socket.write(
        Buffer.concat(encodeFrame({ type: "hello", secret: this.options.collectorSecret })),
      );
      for (const chunk of this.collectorQueue.splice(0)) socket.write(chunk);
      this.collectorQueueBytes = 0;
    });
    // Without a collector the program runs on; its events are simply not recorded.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.collector = null;
      this.collectorReady = false;
      this.collectorQueue.length = 0;
      this.collectorQueueBytes = 0;
    });
  }

  private toCollector(chunks: Buffer[]): void {
    if (!this.collector) return;
    if (this.collectorReady) for (const chunk of chunks) this.collector.write(chunk);
    else {
      this.collectorQueue.push(...chunks);
      for (const chunk of chunks) this.collectorQueueBytes += chunk.length;
    }
  }

  /** Bytes written for the collector and not yet taken by it. */
  private get collectorBacklog(): number {
    if (!this.collector) return 0;
    return this.collectorReady ? this.collector.writableLength : this.collectorQueueBytes;
  }

  /** Relays a process's trace batch, or drops and counts it while the collector lags. */
  private relayTrace(peer: Peer, header: FrameHeader, body: Buffer): void {
    if (!this.collector) return;
    const count = batchEventCount(header);
    if (this.collectorBacklog > COLLECTOR_BACKLOG_BYTES) {
      this.dropped.set(peer.number, (this.dropped.get(peer.number) ?? 0) + count.total);
      this.dropReportTimer ??= setTimeout(() => this.reportDropped(), DROP_REPORT_MS).unref();
      return;
    }
    this.toCollector(
      encodeFrame({ type: "trace", p: peer.number, n: count.events, lost: count.lost }, body),
    );
  }

  /** Says, per process, how many of its events the hub dropped since the last report. */
  private reportDropped(): void {
    if (this.dropReportTimer) clearTimeout(this.dropReportTimer);
    this.dropReportTimer = null;
    for (const [p, count] of this.dropped) {
      this.record({ type: "trace.dropped", t: now(), p, count, source: "hub" });
    }
    this.dropped.clear();
  }

  private record(event: TraceEvent): void {
    if (!this.options.collectorPath) return;
    this.ownEvents.push(event);
    if (!this.ownFlushScheduled) {
      this.ownFlushScheduled = true;
      setImmediate(() => this.flushOwnEvents());
    }
  }

  private flushOwnEvents(): void {
    this.ownFlushScheduled = false;
    if (this.ownEvents.length === 0) return;
    const body = v8.serialize(this.ownEvents.splice(0));
    this.toCollector(encodeFrame({ type: "trace", hub: true }, body));
  }

  private accept(socket: net.Socket): void {
    const peer = new Peer(socket);
    const reader = new FrameReader();
    const handshake = guardHandshake(socket, reader);
    let authenticated = false;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      try {
        reader.push(chunk, (frame) => {
          if (!authenticated) {
            authenticated = this.authenticate(frame.header);
            if (!authenticated) {
              socket.destroy();
              return;
            }
            // Only a peer that knows the secret is one of the run's processes.
            handshake.passed();
            this.peers.add(peer);
          }
          this.handle(peer, frame);
        });
        flushPeers();
      } catch {
        socket.destroy();
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (authenticated) this.disconnected(peer);
    });
  }

  private authenticate(header: FrameHeader): boolean {
    if (header.type !== "hello" || typeof header.secret !== "string") return false;
    const given = Buffer.from(header.secret);
    const expected = Buffer.from(this.options.secret);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  private handle(peer: Peer, frame: Frame): void {
    const h = frame.header;
    const req = h.req as number;
    if (h.type === "idle") {
      // Not a sign of life: the process answers while it waits.
      peer.probed = false;
      peer.idle = { at: Date.now(), pending: (h.pending as string[] | undefined) ?? [] };
      return;
    }
    peer.lastFrameAt = Date.now();
    if (this.syncObjects.handle(peer, h) || this.channelObjects.handle(peer, frame)) {
      // Any wait may have begun: a deadlock, if there is one, is found within a second.
      this.watchForDeadlock();
      return;
    }
    switch (h.type) {
      case "awaiting":
        this.awaiting(peer, h.on === true, {
          obj: h.obj as string,
          op: h.op as string,
          by: typeof h.by === "number" ? h.by : undefined,
          loc: typeof h.loc === "string" ? h.loc : undefined,
        });
        return;
      case "hello":
        return this.hello(peer, req, h);
      case "spawned":
        return this.spawned(peer, h, frame.body);
      case "exited":
        return this.exited(
          h.pid as number,
          h.exitCode as number,
          (h.signal as string) ?? null,
          "parent",
          h.stoppedBy as "terminate" | "kill" | undefined,
        );
      case "trace":
        if (frame.body) this.relayTrace(peer, h, frame.body);
        return;
      case "cancel":
        return this.cancel(peer, h.obj as string, h.target as number);
      case "bye":
        peer.saidBye = true;
        return;
      default:
        return;
    }
  }

  private hello(peer: Peer, req: number, h: FrameHeader): void {
    peer.pid = h.pid as number;
    if (h.root === true) {
      this.rootPeer = peer;
      this.welcome(peer, req, this.register(peer.pid, 0));
      this.record({
        type: "process.start",
        t: now(),
        p: 1,
        pid: peer.pid,
        ppid: h.ppid as number,
        name: h.name as string,
      });
      return;
    }
    const known = this.processes.get(peer.pid);
    if (known) this.welcome(peer, req, known, h);
    // The parent's "spawned" has not arrived yet: answer when it does.
    else this.waitingHello.set(peer.pid, { peer, req, header: h });
  }

  private welcome(peer: Peer, req: number, known: KnownProcess, h?: FrameHeader): void {
    known.peer = peer;
    peer.number = known.number;
    peer.reply(req, { number: known.number }, known.args);
    known.args = null;
    this.channelObjects.adopt(peer.pid, peer);
    if (h) {
      this.record({
        type: "process.start",
        t: now(),
        p: known.number,
        pid: peer.pid,
        ppid: h.ppid as number,
        name: h.name as string,
      });
    }
  }

  private register(pid: number, _parent: number): KnownProcess {
    const known: KnownProcess = {
      number: this.nextNumber++,
      pid,
      exited: false,
      peer: null,
      args: null,
    };
    this.processes.set(pid, known);
    return known;
  }

  private spawned(parent: Peer, h: FrameHeader, args: Buffer | null): void {
    const pid = h.pid as number;
    const known = this.register(pid, parent.number);
    known.args = args;
    this.record({
      type: "process.spawn",
      t: h.t as number,
      p: parent.number,
      child: known.number,
      pid,
      name: h.name as string,
      target: h.target as string,
      daemon: h.daemon as boolean,
      role: (h.role as ProcessRole | undefined) ?? "process",
      loc: h.loc as string | undefined,
    });
    this.channelObjects.preRegister(pid, (h.handles as string[] | undefined) ?? []);
    const waiting = this.waitingHello.get(pid);
    if (waiting) {
      this.waitingHello.delete(pid);
      this.welcome(waiting.peer, waiting.req, known, waiting.header);
    }
  }

  private exited(
    pid: number,
    exitCode: number,
    signal: string | null,
    source: "parent" | "connection-lost",
    stoppedBy?: "terminate" | "kill",
  ): void {
    const known = this.processes.get(pid);
    if (!known || known.exited) return;
    known.exited = true;
    this.channelObjects.forget(pid);
    this.record({
      type: "process.exit",
      t: now(),
      p: known.number,
      exitCode,
      signal,
      source,
      ...(stoppedBy ? { stoppedBy } : {}),
    });
  }

  /**
   * A wait the hub does not serve but may be part of a deadlock: a pool's process waiting
   * for results its workers send it directly (pool/pool.ts), which any other process could
   * end, as with a queue; or a join, which only the child it waits for can end (`by`, its pid).
   */
  private awaiting(peer: Peer, on: boolean, wait: DeclaredWait): void {
    // Two children may share a name: a join is told apart by the child's pid.
    const key = `${wait.obj}\0${wait.by ?? ""}`;
    if (on) {
      obtain(this.declaredWaits, peer, () => new Map()).set(key, wait);
      this.watchForDeadlock();
      return;
    }
    const waits = this.declaredWaits.get(peer);
    waits?.delete(key);
    if (waits?.size === 0) this.declaredWaits.delete(peer);
  }

  private readonly declaredWaits = new Map<Peer, Map<string, DeclaredWait>>();

  private disconnected(peer: Peer): void {
    this.peers.delete(peer);
    this.declaredWaits.delete(peer);
    this.channelObjects.dropPeer(peer);
    this.syncObjects.dropPeer(peer);
    if (peer === this.rootPeer) this.rootGone();
    else this.watchForDeadlock();
  }

  /** Checks for a deadlock soon, and again while anything waits without a timeout. */
  private watchForDeadlock(): void {
    if (this.deadlockTimer || this.shuttingDown) return;
    this.deadlockTimer = setTimeout(() => {
      this.deadlockTimer = null;
      if (this.checkDeadlock()) this.watchForDeadlock();
    }, DEADLOCK_CHECK_MS);
    this.deadlockTimer.unref();
  }

  /** The connected process of `pid`; any other (ended, or still starting) is not stuck. */
  private actorOf(pid: number): Actor {
    const known = this.processes.get(pid);
    return known?.peer && !known.exited ? known.peer : FREE;
  }

  /** Returns true while some process waits without a timeout (so checks go on). */
  private checkDeadlock(): boolean {
    // A child spawned but still starting can still put, set or release: it counts as live.
    const starting = [...this.processes.values()]
      .filter((known) => known.peer === null && !known.exited)
      .map((known) => ({ number: known.number }));
    const live: Actor[] = [...[...this.peers].filter((peer) => peer.number > 0), ...starting];
    const waits = this.channelObjects
      .blockedWaits(live)
      .concat(this.syncObjects.blockedWaits(live));
    for (const [peer, declared] of this.declaredWaits) {
      const others = live.filter((actor) => actor !== peer);
      for (const { obj, op, by, loc } of declared.values()) {
        const releasers = by === undefined ? others : [this.actorOf(by)];
        waits.push({ peer, obj, op, loc, releasers });
      }
    }
    if (waits.length === 0) return false;
    const quietBefore = Date.now() - QUIET_MS;
    const stuck = findDeadlock(waits, (peer) => peer.lastFrameAt <= quietBefore);
    if (stuck.length > 0 && this.confirmedIdle(stuck)) this.reportDeadlock(stuck);
    return true;
  }

  /**
   * Whether every process of a would-be deadlock said, since it last did anything, that it
   * has nothing else pending. A Node process waiting on one call may still run a timer or
   * a callback that ends the wait; until each has answered so, they are asked, and the
   * next check decides.
   */
  private confirmedIdle(stuck: DeadlockEntry[]): boolean {
    let confirmed = true;
    const byNumber = new Map([...this.peers].map((peer) => [peer.number, peer]));
    for (const number of new Set(stuck.map((entry) => entry.p))) {
      const peer = byNumber.get(number);
      if (!peer) continue;
      const idle = peer.idle;
      if (idle && idle.at > peer.lastFrameAt && idle.pending.length === 0) continue;
      confirmed = false;
      if (!peer.probed) {
        peer.probed = true;
        peer.send({ type: "idle?" });
      }
    }
    return confirmed;
  }

  private reportDeadlock(stuck: DeadlockEntry[]): void {
    const signature = stuck.map((entry) => `${entry.p}>${entry.obj}`).join(",");
    if (this.reportedDeadlocks.has(signature)) return;
    this.reportedDeadlocks.add(signature);
    const lines = stuck.map(
      (entry) =>
        `P${entry.p} waits in ${entry.op} on ${entry.obj}${entry.loc ? ` at ${entry.loc}` : ""}` +
        (entry.waitingFor.length > 0
          ? `, for ${entry.waitingFor.map((n) => `P${n}`).join(", ")}`
          : ""),
    );
    this.record({
      type: "deadlock",
      t: now(),
      p: stuck[0].p,
      processes: stuck,
      message: `deadlock: ${lines.join("; ")}`,
    });
    this.flushOwnEvents();
  }

  /** The root is gone: nothing may outlive it. */
  private rootGone(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const known of this.processes.values()) {
      if (known.number === 1 || known.exited) continue;
      try {
        process.kill(known.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    for (const { peer } of this.waitingHello.values()) {
      try {
        process.kill(peer.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    this.reportDropped();
    this.flushOwnEvents();
    this.server.close();
    const finish = (): void => process.exit(0);
    if (this.collector && this.collectorReady) {
      // A slow collector (a busy editor) may still have a backlog to read: every event is
      // delivered before the hub goes. The collector's side bounds how long that may take.
      this.collector.once("close", finish);
      // Says the run is over, so that a connection closed without it means the hub died.
      this.collector.write(Buffer.concat(encodeFrame({ type: "end" })));
      this.collector.end();
      setTimeout(finish, COLLECTOR_DRAIN_MS).unref();
    } else {
      finish();
    }
  }

  lost(channel: Channel, peer: Peer, ids: string[]): void {
    this.record({
      type: "warning",
      t: now(),
      p: peer.number,
      code: "message-lost",
      obj: channel.id,
      message: lostMessage(peer, channel.id, ids),
      msgs: ids,
    });
  }

  taskDoneExtra(peer: Peer, obj: string): void {
    this.record({
      type: "warning",
      t: now(),
      p: peer.number,
      code: "task-done-extra",
      obj,
      message: `taskDone() on ${obj} was called more times than items were put`,
    });
  }

  /** A waiting request gave up. If it was answered already, that answer stands. */
  private cancel(peer: Peer, obj: string, target: number): void {
    if (!this.channelObjects.cancel(peer, obj, target)) this.syncObjects.cancel(peer, obj, target);
  }
}
