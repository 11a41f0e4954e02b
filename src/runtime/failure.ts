/**
 * How a process that fails tells the user why: once, in words that say what went wrong and
 * where in the user's files. A syntax error names file:line:column with the line; a module
 * that cannot be found names the import that asked for it; anything else prints its stack,
 * without the frames of the runtime and of Node's module loader, so that the user's own
 * line comes first.
 */
import * as path from "node:path";
import { inspect } from "node:util";
import { ProgramSyntaxError } from "./loader";

const runtimeDir = path.dirname(__filename);
/** Errors already printed (a load error is seen by the loader's caller and again above it). */
const reported = new WeakSet<object>();

/** Whether a stack line is a frame of the runtime or of Node itself (not the user's). */
function isInternalFrame(line: string): boolean {
  if (!/^\s+at /.test(line)) return false;
  return line.includes("node:internal/") || line.includes(`${runtimeDir}${path.sep}`);
}

/** The stack without internal frames (all of it, if nothing else would be left). */
export function userStack(stack: string): string {
  const lines = stack.split("\n");
  const kept = lines.filter((line) => !isInternalFrame(line));
  const anyFrame = kept.some((line) => /^\s+at /.test(line));
  return (anyFrame ? kept : lines).join("\n");
}

/** `file:line:column` of the first frame in the user's code, if any. */
function firstUserLocation(stack: string): string | null {
  for (const line of stack.split("\n")) {
    if (!/^\s+at /.test(line) || isInternalFrame(line)) continue;
    const match = /\(?((?:\/|[A-Za-z]:\\)[^()]*?:\d+:\d+)\)?\s*$/.exec(line);
    if (match) return match[1];
  }
  return null;
}

/** The words that explain a missing module, or null when `error` is something else. */
function missingModule(error: Error & { code?: unknown }): string | null {
  if (error.code !== "MODULE_NOT_FOUND" && error.code !== "ERR_MODULE_NOT_FOUND") return null;
  const request = /Cannot find (?:module|package) '([^']+)'/.exec(error.message)?.[1];
  if (!request) return null;
  const where = firstUserLocation(error.stack ?? "");
  const relative = request.startsWith(".") || path.isAbsolute(request);
  const hint = relative
    ? "no such file"
    : `is the package installed where the program is (npm install ${request})?`;
  return `cannot find module '${request}'${where ? `, imported at ${where}` : ""}: ${hint}`;
}

/**
 * What to print for `error`, which ended the process `name`: one `procscope:` line for a
 * syntax error or a missing module, else Python's "Process X failed" and the stack.
 */
export function describeFailure(name: string, pid: number, error: unknown): string {
  const where = name === "MainProcess" ? "" : `in ${name}: `;
  if (error instanceof ProgramSyntaxError)
    return `procscope: ${where}syntax error in ${error.message}`;
  if (error instanceof Error) {
    const missing = missingModule(error);
    if (missing) return `procscope: ${where}${missing}`;
  }
  const text = error instanceof Error ? userStack(error.stack ?? String(error)) : inspect(error);
  return `Process ${name} (pid ${pid}) failed:\n${text}`;
}

/** A thrown primitive (`throw "x"`) printed last: it cannot go in the WeakSet. */
let reportedPrimitive: { value: unknown } | null = null;

/** Prints why the process failed, unless this error was printed already. */
export function reportFailure(name: string, error: unknown): void {
  if ((typeof error === "object" && error !== null) || typeof error === "function") {
    if (reported.has(error)) return;
    reported.add(error);
  } else {
    if (reportedPrimitive && Object.is(reportedPrimitive.value, error)) return;
    reportedPrimitive = { value: error };
  }
  process.stderr.write(`${describeFailure(name, process.pid, error)}\n`);
}
