/**
 * Folds a run's trace events into what the summary and the views show: the process tree,
 * message flows per queue and pipe, and contention per lock. Pure: no I/O, no Node APIs,
 * so the CLI, the extension and the webview all use the same judgement of the same facts.
 */
import {
  assertNever,
  processLabel,
  type ObjectKind,
  type DeadlockEvent,
  type DropSource,
  type ProcessRole,
  type TraceEvent,
} from "../protocol/trace";
import { ObjectNames } from "./names";
import { describeDeadlock } from "./deadlock";
import { listIn, percentile, removeNearest, sum } from "./stats";

export interface ProcessRow {
  number: number;
  label: string;
  name: string;
  pid: number | null;
  parent: number | null;
  role: ProcessRole;
  target: string | null;
  daemon: boolean;
  spawnedAt: number | null;
  startedAt: number | null;
  exitedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  /** The program asked for this ending (terminate() or kill()): not a failure. */
  stoppedBy: "terminate" | "kill" | null;
  joined: boolean;
  sent: number;
  received: number;
}

export interface FlowRow {
  obj: string;
  name: string;
  kind: ObjectKind;
  sends: number;
  receives: number;
  bytes: number;
  /** "P2→P1" → message count. */
  routes: Map<string, number>;
  /** Sent and never received (so far). */
  pending: number;
}

/** How much of each process's stderr the model keeps (enough for an error and its stack). */
const STDERR_TAIL_CHARS = 4000;

/** Kinds of object the lock-contention view lists (one permit or several). */
export const PERMIT_KINDS: ReadonlySet<ObjectKind> = new Set([
  "lock",
  "rlock",
  "semaphore",
  "bounded-semaphore",
]);
/** Kinds whose waits are counted as waits for a signal. */
export const SIGNAL_KINDS: ReadonlySet<ObjectKind> = new Set(["event", "condition", "barrier"]);

export interface LockRow {
  obj: string;
  name: string;
  kind: ObjectKind;
  /** Initial permits (1 for locks). */
  permits: number;
  /** Permits held now, per process. */
  holders: Map<number, number>;
  acquisitions: number;
  contended: number;
  timeouts: number;
  waits: number[];
  /** Waits that never ended: their process died waiting, or the run ended first. */
  unended: number;
  /** Total and longest of the waits that did not get the lock: timed out, or never ended. */
  ungrantedWait: number;
  maxUngrantedWait: number;
  maxHold: number;
  totalHold: number;
  holder: number | null;
}

/** Waits on an event, a condition or a barrier. */
export interface SignalRow {
  obj: string;
  name: string;
  kind: ObjectKind;
  waits: number;
  totalWait: number;
  maxWait: number;
  timeouts: number;
  broken: number;
  signals: number;
  /** Waits that never ended (counted in waits, total and max wait too). */
  unended: number;
  /** "P3→P2" (waker→woken) → count. */
  wakes: Map<string, number>;
}

/** Calls made through a manager's proxies. */
export interface ManagerRow {
  /** The manager process. */
  server: number;
  calls: number;
  failed: number;
  /** Request-to-answer times (ns). */
  durations: number[];
  /** "dict.set" → count. */
  methods: Map<string, number>;
}

/** A pool's work: tasks submitted, finished and failed, and how long each took. */
export interface PoolRow {
  obj: string;
  name: string;
  workers: number;
  submitted: number;
  done: number;
  failed: number;
  /** Worker time of each finished task (ns). */
  durations: number[];
  callbacks: number;
  /** Tasks submitted and not finished yet. */
  pending: number;
  /** When each task was submitted, started on a worker, finished (ns; arrival order). */
  submitTimes: number[];
  startTimes: number[];
  finishTimes: number[];
  /** Lines of the failures, first few. */
  errors: string[];
}

