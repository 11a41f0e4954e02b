/**
 * Plain-words explanations of what a timeline shows, for a learner hovering over it:
 * who, what, how long, for whom, at which line. "P3 waited 42 ms for Lock1, held by P5,
 * at worker.ts:16". Pure: the panel draws the text, tests read it.
 */
import type { ObjectId, ProcessNumber, SourceLocation, TraceEvent } from "../protocol/trace";
import { formatBytes, formatDuration } from "./stats";

/** How the explanations name things. */
export interface Naming {
  /** "Lock1", "Queue2", "Pipe1.a". */
  object(obj: ObjectId): string;
  /** "P3 (Process-2)". */
  process(p: ProcessNumber): string;
  /** The process number of an OS pid seen in the run. */
  processOfPid(pid: number): ProcessNumber | undefined;
}

/** "/home/me/app/worker.ts:16:5" → "worker.ts:16". */
export function shortLocation(loc: SourceLocation | undefined): string | null {
  if (!loc) return null;
  const match = /([^/\\]+?):(\d+)(?::\d+)?$/.exec(loc);
  return match ? `${match[1]}:${match[2]}` : loc;
}

/** A moment of the run: ns since its start → "0.624 s". */
export function formatInstant(ns: number): string {
  return `${(ns / 1e9).toFixed(ns < 1e10 ? 3 : 1)} s`;
}

/** The user's source location an event carries, if its kind has one. */
export function locationOf(event: TraceEvent): SourceLocation | undefined {
  return "loc" in event ? event.loc : undefined;
}

function at(loc: SourceLocation | undefined): string {
  const short = shortLocation(loc);
  return short ? `, at ${short}` : "";
}

function holders(heldBy: readonly ProcessNumber[]): string {
  if (heldBy.length === 0) return "which no other process held";
  return `held by ${heldBy.map((p) => `P${p}`).join(", then ")}`;
}

function blockingCall(event: TraceEvent | undefined, fallback: string): string {
  return event && event.type === "object.block" ? event.op : fallback;
}

/** A span when a process was blocked on a queue, a pipe or a join. */
export function describeBlocked(
  events: readonly TraceEvent[],
  ref: number,
  secondRef: number,
  naming: Naming,
): string {
  const event = events[ref];
  const who = `P${event.p}`;
  const opener = secondRef >= 0 ? events[secondRef] : undefined;
  switch (event.type) {
    case "message.receive": {
      const call = blockingCall(opener, "receive");
      return `${who} waited ${formatDuration(event.wait)} for a message on ${naming.object(event.obj)} (${call})${at(event.loc)}`;
    }
    case "message.send":
      return `${who} waited ${formatDuration(event.wait ?? 0)} for room in ${naming.object(event.obj)} (put)${at(event.loc)}`;
    case "process.join": {
      const child = naming.processOfPid(event.childPid);
      const whom = child === undefined ? `pid ${event.childPid}` : naming.process(child);
      return `${who} waited ${formatDuration(event.wait)} for ${whom} to finish (join)${at(event.loc)}`;
    }
    case "object.timeout":
      if (event.eof) {
        return `${who} waited ${formatDuration(event.wait)} on ${naming.object(event.obj)} (${event.op}) until the other end was closed (EOFError)${at(event.loc)}`;
      }
      return `${who} gave up waiting on ${naming.object(event.obj)} (${event.op}) after ${formatDuration(event.wait)}${at(event.loc)}`;
    case "sync.wait": {
      const outcome =
        event.outcome === "timeout"
          ? ", then gave up (timeout)"
          : event.outcome === "broken"
            ? ", until the barrier broke"
            : event.wokenBy === null
              ? ""
              : `, until P${event.wokenBy} woke it`;
      return `${who} waited ${formatDuration(event.wait)} on ${naming.object(event.obj)} (${event.op})${outcome}${at(event.loc)}`;
    }
    case "manager.call": {
      const what = event.obj === undefined ? "" : ` on ${naming.object(event.obj)}`;
      const failed = event.ok ? "" : ", which failed";
      return `${who} waited ${formatDuration(event.duration)} for the manager ${naming.process(event.server)} to do ${event.method}${what}${failed}`;
    }
    case "object.block":
      return `${who} was still blocked on ${naming.object(event.obj)} (${event.op}) when it exited${at(event.loc)}`;
    default:
      return `${who} was blocked`;
  }
}

/** A span when a process waited for a lock. */
export function describeLockWait(
  events: readonly TraceEvent[],
  ref: number,
  naming: Naming,
): string {
  const event = events[ref];
  const who = `P${event.p}`;
  switch (event.type) {
    case "lock.acquired":
      return `${who} waited ${formatDuration(event.wait)} for ${naming.object(event.obj)}, ${holders(event.heldBy)}${at(event.loc)}`;
    case "lock.timeout":
      return `${who} gave up on ${naming.object(event.obj)} after ${formatDuration(event.wait)} (timeout), ${holders(event.heldBy)}${at(event.loc)}`;
    case "lock.request":
      return `${who} was still waiting for ${naming.object(event.obj)} when it exited${at(event.loc)}`;
    default:
      return `${who} waited for a lock`;
  }
}

