/**
 * Which locks and semaphores this process holds now — for the lint "lock held across a
 * blocking call": waiting on a queue, a pipe, an event or a child while holding a lock is
 * the classic way to make every other user of that lock wait too.
 */
import { context, record } from "../context";
import { callerLocation } from "../callsite";
import type { WarningEvent } from "../../protocol/trace";

/** What the lint needs of a lock or semaphore. */
export interface Holdable {
  readonly id: string;
  readonly heldHere: number;
}

/**
 * The locks and semaphores of this process, looked at only when a call may block: the
 * acquire/release fast path does no bookkeeping for the lint. Weak references, so objects
 * revived from messages are not kept alive by it.
 */
const known = new Set<WeakRef<Holdable>>();
const reported = new Set<string>();

export function trackHoldable(holdable: Holdable): void {
  if (context.tracing) known.add(new WeakRef(holdable));
}

function heldNow(except?: string): string[] {
  const ids = new Set<string>();
  for (const ref of known) {
    const holdable = ref.deref();
    if (!holdable) known.delete(ref);
    else if (holdable.heldHere > 0 && holdable.id !== except) ids.add(holdable.id);
  }
  return [...ids];
}

/** Called before a call that may block; records a warning once per call site. */
export function noteBlockingCall(op: string, obj: string, except?: string): void {
  if (!context.tracing || known.size === 0) return;
  const holding = heldNow(except);
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
