/**
 * Folds trace events into what a timeline draws: per process, when it lived, when it was
 * blocked (on a queue, a pipe, a join), when it waited for a lock and when it held one;
 * and one arrow per message from its send to its receive. Spans refer back to the events
 * they came from by index, so a hover can explain them without storing text per span.
 *
 * Waits that have begun but not ended (a `get` still blocked, a lock still wanted) are
 * kept open: they say what a process is blocked on right now.
 */
import type { ObjectId, ProcessNumber, TraceEvent } from "../protocol/trace";
import { SpanColumn } from "./span-column";
import { removeNearest } from "./stats";

/**
 * Events a process records of itself while it runs: a wait it began before one of these is
 * not holding it up. (Not its exit, nor what others record about it: samples, warnings.)
 */
const ACTIVITY: ReadonlySet<TraceEvent["type"]> = new Set<TraceEvent["type"]>([
  "process.spawn",
  "process.join",
  "process.output",
  "object.create",
  "object.block",
  "object.timeout",
  "message.send",
  "message.receive",
  "lock.request",
  "lock.acquired",
  "lock.released",
  "lock.timeout",
  "sync.wait",
  "sync.signal",
  "pool.submit",
  "pool.start",
  "pool.done",
  "pool.callback",
  "manager.call",
]);

/** A wait or hold that has started and not ended yet. */
export interface OpenSpan {
  obj: ObjectId;
  /** What the process is doing: the blocking call's name, "acquire" or "hold". */
  op: string;
  start: number;
  /** Index of the event that opened it. */
  ref: number;
}

export class Lane {
  startedAt: number | null = null;
  exitedAt: number | null = null;
  /** Blocked on a queue, pipe or join: ends at the receive, timeout or join. */
  readonly blocked = new SpanColumn();
  /** Waiting for a lock: ends when granted or timed out. */
  readonly lockWaits = new SpanColumn();
  /** Holding a lock: from grant to release. */
  readonly lockHolds = new SpanColumn();
  /** Pool tasks this process ran as a worker, and those that failed. */
  readonly tasks = new SpanColumn();
  readonly failedTasks = new SpanColumn();
  /** Object id → its oldest open wait (what the tree and the timeline show). */
  readonly openWaits = new Map<ObjectId, OpenSpan>();
  /** Every open wait per object, oldest first: more than one when two gets are awaited together. */
  private readonly allWaits = new Map<ObjectId, OpenSpan[]>();
  /** Lock id → open hold. */
  readonly openHolds = new Map<ObjectId, OpenSpan>();
  /** When this process last did something of its own (sent, received, took a lock…). */
  lastActivity = -Infinity;
  /** The object that was about, if any. */
  lastActivityOn: ObjectId | null = null;

  constructor(readonly process: ProcessNumber) {}

  /**
   * The wait this process has been in the longest, if it is blocked now. A wait it began
   * and then went on working past (`void stop.wait().then(…)`, a get left pending) is one
   * it waits on in the background: it blocks nothing, and it is not what the process does.
   */
  blockedOn(): OpenSpan | null {
    let oldest: OpenSpan | null = null;
    for (const wait of this.openWaits.values()) {
      // A second wait on the same object, or one of two ending, is this process still
      // waiting on it, not going on past it.
      const newest = this.allWaits.get(wait.obj)?.at(-1) ?? wait;
      if (newest.start < this.lastActivity && this.lastActivityOn !== wait.obj) continue;
      if (!oldest || wait.start < oldest.start) oldest = wait;
    }
    return oldest;
  }

  openWait(wait: OpenSpan): void {
    const all = this.allWaits.get(wait.obj);
    if (all) all.push(wait);
    else {
      this.allWaits.set(wait.obj, [wait]);
      this.openWaits.set(wait.obj, wait);
    }
  }

  /** Ends the open wait on `obj` that began nearest `begin`. */
  closeWait(obj: ObjectId, begin: number): OpenSpan | undefined {
    const all = this.allWaits.get(obj);
    const ended = removeNearest(all, (wait) => wait.start, begin);
    if (all && all.length > 0) this.openWaits.set(obj, all[0]);
    else {
      this.allWaits.delete(obj);
      this.openWaits.delete(obj);
    }
    return ended;
  }

