/** `Barrier`: Python's barrier for a fixed number of processes. */
import { context } from "../context";
import { TO_HANDLE, registerReviver, type Handle } from "../clone";
import { BrokenBarrierError, ValueError } from "../errors";
import { noteBlockingCall } from "./held";
import { currentLink, revivedVia, withVia } from "../link";
import { createObject } from "../objects";
import { recordSignal, recordWait, recordWaitBegins, requestThenLocate } from "./waits";
import { timeoutSeconds } from "../limits";

export interface BarrierOptions {
  /** Default timeout of `wait`, in seconds (undefined, null or Infinity: none). */
  timeout?: number | null;
}

export class Barrier {
  readonly id: string;
  /** The server the barrier lives on: the hub, or a manager. */
  private readonly link = currentLink();
  readonly parties: number;
  private readonly timeout: number | undefined;

  constructor(parties: number, options: BarrierOptions = {}, existing?: string) {
    if (!Number.isInteger(parties) || parties < 1) {
      throw new ValueError(
        `a barrier needs a positive whole number of parties, got ${String(parties)}`,
      );
    }
    this.parties = parties;
    this.timeout = timeoutSeconds(options.timeout, "Barrier()");
    this.id = existing ?? createObject("barrier", { type: "barrier", parties }, { value: parties });
  }

  /**
   * Waits until `parties` processes are waiting, then resolves with this one's arrival index
   * (0 … parties-1). A timeout, an `abort()` or a party's death breaks the barrier:
   * every waiter then rejects `BrokenBarrierError`.
   */
  async wait(given: number | null | undefined = this.timeout): Promise<number> {
    const timeout = timeoutSeconds(given, "Barrier.wait()");
    noteBlockingCall("Barrier.wait()", this.id);
    const started = context.now();
    const pending = requestThenLocate(
      this.link,
      { type: "barrier-wait", obj: this.id, timed: timeout !== undefined },
      timeout,
      true,
    );
    const loc = pending.loc;
    recordWaitBegins(this.id, loc);
    const reply = await pending.reply;
    if (reply.header.broken) {
      recordWait(this.id, "barrier.wait", started, "broken", null, loc);
      throw new BrokenBarrierError(
        reply.header.cancelled
          ? `barrier ${this.id} timed out after ${timeout} s and is now broken`
          : `barrier ${this.id} is broken (aborted, reset, timed out or a party died)`,
      );
    }
    const index = reply.header.index as number;
    recordWait(this.id, "barrier.wait", started, "woken", null, loc, index);
    return index;
  }

  /** Breaks the barrier: current and future waiters reject until `reset()`. */
  abort(): void {
    this.link.send({ type: "barrier-abort", obj: this.id });
    recordSignal(this.id, "barrier.abort");
  }

  /** Returns the barrier to empty; processes waiting now reject `BrokenBarrierError`. */
  reset(): void {
    this.link.send({ type: "barrier-reset", obj: this.id });
    recordSignal(this.id, "barrier.reset");
  }

  async nWaiting(): Promise<number> {
    return (await this.state()).waiting;
  }

  async broken(): Promise<boolean> {
    return (await this.state()).broken;
  }

  private async state(): Promise<{ waiting: number; broken: boolean }> {
    const reply = await this.link.request({ type: "barrier-state", obj: this.id });
    return { waiting: reply.header.waiting as number, broken: reply.header.broken as boolean };
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, {
      $procscope: "barrier",
      id: this.id,
      parties: this.parties,
      timeout: this.timeout,
    });
  }
}

registerReviver("barrier", (h) =>
  revivedVia(
    h,
    () =>
      new Barrier(
        h.parties as number,
        { timeout: h.timeout as number | undefined },
        h.id as string,
      ),
  ),
);
