/**
 * Which locks and semaphores this process holds now — for the lint "lock held across a
 * blocking call": waiting on a queue, a pipe, an event or a child while holding a lock is
 * the classic way to make every other user of that lock wait too.
 */
import { context, record } from "../context";
import { callerLocation } from "../callsite";
import type { WarningEvent } from "../../protocol/trace";

const held = new Map<string, number>();
const reported = new Set<string>();

export function noteHeld(obj: string, delta: number): void {
  const count = (held.get(obj) ?? 0) + delta;
  if (count > 0) held.set(obj, count);
  else held.delete(obj);
}

/** Called before a call that may block; records a warning once per call site. */
export function noteBlockingCall(op: string, obj: string, except?: string): void {
  if (!context.tracing || held.size === 0) return;
  const holding = [...held.keys()].filter((id) => id !== except);
  if (holding.length === 0) return;
  const loc = callerLocation();
  const key = `${op}@${loc ?? obj}`;
  if (reported.has(key)) return;
  reported.add(key);
  record<WarningEvent>({
    type: "warning",
    code: "lock-across-blocking-call",
    obj,
    loc,
    message:
      `${op} on ${obj} may block while this process holds ${holding.join(", ")}: ` +
      `every other process that needs ${holding.length > 1 ? "them" : "it"} waits as long`,
  });
}
