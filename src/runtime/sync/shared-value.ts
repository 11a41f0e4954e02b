/**
 * `Value` and `SharedArray`: Python's shared ctypes values, kept in the hub. Each has its
 * own RLock (`getLock()`), as Python's do; a read-modify-write is only safe under it.
 *
 * A process holding the value's lock while the lock is biased to it takes the value on
 * lease (hub/values.ts): from then on its reads and writes are local, as its acquires and
 * releases already are, until the hub recalls the value for another process or the bias
 * goes. That is what makes `withLock(() => v.set(v.get() + 1))` in one process cost
 * microseconds instead of two round trips.
 */
import { TO_HANDLE, registerReviver, type Handle, fromWire, handleOf } from "../clone";
import { ValueError } from "../errors";
import { Lock, RLock } from "./lock";
import { createObject } from "../objects";
import { currentLink, revivedVia, withVia } from "../link";
import { context } from "../context";
import type { HubClient } from "../hub-client";

/** A value on lease here: the one copy that counts, shared by every object for its id. */
interface Lease {
  items: unknown[];
  /** Changed since last written back. */
  dirty: boolean;
}

interface LinkLeases {
  held: Map<string, Lease>;
  /** Lease requests on their way, so that concurrent tasks ask once. */
  asking: Map<string, Promise<Lease | null>>;
}

const leasesByLink = new Map<HubClient, LinkLeases>();
let shutdownHookInstalled = false;

function leasesOf(link: HubClient): LinkLeases {
  const known = leasesByLink.get(link);
  if (known) return known;
  const mine: LinkLeases = { held: new Map(), asking: new Map() };
  leasesByLink.set(link, mine);
  link.on("value-recall", (frame) => giveBack(link, frame.header.obj as string));
  // Changes go back at the end of each turn: a process killed loses at most that turn's.
  link.beforeFlush.push(() => {
    for (const [obj, lease] of mine.held) {
      if (!lease.dirty) continue;
      lease.dirty = false;
      link.send({ type: "value-sync", obj, items: lease.items });
    }
  });
  if (!shutdownHookInstalled) {
    shutdownHookInstalled = true;
    context.beforeShutdown.push(() => {
      for (const [each, { held }] of leasesByLink) {
        for (const obj of [...held.keys()]) giveBack(each, obj);
      }
    });
  }
  return mine;
}

/** Ends this process's lease of `obj`, handing its items back. */
function giveBack(link: HubClient, obj: string): void {
  const leases = leasesOf(link);
  const lease = leases.held.get(obj);
  if (!lease) return;
  leases.held.delete(obj);
  link.send({ type: "value-sync", obj, items: lease.items, returned: true });
}

/** Python's typecodes and how a value is coerced into each, as ctypes would store it. */
const coercers: Record<string, (x: unknown) => unknown> = {
  b: (x) => Int8Array.of(Number(x))[0],
  B: (x) => Uint8Array.of(Number(x))[0],
  h: (x) => Int16Array.of(Number(x))[0],
  H: (x) => Uint16Array.of(Number(x))[0],
  i: (x) => Int32Array.of(Number(x))[0],
  I: (x) => Uint32Array.of(Number(x))[0],
  l: (x) => BigInt64Array.of(BigInt.asIntN(64, toBigInt(x)))[0],
  L: (x) => BigUint64Array.of(BigInt.asUintN(64, toBigInt(x)))[0],
  q: (x) => BigInt64Array.of(BigInt.asIntN(64, toBigInt(x)))[0],
  Q: (x) => BigUint64Array.of(BigInt.asUintN(64, toBigInt(x)))[0],
  f: (x) => Math.fround(Number(x)),
  d: (x) => Number(x),
  c: (x) => {
    const text = typeof x === "string" ? x : Buffer.isBuffer(x) ? x.toString("latin1") : String(x);
    if (text.length !== 1)
      throw new ValueError(`typecode 'c' holds one character, got ${JSON.stringify(text)}`);
    return text;
  },
  u: (x) => {
    const text = String(x);
    if ([...text].length !== 1)
      throw new ValueError(`typecode 'u' holds one character, got ${JSON.stringify(text)}`);
    return text;
  },
};

function toBigInt(x: unknown): bigint {
  if (typeof x === "bigint") return x;
  const n = Number(x);
  if (!Number.isFinite(n)) throw new ValueError(`cannot store ${String(x)} in an integer value`);
  return BigInt(Math.trunc(n));
}

function coercer(typecode: string): (x: unknown) => unknown {
  const coerce = coercers[typecode];
  if (!coerce) {
    throw new ValueError(
      `unknown typecode '${typecode}' (use one of ${Object.keys(coercers).join(" ")})`,
    );
  }
  return (x) => {
    if (
      typecode !== "c" &&
      typecode !== "u" &&
      typeof x !== "number" &&
      typeof x !== "bigint" &&
      typeof x !== "boolean"
    ) {
      throw new ValueError(`typecode '${typecode}' holds numbers, got ${typeof x}`);
    }
    return coerce(x);
  };
}

abstract class SharedCells {
  readonly id: string;
  /** The server the value lives on: the hub, or a manager. */
  protected readonly link = currentLink();
  protected readonly coerce: (x: unknown) => unknown;

