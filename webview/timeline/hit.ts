/**
 * What is under the pointer on the timeline, explained in plain words, with the source
 * location a click opens. Looks only at the lane under the pointer and the arrows drawn
 * near it, with the same binary searches as drawing.
 */
import {
  describeBlocked,
  describeLifetime,
  describeLockHold,
  describeLockWait,
  describeMessage,
  describeOpen,
  describeSpawn,
  describeTask,
  locationOf,
  type Naming,
} from "../../src/model/describe";
import { deadlockCycles } from "../../src/model/warnings";
import type { SourceLocation } from "../../src/protocol/trace";
import type { PanelStore } from "../store";
import type { FrameInput } from "./plot";
import { arrowStride } from "./arrow-density";
import { geometry } from "./layout";

export interface Hit {
  kind: "message" | "spawn" | "lock-wait" | "lock-hold" | "blocked" | "task" | "lifetime";
  text: string;
  loc: SourceLocation | undefined;
  /** The shape to highlight, in CSS pixels: a box, or a line for arrows. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

const pointerSlop = 4;

export function hitTest(input: FrameInput, naming: Naming, x: number, y: number): Hit | null {
  const hit = hitShape(input, naming, x, y);
  if (!hit || (hit.kind !== "lock-wait" && hit.kind !== "blocked")) return hit;
  const index = input.lanes.laneAt(y);
  const process = index < 0 ? undefined : input.lanes.order[index];
  if (process === undefined) return hit;
  const { store, viewport, width } = input;
  const toX = (t: number): number =>
    geometry.gutterWidth + viewport.timeToX(t, width - geometry.gutterWidth);
  for (const cycle of deadlockCycles(store.model, store.timeline)) {
    if (!cycle.processes.includes(process) || hit.x2 < toX(cycle.t) - pointerSlop) continue;
    const steps = cycle.edges.map((edge) => `P${edge.from} waits for P${edge.to}`).join(", ");
    return {
      ...hit,
      text: `${hit.text}${/[.!?]$/.test(hit.text) ? "" : "."} This wait never ends: P${process} is in a deadlock (${steps}).`,
    };
  }
  return hit;
}

function hitShape(input: FrameInput, naming: Naming, x: number, y: number): Hit | null {
  const { viewport, lanes, width, store } = input;
  if (x < geometry.gutterWidth || y < geometry.axisHeight) return null;
  const plotWidth = width - geometry.gutterWidth;
  const nsPerPixel = viewport.span / plotWidth;
  const time = viewport.start + (x - geometry.gutterWidth) * nsPerPixel;
  const toX = (t: number): number => geometry.gutterWidth + (t - viewport.start) / nsPerPixel;
  const slop = pointerSlop * nsPerPixel;

  const arrow = hitArrow(input, naming, x, y, toX);
  if (arrow) return arrow;

  const index = lanes.laneAt(y);
  if (index < 0) return null;
  const process = lanes.order[index];
  const lane = store.timeline.lanes.get(process);
  if (!lane) return null;
  const top = lanes.laneTop(index);
  const band = (start: number, end: number, bandTop: number, height: number) => ({
    x1: toX(start),
    y1: top + bandTop,
    x2: Math.max(toX(end), toX(start) + 1),
    y2: top + bandTop + height,
  });
  const events = store.events;
  const now = store.timeline.end;

  for (const spawn of store.timeline.spawns) {
    if (spawn.child !== process || Math.abs(spawn.t - time) > slop) continue;
    const event = events[spawn.ref];
    return {
      kind: "spawn",
      text: describeSpawn(event, naming),
      loc: locationOf(event),
      ...band(spawn.t, spawn.t, geometry.bandTop, geometry.bandHeight),
    };
  }

  if (y <= top + geometry.taskTop + geometry.taskHeight + 1) {
    for (const column of [lane.failedTasks, lane.tasks]) {
      const task = column.findAt(time, slop);
      if (task < 0) continue;
      const submit = column.secondRef(task);
      return {
        kind: "task",
        text: describeTask(events, column.ref(task), submit, naming),
        loc: submit >= 0 ? locationOf(events[submit]) : undefined,
        ...band(column.start(task), column.end(task), geometry.taskTop, geometry.taskHeight),
      };
    }
  }

  const inHoldStrip = y >= top + geometry.holdTop - 2;
  if (inHoldStrip) {
    const hold = lane.lockHolds.findAt(time, slop);
    if (hold >= 0) {
      const second = lane.lockHolds.secondRef(hold);
      const ref = lane.lockHolds.ref(hold);
      return {
        kind: "lock-hold",
        text: describeLockHold(events, ref, second, naming),
        loc: locationOf(events[second >= 0 ? second : ref]),
        ...band(
          lane.lockHolds.start(hold),
          lane.lockHolds.end(hold),
          geometry.holdTop,
          geometry.holdHeight,
        ),
      };
    }
    for (const open of lane.openHolds.values()) {
      if (open.start - slop > time) continue;
      const event = events[open.ref];
      return {
        kind: "lock-hold",
        text: describeOpen(event, now, process, naming),
        loc: locationOf(event),
        ...band(open.start, now, geometry.holdTop, geometry.holdHeight),
      };
    }
  }

  const wait = lane.lockWaits.findAt(time, slop);
  if (wait >= 0) {
    const ref = lane.lockWaits.ref(wait);
    return {
      kind: "lock-wait",
      text: describeLockWait(events, ref, naming),
      loc: locationOf(events[ref]),
      ...band(
        lane.lockWaits.start(wait),
        lane.lockWaits.end(wait),
        geometry.bandTop,
        geometry.bandHeight,
      ),
    };
  }
  const blocked = lane.blocked.findAt(time, slop);
  if (blocked >= 0) {
    const ref = lane.blocked.ref(blocked);
    return {
      kind: "blocked",
      text: describeBlocked(events, ref, lane.blocked.secondRef(blocked), naming),
      loc: locationOf(events[ref]),
      ...band(
        lane.blocked.start(blocked),
        lane.blocked.end(blocked),
        geometry.bandTop,
        geometry.bandHeight,
      ),
    };
  }
  for (const open of lane.openWaits.values()) {
    if (open.start - slop > time) continue;
    const event = events[open.ref];
    const holder = open.op === "acquire" ? store.timeline.holderOf(open.obj) : null;
    return {
      kind: open.op === "acquire" ? "lock-wait" : "blocked",
      text: describeOpen(event, now, holder, naming),
      loc: locationOf(event),
      ...band(open.start, now, geometry.bandTop, geometry.bandHeight),
    };
  }

  const started = lane.startedAt;
  const exited = lane.exitedAt ?? now;
  if (started !== null && time >= started - slop && time <= exited + slop) {
    const row = store.model.processes.get(process);
    return {
      kind: "lifetime",
      text: describeLifetime(process, started, lane.exitedAt, row?.exitCode ?? null, naming),
      loc: spawnLocation(store, process),
      ...band(started, exited, geometry.bandTop, geometry.bandHeight),
    };
  }
  return null;
}

function spawnLocation(store: PanelStore, process: number): SourceLocation | undefined {
  const spawn = store.timeline.spawns.find((candidate) => candidate.child === process);
  return spawn ? locationOf(store.events[spawn.ref]) : undefined;
}

/** The drawn arrow nearest the pointer, if one passes within a few pixels. */
function hitArrow(
  input: FrameInput,
  naming: Naming,
  x: number,
  y: number,
  toX: (t: number) => number,
): Hit | null {
  const { store, lanes, viewport, width } = input;
  const messages = store.timeline.messages;
  const nsPerPixel = viewport.span / (width - geometry.gutterWidth);
  const time = viewport.start + (x - geometry.gutterWidth) * nsPerPixel;
  const slop = pointerSlop * nsPerPixel;
  const low = messages.firstEndingAtOrAfter(viewport.start);
  const high = messages.firstStartingAfter(viewport.end);
  const visible = high - low;
  const stride = arrowStride(visible);
  const first = messages.firstEndingAtOrAfter(time - slop);
  const last = messages.firstStartingAfter(time + slop);
  let best: Hit | null = null;
  let bestDistance = pointerSlop;
  for (let index = Math.ceil(first / stride) * stride; index < last; index += stride) {
    if (messages.end(index) < time - slop) continue;
    const receive = messages.ref(index);
    const send = messages.secondRef(index);
    const from = lanes.indexOf(store.events[send].p);
    const to = lanes.indexOf(store.events[receive].p);
    if (from === undefined || to === undefined) continue;
    const x1 = toX(messages.start(index));
    const y1 = lanes.laneMiddle(from);
    const x2 = toX(messages.end(index));
    const y2 = lanes.laneMiddle(to);
    const distance = distanceToSegment(x, y, x1, y1, x2, y2);
    if (distance <= bestDistance) {
      bestDistance = distance;
      best = {
        kind: "message",
        text: describeMessage(store.events, receive, send, naming),
        loc: locationOf(store.events[send]),
        x1,
        y1,
        x2,
        y2,
      };
    }
  }
  return best;
}

function distanceToSegment(
  x: number,
  y: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const lengthSquared = dx * dx + dy * dy;
  const along = lengthSquared === 0 ? 0 : ((x - x1) * dx + (y - y1) * dy) / lengthSquared;
  const clamped = Math.min(1, Math.max(0, along));
  return Math.hypot(x - (x1 + clamped * dx), y - (y1 + clamped * dy));
}
