/**
 * Proxies of a manager's dicts, lists and namespaces: every method is a request to the
 * manager process (recorded as `manager.call`), and every proxy can be passed to a child.
 */
import type { HubClient } from "../hub-client";
import { ValueError } from "../errors";
import {
  TO_HANDLE,
  registerReviver,
  walkValue,
  Walk,
  toWire,
  fromWire,
  type Handle,
} from "../clone";
import { currentLink, revivedVia, withVia } from "../link";
import { createObject } from "../objects";

/** Errors the manager reports keep Python's names (KeyError, IndexError, ValueError). */
function remoteError(message: string): Error {
  const match = /^(\w+Error): (.*)$/s.exec(message);
  if (match && match[1] === "ValueError") return new ValueError(match[2]);
  const error = new Error(match ? match[2] : message);
  error.name = match ? match[1] : "ManagerError";
  return error;
}

/** Checks and encodes call arguments here, so a bad value throws at the caller's line. */
function encodeArgs(args: unknown[], method: string): unknown[] {
  const walked = walkValue(args, method, "send", new Map(), 0);
  return walked & Walk.HasHandles ? (toWire(args) as unknown[]) : args;
}

abstract class Proxy {
  readonly id: string;
  protected readonly link: HubClient = currentLink();

  protected constructor(
    private readonly kind: "dict" | "list" | "namespace",
    init: Record<string, unknown> | null,
    existing?: string,
  ) {
    this.id = existing ?? createObject(kind, { type: kind === "list" ? "list" : "dict", ...init });
  }

  protected async call<T>(op: string, ...args: unknown[]): Promise<T> {
    const type = this.kind === "list" ? "list-op" : "dict-op";
    const reply = await this.link.request({
      type,
      obj: this.id,
      op,
      args: encodeArgs(args, `${this.kind}.${op}()`),
    });
    if (reply.header.error) throw remoteError(String(reply.header.error));
    return fromWire(reply.header.value) as T;
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, { $procscope: this.kind, id: this.id });
  }
}

function entriesOf<K, V>(
  init: Map<K, V> | Record<string, V> | Iterable<[K, V]> | undefined,
): Array<[unknown, unknown]> {
  if (!init) return [];
  if (init instanceof Map) return [...init.entries()];
  if (Symbol.iterator in Object(init)) return [...(init as Iterable<[K, V]>)];
  return Object.entries(init);
}

export class DictProxy<K = unknown, V = unknown> extends Proxy {
  constructor(init?: Map<K, V> | Record<string, V> | Iterable<[K, V]>, existing?: string) {
    super("dict", existing ? null : { entries: encodeArgs(entriesOf(init), "dict()") }, existing);
  }
  set(key: K, value: V): Promise<void> {
    return this.call("set", key, value);
  }
  get(key: K, fallback?: V): Promise<V | undefined> {
    // Without the fallback the call's header stays plain JSON (an undefined is not).
    return fallback === undefined ? this.call("get", key) : this.call("get", key, fallback);
  }
  has(key: K): Promise<boolean> {
    return this.call("has", key);
  }
  delete(key: K): Promise<boolean> {
    return this.call("delete", key);
  }
  /** Removes and returns the value; rejects `KeyError` when absent and no fallback is given. */
  pop(key: K, ...fallback: [V?]): Promise<V> {
    return fallback.length > 0 ? this.call("pop", key, fallback[0], true) : this.call("pop", key);
  }
  setdefault(key: K, fallback: V): Promise<V> {
    return this.call("setdefault", key, fallback);
  }
  update(entries: Map<K, V> | Record<string, V> | Iterable<[K, V]>): Promise<void> {
    return this.call("update", entriesOf(entries));
  }
  clear(): Promise<void> {
    return this.call("clear");
  }
  keys(): Promise<K[]> {
    return this.call("keys");
  }
  values(): Promise<V[]> {
    return this.call("values");
  }
  items(): Promise<Array<[K, V]>> {
    return this.call("items");
  }
  size(): Promise<number> {
    return this.call("size");
  }
  toMap(): Promise<Map<K, V>> {
    return this.call("toMap");
  }
  /** A plain object (keys become strings, as JavaScript objects have no other keys). */
  async toObject(): Promise<Record<string, V>> {
    return Object.fromEntries(await this.call<Map<K, V>>("toMap")) as Record<string, V>;
  }
}

export class ListProxy<T = unknown> extends Proxy {
  constructor(init?: Iterable<T>, existing?: string) {
    super("list", existing ? null : { items: encodeArgs([...(init ?? [])], "list()") }, existing);
  }
  append(value: T): Promise<void> {
    return this.call("append", value);
  }
  extend(values: Iterable<T>): Promise<void> {
    return this.call("extend", [...values]);
  }
  get(index: number): Promise<T> {
    return this.call("get", index);
  }
  set(index: number, value: T): Promise<void> {
    return this.call("set", index, value);
  }
  insert(index: number, value: T): Promise<void> {
    return this.call("insert", index, value);
  }
  pop(index?: number): Promise<T> {
    return this.call("pop", index);
  }
  remove(value: T): Promise<void> {
    return this.call("remove", value);
  }
  index(value: T): Promise<number> {
    return this.call("index", value);
  }
  clear(): Promise<void> {
    return this.call("clear");
  }
  length(): Promise<number> {
    return this.call("length");
  }
  toArray(): Promise<T[]> {
    return this.call("toArray");
  }
}

/** Python's `Namespace`: named attributes, read and written through the manager. */
export class NamespaceProxy extends Proxy {
  constructor(existing?: string) {
    super("namespace", existing ? null : { entries: [] }, existing);
  }
  get<T = unknown>(name: string): Promise<T | undefined> {
    return this.call("get", name);
  }
  set(name: string, value: unknown): Promise<void> {
    return this.call("set", name, value);
  }
}

registerReviver("dict", (h) => revivedVia(h, () => new DictProxy(undefined, h.id as string)));
registerReviver("list", (h) => revivedVia(h, () => new ListProxy(undefined, h.id as string)));
registerReviver("namespace", (h) => revivedVia(h, () => new NamespaceProxy(h.id as string)));
