/** Recording of waits on events, conditions and barriers, and of who woke them. */
import { context, record } from "../context";
import { callerLocation } from "../callsite";
import type { SyncSignalEvent, SyncWaitEvent } from "../../protocol/trace";

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