  protected constructor(
    readonly typecode: string,
    readonly lock: RLock,
    kind: "value" | "array",
    initial: unknown[] | null,
    existing?: string,
  ) {
    this.coerce = coercer(typecode);
    // Losing the lock's bias ends the lease: another process is about to want the value.
    lock.onBiasLost.push(() => giveBack(this.link, this.id));
    if (existing) {
      this.id = existing;
      return;
    }
    const items = initial!.map(this.coerce);
    this.id = createObject(
      kind,
      { type: "value", typecode, items },
      { typecode, length: items.length },
    );
  }

  getLock(): RLock {
    return this.lock;
  }

  async withLock<R>(fn: () => R | Promise<R>): Promise<R> {
    return this.lock.withLock(fn);
  }

  /** The lease of this value in this process, taking one when the lock allows it. */
  protected async local(): Promise<Lease | null> {
    const leases = leasesOf(this.link);
    const held = leases.held.get(this.id);
    if (held) return held;
    if (!this.lock.biasedHere || this.lock.heldHere === 0) return null;
    let asking = leases.asking.get(this.id);
    if (!asking) {
      asking = this.takeLease(leases);
      leases.asking.set(this.id, asking);
    }
    return asking;
  }

  private async takeLease(leases: LinkLeases): Promise<Lease | null> {
    try {
      const reply = await this.link.request({ type: "value-lease", obj: this.id });
      const lease: Lease = { items: reply.header.items as unknown[], dirty: false };
      leases.held.set(this.id, lease);
      // The bias may have gone while the lease was on its way: then so does the lease.
      if (!this.lock.biasedHere) giveBack(this.link, this.id);
      return leases.held.get(this.id) ?? null;
    } finally {
      leases.asking.delete(this.id);
    }
  }

  protected async read(index: number): Promise<unknown> {
    const lease = await this.local();
    if (lease) return lease.items[index];
    return (await this.link.request({ type: "value-get", obj: this.id, index })).header.value;
  }

  protected async write(index: number, value: unknown): Promise<void> {
    const lease = await this.local();
    if (lease) {
      lease.items[index] = this.coerce(value);
      lease.dirty = true;
      this.link.flushSoon();
      return;
    }
    const reply = await this.link.request({
      type: "value-set",
      obj: this.id,
      index,
      value: this.coerce(value),
    });
    if (reply.header.error) throw new ValueError(reply.header.error as string);
  }
}

export class Value<T = number> extends SharedCells {
  constructor(typecode: string, value: T, lock?: Lock | RLock | boolean, existing?: string) {
    super(typecode, lockOf(lock), "value", existing ? null : [value], existing);
  }

  async get(): Promise<T> {
    return (await this.read(0)) as T;
  }

  async set(value: T): Promise<void> {
    await this.write(0, value);
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, {
      $procscope: "value",
      id: this.id,
      typecode: this.typecode,
      lock: handleOf(this.lock),
    });
  }
}

export class SharedArray<T = number> extends SharedCells {
  readonly length: number;

  constructor(
    typecode: string,
    init: T[] | number,
    lock?: Lock | RLock | boolean,
    existing?: { id: string; length: number },
  ) {
    const items = existing
      ? null
      : typeof init === "number"
        ? new Array<unknown>(checkLength(init)).fill(
            typecode === "c" || typecode === "u" ? "\0" : 0,
          )
        : [...init];
    super(typecode, lockOf(lock), "array", items, existing?.id);
    this.length = existing ? existing.length : items!.length;
  }

  async get(index: number): Promise<T> {
    this.checkIndex(index);
    return (await this.read(index)) as T;
  }

  async set(index: number, value: T): Promise<void> {
    this.checkIndex(index);
    await this.write(index, value);
  }

  async toArray(): Promise<T[]> {
    const lease = await this.local();
    if (lease) return [...lease.items] as T[];
    return (await this.link.request({ type: "value-all", obj: this.id })).header.items as T[];
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new ValueError(
        `index ${String(index)} out of range for an array of length ${this.length}`,
      );
    }
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, {
      $procscope: "array",
      id: this.id,
      typecode: this.typecode,
      length: this.length,
      lock: handleOf(this.lock),
    });
  }
}

/**
 * The lock a shared value is made with: the one given, or a new RLock — for Python's
 * `lock=True` and `lock=False` too. Without a lock of its own the value could not be leased
 * (the lock's bias is what lends it), so `false` asks for no sharing of a given lock and gets
 * a private one; `getLock()` then returns it, where Python's raw value has none.
 */
function lockOf(lock: Lock | RLock | boolean | undefined): RLock {
  if (lock === undefined || typeof lock === "boolean") return new RLock();
  if (!(lock instanceof RLock) && !(lock instanceof Lock)) {
    const given = lock as unknown;
    const what =
      given === null || typeof given !== "object"
        ? String(given)
        : `an object (${(given as object).constructor?.name ?? "no prototype"})`;
    throw new ValueError(`lock must be an RLock, a Lock, true or false, got ${what}`);
  }
  // A Lock serves as a value's lock as an RLock does: acquire, release and bias alike.
  return lock as RLock;
}

function checkLength(length: number): number {
  if (!Number.isInteger(length) || length < 0) {
    throw new ValueError(`array length must be a non-negative integer, got ${String(length)}`);
  }
  return length;
}

registerReviver("value", (h) =>
  revivedVia(
    h,
    () => new Value(h.typecode as string, 0, fromWire(h.lock) as RLock, h.id as string),
  ),
);
registerReviver("array", (h) =>
  revivedVia(
    h,
    () =>
      new SharedArray(h.typecode as string, 0, fromWire(h.lock) as RLock, {
        id: h.id as string,
        length: h.length as number,
      }),
  ),
);
