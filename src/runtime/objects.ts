/**
 * Creation of shared objects: a fresh id, the hub told first (so the object exists before
 * any process can use it), and an `object.create` trace event at the user's call site.
 */
import { context, record } from "./context";
import { callerLocation } from "./callsite";
import { currentIdPrefix, currentLink } from "./link";
import type { ObjectCreateEvent, ObjectId, ObjectKind } from "../protocol/trace";

let pendingOwner: { owner: ObjectId; role: string } | undefined;

/** Objects the runtime makes for another (a pool's queues) are named after it in the trace. */
export function ownedBy<T>(owner: ObjectId, role: string, make: () => T): T {
  pendingOwner = { owner, role };
  try {
    return make();
  } finally {
    pendingOwner = undefined;
  }
}

/** Announces a new object to the hub (`frame` is its creation frame) and to the trace. */
export function createObject(
  kind: ObjectKind,
  frame: Record<string, unknown>,
  extra: Partial<ObjectCreateEvent> = {},
): string {
  const id = currentIdPrefix() + context.nextObjectId();
  void context.ensureConnected();
  currentLink().send({ ...frame, type: frame.type as string, obj: id });
  recordCreation(id, kind, extra);
  return id;
}

/**
 * An object only the trace is told of: a channel this runtime keeps between two processes
 * without the hub (a pool's task and result streams, pool/direct.ts).
 */
export function createTracedOnly(kind: ObjectKind, extra: Partial<ObjectCreateEvent> = {}): string {
  const id = currentIdPrefix() + context.nextObjectId();
  recordCreation(id, kind, extra);
  return id;
}

function recordCreation(id: string, kind: ObjectKind, extra: Partial<ObjectCreateEvent>): void {
  record<ObjectCreateEvent>({
    type: "object.create",
    obj: id,
    kind,
    loc: context.tracing ? callerLocation() : undefined,
    ...pendingOwner,
    ...extra,
  });
}
