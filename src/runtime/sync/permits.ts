/**
 * What every lock and semaphore shares: permits kept in the hub, acquired with an optional
 * timeout, released by message, and every step recorded — request, grant (with the wait
 * and who held the object meanwhile), release (with the hold time) or timeout.
 *
 * Biased ownership: a lock that one process keeps taking is handed to that process, which
 * then acquires and releases it locally, without a message, until another process asks for
 * it — the hub then revokes the bias and the lock goes back to the hub at the owner's next
 * release. A lock used by one process costs what a local flag costs (every acquire is still
 * recorded); a contended lock costs a message per handoff, as before.
 */
import { context, record } from "../context";
import { requestThenLocate } from "./waits";
import { ValueError } from "../errors";
import { callerLocation } from "../callsite";
import { TraceSite } from "../recorder";
import { trackHoldable } from "./held";
import { createObject } from "../objects";
import { currentLink } from "../link";
import type { HubClient } from "../hub-client";
import type {
  LockAcquiredEvent,
  LockReleasedEvent,
  LockTimeoutEvent,
  ObjectKind,
  WarningEvent,
} from "../../protocol/trace";

export type PermitKind = Extract<ObjectKind, "lock" | "rlock" | "semaphore" | "bounded-semaphore">;

export interface AcquireOptions {
  block?: boolean;
  /** Seconds; undefined (or null, or Infinity) waits forever. */
  timeout?: number | null;
}

/** An acquire's options once a timeout of null or Infinity is read as none. */
interface Wanted {
  block?: boolean;
  timeout?: number;
}

/** Local acquires between two turns of the event loop (see `takePermit`). */
const YIELD_EVERY = 1024;

/** Objects of this process that hold a bias, by id (for the server's `revoke`). */
const biasedHere = new Map<string, Permits>();
/** Revokes that arrived before the biased grant they answer was handled. */
const revokedEarly = new Set<string>();
const linksWithRevoke = new WeakSet<HubClient>();
let settleInstalled = false;

interface LocalWaiter {
  wake(): void;
  timer?: NodeJS.Timeout;
}

export abstract class Permits {
  readonly id: string;
  /** The server the object lives on: the hub, or a manager. */
  protected readonly link = currentLink();
  /** When this process took each permit it holds (ns), oldest first. */
  protected readonly heldSince: number[] = [];
  private readonly site: TraceSite;
  /** This process owns the lock's bias: acquire and release are local. */
  private biased = false;
  /** The hub asked for the bias back; it goes at the next release. */
  private revokePending = false;
  /** Tasks of this process waiting for the biased lock held by another of its tasks. */
  private readonly localWaiters: LocalWaiter[] = [];
  /** Local acquires since the event loop last turned. */
  private localStreak = 0;
  private reportedHeld = true;

  protected constructor(
    readonly kind: PermitKind,
    value: number,
    existing?: string,
  ) {
    this.id = existing ?? createObject(kind, { type: "sync", kind, value }, { value });
    this.site = new TraceSite(this.id);
    trackHoldable(this);
    if (!linksWithRevoke.has(this.link)) {
      linksWithRevoke.add(this.link);
      this.link.on("revoke", (frame) => {
        const obj = frame.header.obj as string;
        const permits = biasedHere.get(obj);
        if (permits) permits.revoke();
        // The grant that made us the owner may still be on its way through a promise:
        // remember the revoke for when it lands.
        else revokedEarly.add(obj);
      });
      // "Free again" goes out ahead of whatever this process sent after releasing: if a
      // message it sends next gets it killed, the hub already knows it held nothing.
      this.link.beforeFlush.push(() => {
        for (const permits of biasedHere.values()) permits.reportIfFreed();
      });
    }
    if (!settleInstalled) {
      settleInstalled = true;
      // A process leaving says exactly which biased locks it still holds.
      context.beforeShutdown.push(() => {
        for (const permits of [...biasedHere.values()]) permits.settleBias();
      });
    }
  }

