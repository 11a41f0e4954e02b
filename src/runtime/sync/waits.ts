/** Recording of waits on events, conditions and barriers, and of who woke them. */
import { context, record } from "../context";
import { callerLocation } from "../callsite";
import type {
  ObjectCreateEvent,
  ObjectKind,
  SyncSignalEvent,
  SyncWaitEvent,
} from "../../protocol/trace";

/** Announces a new object to the hub (`fields` are its creation frame) and the trace. */
export function createObject(
  kind: ObjectKind,
  frame: Record<string, unknown>,
  extra: Partial<ObjectCreateEvent> = {},
): string {
  const id = context.nextObjectId();
  void context.ensureConnected();
  context.client.send({ ...frame, type: frame.type as string, obj: id });
  record<ObjectCreateEvent>({
    type: "object.create",
    obj: id,
    kind,
    loc: context.tracing ? callerLocation() : undefined,
    ...extra,
  });
  return id;
}

export function recordWait(
  obj: string,
  op: SyncWaitEvent["op"],
  started: number,
  outcome: SyncWaitEvent["outcome"],
  wokenBy: number | null,
  loc: string | undefined,
  index?: number,
): void {
  record<SyncWaitEvent>({
    type: "sync.wait",
    obj,
    op,
    wait: context.now() - started,
    outcome,
    wokenBy,
    loc,
    index,
  });
}

export function recordSignal(obj: string, op: SyncSignalEvent["op"], count?: number): void {
  record<SyncSignalEvent>({
    type: "sync.signal",
    obj,
    op,
    count,
    loc: context.tracing ? callerLocation() : undefined,
  });
}
