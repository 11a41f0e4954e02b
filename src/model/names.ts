/** Human names for objects: Q1, Q2… for queues, Pipe1 for pipes, L1… for locks, in creation order. */
import type { ObjectKind } from "../protocol/trace";

const prefixes: Record<ObjectKind, string> = {
  queue: "Queue",
  "joinable-queue": "JoinableQueue",
  "simple-queue": "SimpleQueue",
  pipe: "Pipe",
  lock: "Lock",
  rlock: "RLock",
  semaphore: "Semaphore",
  "bounded-semaphore": "BoundedSemaphore",
  event: "Event",
  condition: "Condition",
  barrier: "Barrier",
  value: "Value",
  array: "Array",
  pool: "Pool",
  manager: "Manager",
  dict: "Dict",
  list: "List",
  namespace: "Namespace",
};

export class ObjectNames {
  private readonly names = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private readonly pipeBases = new Map<string, string>();

  add(obj: string, kind: ObjectKind, owner?: { owner?: string; role?: string }): void {
    if (this.names.has(obj)) return;
    if (owner?.owner && owner.role) {
      this.names.set(obj, `${this.get(owner.owner)} ${owner.role}`);
      return;
    }
    if (kind === "pipe") {
      // Both ends of one Pipe() share a number: Pipe1 (end a), Pipe1 (end b).
      const base = obj.slice(0, -1);
      let name = this.pipeBases.get(base);
      if (!name) {
        name = `${prefixes.pipe}${this.next("pipe")}`;
        this.pipeBases.set(base, name);
      }
      this.names.set(obj, `${name}.${obj.slice(-1)}`);
      return;
    }
    this.names.set(obj, `${prefixes[kind]}${this.next(kind)}`);
  }

  get(obj: string): string {
    return this.names.get(obj) ?? obj;
  }

  private next(kind: string): number {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return n;
  }
}
