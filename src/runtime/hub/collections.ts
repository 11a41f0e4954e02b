/**
 * A manager's dicts, lists and namespaces. Keys keep their types (a Map, not an object:
 * 1, "1" and 0.25 are three keys, as in Python). Values arrive already checked and copied.
 */
import type { FrameHeader } from "../framing";
import type { Peer } from "./peer";
import { obtain } from "./sync-objects";

type Operation = (args: unknown[]) => unknown;

class DictState {
  readonly map: Map<unknown, unknown>;
  constructor(entries: Array<[unknown, unknown]>) {
    this.map = new Map(entries);
  }

  readonly operations: Record<string, Operation> = {
    set: ([key, value]) => void this.map.set(key, value),
    get: ([key, fallback]) => (this.map.has(key) ? this.map.get(key) : fallback),
    has: ([key]) => this.map.has(key),
    delete: ([key]) => this.map.delete(key),
    pop: ([key, fallback, hasFallback]) => {
      if (!this.map.has(key)) {
        if (hasFallback) return fallback;
        throw new Error(`KeyError: ${String(key)}`);
      }
      const value = this.map.get(key);
      this.map.delete(key);
      return value;
    },
    setdefault: ([key, fallback]) => {
      if (!this.map.has(key)) this.map.set(key, fallback);
      return this.map.get(key);
    },
    update: ([entries]) => {
      for (const [key, value] of entries as Array<[unknown, unknown]>) this.map.set(key, value);
    },
    clear: () => this.map.clear(),
    keys: () => [...this.map.keys()],
    values: () => [...this.map.values()],
    items: () => [...this.map.entries()],
    size: () => this.map.size,
    toMap: () => this.map,
  };
}

class ListState {
  constructor(readonly items: unknown[]) {}

  private index(i: unknown): number {
    const n = Number(i);
    const length = this.items.length;
    const index = n < 0 ? length + n : n;
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw new Error(`IndexError: list index ${String(i)} out of range (length ${length})`);
    }
    return index;
  }

  readonly operations: Record<string, Operation> = {
    append: ([value]) => void this.items.push(value),
    extend: ([values]) => void this.items.push(...(values as unknown[])),
    get: ([i]) => this.items[this.index(i)],
    set: ([i, value]) => void (this.items[this.index(i)] = value),
    // As Python's list.insert: an index past either end inserts at that end.
    insert: ([i, value]) => {
      const n = Math.trunc(Number(i));
      const length = this.items.length;
      const at = n < 0 ? Math.max(0, length + n) : Math.min(n, length);
      this.items.splice(at, 0, value);
    },
    pop: ([i]) => {
      if (this.items.length === 0) throw new Error("IndexError: pop from empty list");
      return this.items.splice(i === undefined ? this.items.length - 1 : this.index(i), 1)[0];
    },
    remove: ([value]) => {
      const index = this.items.findIndex((item) => Object.is(item, value));
      if (index < 0) throw new Error(`ValueError: ${String(value)} is not in list`);
      this.items.splice(index, 1);
    },
    index: ([value]) => {
      const index = this.items.findIndex((item) => Object.is(item, value));
      if (index < 0) throw new Error(`ValueError: ${String(value)} is not in list`);
      return index;
    },
    clear: () => void (this.items.length = 0),
    length: () => this.items.length,
    toArray: () => this.items,
  };
}

export class Collections {
  private readonly dicts = new Map<string, DictState>();
  private readonly lists = new Map<string, ListState>();

  /** Handles a frame if it is one of ours; returns false otherwise. */
  handle(peer: Peer, h: FrameHeader): boolean {
    const obj = h.obj as string;
    switch (h.type) {
      case "dict":
        obtain(
          this.dicts,
          obj,
          () => new DictState((h.entries as Array<[unknown, unknown]>) ?? []),
        );
        return true;
      case "list":
        obtain(this.lists, obj, () => new ListState((h.items as unknown[]) ?? []));
        return true;
      case "dict-op":
        this.run(peer, h, this.dicts.get(obj)?.operations);
        return true;
      case "list-op":
        this.run(peer, h, this.lists.get(obj)?.operations);
        return true;
      default:
        return false;
    }
  }

  private run(peer: Peer, h: FrameHeader, operations: Record<string, Operation> | undefined): void {
    const req = h.req as number;
    const operation = operations?.[h.op as string];
    if (!operation) {
      peer.reply(req, {
        error: `no object ${String(h.obj)} with an operation '${String(h.op)}' here`,
      });
      return;
    }
    try {
      peer.reply(req, { value: operation((h.args as unknown[]) ?? []) });
    } catch (error) {
      peer.reply(req, { error: (error as Error).message });
    }
  }
}
