/**
 * What the status bar and the terminal need to know about a live run, kept up to date
 * event by event: which processes are alive (and their OS pids and names), how many events
 * arrived and how many the runtime had to drop.
 */
import type { TraceEvent } from "../protocol/trace";

export class RunStats {
  /** Live processes: display number → OS pid (0 until known). */
  readonly alive = new Map<number, number>();
  readonly names = new Map<number, string>([[1, "MainProcess"]]);
  /** Processes seen exiting: a late start event from one of them must not revive it. */
  private readonly exited = new Set<number>();
  events = 0;
  dropped = 0;
  /** Whether any process of the run reached the collector. */
  connected = false;
  private rateCount = 0;
  private rateSince: number;

  constructor(now: number = Date.now()) {
    this.rateSince = now;
  }

  /** Folds one event in; returns what changed for the process table. */
  add(event: TraceEvent): "started" | "exited" | null {
    this.events++;
    switch (event.type) {
      case "process.spawn":
        this.names.set(event.child, event.name);
        if (this.exited.has(event.child) || this.alive.has(event.child)) return null;
        this.alive.set(event.child, event.pid);
        return "started";
      case "process.start":
        this.connected = true;
        this.names.set(event.p, event.name);
        if (this.exited.has(event.p)) return null;
        this.alive.set(event.p, event.pid);
        return "started";
      case "process.exit":
        this.exited.add(event.p);
        return this.alive.delete(event.p) ? "exited" : null;
      case "trace.dropped":
        this.dropped += event.count;
        return null;
      default:
        return null;
    }
  }

  /** Events per second since the previous call. */
  takeRate(now: number = Date.now()): number {
    const seconds = Math.max(0.001, (now - this.rateSince) / 1000);
    const rate = (this.events - this.rateCount) / seconds;
    this.rateCount = this.events;
    this.rateSince = now;
    return rate;
  }

  nameOf(p: number): string {
    return this.names.get(p) ?? `P${p}`;
  }
}
