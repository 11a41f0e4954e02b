/**
 * Converts a procscope trace to the Chrome Trace Event format (JSON), which ui.perfetto.dev
 * and chrome://tracing open. Times are microseconds.
 *
 * Each process is one process track (named by `process_name` metadata) with threads for
 * what happened in it: its own calls (sends, receives, joins, manager calls, wake-ups it
 * sent), one thread per lock it waited for or held, one per event, condition or barrier it
 * waited on, and its pool tasks. Messages and wake-ups are flow arrows from the sender to
 * the receiver. Waits that never ended (the process died in them, or the run ended first)
 * are drawn to that end and say so.
 *
 * Perfetto requires a thread's complete (`X`) slices to nest; calls of one process that
 * overlap without nesting (two gets awaited together, a stop event watched in the
 * background) are spread over as many threads of the same name as needed.
 */
import { processLabel, type ObjectKind, type TraceEvent } from "../protocol/trace";
import { describeDeadlock } from "./deadlock";
import { ObjectNames } from "./names";
import { listIn, removeNearest } from "./stats";
import { PERMIT_KINDS, SIGNAL_KINDS } from "./run-model";

export interface ChromeTraceEvent {
  name: string;
  ph: "X" | "M" | "s" | "f" | "C" | "i";
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  cat?: string;
  id?: number;
  bp?: "e";
  s?: "p" | "t" | "g";
  args?: Record<string, unknown>;
}

/** A mark (a send, a set) is drawn this long, so that it can be seen and hovered (ns). */
const MARK_NS = 1000;

/**
 * Trace nanoseconds as the format's microseconds. A quarter nanosecond more, so that an
 * importer multiplying by 1000 gets the same whole nanosecond back whether it rounds or
 * truncates: a lock's hold must not seem to begin a nanosecond before its wait ends.
 */
function us(ns: number): number {
  return (ns + 0.25) / 1000;
}
/** Thread ids of the extra threads start here, clear of any OS pid. */
const FIRST_EXTRA_TID = 1 << 30;

/** A complete slice waiting for its thread, and the arrows that start or end on it. */
interface Slice {
  event: ChromeTraceEvent;
  /** Start and end in the trace's nanoseconds: exact, where microseconds would round. */
  from: number;
  to: number;
  /** Which thread of its process it belongs to: "" for the process's own calls. */
  group: string;
  /** Arrows starting at this slice's start ("s"), and arrows ending at its end ("f"). */
  flows: ChromeTraceEvent[];
}

/** A wait that has begun and not ended yet. */
interface OpenWait {
  t: number;
  name: string;
  group: string;
  cat: string;
  loc?: string;
}

