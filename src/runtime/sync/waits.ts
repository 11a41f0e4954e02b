/** Recording of waits on events, conditions and barriers, and of who woke them. */
import { context, record } from "../context";
import { callerLocation } from "../callsite";
import { requestWithTimeout } from "../channel-writer";
import type { HubClient, Reply } from "../hub-client";
import type { BlockEvent, SyncSignalEvent, SyncWaitEvent } from "../../protocol/trace";

/**
 * Sends a blocking call's request, then captures where in the user's code it was made.
 *
 * The request leaves first, in one write with whatever this process queued before it (a
 * release, a set): the process that wakes is not kept waiting by the capture, which costs
 * microseconds. The call site then follows the request unhurried, for the one reader that
 * needs it in the server: a deadlock report naming the line of each stuck call, which only
 * an untimed wait can be part of; a call answered before this process writes again never
 * sends it.
 */
export function requestThenLocate(
  link: HubClient,
  header: { type: string; obj: string; [key: string]: unknown },
  timeout: number | undefined,
  canBlockForever: boolean,
  entry?: Parameters<typeof callerLocation>[0],
): { reply: Promise<Reply>; loc: string | undefined } {
  const req = link.peekRequestNumber();
  const reply = requestWithTimeout(link, header, null, timeout);
  const loc = context.tracing ? callerLocation(entry) : undefined;
  if (loc !== undefined && canBlockForever && timeout === undefined) {
    link.sendWhileUnanswered(req, { type: "wait-loc", obj: header.obj, target: req, loc });
  }
  return { reply, loc };
}

/**
 * Records that a wait began, once its request has left (and, for a condition, its lock is
 * let go): a wait that never ends (a hang, a waiter killed) still shows, in the tree as
 * "blocked on", on the timeline and in the summary's count of waits that never ended.
 * It is the process's last record before it waits: the model takes anything the process
 * records after it as a sign that it went on working while the wait stayed pending.
 */
export function recordWaitBegins(obj: string, loc: string | undefined): void {
  record<BlockEvent>({ type: "object.block", obj, op: "wait", loc });
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

/** Records a set, notify, abort or reset; `t` is when it was sent, if before this call. */
export function recordSignal(
  obj: string,
  op: SyncSignalEvent["op"],
  count?: number,
  t?: number,
): void {
  record<SyncSignalEvent>({
    type: "sync.signal",
    ...(t === undefined ? {} : { t }),
    obj,
    op,
    count,
    loc: context.tracing ? callerLocation() : undefined,
  });
}