export interface LockSummary {
  obj: string;
  name: string;
  kind: ObjectKind;
  permits: number;
  /** Permits held now (at the end of a finished run). */
  inUse: number;
  acquisitions: number;
  contendedPercent: number;
  timeouts: number;
  /** Waits that never ended (counted in the total and the maximum, not in the median). */
  unendedWaits: number;
  totalWait: number;
  p50Wait: number;
  maxWait: number;
  maxHold: number;
}

export class RunModel {
  readonly processes = new Map<number, ProcessRow>();
  readonly flows = new Map<string, FlowRow>();
  readonly locks = new Map<string, LockRow>();
  readonly signals = new Map<string, SignalRow>();
  readonly pools = new Map<string, PoolRow>();
  /** Pools' per-worker task queues: what a dead worker held there, its pool deals with. */
  private readonly poolTaskQueues = new Set<string>();
  readonly managers = new Map<number, ManagerRow>();
  /** Lock-order edges seen: "A>B" means some process took B while holding A. */
  private readonly lockOrder = new Map<string, { p: number; loc?: string }>();
  private readonly heldByProcess = new Map<number, string[]>();
  readonly names = new ObjectNames();
  readonly warnings: Array<{ t: number; p: number; code: string; message: string }> = [];
  readonly deadlocks: DeadlockEvent[] = [];
  /** The last of what each process wrote to stderr: why it failed, if it did. */
  readonly stderrTails = new Map<number, string>();
  private readonly pidToNumber = new Map<number, number>();
  private readonly routeNames = new Map<number, string>();
  dropped = 0;
  /** Dropped events by where they were lost (see `DroppedEvent.source`). */
  readonly droppedBy: Record<DropSource, number> = { recorder: 0, hub: 0, collector: 0 };
  endedAt: number | null = null;
  /** The latest time of any event: where a trace that lost its end stops. */
  lastEventAt = 0;
  exitCode: number | null = null;
  eventCount = 0;

  /**
   * The run is over at `t`: what is still waited for never ended. Called by `run.end`, and
   * for a trace that lost its end, with its last event's time.
   */
  endAt(t: number): void {
    this.endedAt = t;
    for (const p of new Set([...this.waiting.keys(), ...this.signalWaits.keys()])) {
      this.endWaitsOf(p, t);
    }
    for (const p of [...this.holding.keys()]) this.endHoldsOf(p, t);
  }

