/**
 * The error classes of API.md. Each is `instanceof Error`, carries a clear message, and
 * keeps its name across a process boundary (see `reviveError`).
 */

export class ProcscopeError extends Error {
  constructor(message?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A blocking call ran out of time. */
export class TimeoutError extends ProcscopeError {}
/** `getNowait` / `get({ block: false })` on an empty queue. */
export class Empty extends ProcscopeError {}
/** `put` on a full bounded queue that may not wait. */
export class Full extends ProcscopeError {}
/** `recv` on a pipe whose other end is closed everywhere and which is drained. */
export class EOFError extends ProcscopeError {}
export class BrokenBarrierError extends ProcscopeError {}
/** A value or function that cannot cross a process boundary. */
export class PicklingError extends ProcscopeError {}
export class AuthenticationError extends ProcscopeError {}
export class ValueError extends ProcscopeError {}

/** A child process or pool worker died. */
export class ProcessError extends ProcscopeError {
  constructor(
    message: string,
    readonly pid: number | null,
    readonly exitCode: number | null,
    readonly signal: string | null,
  ) {
    super(message);
  }
}

/** An error as it crosses a process boundary. */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  /** The error's own fields that are plain values (`code`, `errno`…), kept as pickling does. */
  fields?: Record<string, string | number | boolean | null>;
}

const byName: Record<string, new (message?: string) => Error> = {
  TimeoutError,
  Empty,
  Full,
  EOFError,
  BrokenBarrierError,
  PicklingError,
  AuthenticationError,
  ValueError,
  // JavaScript's own classes, which `instanceof` should still recognise once revived.
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Rebuilds an error that crossed a process boundary as `{ name, message, stack, fields }`:
 * as the runtime's or JavaScript's own class when it was one, else an `Error` of that name,
 * with its plain-valued fields (`code`…) back on it.
 */
export function reviveError(data: ErrorData): Error {
  const Kind = byName[data.name];
  const error = Kind ? new Kind(data.message) : new Error(data.message);
  if (!Kind) error.name = data.name;
  if (data.stack) error.stack = data.stack;
  if (data.fields) Object.assign(error, data.fields);
  return error;
}