/** A span when a process held a lock. */
export function describeLockHold(
  events: readonly TraceEvent[],
  ref: number,
  secondRef: number,
  naming: Naming,
): string {
  const event = events[ref];
  const who = `P${event.p}`;
  if (event.type === "lock.released") {
    const taken = secondRef >= 0 ? shortLocation(locationOf(events[secondRef])) : null;
    const where = taken ? `, taken at ${taken}` : "";
    const released = shortLocation(event.loc);
    return `${who} held ${naming.object(event.obj)} for ${formatDuration(event.hold)}${where}${released ? `, released at ${released}` : ""}`;
  }
  if (event.type === "lock.acquired") {
    return `${who} held ${naming.object(event.obj)} until it exited${at(event.loc)}`;
  }
  return `${who} held a lock`;
}

/** A wait or hold still going on at `now`. */
export function describeOpen(
  event: TraceEvent,
  now: number,
  holder: ProcessNumber | null,
  naming: Naming,
): string {
  const who = `P${event.p}`;
  const since = formatDuration(Math.max(0, now - event.t));
  switch (event.type) {
    case "lock.request": {
      const held = holder === null ? "" : `, held by P${holder}`;
      return `${who} has been waiting ${since} for ${naming.object(event.obj)}${held}${at(event.loc)}`;
    }
    case "lock.acquired":
      return `${who} has held ${naming.object(event.obj)} for ${since}${at(event.loc)}`;
    case "object.block":
      return `${who} has been blocked ${since} on ${naming.object(event.obj)} (${event.op})${at(event.loc)}`;
    default:
      return `${who} is waiting`;
  }
}

/** A message's arrow, from its send to its receive. */
export function describeMessage(
  events: readonly TraceEvent[],
  receiveRef: number,
  sendRef: number,
  naming: Naming,
): string {
  const receive = events[receiveRef];
  const send = events[sendRef];
  if (receive.type !== "message.receive" || send.type !== "message.send") return "a message";
  const what = send.preview ? send.preview : "a message";
  const latency = formatDuration(Math.max(0, receive.t - send.t));
  const sentAt = shortLocation(send.loc);
  const receivedAt = shortLocation(receive.loc);
  return (
    `P${send.p} sent ${what} (${formatBytes(receive.size)}) on ${naming.object(send.obj)}` +
    `${sentAt ? ` at ${sentAt}` : ""}; P${receive.p} received it ${latency} later` +
    `${receivedAt ? ` at ${receivedAt}` : ""}`
  );
}

/** A spawn marker: the parent started the child. */
export function describeSpawn(event: TraceEvent, naming: Naming): string {
  if (event.type !== "process.spawn") return "a process started";
  const target = event.target.replace(/^.*[/\\]/, "");
  return `P${event.p} started ${naming.process(event.child)}, running ${target}${at(event.loc)}`;
}

/** Between its start and its exit, when not blocked: the process ran. */
export function describeLifetime(
  p: ProcessNumber,
  startedAt: number | null,
  exitedAt: number | null,
  exitCode: number | null,
  naming: Naming,
): string {
  if (exitedAt === null) {
    const since = startedAt === null ? "" : ` since ${formatInstant(startedAt)}`;
    return `${naming.process(p)} has been running${since}`;
  }
  const from = startedAt === null ? "" : ` from ${formatInstant(startedAt)}`;
  const code = exitCode === null ? "" : ` and exited with code ${exitCode}`;
  return `${naming.process(p)} ran${from} to ${formatInstant(exitedAt)}${code}`;
}

/** A pool task on its worker's lane. */
export function describeTask(
  events: readonly TraceEvent[],
  ref: number,
  submitRef: number,
  naming: Naming,
): string {
  const done = events[ref];
  if (done.type !== "pool.done") return "a pool task";
  const submit = submitRef >= 0 ? events[submitRef] : undefined;
  const what =
    submit && submit.type === "pool.submit"
      ? ` (${submit.fn.replace(/^.*[/\\]/, "")}${submit.items > 1 ? `, ${submit.items} items` : ""})`
      : "";
  const worker = done.workerPid === undefined ? done.p : naming.processOfPid(done.workerPid);
  const who = worker === undefined ? "A worker" : `P${worker}`;
  const outcome = done.ok ? "" : done.error ? `, and it failed: ${done.error}` : ", and it failed";
  const submitted = submit ? at(locationOf(submit)) : "";
  return `${who} ran task ${done.task} of ${naming.object(done.obj)}${what} for ${formatDuration(done.duration)}${outcome}${submitted}`;
}