  add(event: TraceEvent): void {
    this.eventCount++;
    if (event.t > this.lastEventAt) this.lastEventAt = event.t;
    switch (event.type) {
      case "run.start":
        return;
      case "run.end":
        this.exitCode = event.exitCode;
        this.endAt(event.t);
        return;
      case "process.spawn": {
        const row = this.process(event.child);
        Object.assign(row, {
          name: event.name,
          pid: event.pid,
          parent: event.p,
          role: event.role,
          target: event.target,
          daemon: event.daemon,
          spawnedAt: event.t,
        });
        this.pidToNumber.set(event.pid, event.child);
        return;
      }
      case "process.start": {
        const row = this.process(event.p);
        row.startedAt = event.t;
        row.pid = event.pid;
        row.name = event.name;
        this.pidToNumber.set(event.pid, event.p);
        return;
      }
      case "process.exit": {
        const row = this.process(event.p);
        if (row.exitedAt !== null) return;
        this.endWaitsOf(event.p, event.t);
        this.endHoldsOf(event.p, event.t);
        row.exitedAt = event.t;
        row.exitCode = event.exitCode;
        row.signal = event.signal;
        row.stoppedBy = event.stoppedBy ?? null;
        return;
      }
      case "process.join": {
        const child = this.pidToNumber.get(event.childPid);
        if (child !== undefined) this.process(child).joined = true;
        return;
      }
      case "object.create":
        this.names.add(event.obj, event.kind, event);
        if (PERMIT_KINDS.has(event.kind)) this.lock(event.obj, event.kind, event.value ?? 1);
        else if (SIGNAL_KINDS.has(event.kind)) this.signal(event.obj, event.kind);
        else if (event.kind === "pool") this.pool(event.obj).workers = event.value ?? 0;
        else if (event.kind !== "value" && event.kind !== "array") this.flow(event.obj, event.kind);
        if (event.owner && this.pools.has(event.owner) && event.role?.startsWith("tasks of")) {
          this.poolTaskQueues.add(event.obj);
        }
        return;
      case "message.send": {
        const flow = this.flow(event.obj);
        flow.sends++;
        flow.pending++;
        this.process(event.p).sent++;
        return;
      }
      case "message.receive": {
        const flow = this.flow(event.obj);
        flow.receives++;
        flow.pending = Math.max(0, flow.pending - 1);
        flow.bytes += event.size;
        // The id is "<sender>:<seq>": parseInt stops at the colon, without a split.
        const route = this.route(parseInt(event.msg, 10), event.p);
        flow.routes.set(route, (flow.routes.get(route) ?? 0) + 1);
        this.process(event.p).received++;
        return;
      }
      case "lock.request":
        this.lock(event.obj);
        listIn(this.waiting, event.p, event.obj).push(event.t);
        return;
      case "lock.acquired": {
        this.endWait(this.waiting, event.p, event.obj, event.t, event.wait);
        const lock = this.lock(event.obj);
        lock.acquisitions++;
        if (event.heldBy.length > 0) lock.contended++;
        lock.waits.push(event.wait);
        lock.holder = event.p;
        lock.holders.set(event.p, (lock.holders.get(event.p) ?? 0) + 1);
        listIn(this.holding, event.p, event.obj).push(event.t);
        if (lock.kind === "lock" || lock.kind === "rlock")
          this.noteLockOrder(event.p, event.obj, event.t, event.loc);
        return;
      }
      case "lock.released": {
        const lock = this.lock(event.obj);
        // A semaphore's permit given back by a process that holds none (a semaphore used as
        // a signal) is taken from the oldest holder, as the hub takes it (locks refuse it).
        const from = lock.holders.has(event.p)
          ? event.p
          : (lock.holders.keys().next().value ?? event.p);
        const grants = this.holding.get(from)?.get(event.obj);
        const granted =
          from === event.p ? removeNearest(grants, Number, event.t - event.hold) : grants?.shift();
        this.noteHold(
          lock,
          from === event.p || granted === undefined ? event.hold : event.t - granted,
        );
        if (lock.holder === from) lock.holder = null;
        const held = (lock.holders.get(from) ?? 0) - 1;
        if (held > 0) lock.holders.set(from, held);
        else lock.holders.delete(from);
        const stack = this.heldByProcess.get(from);
        if (stack && stack.includes(event.obj)) stack.splice(stack.lastIndexOf(event.obj), 1);
        return;
      }
      case "sync.wait": {
        this.endWait(this.signalWaits, event.p, event.obj, event.t, event.wait);
        const row = this.signal(event.obj);
        row.waits++;
        row.totalWait += event.wait;
        row.maxWait = Math.max(row.maxWait, event.wait);
        if (event.outcome === "timeout") row.timeouts++;
        if (event.outcome === "broken") row.broken++;
        if (event.wokenBy !== null) {
          const key = `${processLabel(event.wokenBy)}→${processLabel(event.p)}`;
          row.wakes.set(key, (row.wakes.get(key) ?? 0) + 1);
        }
        return;
      }
      case "sync.signal":
        this.signal(event.obj).signals++;
        return;
      case "pool.submit": {
        const pool = this.pool(event.obj);
        pool.submitted++;
        pool.pending++;
        pool.submitTimes.push(event.t);
        return;
      }
      case "pool.start":
        this.pool(event.obj).startTimes.push(event.t);
        return;
      case "pool.done": {
        const pool = this.pool(event.obj);
        pool.pending = Math.max(0, pool.pending - 1);
        pool.finishTimes.push(event.t);
        if (event.ok) {
          pool.done++;
          pool.durations.push(event.duration);
        } else {
          pool.failed++;
          if (event.error && pool.errors.length < 5)
            pool.errors.push(`task ${event.task}: ${event.error}`);
        }
        return;
      }
      case "pool.callback":
        this.pool(event.obj).callbacks++;
        return;
      case "manager.call": {
        let row = this.managers.get(event.server);
        if (!row) {
          row = { server: event.server, calls: 0, failed: 0, durations: [], methods: new Map() };
          this.managers.set(event.server, row);
        }
        row.calls++;
        if (!event.ok) row.failed++;
        row.durations.push(event.duration);
        row.methods.set(event.method, (row.methods.get(event.method) ?? 0) + 1);
        return;
      }
      case "lock.timeout": {
        this.endWait(this.waiting, event.p, event.obj, event.t, event.wait);
        const lock = this.lock(event.obj);
        lock.timeouts++;
        this.noteUngranted(lock, event.wait);
        return;
      }
      case "trace.dropped":
        this.dropped += event.count;
        this.droppedBy[event.source ?? "recorder"] += event.count;
        return;
      case "warning":
        // The server gave a dead holder's permits back: they are no longer in use.
        if (event.code === "holder-died" && event.obj && event.holder !== undefined) {
          const lock = this.locks.get(event.obj);
          lock?.holders.delete(event.holder);
          if (lock?.holder === event.holder) lock.holder = null;
          this.endHoldsOf(event.holder, event.t, event.obj);
        }
        this.warnings.push({
          t: event.t,
          p: event.p,
          code: event.code,
          message: this.withObjectNames(event.message) + this.consequence(event),
        });
        return;
      case "deadlock":
        this.deadlocks.push(event);
        this.warnings.push({
          t: event.t,
          p: event.p,
          code: "deadlock",
          message: describeDeadlock(event, (obj) => this.names.get(obj)),
        });
        return;
      case "process.output":
        if (event.stream === "stderr") {
          const tail = (this.stderrTails.get(event.p) ?? "") + event.text;
          this.stderrTails.set(event.p, tail.slice(-STDERR_TAIL_CHARS));
        }
        return;
      case "object.block":
        // A wait on an event, a condition or a barrier begins (older traces do not say):
        // one that never ends is counted when its process or the run ends.
        if (event.op === "wait") listIn(this.signalWaits, event.p, event.obj).push(event.t);
        return;
      case "resource.sample":
      case "object.timeout":
        return;
      default:
        assertNever(event);
    }
  }

