/**
 * What may cross a process boundary, checked before it is serialized.
 *
 * `v8.serialize` silently turns a class instance into a plain object (its methods are
 * lost), so the runtime walks every outgoing value first: anything structured clone would
 * copy faithfully passes, anything else throws `PicklingError` at the user's call site,
 * naming the type and where in the value it was found. Runtime objects (queues, pipe ends,
 * locks) found in the value are replaced by handles and revived on the other side.
 */
import { types } from "node:util";
import { PicklingError } from "./errors";
import { MAX_NESTING_DEPTH, tooDeep } from "./limits";

/** Implemented by runtime objects that may travel inside a value. */
export const TO_HANDLE = Symbol.for("procscope.toHandle");

export interface Handle {
  $procscope: string;
  [key: string]: unknown;
}

export interface Shareable {
  [TO_HANDLE](): Handle;
}

type Reviver = (handle: Handle) => unknown;
const revivers = new Map<string, Reviver>();

/**
 * The runtime objects this process has sent or received, by what their handles name, so
 * that one object arriving twice (a lock in `args` and inside a Condition, a queue sent
 * back to the process that made it) is one object here, as a pickle's memo makes it in
 * Python. Two would each think they alone hold a lock, or read a queue.
 */
const known = new Map<string, WeakRef<object>>();
const forget = new FinalizationRegistry<string>((key) => {
  if (known.get(key)?.deref() === undefined) known.delete(key);
});

function identityOf(handle: Handle): string {
  const via = handle.via as { path?: string; host?: string; port?: number } | undefined;
  const where = via ? `@${via.path ?? `${via.host}:${via.port}`}` : "";
  return `${handle.$procscope}:${String(handle.id)}${where}`;
}

function remember(handle: Handle, object: object): void {
  const key = identityOf(handle);
  if (known.get(key)?.deref() === object) return;
  known.set(key, new WeakRef(object));
  forget.register(object, key);
}

/** `object`'s handle, noting that this process has it (see `known`). */
export function handleOf(object: Shareable): Handle {
  const handle = object[TO_HANDLE]();
  remember(handle, object);
  return handle;
}

export function registerReviver(kind: string, reviver: Reviver): void {
  revivers.set(kind, reviver);
}

/** Result of walking a value: whether it holds runtime objects to swap for handles. */
export const enum Walk {
  Plain = 0,
  HasHandles = 1,
  /** An object already sent in the current batch: the batch must be cut before it. */
  SeenInBatch = 2,
}

function describe(value: unknown): string {
  if (types.isProxy(value)) return "a Proxy";
  if (typeof value === "function") {
    return value.name ? `function ${value.name}` : "an anonymous function";
  }
  if (typeof value === "symbol") return `symbol ${String(value)}`;
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor && ctor.name ? `a ${ctor.name} instance` : "an object with a custom prototype";
}

function refuse(value: unknown, path: string, what: string): never {
  throw new PicklingError(
    `cannot ${what} ${describe(value)} (at ${path}): only primitives, plain objects, arrays, ` +
      `Map, Set, Date, RegExp, Error, typed arrays, Buffer, bigint and procscope objects ` +
      `cross a process boundary`,
  );
}

/**
 * Checks that `value` can be copied to another process.
 * `seen` maps every object of the current batch to the message it belongs to, so that a
 * later message sharing an object with an earlier one is detected (one v8 serializer would
 * otherwise make them the same object on the receiving side).
 */
/** Bytes of strings and binary data seen by the last `walkValue` (to size batches). */
let bulkBytes = 0;
/** Array items, object properties and Map and Set entries seen by the last walk. */
let items = 0;

export function lastWalkBulkBytes(): number {
  return bulkBytes;
}

/**
 * A rough size of the last walked value once serialized: its strings and binary data, and
 * a few bytes per item. Enough to tell a message that might be large from one that cannot.
 */
export function lastWalkSizeEstimate(): number {
  return bulkBytes + 8 * items;
}

export function walkValue(
  value: unknown,
  path: string,
  what: string,
  seen: Map<object, number>,
  message: number,
): Walk {
  bulkBytes = 0;
  items = 0;
  segments.length = 0;
  walkRoot = path;
  walkWhat = what;
  try {
    return walk(value, seen, message);
  } catch (error) {
    // The stack ran out before the limit (the call itself was deep in one).
    if (error instanceof RangeError) throw tooDeep(what, shortPath(path, segments));
    throw error;
  }
}

/**
 * Where the walk is, as path segments ("[3]", ".name"): kept as a stack and joined only
 * when a value is refused, so that walking a large message builds no strings.
 */
const segments: string[] = [];
let walkRoot = "";
let walkWhat = "";

function here(): string {
  return walkRoot + segments.join("");
}

/** `root.a.b.c…` of a deep path: its first and last few segments. */
function shortPath(root: string, path: readonly string[]): string {
  if (path.length <= 8) return root + path.join("");
  return `${root}${path.slice(0, 4).join("")}…(${path.length - 6} more)…${path.slice(-2).join("")}`;
}