  abstract acquire(options?: AcquireOptions): Promise<boolean>;
  abstract release(): void | Promise<void>;

  /** Runs `fn` holding a permit (Python's `with lock:`), releasing it however `fn` ends. */
  async withLock<R>(fn: () => R | Promise<R>): Promise<R> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      await this.release();
    }
  }

  /** Permits this process holds. */
  get heldHere(): number {
    return this.heldSince.length;
  }

  /** @internal Whether the lock is biased to this process (acquired and released locally). */
  get biasedHere(): boolean {
    return this.biased;
  }

  /** @internal Called whenever this process gives the bias back (see shared-value.ts). */
  readonly onBiasLost: Array<() => void> = [];

  /** Takes one permit; resolves false if none came within the timeout. */
  protected async takePermit(given: AcquireOptions): Promise<boolean> {
    // null and Infinity wait for ever, as undefined does (Python's None). Copied only then:
    // this is the path of every acquire.
    const forever = given.timeout === null || given.timeout === Infinity;
    const options = forever ? { block: given.block } : (given as Wanted);
    const block = options.block ?? true;
    if (options.timeout !== undefined && !block) {
      throw new ValueError("acquire(): a timeout cannot be given with block: false");
    }
    if (
      options.timeout !== undefined &&
      (typeof options.timeout !== "number" || !(options.timeout >= 0))
    ) {
      throw new ValueError(
        `acquire(): timeout must be a non-negative number of seconds, got ${String(options.timeout)}`,
      );
    }
    if (this.biased) {
      if (this.heldSince.length === 0) {
        // A loop that only awaits this lock would never let timers or I/O run: now and
        // then, let the event loop turn, as a contended acquire would.
        if (++this.localStreak >= YIELD_EVERY) {
          this.localStreak = 0;
          await new Promise((resolve) => setImmediate(resolve));
          if (this.biased && this.heldSince.length === 0) return this.takeLocally(0);
          return this.takePermit(options);
        }
        return this.takeLocally(0);
      }
      const started = context.now();
      if (block && (await this.waitLocally(options.timeout)) && this.biased) {
        return this.takeLocally(context.now() - started);
      }
      if (!block || this.biased) {
        record<LockTimeoutEvent>({
          type: "lock.timeout",
          obj: this.id,
          wait: context.now() - started,
          heldBy: [context.number],
          loc: context.tracing ? callerLocation() : undefined,
        });
        return false;
      }
      // The bias was revoked while we waited: ask the hub like everyone else.
    }
    return this.takeFromHub(options, block);
  }

  private takeLocally(wait: number): boolean {
    // The clock is read only when someone records the hold time.
    const t = context.tracing ? context.now() : 0;
    this.heldSince.push(t);
    if (!this.reportedHeld) {
      // Said at once (and written to the socket now): a process that takes the lock and
      // then computes without yielding may die holding it, and the hub must know.
      this.reportedHeld = true;
      this.link.send({ type: "bias-state", obj: this.id, held: true });
      this.link.flush();
    }
    if (context.tracing) {
      if (context.recorder.receiveWantsDetail(this.site)) {
        record<LockAcquiredEvent>({
          type: "lock.acquired",
          t,
          obj: this.id,
          wait,
          heldBy: wait > 0 ? [context.number] : [],
          loc: callerLocation(),
        });
      } else {
        context.recorder.packLock(this.site, true, t, wait);
      }
    }
    return true;
  }

  /** Resolves true when a local release handed the lock on, false on timeout. */
  private waitLocally(timeout: number | undefined): Promise<boolean> {
    return this.link.pin(
      () =>
        new Promise<boolean>((resolve) => {
          const waiter: LocalWaiter = { wake: () => resolve(true) };
          if (timeout !== undefined) {
            waiter.timer = setTimeout(
              () => {
                const index = this.localWaiters.indexOf(waiter);
                if (index >= 0) this.localWaiters.splice(index, 1);
                resolve(false);
              },
              Math.max(0, timeout) * 1000,
            );
          }
          this.localWaiters.push(waiter);
        }),
    );
  }

  private async takeFromHub(options: Wanted, block: boolean): Promise<boolean> {
    const started = context.now();
    // A release just made leaves in the same write as this request (see requestThenLocate).
    const { reply: pending, loc } = requestThenLocate(
      this.link,
      {
        type: "sync-acquire",
        obj: this.id,
        nowait: !block,
        timed: options.timeout !== undefined,
      },
      options.timeout,
      block,
      this.acquire,
    );
    if (context.tracing) context.recorder.packLockRequest(this.site, started, loc);
    const reply = await pending;
    const granted = context.now();
    const wait = granted - started;
    const heldBy = (reply.header.heldBy as number[] | undefined) ?? [];
    if (!reply.header.granted) {
      record<LockTimeoutEvent>({ type: "lock.timeout", obj: this.id, wait, heldBy, loc });
      return false;
    }
    this.heldSince.push(granted);
    if (reply.header.biased) {
      this.biased = true;
      this.reportedHeld = true;
      biasedHere.set(this.id, this);
      if (revokedEarly.delete(this.id)) this.revokePending = true;
    } else {
      revokedEarly.delete(this.id);
    }
    if (context.tracing) context.recorder.packLockGranted(this.site, granted, wait, heldBy, loc);
    if (reply.header.holderDied) {
      record<WarningEvent>({
        type: "warning",
        code: "holder-died",
        obj: this.id,
        loc,
        message: `${this.id} was granted after a process died holding it`,
      });
    }
    return true;
  }

  /** Gives a permit back (to the hub, or locally while biased) and records the hold. */
  protected givePermit(): void {
    const since = this.heldSince.shift();
    if (context.tracing) {
      const t = context.now();
      const hold = since === undefined ? 0 : t - since;
      // A release says where it happened on a sample only, as messages do: a stack capture
      // here would delay the release itself (and so the next holder) by microseconds.
      if (!context.recorder.sendWantsDetail(this.site)) {
        context.recorder.packLock(this.site, false, t, hold);
      } else {
        record<LockReleasedEvent>({
          type: "lock.released",
          t,
          obj: this.id,
          hold,
          loc: callerLocation(),
        });
      }
    }
    if (!this.biased) {
      // Written with this process's next request, or at the end of this turn: a release
      // followed by a new acquire reaches the hub in one piece, so a waiter is served first.
      this.link.send({ type: "sync-release", obj: this.id });
      return;
    }
    if (this.revokePending) {
      this.giveUpBias();
      return;
    }
    const next = this.localWaiters.shift();
    if (next) {
      clearTimeout(next.timer);
      next.wake();
    }
    this.scheduleStateReport();
  }

  /** At exit: give back an unheld bias; report a held one as held. */
  private settleBias(): void {
    if (this.heldSince.length === 0) this.giveUpBias();
    else this.link.send({ type: "bias-state", obj: this.id, held: true });
  }

  /** The hub wants the bias back (another process asked for the lock). */
  private revoke(): void {
    if (!this.biased) return;
    if (this.heldSince.length > 0) this.revokePending = true;
    else this.giveUpBias();
  }

  private giveUpBias(): void {
    this.biased = false;
    this.revokePending = false;
    biasedHere.delete(this.id);
    this.link.send({ type: "unbias", obj: this.id });
    for (const hook of this.onBiasLost) hook();
    // Local waiters now queue at the hub behind whoever asked for the lock.
    for (const waiter of this.localWaiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.wake();
    }
  }

  /** Called before each write on the link: says "free" if the lock was let go since. */
  private reportIfFreed(): void {
    if (!this.biased || !this.reportedHeld || this.heldSince.length > 0) return;
    this.reportedHeld = false;
    this.link.sendFirst({ type: "bias-state", obj: this.id, held: false });
  }

  /** Makes sure a write happens this turn, so that "free" reaches the hub soon. */
  private scheduleStateReport(): void {
    this.link.flushSoon();
  }
}
