/**
 * The collector: the end of the trace stream. It listens on a private socket, accepts the
 * run's hub (which must present the collector secret) and hands each decoded event on.
 */
import * as net from "node:net";
import * as crypto from "node:crypto";
import { FrameReader } from "../runtime/framing";
import { guardHandshake } from "../runtime/handshake";
import {
  batchEventCount,
  decodeTraceBatch,
  decodeTraceBatchLazily,
  expandPacked,
  type TraceBatch,
} from "../runtime/trace-codec";
import type { Nanos, TraceEvent } from "../protocol/trace";

/**
 * Events of the program's processes a collector keeps by default. A run that records more
 * (a tight loop of lock or queue calls makes millions a second) keeps its first events up
 * to this many and counts the rest as dropped, so the CLI and the editor stay within
 * bounded memory whatever the program does. The hub's own events (processes starting and
 * ending, its warnings, deadlocks) are always kept.
 */
export const DEFAULT_MAX_EVENTS = 2_000_000;
/** How often, at most, the collector reports what it had to drop. */
const DROP_REPORT_MS = 500;

export interface CollectorOptions {
  /**
   * Keep per-message records packed until `expandDeferred()`: a collector that does not
   * show them live (the CLI) leaves the program's processes the CPU while they run.
   */
  deferMessages?: boolean;
  /** Events of the program's processes kept at most (default `DEFAULT_MAX_EVENTS`). */
  maxEvents?: number;
  /** Now, on the run's clock (dates the collector's own `trace.dropped` reports). */
  now?: () => Nanos;
}

export class Collector {
  private readonly server: net.Server;
  readonly secret = crypto.randomBytes(32).toString("hex");
  /** The run's hub, once it has presented the secret. */
  private readonly connections = new Set<net.Socket>();
  /** Connections that have not (yet) presented it. */
  private readonly strangers = new Set<net.Socket>();
  private idleWaiters: Array<() => void> = [];
  /** Frames from a peer that did not present the secret, or that were corrupt. */
  rejected = 0;
  /** Bytes read from the run so far (progress, for a reader that waits for the end). */
  received = 0;
  /** The hub said the run was over; when its connection closed (`hrtime`). */
  private hubSaidEnd = false;
  private hubClosedAt: bigint | null = null;
  /** Events of the program's processes kept so far. */
  kept = 0;
  private readonly maxEvents: number;
  private readonly deferMessages: boolean;
  private readonly now: () => Nanos;
  /** Events dropped per process since the last report. */
  private readonly dropped = new Map<number, number>();
  private dropReportTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly socketPath: string,
    private readonly onEvents: (events: TraceEvent[]) => void,
    options: CollectorOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.deferMessages = options.deferMessages ?? false;
    this.now = options.now ?? (() => 0);
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.socketPath, () => resolve());
    });
  }

  private accept(socket: net.Socket): void {
    const reader = new FrameReader();
    const handshake = guardHandshake(socket, reader);
    let authenticated = false;
    this.strangers.add(socket);
    socket.on("data", (chunk: Buffer) => {
      // Progress counts only the run's own bytes: a stranger cannot keep the launcher waiting.
      if (authenticated) this.received += chunk.length;
      try {
        reader.push(chunk, ({ header, body }) => {
          if (!authenticated) {
            const given = Buffer.from(String(header.secret ?? ""));
            const expected = Buffer.from(this.secret);
            authenticated =
              header.type === "hello" &&
              given.length === expected.length &&
              crypto.timingSafeEqual(given, expected);
            if (!authenticated) {
              this.rejected++;
              socket.destroy();
              return;
            }
            handshake.passed();
            this.strangers.delete(socket);
            this.connections.add(socket);
            return;
          }
          if (header.type === "end") {
            this.hubSaidEnd = true;
            return;
          }
          if (header.type !== "trace" || !body) return;
          if (header.hub !== true && !this.admit(header)) return;
          if (!this.deferMessages) {
            this.onEvents(decodeTraceBatch(body));
            return;
          }
          const { events, packed } = decodeTraceBatchLazily(body);
          if (packed) this.deferred.push(packed);
          if (events.length > 0) this.onEvents(events);
        });
      } catch {
        this.rejected++;
        socket.destroy();
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.strangers.delete(socket);
      if (!this.connections.delete(socket)) return;
      this.hubClosedAt = process.hrtime.bigint();
      if (this.connections.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  private readonly deferred: TraceBatch[] = [];

  /**
   * When the hub went away in the middle of the run (`hrtime`): its connection closed without
   * its word that the run was over (it was killed, or crashed). Null while it is there, or
   * when it ended as it should.
   */
  get hubLostAt(): bigint | null {
    return this.hubSaidEnd ? null : this.hubClosedAt;
  }

  /**
   * Whether a process's batch fits in what is left of the budget; if not it is dropped
   * undecoded and counted against its process.
   */
  private admit(header: Readonly<Record<string, unknown>>): boolean {
    const count = batchEventCount(header);
    if (this.kept + count.events <= this.maxEvents) {
      this.kept += count.events;
      return true;
    }
    const p = typeof header.p === "number" ? header.p : 1;
    this.dropped.set(p, (this.dropped.get(p) ?? 0) + count.total);
    this.dropReportTimer ??= setTimeout(() => this.reportDropped(), DROP_REPORT_MS);
    return false;
  }

  /** Hands on, per process, how many events were dropped here since the last report. */
  reportDropped(): void {
    if (this.dropReportTimer) clearTimeout(this.dropReportTimer);
    this.dropReportTimer = null;
    if (this.dropped.size === 0) return;
    const t = this.now();
    const reports: TraceEvent[] = [...this.dropped].map(([p, count]) => ({
      type: "trace.dropped",
      t,
      p,
      count,
      source: "collector",
    }));
    this.dropped.clear();
    this.onEvents(reports);
  }

  /** Hands on the per-message events held back so far. */
  expandDeferred(): void {
    for (const batch of this.deferred.splice(0)) this.onEvents(expandPacked(batch, []));
  }

  /** Whether no connection is open (the hub has said all it had to say, or never came). */
  get idle(): boolean {
    return this.connections.size === 0;
  }

  /** Resolves when no connection is open any more, or after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    for (const socket of [...this.connections, ...this.strangers]) socket.destroy();
    this.server.close();
    this.reportDropped();
  }
}