  /**
   * What follows from a runtime warning, when the runtime's own words would mislead. Pool
   * task queues went through the hub in traces recorded before pools had their own lines to
   * their workers; such traces (format version 1 still) can carry this warning.
   */
  private consequence(warning: Extract<TraceEvent, { type: "warning" }>): string {
    if (warning.code === "message-lost" && warning.obj && this.poolTaskQueues.has(warning.obj)) {
      return "; these are pool tasks: the pool fails the one its worker was running and hands the rest to another worker";
    }
    return "";
  }

  /** The runtime names objects by id ("1.5"); people read "Lock5". */
  private withObjectNames(message: string): string {
    return message.replace(/\b\d+\.\d+[ab]?\b/g, (id) => {
      const name = this.names.get(id);
      return name === id ? id : name;
    });
  }

  /** Processes in tree order (depth-first from the root, children by number). */
  tree(): Array<{ row: ProcessRow; depth: number }> {
    const children = new Map<number | null, ProcessRow[]>();
    for (const row of this.processes.values()) {
      const parent = row.parent !== null && this.processes.has(row.parent) ? row.parent : null;
      const list = children.get(parent) ?? [];
      list.push(row);
      children.set(parent, list);
    }
    const out: Array<{ row: ProcessRow; depth: number }> = [];
    const visit = (parent: number | null, depth: number): void => {
      for (const row of (children.get(parent) ?? []).sort((a, b) => a.number - b.number)) {
        out.push({ row, depth });
        visit(row.number, depth + 1);
      }
    };
    visit(null, 0);
    return out;
  }

