/** `Event`: Python's process-shared flag that processes can wait for. */
import { context } from "../context";
import { requestWithTimeout } from "../channel-writer";
import { TO_HANDLE, registerReviver, type Handle } from "../clone";
import { callerLocation } from "../callsite";
import { noteBlockingCall } from "./held";
import { createObject } from "../objects";
import { recordSignal, recordWait } from "./waits";

export class Event {
  readonly id: string;

  constructor(existing?: string) {
    this.id = existing ?? createObject("event", { type: "event" });
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    context.client.send({ type: "event-set", obj: this.id });
    recordSignal(this.id, "event.set");
  }

  clear(): void {
    context.client.send({ type: "event-clear", obj: this.id });
    recordSignal(this.id, "event.clear");
  }

  async isSet(): Promise<boolean> {
    const reply = await context.client.request({ type: "event-is-set", obj: this.id });
    return reply.header.set as boolean;
  }

  /** Waits until the flag is set; resolves false if `timeout` seconds passed first. */
  async wait(timeout?: number): Promise<boolean> {
    const loc = context.tracing ? callerLocation() : undefined;
    noteBlockingCall("Event.wait()", this.id);
    const started = context.now();
    const reply = await requestWithTimeout(
      { type: "event-wait", obj: this.id, timed: timeout !== undefined, loc },
      null,
      timeout,
    );
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
    return { $procscope: "event", id: this.id };
  }
}

registerReviver("event", (h) => new Event(h.id as string));
