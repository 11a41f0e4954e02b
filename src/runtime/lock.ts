/**
 * `Lock`: Python's non-recursive process-shared lock. Ownership and the wait list live in
 * the hub; each acquire records request → grant (with the wait and who held the lock
 * meanwhile) → release (with the hold time), or a timeout — the data of the contention view.
 */
import { context, record } from "./context";
import { requestWithTimeout } from "./channel-writer";
import { TO_HANDLE, registerReviver, type Handle } from "./clone";
import { ValueError } from "./errors";
import { callerLocation } from "./callsite";
import type {
  LockAcquiredEvent,
  LockReleasedEvent,
  LockRequestEvent,
  LockTimeoutEvent,
  ObjectCreateEvent,
  WarningEvent,
} from "../protocol/trace";

export interface AcquireOptions {
  block?: boolean;
  /** Seconds; undefined waits forever. */
  timeout?: number;
}

export class Lock {
  readonly id: string;
  /** When this process got the lock (ns), or null when it does not hold it. */
  private heldSince: number | null = null;

  constructor(existing?: string) {
    if (existing) {
      this.id = existing;
      return;
    }
    this.id = context.nextObjectId();
    void context.ensureConnected();
    record<ObjectCreateEvent>({
      type: "object.create",
      obj: this.id,
      kind: "lock",
      loc: context.tracing ? callerLocation() : undefined,
    });
  }

  /** Acquires the lock; resolves false if it could not within `timeout` seconds (or at once). */
  async acquire(options: AcquireOptions = {}): Promise<boolean> {
    const block = options.block ?? true;
    if (options.timeout !== undefined && !block) {
      throw new ValueError("acquire(): a timeout cannot be given with block: false");
    }
    const loc = context.tracing ? callerLocation() : undefined;
    const started = context.now();
    record<LockRequestEvent>({ type: "lock.request", obj: this.id, loc });
    const reply = await requestWithTimeout(
      { type: "lock-acquire", obj: this.id, nowait: !block },
      null,
      options.timeout,
    );
    const wait = context.now() - started;
    const heldBy = (reply.header.heldBy as number[] | undefined) ?? [];
    if (!reply.header.granted) {
      record<LockTimeoutEvent>({ type: "lock.timeout", obj: this.id, wait, heldBy, loc });
      return false;
    }
    this.heldSince = context.now();
    record<LockAcquiredEvent>({ type: "lock.acquired", obj: this.id, wait, heldBy, loc });
    if (reply.header.holderDied) {
      record<WarningEvent>({
        type: "warning",
        code: "holder-died",
        obj: this.id,
        loc,
        message: `lock ${this.id} was granted after its holder died while holding it`,
      });
    }
    return true;
  }

  /** Releases the lock; `ValueError` if this process does not hold it. */
  release(): void {
    if (this.heldSince === null) {
      throw new ValueError(`release of lock ${this.id}, which this process does not hold`);
    }
    const hold = context.now() - this.heldSince;
    this.heldSince = null;
    context.client.send({ type: "lock-release", obj: this.id });
    record<LockReleasedEvent>({
      type: "lock.released",
      obj: this.id,
      hold,
      loc: context.tracing ? callerLocation() : undefined,
    });
  }

  /** Runs `fn` holding the lock (Python's `with lock:`), releasing it however `fn` ends. */
  async withLock<R>(fn: () => R | Promise<R>): Promise<R> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  [TO_HANDLE](): Handle {
    return { $procscope: "lock", id: this.id };
  }
}

registerReviver("lock", (h) => new Lock(h.id as string));