export function toChromeTrace(input: readonly TraceEvent[]): {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: "ms";
} {
  // A live run's events come in arrival order; what follows matches by time.
  const events = [...input].sort((a, b) => a.t - b.t);
  const out: ChromeTraceEvent[] = [];
  const slices: Slice[] = [];
  const pidOf = new Map<number, number>();
  const numberOfPid = new Map<number, number>();
  const names = new ObjectNames();
  const kinds = new Map<string, ObjectKind>();
  const sendSlices = new Map<string, Slice>();
  const depth = new Map<string, number>();
  const lifetimes = new Map<number, { start: number; name: string }>();
  const taskNames = new Map<string, string>();
  /**
   * "<pool>:<task>" → the worker that began it and when, until it is done; and when that
   * worker ended, if it did first (its owner tells of the task a moment later).
   */
  const taskStarts = new Map<string, { p: number; t: number; workerEnded?: number }>();
  const taskName = (key: string): string => {
    const [obj, task] = key.split(":");
    const fn = taskNames.get(key) ?? "task";
    return `${names.get(obj)} task ${task} ${fn.split("#").pop()}`;
  };
  /**
   * "<obj>:<p>" → the sets and notifies of process p on obj, in time order, with how many
   * waiters each can still wake: where wake-up arrows start.
   */
  const signals = new Map<string, Array<{ slice: Slice; t: number; left: number }>>();
  /** Lock or semaphore → the holds granted and not yet given back, oldest first. */
  const openHolds = new Map<string, Map<number, number[]>>();
  /** Per process, "<obj>" → its open waits there, oldest first. */
  const openWaits = new Map<number, Map<string, OpenWait[]>>();
  /** A process whose OS pid the trace does not say gets a made-up one, above any real pid. */
  const madeUp = new Map<number, number>();
  const pid = (p: number): number => {
    const os = pidOf.get(p);
    if (os !== undefined) return os;
    const id = 10_000_000 + p;
    madeUp.set(id, p);
    return id;
  };
  let nextFlow = 1;
  let end = 0;

  // OS pids and names first: events may mention a process before its start event.
  for (const event of events) {
    if (event.type === "process.spawn") pidOf.set(event.child, event.pid);
    if (event.type === "process.start") pidOf.set(event.p, event.pid);
    if (event.type === "process.spawn" || event.type === "process.start") {
      numberOfPid.set(event.pid, event.type === "process.spawn" ? event.child : event.p);
    }
    if (event.type === "object.create") {
      names.add(event.obj, event.kind, event);
      kinds.set(event.obj, event.kind);
    }
    if (event.type === "pool.submit") taskNames.set(`${event.obj}:${event.task}`, event.fn);
  }
  const category = (obj: string): string => {
    const kind = kinds.get(obj);
    if (kind === undefined) return "queue";
    if (kind === "pipe") return "pipe";
    if (SIGNAL_KINDS.has(kind)) return "sync";
    return PERMIT_KINDS.has(kind) ? "lock" : "queue";
  };
  const isSignal = (obj: string): boolean => category(obj) === "sync";
  const lockGroup = (obj: string): string => names.get(obj);
  const waitGroup = (obj: string): string => `waits on ${names.get(obj)}`;

  const slice = (
    p: number,
    group: string,
    name: string,
    cat: string,
    startNs: number,
    durationNs: number,
    args?: Record<string, unknown>,
  ): Slice => {
    const made: Slice = {
      event: {
        name,
        ph: "X",
        cat,
        ts: us(startNs),
        dur: us(Math.max(MARK_NS, durationNs)),
        pid: pid(p),
        tid: pid(p),
        ...(args ? { args } : {}),
      },
      from: startNs,
      to: startNs + Math.max(MARK_NS, durationNs),
      group,
      flows: [],
    };
    slices.push(made);
    return made;
  };
  /** An arrow from the start of `from` to the end of `to` (see placeOnThreads). */
  const flow = (from: Slice, to: Slice, cat: string, name: string): void => {
    const id = nextFlow++;
    from.flows.push({ name, ph: "s", cat, id, ts: from.event.ts, pid: from.event.pid, tid: 0 });
    to.flows.push({
      name,
      ph: "f",
      bp: "e",
      cat,
      id,
      ts: us(to.to - 1),
      pid: to.event.pid,
      tid: 0,
    });
  };

  const opened = (p: number, obj: string, wait: OpenWait): void => {
    listIn(openWaits, p, obj).push(wait);
  };
  /** A wait of `p` on `obj` that began at `begin` ended (none began if it never blocked). */
  const closed = (p: number, obj: string, begin: number, waited: number): void => {
    if (waited > 0) removeNearest(openWaits.get(p)?.get(obj), (wait) => wait.t, begin);
  };
  /** `p`'s waits still open at `t` (its exit, or the run's end) never ended. */
  const neverEnded = (p: number, t: number): void => {
    for (const [obj, waits] of openWaits.get(p) ?? []) {
      for (const wait of waits) {
        slice(p, wait.group, `${wait.name} (never ended)`, wait.cat, wait.t, t - wait.t, {
          object: names.get(obj),
          location: wait.loc,
          ended: "never: the process died waiting, or the run ended first",
        });
      }
    }
    openWaits.delete(p);
    // A task it was running ends with it.
    for (const started of taskStarts.values()) {
      if (started.p === p) started.workerEnded ??= t;
    }
    // What it held and never gave back ends with it.
    for (const [obj, holders] of openHolds) {
      for (const granted of holders.get(p) ?? []) {
        const name = `hold ${names.get(obj)} (never released)`;
        slice(p, lockGroup(obj), name, "lock", granted, t - granted, {
          ended: "with its holder, or with the run",
        });
      }
      holders.delete(p);
    }
  };
  /** Processes with a wait, a hold or a task still open. */
  const stillOpen = (): number[] => [
    ...new Set([
      ...openWaits.keys(),
      ...[...openHolds.values()].flatMap((holders) => [...holders.keys()]),
      ...[...taskStarts.values()].filter((s) => s.workerEnded === undefined).map((s) => s.p),
    ]),
  ];
  /** Tasks nobody said were done (their pool was terminated) end with their worker. */
  const unfinishedTasks = (t: number): void => {
    for (const [key, started] of taskStarts) {
      const to = started.workerEnded ?? t;
      const name = `${taskName(key)} (never finished)`;
      slice(started.p, "pool tasks", name, "pool", started.t, to - started.t, {
        function: taskNames.get(key),
      });
    }
    taskStarts.clear();
  };
  const lifetime = (p: number, t: number, label: string, args: Record<string, unknown>): void => {
    const life = lifetimes.get(p);
    if (!life) return;
    slice(
      p,
      "",
      `${life.name} (${label})`,
      "process",
      life.start,
      Math.max(0, t - life.start),
      args,
    );
    lifetimes.delete(p);
  };

  for (const event of events) {
    end = Math.max(end, event.t);
    switch (event.type) {
      case "process.start": {
        const label = `${processLabel(event.p)} ${event.name}`;
        out.push({
          name: "process_name",
          ph: "M",
          pid: event.pid,
          tid: event.pid,
          args: { name: label },
        });
        // Processes in the order they started, as the panel lists them.
        out.push({
          name: "process_sort_index",
          ph: "M",
          pid: event.pid,
          tid: event.pid,
          args: { sort_index: event.p },
        });
        lifetimes.set(event.p, { start: event.t, name: label });
        break;
      }
      case "process.exit":
        neverEnded(event.p, event.t);
        lifetime(event.p, event.t, `exit ${event.exitCode}`, {
          exitCode: event.exitCode,
          signal: event.signal,
        });
        break;
      case "run.end":
        for (const p of stillOpen()) neverEnded(p, event.t);
        unfinishedTasks(event.t);
        for (const p of [...lifetimes.keys()]) {
          lifetime(p, event.t, "still running when the run ended", {});
        }
        break;
      case "process.spawn":
        slice(
          event.p,
          "",
          `spawn ${processLabel(event.child)} ${event.name}`,
          "process",
          event.t,
          0,
          {
            target: event.target,
            pid: event.pid,
            location: event.loc,
          },
        );
        break;
      case "process.join":
        if (event.wait > 0) {
          const child = numberOfPid.get(event.childPid);
          const whom = child === undefined ? `pid ${event.childPid}` : processLabel(child);
          slice(event.p, "", `join ${whom}`, "process", event.t - event.wait, event.wait, {
            location: event.loc,
          });
        }
        break;
      case "message.send": {
        const cat = category(event.obj);
        const start = event.t - (event.wait ?? 0);
        const sent = slice(
          event.p,
          "",
          `${cat === "pipe" ? "send" : "put"} ${names.get(event.obj)}`,
          cat,
          start,
          event.t - start,
          { message: event.msg, preview: event.preview, location: event.loc },
        );
        sendSlices.set(event.msg, sent);
        const level = (depth.get(event.obj) ?? 0) + 1;
        depth.set(event.obj, level);
        out.push({
          name: `depth ${names.get(event.obj)}`,
          ph: "C",
          ts: us(event.t),
          pid: pid(event.p),
          tid: pid(event.p),
          args: { depth: level },
        });
        break;
      }
      case "message.receive": {
        closed(event.p, event.obj, event.t - event.wait, event.wait);
        const cat = category(event.obj);
        const received = slice(
          event.p,
          "",
          `${cat === "pipe" ? "recv" : "get"} ${names.get(event.obj)}`,
          cat,
          event.t - event.wait,
          event.wait,
          { message: event.msg, bytes: event.size, waitedUs: us(event.wait), location: event.loc },
        );
        const sent = sendSlices.get(event.msg);
        if (sent) {
          sendSlices.delete(event.msg);
          flow(sent, received, cat, "message");
        }
        const level = Math.max(0, (depth.get(event.obj) ?? 0) - 1);
        depth.set(event.obj, level);
        out.push({
          name: `depth ${names.get(event.obj)}`,
          ph: "C",
          ts: us(event.t),
          pid: pid(event.p),
          tid: pid(event.p),
          args: { depth: level },
        });
        break;
      }
      case "object.block": {
        const signal = isSignal(event.obj);
        opened(event.p, event.obj, {
          t: event.t,
          name: `${event.op} ${names.get(event.obj)}`,
          group: signal ? waitGroup(event.obj) : "",
          cat: category(event.obj),
          loc: event.loc,
        });
        break;
      }
      case "object.timeout":
        closed(event.p, event.obj, event.t - event.wait, event.wait);
        slice(
          event.p,
          "",
          `${event.op} ${names.get(event.obj)} (${event.eof ? "EOF" : "timed out"})`,
          category(event.obj),
          event.t - event.wait,
          event.wait,
          { location: event.loc },
        );
        break;
      case "lock.request":
        opened(event.p, event.obj, {
          t: event.t,
          name: `wait ${names.get(event.obj)}`,
          group: lockGroup(event.obj),
          cat: "lock",
          loc: event.loc,
        });
        break;
      case "lock.acquired":
      case "lock.timeout":
        closed(event.p, event.obj, event.t - event.wait, event.wait);
        if (event.type === "lock.acquired") {
          listIn(openHolds, event.obj, event.p).push(event.t);
        }
        if (event.wait > 0) {
          slice(
            event.p,
            lockGroup(event.obj),
            `wait ${names.get(event.obj)}${event.type === "lock.timeout" ? " (timed out)" : ""}`,
            "lock",
            event.t - event.wait,
            event.wait,
            { heldBy: event.heldBy.map(processLabel), location: event.loc },
          );
        }
        break;
      case "lock.released": {
        const holders = openHolds.get(event.obj);
        const mine = holders?.get(event.p);
        if (mine && mine.length > 0) {
          removeNearest(mine, Number, event.t - event.hold);
          if (mine.length === 0) holders!.delete(event.p);
          const name = `hold ${names.get(event.obj)}`;
          slice(event.p, lockGroup(event.obj), name, "lock", event.t - event.hold, event.hold, {
            location: event.loc,
          });
          break;
        }
        // A semaphore's permit given back by a process that held none: a mark here, and
        // the oldest holder's hold ends, as the hub counts it.
        slice(
          event.p,
          lockGroup(event.obj),
          `release ${names.get(event.obj)}`,
          "lock",
          event.t,
          0,
          {
            location: event.loc,
          },
        );
        // The oldest holder is the first in the map, as in the hub's count.
        const oldest = holders?.entries().next().value;
        if (oldest) {
          const [holder, grants] = oldest;
          const granted = grants.shift()!;
          if (grants.length === 0) holders!.delete(holder);
          const name = `hold ${names.get(event.obj)}`;
          slice(holder, lockGroup(event.obj), name, "lock", granted, event.t - granted, {
            releasedBy: processLabel(event.p),
          });
        }
        break;
      }
      case "sync.wait": {
        closed(event.p, event.obj, event.t - event.wait, event.wait);
        const waited = slice(
          event.p,
          waitGroup(event.obj),
          `wait ${names.get(event.obj)}${event.outcome === "woken" ? "" : ` (${event.outcome})`}`,
          "sync",
          event.t - event.wait,
          event.wait,
          {
            outcome: event.outcome,
            wokenBy: event.wokenBy === null ? null : processLabel(event.wokenBy),
            index: event.index,
            location: event.loc,
          },
        );
        // From the waker's first set or notify made after the wait began that can still
        // wake someone (a notify(1) wakes one). None, if it was lost with its process.
        const list =
          event.wokenBy === null ? undefined : signals.get(`${event.obj}:${event.wokenBy}`);
        if (list) {
          const begin = event.t - event.wait;
          let index = firstAtOrAfter(list, begin);
          while (index < list.length && list[index].left === 0) index++;
          const signal = list[index];
          if (signal && signal.t <= event.t) {
            signal.left--;
            flow(signal.slice, waited, "sync", "wake-up");
          }
        }
        break;
      }
      case "sync.signal": {
        const op = event.op.split(".")[1];
        const mark = slice(event.p, "", `${op} ${names.get(event.obj)}`, "sync", event.t, 0, {
          count: event.count,
          location: event.loc,
        });
        // Only these wake anybody (a clear, an abort or a reset ends no wait as woken).
        if (event.op === "event.set" || event.op === "condition.notify") {
          const key = `${event.obj}:${event.p}`;
          const left = event.op === "event.set" ? Infinity : (event.count ?? 1);
          let list = signals.get(key);
          if (!list) signals.set(key, (list = []));
          list.push({ slice: mark, t: event.t, left });
        }
        break;
      }
      case "pool.start":
        taskStarts.set(`${event.obj}:${event.task}`, { p: event.p, t: event.t });
        break;
      case "pool.done": {
        const key = `${event.obj}:${event.task}`;
        const started = taskStarts.get(key);
        taskStarts.delete(key);
        const worker = event.workerPid === undefined ? pid(event.p) : event.workerPid;
        // A task whose worker died is told by the owner, with no duration: it ran from its
        // start to its worker's end.
        const died = event.duration === 0 && started !== undefined;
        const from = died ? started.t : event.t - event.duration;
        const to = died ? (started.workerEnded ?? event.t) : event.t;
        const done = slice(
          event.p,
          "pool tasks",
          `${taskName(key)}${event.ok ? "" : " (failed)"}`,
          "pool",
          from,
          to - from,
          { function: taskNames.get(key), ok: event.ok, error: event.error },
        );
        done.event.pid = worker;
        done.event.tid = worker;
        break;
      }
      case "manager.call":
        slice(
          event.p,
          "",
          `manager ${event.method}${event.ok ? "" : " (failed)"}`,
          "manager",
          event.t - event.duration,
          event.duration,
          {
            server: processLabel(event.server),
            object: event.obj === undefined ? undefined : names.get(event.obj),
          },
        );
        break;
      case "resource.sample":
        // One counter track per process for each of CPU and memory.
        out.push({
          name: "cpu %",
          ph: "C",
          ts: us(event.t),
          pid: pid(event.p),
          tid: pid(event.p),
          args: { cpu: event.cpu },
        });
        out.push({
          name: "rss MiB",
          ph: "C",
          ts: us(event.t),
          pid: pid(event.p),
          tid: pid(event.p),
          args: { rss: event.rss / (1024 * 1024) },
        });
        break;
      case "warning":
        out.push({
          name: `warning: ${event.message}`,
          ph: "i",
          s: "p",
          ts: us(event.t),
          pid: pid(event.p),
          tid: pid(event.p),
        });
        break;
      case "deadlock":
        out.push({
          name: describeDeadlock(event, (obj) => names.get(obj)),
          ph: "i",
          s: "g",
          ts: us(event.t),
          pid: pid(event.p),
          tid: pid(event.p),
          args: { processes: event.processes.map((member) => processLabel(member.p)) },
        });
        break;
      default:
        break;
    }
  }
  // A trace cut short (no run.end): what is still open ends with the last event.
  for (const p of stillOpen()) neverEnded(p, end);
  unfinishedTasks(end);
  for (const p of [...lifetimes.keys()]) lifetime(p, end, "still running at the trace's end", {});

  // A process known only by what others said of it (a pool worker whose own events were
  // lost) still gets a name.
  const named = new Set(out.filter((e) => e.name === "process_name").map((e) => e.pid));
  for (const pidWithSlices of new Set(slices.map((item) => item.event.pid))) {
    if (named.has(pidWithSlices)) continue;
    const number = numberOfPid.get(pidWithSlices) ?? madeUp.get(pidWithSlices);
    const label = number !== undefined ? processLabel(number) : `pid ${pidWithSlices}`;
    out.push({
      name: "process_name",
      ph: "M",
      pid: pidWithSlices,
      tid: pidWithSlices,
      args: { name: label },
    });
  }
  placeOnThreads(slices, out);
  return { traceEvents: out, displayTimeUnit: "ms" };
}

