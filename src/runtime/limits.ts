/**
 * The limits on what one message may be (docs/api.md, "Limits"). A value past them is
 * refused at the call that sends it — `put`, `send`, `start` — with an error naming the
 * limit; nothing of it is sent, and the run goes on.
 */
import { PicklingError, ValueError } from "./errors";

/**
 * The largest message, serialized: 256 MiB. Every hop holds a message whole (the sender's
 * serializer, the hub, the receiver's buffer) and a frame may not pass 1 GiB, so this keeps
 * a few big messages in flight well within what the processes and the frames can carry.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * How deeply a message may nest (an object in an array in a Map…): 1,000 levels, as
 * Python's pickle stops at its recursion limit. v8's serializer recurses natively and gives
 * out somewhere past 3,000 levels, fewer when the call itself is deep in a stack.
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Messages whose strings, binary data and items add up to this much are serialized on their
 * own and measured exactly before they are sent; smaller ones cannot reach the limit.
 */
export const LARGE_MESSAGE_ESTIMATE = 1024 * 1024;

/**
 * Throws if a message serialized to `bytes` is over `MAX_MESSAGE_BYTES`. `atLeast`: `bytes`
 * is what its strings and binary data alone take (known before serializing, and enough to
 * refuse it without making the copy).
 */
export function checkMessageSize(bytes: number, where: string, atLeast = false): void {
  if (bytes <= MAX_MESSAGE_BYTES) return;
  throw new ValueError(
    `${where}: the message is ${atLeast ? "at least " : ""}${count(bytes)} bytes serialized, ` +
      `more than the largest message procscope carries (MAX_MESSAGE_BYTES: ` +
      `${count(MAX_MESSAGE_BYTES)} bytes, 256 MiB); nothing was sent. Send it in parts, or ` +
      `write it to a file and send the path`,
  );
}

/** The error for a value nested deeper than `MAX_NESTING_DEPTH` (`path`: where it is). */
export function tooDeep(what: string, path: string): PicklingError {
  return new PicklingError(
    `cannot ${what} a value nested more than ${count(MAX_NESTING_DEPTH)} ` +
      `levels deep (MAX_NESTING_DEPTH), at ${path}`,
  );
}

/**
 * A timeout as the runtime takes it: seconds, or undefined to wait for ever — Python's
 * `None`, which a program writes `undefined`, `null` or `Infinity` (a timer of Infinity ms
 * would fire at once). A negative one is 0, as before; one that is not a number is refused.
 */
export function timeoutSeconds(
  timeout: number | null | undefined,
  call: string,
): number | undefined {
  if (timeout === undefined || timeout === null || timeout === Infinity) return undefined;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new ValueError(
      `${call}: timeout must be a number of seconds, or null to wait for ever; got ${String(timeout)}`,
    );
  }
  return Math.max(0, timeout);
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}
