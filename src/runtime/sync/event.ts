/** `Event`: Python's process-shared flag that processes can wait for. */
import { context } from "../context";
import { TO_HANDLE, registerReviver, type Handle } from "../clone";
import { noteBlockingCall } from "./held";
import { currentLink, revivedVia, withVia } from "../link";
import { createObject } from "../objects";
import { recordSignal, recordWait, recordWaitBegins, requestThenLocate } from "./waits";
import { timeoutSeconds } from "../limits";

export class Event {
  readonly id: string;
  /** The server the event lives on: the hub, or a manager. */
  private readonly link = currentLink();

  constructor(existing?: string) {
    this.id = existing ?? createObject("event", { type: "event" });
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    // Written now: the waiters' wake-up is on this write's path (recordSignal captures a stack).
    const t = context.tracing ? context.now() : undefined;
    this.link.send({ type: "event-set", obj: this.id });
    this.link.flush();
    recordSignal(this.id, "event.set", undefined, t);
  }

  clear(): void {
    this.link.send({ type: "event-clear", obj: this.id });
    recordSignal(this.id, "event.clear");
  }

  async isSet(): Promise<boolean> {
    const reply = await this.link.request({ type: "event-is-set", obj: this.id });
    return reply.header.set as boolean;
  }

  /** Waits until the flag is set; resolves false if `timeout` seconds passed first. */
  async wait(given?: number | null): Promise<boolean> {
    const timeout = timeoutSeconds(given, "Event.wait()");
    noteBlockingCall("Event.wait()", this.id);
    const started = context.now();
    const pending = requestThenLocate(
      this.link,
      { type: "event-wait", obj: this.id, timed: timeout !== undefined },
      timeout,
      true,
    );
    const loc = pending.loc;
    recordWaitBegins(this.id, loc);
    const reply = await pending.reply;
    const set = reply.header.set === true;
    recordWait(
      this.id,
      "event.wait",
      started,
      set ? "woken" : "timeout",
      (reply.header.by as number | null) ?? null,
      loc,
    );
    return set;
  }

  [TO_HANDLE](): Handle {
    return withVia(this.link, { $procscope: "event", id: this.id });
  }
}

registerReviver("event", (h) => revivedVia(h, () => new Event(h.id as string)));
