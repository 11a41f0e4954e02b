/**
 * What every lock and semaphore shares: permits kept in the hub, acquired with an optional
 * timeout, released by message, and every step recorded — request, grant (with the wait
 * and who held the object meanwhile), release (with the hold time) or timeout.
 */
import { context, record } from "../context";
import { requestWithTimeout } from "../channel-writer";
import { ValueError } from "../errors";
import { callerLocation } from "../callsite";
import { noteHeld } from "./held";
import { createObject } from "./waits";
import type {
  LockAcquiredEvent,
  LockReleasedEvent,
  LockRequestEvent,
  LockTimeoutEvent,
  ObjectKind,
  WarningEvent,
} from "../../protocol/trace";

export type PermitKind = Extract<ObjectKind, "lock" | "rlock" | "semaphore" | "bounded-semaphore">;

export interface AcquireOptions {
  block?: boolean;
  /** Seconds; undefined waits forever. */
  timeout?: number;
}

export abstract class Permits {
  readonly id: string;
  /** When this process took each permit it holds (ns), oldest first. */
  protected readonly heldSince: number[] = [];

  protected constructor(
    readonly kind: PermitKind,
    value: number,
    existing?: string,
  ) {
    this.id = existing ?? createObject(kind, { type: "sync", kind, value }, { value });
  }

  /** Permits this process holds. */
  get heldHere(): number {
    return this.heldSince.length;
  }

  /** Asks the hub for one permit; resolves false if none came within the timeout. */
  protected async takePermit(options: AcquireOptions): Promise<boolean> {
    const block = options.block ?? true;
    if (options.timeout !== undefined && !block) {
      throw new ValueError("acquire(): a timeout cannot be given with block: false");
    }
    if (
      options.timeout !== undefined &&
      (typeof options.timeout !== "number" || options.timeout < 0)
    ) {
      throw new ValueError(
        `acquire(): timeout must be a non-negative number of seconds, got ${String(options.timeout)}`,
      );
    }
    const loc = context.tracing ? callerLocation() : undefined;
    const started = context.now();
    record<LockRequestEvent>({ type: "lock.request", obj: this.id, loc });
    const reply = await requestWithTimeout(
      {
        type: "sync-acquire",
        obj: this.id,
        nowait: !block,
        timed: options.timeout !== undefined,
        loc,
      },
      null,
      options.timeout,
    );
    const wait = context.now() - started;
    const heldBy = (reply.header.heldBy as number[] | undefined) ?? [];
    if (!reply.header.granted) {
      record<LockTimeoutEvent>({ type: "lock.timeout", obj: this.id, wait, heldBy, loc });
      return false;
    }
    this.heldSince.push(context.now());
    noteHeld(this.id, 1);
    record<LockAcquiredEvent>({ type: "lock.acquired", obj: this.id, wait, heldBy, loc });
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

  /** Gives a permit back to the hub and records the hold. */
  protected givePermit(): void {
    const since = this.heldSince.shift();
    if (since !== undefined) noteHeld(this.id, -1);
    context.client.send({ type: "sync-release", obj: this.id });
    record<LockReleasedEvent>({
      type: "lock.released",
      obj: this.id,
      hold: since === undefined ? 0 : context.now() - since,
      loc: context.tracing ? callerLocation() : undefined,
    });
  }
}
