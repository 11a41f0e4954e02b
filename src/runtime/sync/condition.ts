/**
 * `Condition`: Python's condition variable across processes. Its lock (an RLock unless one
 * is given) guards the shared state; `wait` joins the condition's wait list in the hub
 * before letting go of the lock, so a notify sent after the lock changed hands finds it.
 */
import { context } from "../context";
import { TO_HANDLE, registerReviver, type Handle, fromWire, handleOf } from "../clone";
import { ValueError } from "../errors";
import { Lock, RLock } from "./lock";
import type { AcquireOptions } from "./permits";
import { noteBlockingCall } from "./held";
import { currentLink, revivedVia, withVia } from "../link";
import { createObject } from "../objects";
import { recordSignal, recordWait, recordWaitBegins, requestThenLocate } from "./waits";
import { timeoutSeconds } from "../limits";

export class Condition {
  readonly id: string;
  /** The server the condition lives on: the hub, or a manager. */
  private readonly link = currentLink();
  readonly lock: Lock | RLock;

  constructor(lock?: Lock | RLock, existing?: string) {
    this.lock = lock ?? new RLock();
    this.id =
      existing ??
      createObject("condition", { type: "condition", lock: this.lock.id }, { lock: this.lock.id });
  }

  acquire(options: AcquireOptions = {}): Promise<boolean> {
    return this.lock.acquire(options);
  }

  release(): void {
    this.lock.release();
  }

  async withLock<R>(fn: () => R | Promise<R>): Promise<R> {
    return this.lock.withLock(fn);
  }

  /**
   * Releases the lock, waits for a notify (or `timeout` seconds), takes the lock back.
   * Resolves false on timeout. The caller must hold the lock.
   */
  async wait(given?: number | null): Promise<boolean> {
    const timeout = timeoutSeconds(given, "Condition.wait()");
    this.checkHeld("wait");
    noteBlockingCall("Condition.wait()", this.id, this.lock.id);
    const started = context.now();
    // Join the wait list first (frames reach the hub in order), then let go of the lock.
    const { reply, loc } = requestThenLocate(
      this.link,
      { type: "condition-wait", obj: this.id, timed: timeout !== undefined },
      timeout,
      true,
    );
    let depth = 1;
    if (this.lock instanceof RLock) depth = this.lock.releaseAll();
    else this.lock.release();
    recordWaitBegins(this.id, loc);
    const answer = await reply;
    const woken = answer.header.woken === true;
    recordWait(
      this.id,
      "condition.wait",
      started,
      woken ? "woken" : "timeout",
      (answer.header.by as number | null) ?? null,
      loc,
    );
    if (this.lock instanceof RLock) await this.lock.restore(depth);
    else await this.lock.acquire();
    return woken;
  }

  /** Waits until `predicate()` is true, re-checking after each notify; false on timeout. */
  async waitFor(
    predicate: () => boolean | Promise<boolean>,
    given?: number | null,
  ): Promise<boolean> {
    const timeout = timeoutSeconds(given, "Condition.waitFor()");
    const deadline = timeout === undefined ? undefined : Date.now() + timeout * 1000;
    let result = await predicate();
    while (!result) {
      let remaining: number | undefined;
      if (deadline !== undefined) {
        remaining = (deadline - Date.now()) / 1000;
        if (remaining <= 0) break;
      }
      await this.wait(remaining);
      result = await predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters. The caller must hold the lock. */
  notify(n = 1): void {
    this.checkHeld("notify");
    this.link.send({ type: "condition-notify", obj: this.id, count: n });
    recordSignal(this.id, "condition.notify", n);
  }

  notifyAll(): void {
    this.checkHeld("notifyAll");
    this.link.send({ type: "condition-notify", obj: this.id, count: Number.MAX_SAFE_INTEGER });
    recordSignal(this.id, "condition.notify", Number.MAX_SAFE_INTEGER);
  }

  private checkHeld(op: string): void {
    if (this.lock.heldHere === 0) {
      throw new ValueError(
        `cannot ${op}() on condition ${this.id}: this process does not hold its lock`,
      );
    }
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, {
      $procscope: "condition",
      id: this.id,
      lock: handleOf(this.lock),
    });
  }
}

registerReviver("condition", (h) =>
  revivedVia(h, () => new Condition(fromWire(h.lock) as Lock | RLock, h.id as string)),
);