/**
 * Gives every slice a thread of its process and group, so that each thread's slices nest:
 * the first thread of the group where the slice fits inside the slice open there (or
 * starts after it ends), else a new one. Names the threads; flows take their slice's.
 * Appends to `out` (a spread of a million events would overflow the stack).
 */
function placeOnThreads(slices: Slice[], out: ChromeTraceEvent[]): void {
  // Starts first; of two starting together, the longer encloses the other.
  slices.sort((a, b) => a.from - b.from || b.to - a.to);
  /** "<pid>|<group>" → its threads, each with the ends of the slices open on it. */
  const threads = new Map<string, Array<{ tid: number; open: number[] }>>();
  let nextTid = FIRST_EXTRA_TID;
  for (const item of slices) {
    const { event } = item;
    const key = `${event.pid}|${item.group}`;
    let list = threads.get(key);
    if (!list) threads.set(key, (list = []));
    const start = item.from;
    const stop = item.to;
    let thread = list.find(({ open }) => {
      while (open.length > 0 && open[open.length - 1] <= start) open.pop();
      return open.length === 0 || stop <= open[open.length - 1];
    });
    if (!thread) {
      // The process's own calls keep its OS pid as their first thread's id.
      const own = item.group === "";
      const tid = own && list.length === 0 ? event.pid : nextTid++;
      thread = { tid, open: [] };
      list.push(thread);
      const label = own ? "calls" : item.group;
      const meta = { pid: event.pid, tid, ph: "M" as const };
      out.push({
        ...meta,
        name: "thread_name",
        args: { name: list.length === 1 ? label : `${label} (${list.length})` },
      });
      // The process's own calls on top, then the rest as they first appear.
      out.push({ ...meta, name: "thread_sort_index", args: { sort_index: own ? 0 : tid } });
    }
    thread.open.push(stop);
    event.tid = thread.tid;
    out.push(event);
    for (const end of item.flows) {
      end.tid = thread.tid;
      if (end.ph === "f") {
        // Perfetto ends an arrow on whichever slice is open on the thread when it reads
        // the "f" (a child that ended stays open there until the next slice begins): a
        // point just before this slice's end is that slice, and where the arrow points.
        out.push({
          name: end.name === "message" ? "arrives" : "woken",
          ph: "X",
          cat: end.cat,
          ts: end.ts,
          dur: 0,
          pid: event.pid,
          tid: thread.tid,
        });
      }
      out.push(end);
    }
  }
}

/** Index of the first item of `list` (in time order) at or after `t`. */
function firstAtOrAfter(list: ReadonlyArray<{ t: number }>, t: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (list[middle].t < t) low = middle + 1;
    else high = middle;
  }
  return low;
}
