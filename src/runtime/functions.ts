/**
 * Functions cross a process boundary by name, as Python pickles them: a target must be
 * exported from a module of the program, and the child imports that module and looks the
 * export up. Any loaded module of the program will do, not only the entry file.
 */
import * as path from "node:path";
import { PicklingError } from "./errors";

export interface FunctionRef {
  /** Absolute path of the module that exports the function. */
  module: string;
  /** Name of the export. */
  name: string;
}

const known = new WeakMap<object, FunctionRef>();

/** Module name of the runtime's own targets (a pool worker's loop, a manager's server). */
const INTERNAL_MODULE = "procscope:internal";
const internals = new Map<string, (...args: never[]) => unknown>();

/** Makes a runtime function startable as a process target in every process of a run. */
export function registerInternalTarget(name: string, fn: (...args: never[]) => unknown): void {
  internals.set(name, fn);
  known.set(fn, { module: INTERNAL_MODULE, name });
}
const runtimeDir = path.dirname(__filename);

function isProgramModule(filename: string): boolean {
  return (
    !filename.startsWith(runtimeDir) &&
    !filename.includes(`${path.sep}node_modules${path.sep}`) &&
    path.isAbsolute(filename)
  );
}

function scan(): void {
  for (const [filename, mod] of Object.entries(require.cache)) {
    if (!mod || !isProgramModule(filename)) continue;
    const exports = mod.exports as unknown;
    if (typeof exports === "function" && !known.has(exports)) {
      known.set(exports, { module: filename, name: "default" });
    }
    if (exports === null || (typeof exports !== "object" && typeof exports !== "function"))
      continue;
    for (const name of Object.keys(exports as object)) {
      let value: unknown;
      try {
        value = (exports as Record<string, unknown>)[name];
      } catch {
        continue;
      }
      if (typeof value === "function" && !known.has(value))
        known.set(value, { module: filename, name });
    }
  }
}

/** Finds the module and export name of `fn`, or throws `PicklingError` saying how to fix it. */
export function referenceOf(fn: unknown, role: string): FunctionRef {
  if (typeof fn !== "function") {
    throw new PicklingError(`${role} must be a function, got ${fn === null ? "null" : typeof fn}`);
  }
  let ref = known.get(fn);
  if (!ref) {
    scan();
    ref = known.get(fn);
  }
  if (!ref) {
    const source = Function.prototype.toString.call(fn);
    const arrow = /^(async\s*)?(\([^)]*\)|[\w$]+)\s*=>/.test(source);
    const what = arrow
      ? "an inline arrow function"
      : fn.name
        ? `function '${fn.name}'`
        : "an inline (anonymous) function";
    throw new PicklingError(
      `${role} is ${what}, which is not exported from any module of the program. ` +
        `A new process imports your modules and looks the function up by its export name ` +
        `(as Python pickles functions by qualified name): declare it at the top level of a ` +
        `module with 'export function ${fn.name || "name"}(…)'.`,
    );
  }
  return ref;
}

/** In a child: loads the module and returns the export. */
export function resolveReference(ref: FunctionRef): (...args: unknown[]) => unknown {
  if (ref.module === INTERNAL_MODULE) {
    const internal = internals.get(ref.name);
    if (!internal) throw new PicklingError(`no internal procscope target '${ref.name}'`);
    return internal as (...args: unknown[]) => unknown;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(ref.module) as
    Record<string, unknown> | ((...args: unknown[]) => unknown);
  const value =
    ref.name === "default" && typeof exports === "function"
      ? exports
      : (exports as Record<string, unknown>)[ref.name];
  if (typeof value !== "function") {
    throw new PicklingError(`${ref.module} has no exported function '${ref.name}'`);
  }
  return value as (...args: unknown[]) => unknown;
}

export function describeReference(ref: FunctionRef): string {
  return `${ref.module}#${ref.name}`;
}
