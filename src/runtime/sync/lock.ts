/** `Lock` and `RLock`: Python's process-shared locks (see permits.ts for the mechanics). */
import { TO_HANDLE, registerReviver, type Handle } from "../clone";
import { ValueError } from "../errors";
import { Permits, type AcquireOptions } from "./permits";
import { revivedVia, withVia } from "../link";

/** Python's non-recursive lock: a second acquire in the same process waits like any other. */
export class Lock extends Permits {
  constructor(existing?: string) {
    super("lock", 1, existing);
  }

  /** Acquires the lock; resolves false if it could not within `timeout` seconds (or at once). */
  acquire(options: AcquireOptions = {}): Promise<boolean> {
    return this.takePermit(options);
  }

  /** Releases the lock; `ValueError` if this process does not hold it. */
  release(): void {
    if (this.heldHere === 0) {
      throw new ValueError(`release of lock ${this.id}, which this process does not hold`);
    }
    this.givePermit();
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, { $procscope: "lock", id: this.id });
  }
}

/**
 * Python's re-entrant lock, re-entrant per process: the process that holds it may acquire
 * it again (counted locally, no message) and must release it as many times.
 */
export class RLock extends Permits {
  private depth = 0;

  constructor(existing?: string) {
    super("rlock", 1, existing);
  }

  async acquire(options: AcquireOptions = {}): Promise<boolean> {
    if (this.depth > 0) {
      this.depth++;
      return true;
    }
    const granted = await this.takePermit(options);
    if (granted) this.depth = 1;
    return granted;
  }

  release(): void {
    if (this.depth === 0) {
      throw new ValueError(`release of RLock ${this.id}, which this process does not hold`);
    }
    this.depth--;
    if (this.depth === 0) this.givePermit();
  }

  /** @internal For Condition.wait: let go completely, remembering the depth. */
  releaseAll(): number {
    const depth = this.depth;
    if (depth === 0) return 0;
    this.depth = 0;
    this.givePermit();
    return depth;
  }

  /** @internal For Condition.wait: take the lock back at the remembered depth. */
  async restore(depth: number): Promise<void> {
    await this.takePermit({});
    this.depth = depth;
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, { $procscope: "rlock", id: this.id });
  }
}

registerReviver("lock", (h) => revivedVia(h, () => new Lock(h.id as string)));
registerReviver("rlock", (h) => revivedVia(h, () => new RLock(h.id as string)));
