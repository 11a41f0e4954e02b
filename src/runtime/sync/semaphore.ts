/** `Semaphore` and `BoundedSemaphore`: Python's counting semaphores, shared across processes. */
import { TO_HANDLE, registerReviver, type Handle } from "../clone";
import { ValueError } from "../errors";
import { Permits, type AcquireOptions, type PermitKind } from "./permits";
import { revivedVia, withVia } from "../link";

function checkValue(value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValueError(
      `semaphore initial value must be a non-negative integer, got ${String(value)}`,
    );
  }
  return value;
}

abstract class CountingSemaphore extends Permits {
  protected constructor(kind: PermitKind, value: number, existing?: string) {
    super(kind, checkValue(value), existing);
  }

  /** Takes one permit; resolves false if none came within `timeout` seconds (or at once). */
  acquire(options: AcquireOptions = {}): Promise<boolean> {
    return this.takePermit(options);
  }

  /** Permits free now (Python's `get_value()`; it lives in the hub, hence a promise). */
  async getValue(): Promise<number> {
    const reply = await this.link.request({ type: "sync-value", obj: this.id });
    return reply.header.value as number;
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, { $procscope: this.kind, id: this.id });
  }
}

export class Semaphore extends CountingSemaphore {
  constructor(value = 1, existing?: string) {
    super("semaphore", value, existing);
  }

  /** Gives one permit back (any process may release, as in Python). */
  release(): void {
    this.givePermit();
  }
}

/**
 * A semaphore that refuses to be released above its initial value. Only the hub knows the
 * value, so `release()` returns a promise that rejects `ValueError` on an over-release
 * (settled at once when this process holds a permit, which it may always give back).
 */
export class BoundedSemaphore extends CountingSemaphore {
  constructor(value = 1, existing?: string) {
    super("bounded-semaphore", value, existing);
  }

  release(): Promise<void> {
    if (this.heldHere > 0) {
      this.givePermit();
      return Promise.resolve();
    }
    const checked = this.releaseChecked();
    // Called as Python's is, without await, an over-release must not end the program with
    // an unhandled rejection: the hub records it as a `misuse` warning, and whoever awaits
    // the promise still gets the ValueError.
    checked.catch(() => undefined);
    return checked;
  }

  private async releaseChecked(): Promise<void> {
    const reply = await this.link.request({ type: "sync-release", obj: this.id });
    if (reply.header.error) throw new ValueError(reply.header.error as string);
  }
}

registerReviver("semaphore", (h) => revivedVia(h, () => new Semaphore(0, h.id as string)));
registerReviver("bounded-semaphore", (h) =>
  revivedVia(h, () => new BoundedSemaphore(0, h.id as string)),
);
