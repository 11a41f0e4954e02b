/**
 * Where in the user's code a runtime call was made, as `file:line:column` of the user's
 * own source (TypeScript lines, through the source maps esbuild writes).
 *
 * Capturing a stack costs about 2 µs, so hot paths (every message) only ask for it on a
 * sample; locks and process operations always do.
 */
import * as path from "node:path";
import { findSourceMap } from "node:module";

const runtimeDir = path.dirname(__filename);
const cache = new Map<string, string>();

interface CallSiteLike {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

/**
 * The cost of a capture grows with its depth, and the user's frame is usually within a
 * few frames of the runtime's entry point: a shallow capture first, a deep one if needed.
 */
const SHALLOW_FRAMES = 8;
const DEEP_FRAMES = 32;
/** Frames taken past a known entry point: the caller, or a runtime helper and its caller. */
const NEAR_FRAMES = 3;

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any function on the stack
type StackFunction = Function;

function captureFrames(limit: number, above: StackFunction = callerLocation): CallSiteLike[] {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_error, frames) => frames;
  Error.stackTraceLimit = limit;
  const holder: { stack?: CallSiteLike[] } = {};
  Error.captureStackTrace(holder, above);
  const frames = holder.stack ?? [];
  Error.prepareStackTrace = previousPrepare;
  Error.stackTraceLimit = previousLimit;
  return frames;
}

/**
 * The first frame outside the procscope runtime, mapped to the user's source. `entry`, when
 * given, is the public method the user called (on the stack now): V8 then collects only the
 * few frames past it, which costs about half of a capture from here.
 */
export function callerLocation(entry?: StackFunction): string | undefined {
  if (entry !== undefined) {
    const found = userFrame(captureFrames(NEAR_FRAMES, entry));
    if (found !== null) return found;
  }
  const shallow = captureFrames(SHALLOW_FRAMES);
  const found = userFrame(shallow);
  if (found !== null || shallow.length < SHALLOW_FRAMES) return found ?? undefined;
  return userFrame(captureFrames(DEEP_FRAMES)) ?? undefined;
}

function userFrame(frames: CallSiteLike[]): string | null {
  for (const frame of frames) {
    const file = frame.getFileName();
    if (!file || file.startsWith("node:") || file.startsWith(runtimeDir)) continue;
    if (file.includes(`${path.sep}node_modules${path.sep}procscope${path.sep}`)) continue;
    return mapLocation(file, frame.getLineNumber() ?? 0, frame.getColumnNumber() ?? 0);
  }
  return null;
}

/** Maps a generated position (1-based) to the original source through its source map. */
export function mapLocation(file: string, line: number, column: number): string {
  const key = `${file}:${line}:${column}`;
  const known = cache.get(key);
  if (known) return known;
  let result = `${toPath(file)}:${line}:${column}`;
  try {
    const entry = findSourceMap(file)?.findEntry(line - 1, column - 1) as
      { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry && entry.originalSource !== undefined && entry.originalLine !== undefined) {
      result = `${toPath(entry.originalSource)}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    }
  } catch {
    // No source map: the generated position is the best we have.
  }
  cache.set(key, result);
  return result;
}

function toPath(file: string): string {
  return file.startsWith("file://") ? new URL(file).pathname : file;
}
