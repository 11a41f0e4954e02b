/**
 * Converts a procscope trace to the Chrome Trace Event format (JSON), which ui.perfetto.dev
 * and chrome://tracing open: one track per process (named by `process_name` metadata),
 * messages as flow arrows from the send to the receive, lock waits and holds as slices,
 * queue depth as counters. Times are microseconds.
 */
import { processLabel, type TraceEvent } from "../protocol/trace";
import { ObjectNames } from "./names";

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

/** Slices this short still bind a flow arrow (µs). */
const MARK_US = 1;

export function toChromeTrace(events: TraceEvent[]): {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: "ms";
} {
  const out: ChromeTraceEvent[] = [];
  const pidOf = new Map<number, number>();
  const names = new ObjectNames();
  const kinds = new Map<string, string>();
  const flowIds = new Map<string, number>();
  const depth = new Map<string, number>();
  const lifetimes = new Map<number, { start: number; name: string }>();
  const us = (ns: number): number => ns / 1000;
  const pid = (p: number): number => pidOf.get(p) ?? 1_000_000 + p;

  // OS pids and names first: events may mention a process before its start event.
  for (const event of events) {
    if (event.type === "process.spawn") pidOf.set(event.child, event.pid);
    if (event.type === "process.start") pidOf.set(event.p, event.pid);
    if (event.type === "object.create") {
      names.add(event.obj, event.kind, event);
      kinds.set(
        event.obj,
        event.kind === "pipe" ? "pipe" : event.kind === "lock" ? "lock" : "queue",
      );
    }
  }
  const category = (obj: string): string => kinds.get(obj) ?? "queue";

  for (const event of events) {
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
        out.push({
          name: "thread_name",
          ph: "M",
          pid: event.pid,
          tid: event.pid,
          args: { name: event.name },
        });
        lifetimes.set(event.p, { start: event.t, name: label });
        break;
      }
      case "process.exit": {
        const life = lifetimes.get(event.p);
        if (life) {
          out.push({
            name: `${life.name} (exit ${event.exitCode})`,
            ph: "X",
            cat: "process",
            ts: us(life.start),
            dur: us(Math.max(0, event.t - life.start)),
            pid: pid(event.p),
            tid: pid(event.p),
            args: { exitCode: event.exitCode, signal: event.signal },
          });
          lifetimes.delete(event.p);
        }
        break;
      }
      case "process.spawn":
        out.push({
          name: `spawn ${processLabel(event.child)} ${event.name}`,
          ph: "X",
          cat: "process",
          ts: us(event.t),
          dur: MARK_US,
          pid: pid(event.p),
          tid: pid(event.p),
          args: { target: event.target, pid: event.pid, location: event.loc },
        });
        break;
      case "message.send": {
        const cat = category(event.obj);
        const id = flowIds.size + 1;
        flowIds.set(event.msg, id);
        const name = `${cat === "pipe" ? "send" : "put"} ${names.get(event.obj)}`;
        out.push({
          name,
          ph: "X",
          cat,
          ts: us(event.t),
          dur: MARK_US,
          pid: pid(event.p),
          tid: pid(event.p),
          args: { message: event.msg, preview: event.preview, location: event.loc },
        });
        out.push({
          name: "message",
          ph: "s",
          cat,
          id,
          ts: us(event.t),
          pid: pid(event.p),
          tid: pid(event.p),
        });
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
        const cat = category(event.obj);
        const start = event.t - event.wait;
        out.push({
          name: `${cat === "pipe" ? "recv" : "get"} ${names.get(event.obj)}`,
          ph: "X",
          cat,
          ts: us(start),
          dur: Math.max(MARK_US, us(event.wait)),
          pid: pid(event.p),
          tid: pid(event.p),
          args: {
            message: event.msg,
            bytes: event.size,
            waitedUs: us(event.wait),
            location: event.loc,
          },
        });
        const id = flowIds.get(event.msg);
        if (id !== undefined) {
          out.push({
            name: "message",
            ph: "f",
            bp: "e",
            cat,
            id,
            ts: us(event.t),
            pid: pid(event.p),
            tid: pid(event.p),
          });
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
      case "lock.acquired":
      case "lock.timeout":
        if (event.wait > 0) {
          out.push({
            name: `wait ${names.get(event.obj)}${event.type === "lock.timeout" ? " (timed out)" : ""}`,
            ph: "X",
            cat: "lock",
            ts: us(event.t - event.wait),
            dur: us(event.wait),
            pid: pid(event.p),
            tid: pid(event.p),
            args: { heldBy: event.heldBy.map(processLabel), location: event.loc },
          });
        }
        break;
      case "lock.released":
        out.push({
          name: `hold ${names.get(event.obj)}`,
          ph: "X",
          cat: "lock",
          ts: us(event.t - event.hold),
          dur: us(event.hold),
          pid: pid(event.p),
          tid: pid(event.p),
          args: { location: event.loc },
        });
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
      default:
        break;
    }
  }
  return { traceEvents: out, displayTimeUnit: "ms" };
}