  /** Every wait still open, and forgets them. */
  takeOpenWaits(): OpenSpan[] {
    const all = [...this.allWaits.values()].flat();
    this.allWaits.clear();
    this.openWaits.clear();
    return all;
  }
}

export interface Spawn {
  t: number;
  parent: ProcessNumber;
  child: ProcessNumber;
  ref: number;
}

export class TimelineModel {
  readonly lanes = new Map<ProcessNumber, Lane>();
  /** start = send time, end = receive time, ref = receive event, secondRef = send event. */
  readonly messages = new SpanColumn();
  readonly spawns: Spawn[] = [];
  /** Latest time seen: "now" for a live run, the end for a finished one. */
  end = 0;
  private readonly unpairedSends = new Map<string, number>();
  private readonly unpairedReceives = new Map<string, number>();
  private readonly pidToProcess = new Map<number, ProcessNumber>();
  /** "<pool>:<task>" → index of its submit event. */
  private readonly submits = new Map<string, number>();

  /** `events` is the run's event list and `index` the position of `event` in it. */
  add(event: TraceEvent, index: number, events: readonly TraceEvent[]): void {
    if (event.t > this.end) this.end = event.t;
    if (ACTIVITY.has(event.type)) {
      const lane = this.lane(event.p);
      if (event.t >= lane.lastActivity) {
        lane.lastActivity = event.t;
        lane.lastActivityOn = "obj" in event && event.obj !== undefined ? event.obj : null;
      }
    }
    switch (event.type) {
      case "process.spawn":
        this.spawns.push({ t: event.t, parent: event.p, child: event.child, ref: index });
        this.pidToProcess.set(event.pid, event.child);
        this.lane(event.child).startedAt ??= event.t;
        this.lane(event.p);
        return;
      case "process.start": {
        const lane = this.lane(event.p);
        if (lane.startedAt === null || event.p === 1) lane.startedAt = event.t;
        this.pidToProcess.set(event.pid, event.p);
        return;
      }
      case "process.exit":
        this.exit(event.p, event.t);
        return;
      case "process.join":
        if (event.wait > 0) this.lane(event.p).blocked.insert(event.t - event.wait, event.t, index);
        return;
      case "object.block":
        this.lane(event.p).openWait({ obj: event.obj, op: event.op, start: event.t, ref: index });
        return;
      case "object.timeout":
        this.endWait(event.p, event.obj, event.t, event.wait, index, "blocked");
        return;
      case "message.send":
        if (event.wait !== undefined && event.wait > 0) {
          this.endWait(event.p, event.obj, event.t, event.wait, index, "blocked");
        }
        this.pairSend(event.msg, index, events);
        return;
      case "message.receive":
        this.endWait(event.p, event.obj, event.t, event.wait, index, "blocked");
        this.pairReceive(event.msg, index, events);
        return;
      case "sync.wait":
        this.endWait(event.p, event.obj, event.t, event.wait, index, "blocked");
        return;
      case "manager.call":
        // The caller waits for the manager process's answer.
        if (event.duration > 0) {
          this.lane(event.p).blocked.insert(event.t - event.duration, event.t, index);
        }
        return;
      case "pool.submit":
        this.submits.set(`${event.obj}:${event.task}`, index);
        return;
      case "pool.done": {
        // Recorded by the owner when the worker died: the task belongs on the worker's lane.
        const worker =
          event.workerPid === undefined ? event.p : this.pidToProcess.get(event.workerPid);
        if (worker === undefined) return;
        const lane = this.lane(worker);
        const column = event.ok ? lane.tasks : lane.failedTasks;
        const submit = this.submits.get(`${event.obj}:${event.task}`) ?? -1;
        column.insert(event.t - event.duration, event.t, index, submit);
        return;
      }
      case "lock.request":
        this.lane(event.p).openWait({ obj: event.obj, op: "acquire", start: event.t, ref: index });
        return;
      case "lock.acquired":
        this.endWait(event.p, event.obj, event.t, event.wait, index, "lock");
        this.lane(event.p).openHolds.set(event.obj, {
          obj: event.obj,
          op: "hold",
          start: event.t,
          ref: index,
        });
        return;
      case "lock.timeout":
        this.endWait(event.p, event.obj, event.t, event.wait, index, "lock");
        return;
      case "lock.released": {
        // A semaphore's permit given back by a process that holds none ends the oldest
        // hold, as the hub counts it (the run model does the same).
        // (A hold of 0 says so: the releaser's own holds have a length, even one this map
        // lost to a second permit of the same semaphore.)
        const own = this.lane(event.p).openHolds.has(event.obj) || event.hold > 0;
        const lane = own
          ? this.lane(event.p)
          : (this.oldestHolder(event.obj) ?? this.lane(event.p));
        const open = lane.openHolds.get(event.obj);
        lane.openHolds.delete(event.obj);
        const start = open && lane.process !== event.p ? open.start : event.t - event.hold;
        lane.lockHolds.insert(start, event.t, index, open?.ref ?? -1);
        return;
      }
      default:
        return;
    }
  }

