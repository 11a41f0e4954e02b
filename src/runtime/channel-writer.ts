/** The sending side shared by queues and pipe ends: batching, trace, back-pressure. */
import * as v8 from "node:v8";
import { inspect } from "node:util";
import { context, record } from "./context";
import { walkValue, toWire, Walk, lastWalkBulkBytes } from "./clone";
import { callerLocation } from "./callsite";
import { checkMessageSize } from "./limits";
import type { MessageSendEvent } from "../protocol/trace";
import type { TraceSite } from "./recorder";
import type { HubClient } from "./hub-client";

const PREVIEW_CHARS = 120;

/** A short, single-line rendering of a message for hovers and summaries. */
export function preview(value: unknown): string {
  const text = inspect(value, {
    depth: 2,
    maxArrayLength: 8,
    maxStringLength: 60,
    breakLength: Infinity,
    compact: true,
  });
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

/** Appends `value` to the outgoing batch for `site.obj` (unbounded: never waits for room). */
/** `prechecked`: the value was walked already (bytes it holds); see `Queue.putPrechecked`. */
export function sendMessage(
  link: HubClient,
  site: TraceSite,
  value: unknown,
  where: string,
  prechecked?: number,
): void {
  const seq = context.nextMessageSeq();
  link.appendMessage(site.obj, value, context.number, seq, where, prechecked);
  if (context.tracing) recordSend(site, seq, value, undefined);
}

/**
 * Records a send. A bounded put is recorded once the hub has taken it, but dated `at` the
 * moment it was asked for: the receive can come before the acknowledgement, never before
 * the put.
 */
export function recordSend(
  site: TraceSite,
  seq: number,
  value: unknown,
  wait: number | undefined,
  size?: number,
  at?: number,
): void {
  const detail = context.recorder.sendWantsDetail(site);
  if (!detail && wait === undefined) {
    context.recorder.packSend(site, seq);
    return;
  }
  record<MessageSendEvent>({
    type: "message.send",
    ...(at === undefined ? {} : { t: at }),
    obj: site.obj,
    msg: `${context.number}:${seq}`,
    size: size ?? 0,
    preview: detail ? preview(value) : undefined,
    loc: detail ? callerLocation() : undefined,
    wait,
  });
}

/** Encodes one message on its own (for bounded puts, which the hub may park). */
export function encodeSingle(value: unknown, seq: number, where: string): Buffer {
  const walked = walkValue(value, where, "send", new Map(), seq);
  checkMessageSize(lastWalkBulkBytes(), where, true);
  const hasHandles = (walked & Walk.HasHandles) !== 0;
  const serializer = new v8.DefaultSerializer();
  serializer.writeHeader();
  serializer.writeUint32(context.number);
  serializer.writeUint32(seq);
  serializer.writeUint32(hasHandles ? 1 : 0);
  serializer.writeValue(hasHandles ? toWire(value) : value);
  const body = serializer.releaseBuffer();
  checkMessageSize(body.length, where);
  return body;
}

/** Waits while the connection to the hub is backed up (bounded memory for fast producers). */
export function backPressure(link: HubClient): Promise<void> | undefined {
  return link.congested ? link.drained() : undefined;
}

/**
 * Sends a request that may wait in the hub, cancelling it after `timeout` seconds. The hub
 * answers exactly once: with the result, or `cancelled` when the cancel came first.
 */
export function requestWithTimeout(
  link: HubClient,
  header: { type: string; obj: string; [key: string]: unknown },
  body: Buffer | null,
  timeout: number | undefined,
) {
  const req = link.peekRequestNumber();
  const reply = link.request(header, body);
  if (timeout === undefined) return reply;
  const timer = setTimeout(
    () => link.send({ type: "cancel", obj: header.obj, target: req }),
    Math.max(0, timeout) * 1000,
  );
  return reply.finally(() => clearTimeout(timer));
}