  lockSummaries(): LockSummary[] {
    return [...this.locks.values()].map((lock) => {
      const waits = [...lock.waits].sort((a, b) => a - b);
      return {
        obj: lock.obj,
        name: lock.name,
        kind: lock.kind,
        permits: lock.permits,
        inUse: sum([...lock.holders.values()]),
        acquisitions: lock.acquisitions,
        contendedPercent: lock.acquisitions === 0 ? 0 : (100 * lock.contended) / lock.acquisitions,
        timeouts: lock.timeouts,
        unendedWaits: lock.unended,
        // Every wait counts in the time spent waiting, granted or not; the median is of
        // the waits that got the lock.
        totalWait: sum(waits) + lock.ungrantedWait,
        p50Wait: percentile(waits, 0.5),
        maxWait: Math.max(waits.at(-1) ?? 0, lock.maxUngrantedWait),
        maxHold: lock.maxHold,
      };
    });
  }

  /** "P2→P1", made once per pair: a million messages need not build a million strings. */
  private route(sender: number, receiver: number): string {
    const key = sender * 0x100000 + receiver;
    let route = this.routeNames.get(key);
    if (route === undefined) {
      route = `${processLabel(sender)}→${processLabel(receiver)}`;
      this.routeNames.set(key, route);
    }
    return route;
  }

  private process(number: number): ProcessRow {
    let row = this.processes.get(number);
    if (!row) {
      row = {
        number,
        label: processLabel(number),
        name: number === 1 ? "MainProcess" : `P${number}`,
        pid: null,
        parent: null,
        role: number === 1 ? "root" : "process",
        target: null,
        daemon: false,
        spawnedAt: null,
        startedAt: null,
        exitedAt: null,
        exitCode: null,
        signal: null,
        stoppedBy: null,
        joined: false,
        sent: 0,
        received: 0,
      };
      this.processes.set(number, row);
    }
    return row;
  }

  private flow(obj: string, kind: ObjectKind = "queue"): FlowRow {
    let flow = this.flows.get(obj);
    if (!flow) {
      this.names.add(obj, kind);
      flow = {
        obj,
        name: "",
        kind,
        sends: 0,
        receives: 0,
        bytes: 0,
        routes: new Map(),
        pending: 0,
      };
      this.flows.set(obj, flow);
    }
    flow.name = this.names.get(obj);
    return flow;
  }

  /**
   * Lock-order inversion: taking B while holding A somewhere, and A while holding B
   * elsewhere, can deadlock even when this run happened not to.
   */
  private noteLockOrder(p: number, obj: string, t: number, loc?: string): void {
    const stack = this.heldByProcess.get(p) ?? [];
    for (const held of stack) {
      if (held === obj) continue;
      this.lockOrder.set(`${held}>${obj}`, { p, loc });
      const reverse = this.lockOrder.get(`${obj}>${held}`);
      const key = [held, obj].sort().join("|");
      if (reverse && !this.invertedPairs.has(key)) {
        this.invertedPairs.add(key);
        const a = this.names.get(held);
        const b = this.names.get(obj);
        this.warnings.push({
          t,
          p,
          code: "lock-order-inversion",
          message:
            `lock order inversion: P${p} took ${b} while holding ${a}${loc ? ` at ${loc}` : ""}, ` +
            `but P${reverse.p} took ${a} while holding ${b}${reverse.loc ? ` at ${reverse.loc}` : ""}; ` +
            `run at the wrong moment, they deadlock`,
        });
      }
    }
    stack.push(obj);
    this.heldByProcess.set(p, stack);
  }

  private readonly invertedPairs = new Set<string>();

  private pool(obj: string): PoolRow {
    let row = this.pools.get(obj);
    if (!row) {
      this.names.add(obj, "pool");
      row = {
        obj,
        name: this.names.get(obj),
        workers: 0,
        submitted: 0,
        done: 0,
        failed: 0,
        durations: [],
        callbacks: 0,
        pending: 0,
        errors: [],
        submitTimes: [],
        startTimes: [],
        finishTimes: [],
      };
      this.pools.set(obj, row);
    }
    return row;
  }