function walkChild(
  value: unknown,
  segment: string,
  seen: Map<object, number>,
  message: number,
): Walk {
  if (segments.length >= MAX_NESTING_DEPTH) {
    throw tooDeep(walkWhat, shortPath(walkRoot, [...segments, segment]));
  }
  segments.push(segment);
  const result = walk(value, seen, message);
  segments.pop();
  return result;
}

function walk(value: unknown, seen: Map<object, number>, message: number): Walk {
  if (value === null) return Walk.Plain;
  const type = typeof value;
  if (type !== "object") {
    if (type === "string") bulkBytes += (value as string).length;
    else if (type === "function" || type === "symbol") refuse(value, here(), walkWhat);
    return Walk.Plain;
  }
  const object = value as object;
  const owner = seen.get(object);
  if (owner !== undefined) return owner === message ? Walk.Plain : Walk.SeenInBatch;
  seen.set(object, message);
  // v8 cannot copy a Proxy, and would fail half-way through writing it into a batch.
  if (types.isProxy(object)) refuse(object, here(), walkWhat);
  if (TO_HANDLE in object) return Walk.HasHandles;
  let result = Walk.Plain;
  if (Array.isArray(object)) {
    items += object.length;
    for (let i = 0; i < object.length; i++) {
      const item: unknown = object[i];
      // Primitives need no path and no recursion: the common case of number arrays.
      if (
        item === null ||
        (typeof item !== "object" && typeof item !== "function" && typeof item !== "symbol")
      ) {
        if (typeof item === "string") bulkBytes += item.length;
        continue;
      }
      result |= walkChild(item, `[${i}]`, seen, message);
    }
    return result;
  }
  const proto = Object.getPrototypeOf(object) as object | null;
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(object);
    items += keys.length;
    for (const key of keys) {
      result |= walkChild((object as Record<string, unknown>)[key], `.${key}`, seen, message);
    }
    return result;
  }
  if (object instanceof Map) {
    items += object.size;
    for (const [key, entry] of object) {
      result |= walkChild(key, "<key>", seen, message);
      result |= walkChild(entry, `.get(${String(key)})`, seen, message);
    }
    return result;
  }
  if (object instanceof Set) {
    items += object.size;
    for (const entry of object) result |= walkChild(entry, "<entry>", seen, message);
    return result;
  }
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    bulkBytes += object.byteLength;
    return Walk.Plain;
  }
  if (
    object instanceof Date ||
    object instanceof RegExp ||
    object instanceof Number ||
    object instanceof String ||
    object instanceof Boolean ||
    object instanceof BigInt ||
    isPlainError(object)
  ) {
    return Walk.Plain;
  }
  refuse(value, here(), walkWhat);
}

function isPlainError(object: object): boolean {
  // v8 copies the built-in error types (name, message, stack), not subclasses' extras.
  return object instanceof Error;
}

/** Replaces every runtime object inside `value` by its handle (a fresh copy). */
export function toWire(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== "object") return value;
  const object = value as object;
  const done = copies.get(object);
  if (done !== undefined) return done;
  if (TO_HANDLE in object) return handleOf(object as Shareable);
  if (Array.isArray(object)) {
    const out: unknown[] = [];
    copies.set(object, out);
    for (const entry of object) out.push(toWire(entry, copies));
    return out;
  }
  if (object instanceof Map) {
    const out = new Map();
    copies.set(object, out);
    for (const [key, entry] of object) out.set(toWire(key, copies), toWire(entry, copies));
    return out;
  }
  if (object instanceof Set) {
    const out = new Set();
    copies.set(object, out);
    for (const entry of object) out.add(toWire(entry, copies));
    return out;
  }
  const proto = Object.getPrototypeOf(object) as object | null;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    copies.set(object, out);
    for (const key of Object.keys(object)) {
      out[key] = toWire((object as Record<string, unknown>)[key], copies);
    }
    return out;
  }
  return object;
}

/** Turns handles inside a received value back into working runtime objects. */
export function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const handle = value as Partial<Handle>;
  if (typeof handle.$procscope === "string") {
    const revive = revivers.get(handle.$procscope);
    if (!revive) throw new PicklingError(`unknown procscope object kind '${handle.$procscope}'`);
    const same = known.get(identityOf(handle as Handle))?.deref();
    if (same) return same;
    const object = revive(handle as Handle) as object;
    remember(handle as Handle, object);
    return object;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromWire(value[i]);
    return value;
  }
  if (value instanceof Map) {
    const entries = [...value.entries()];
    value.clear();
    for (const [key, entry] of entries) value.set(fromWire(key), fromWire(entry));
    return value;
  }
  if (value instanceof Set) {
    const entries = [...value];
    value.clear();
    for (const entry of entries) value.add(fromWire(entry));
    return value;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = fromWire(record[key]);
  }
  return value;
}