  /** Process number of an OS pid seen in this run. */
  processOfPid(pid: number): ProcessNumber | undefined {
    return this.pidToProcess.get(pid);
  }

  /** Processes waiting for `obj` now, oldest first. */
  waitersOf(obj: ObjectId): ProcessNumber[] {
    const waiting: Array<{ p: ProcessNumber; start: number }> = [];
    for (const lane of this.lanes.values()) {
      const wait = lane.openWaits.get(obj);
      if (wait) waiting.push({ p: lane.process, start: wait.start });
    }
    return waiting.sort((a, b) => a.start - b.start).map((waiter) => waiter.p);
  }

  /** The process holding lock `obj` now, if any (the first, for a semaphore). */
  holderOf(obj: ObjectId): ProcessNumber | null {
    for (const lane of this.lanes.values()) if (lane.openHolds.has(obj)) return lane.process;
    return null;
  }

  private oldestHolder(obj: ObjectId): Lane | null {
    let oldest: Lane | null = null;
    for (const lane of this.lanes.values()) {
      const hold = lane.openHolds.get(obj);
      if (hold && (!oldest || hold.start < oldest.openHolds.get(obj)!.start)) oldest = lane;
    }
    return oldest;
  }

  /** Every process holding `obj` now: one for a lock, several for a semaphore. */
  holdersOf(obj: ObjectId): ProcessNumber[] {
    const holders: ProcessNumber[] = [];
    for (const lane of this.lanes.values()) if (lane.openHolds.has(obj)) holders.push(lane.process);
    return holders;
  }

  lane(process: ProcessNumber): Lane {
    let lane = this.lanes.get(process);
    if (!lane) {
      lane = new Lane(process);
      this.lanes.set(process, lane);
    }
    return lane;
  }

  private endWait(
    process: ProcessNumber,
    obj: ObjectId,
    t: number,
    wait: number,
    index: number,
    column: "blocked" | "lock",
  ): void {
    const lane = this.lane(process);
    // A call that did not wait (an item already there) ended no open wait.
    const open = wait > 0 ? lane.closeWait(obj, t - wait) : undefined;
    if (wait <= 0) return;
    const start = t - wait;
    const target = column === "lock" ? lane.lockWaits : lane.blocked;
    target.insert(start, t, index, open?.ref ?? -1);
  }

  /** A process that exits stops waiting and holding: its open spans end there. */
  private exit(process: ProcessNumber, t: number): void {
    const lane = this.lane(process);
    if (lane.exitedAt !== null) return;
    lane.exitedAt = t;
    for (const wait of lane.takeOpenWaits()) {
      const target = wait.op === "acquire" ? lane.lockWaits : lane.blocked;
      target.insert(wait.start, t, wait.ref);
    }
    for (const hold of lane.openHolds.values()) lane.lockHolds.insert(hold.start, t, hold.ref);
    lane.openHolds.clear();
  }

  private pairSend(msg: string, index: number, events: readonly TraceEvent[]): void {
    const receive = this.unpairedReceives.get(msg);
    if (receive === undefined) {
      this.unpairedSends.set(msg, index);
      return;
    }
    this.unpairedReceives.delete(msg);
    this.messages.insert(events[index].t, events[receive].t, receive, index);
  }

  private pairReceive(msg: string, index: number, events: readonly TraceEvent[]): void {
    const send = this.unpairedSends.get(msg);
    if (send === undefined) {
      this.unpairedReceives.set(msg, index);
      return;
    }
    this.unpairedSends.delete(msg);
    this.messages.insert(events[send].t, events[index].t, index, send);
  }
}