  private signal(obj: string, kind: ObjectKind = "event"): SignalRow {
    let row = this.signals.get(obj);
    if (!row) {
      this.names.add(obj, kind);
      row = {
        obj,
        name: this.names.get(obj),
        kind,
        waits: 0,
        totalWait: 0,
        maxWait: 0,
        timeouts: 0,
        broken: 0,
        signals: 0,
        unended: 0,
        wakes: new Map(),
      };
      this.signals.set(obj, row);
    }
    return row;
  }

  /**
   * Lock requests not yet granted (nor timed out), per process: object → when each was
   * made, oldest first (one process may wait twice at once for one lock, from two tasks).
   */
  private readonly waiting = new Map<number, Map<string, number[]>>();
  /**
   * Waits on events, conditions and barriers not yet ended, the same way. Kept apart: live,
   * a wait can arrive before its object's creation, from a process that creates nothing.
   */
  private readonly signalWaits = new Map<number, Map<string, number[]>>();

  /**
   * Locks and permits held now, per process: object → when each was granted. A hold that
   * ends with its holder (killed in a deadlock, or exiting with a permit) still counts.
   */
  private readonly holding = new Map<number, Map<string, number[]>>();

  /** A wait of `p` on `obj` ended at `t` after `wait` (none began if the call did not wait). */
  private endWait(
    open: Map<number, Map<string, number[]>>,
    p: number,
    obj: string,
    t: number,
    wait: number,
  ): void {
    if (wait > 0) removeNearest(open.get(p)?.get(obj), Number, t - wait);
  }

  private noteUngranted(lock: LockRow, wait: number): void {
    lock.ungrantedWait += wait;
    lock.maxUngrantedWait = Math.max(lock.maxUngrantedWait, wait);
  }

  private noteHold(lock: LockRow, hold: number): void {
    lock.maxHold = Math.max(lock.maxHold, hold);
    lock.totalHold += hold;
  }

  /** `p`'s holds (of `only`, or all) end at `t`: it exited, or the run ended. */
  private endHoldsOf(p: number, t: number, only?: string): void {
    const mine = this.holding.get(p);
    if (!mine) return;
    for (const [obj, grants] of mine) {
      if (only !== undefined && obj !== only) continue;
      for (const granted of grants) this.noteHold(this.lock(obj), Math.max(0, t - granted));
      mine.delete(obj);
    }
    if (mine.size === 0) this.holding.delete(p);
  }

  /** `p` ended (or the run did) while still asking: its waits never ended. */
  private endWaitsOf(p: number, t: number): void {
    for (const [obj, asked] of this.waiting.get(p) ?? []) {
      const lock = this.lock(obj);
      for (const since of asked) {
        lock.unended++;
        this.noteUngranted(lock, Math.max(0, t - since));
      }
    }
    this.waiting.delete(p);
    for (const [obj, began] of this.signalWaits.get(p) ?? []) {
      const row = this.signal(obj);
      for (const since of began) {
        const wait = Math.max(0, t - since);
        row.waits++;
        row.unended++;
        row.totalWait += wait;
        row.maxWait = Math.max(row.maxWait, wait);
      }
    }
    this.signalWaits.delete(p);
  }

  private lock(obj: string, kind: ObjectKind = "lock", permits = 1): LockRow {
    let lock = this.locks.get(obj);
    if (!lock) {
      this.names.add(obj, kind);
      lock = {
        obj,
        name: this.names.get(obj),
        kind,
        permits,
        holders: new Map(),
        acquisitions: 0,
        contended: 0,
        timeouts: 0,
        waits: [],
        unended: 0,
        ungrantedWait: 0,
        maxUngrantedWait: 0,
        maxHold: 0,
        totalHold: 0,
        holder: null,
      };
      this.locks.set(obj, lock);
    }
    return lock;
  }
}
