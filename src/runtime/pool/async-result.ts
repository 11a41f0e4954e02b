/** `AsyncResult`: the handle of a result a pool will deliver (Python's `AsyncResult`). */
import { TimeoutError, ValueError } from "../errors";
import { context } from "../context";
import { timeoutSeconds } from "../limits";

export class AsyncResult<T> {
  private settled = false;
  private ok = false;
  private value: T | undefined;
  private error: Error | undefined;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  /** @internal Pools create these. */
  constructor() {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** @internal */
  settle(ok: boolean, value: T | undefined, error: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.ok = ok;
    this.value = value;
    this.error = error;
    this.resolveDone();
  }

  /** The result, waiting for it; rejects with the task's error, or `TimeoutError`. */
  async get(given?: number | null): Promise<T> {
    const timeout = timeoutSeconds(given, "AsyncResult.get()");
    if (!(await this.wait(timeout))) {
      throw new TimeoutError(`the result was not ready within ${timeout} s`);
    }
    if (!this.ok) throw this.error!;
    return this.value as T;
  }

  /** Waits until the result is ready or `timeout` seconds passed; resolves whether it is. */
  async wait(given?: number | null): Promise<boolean> {
    const timeout = timeoutSeconds(given, "AsyncResult.wait()");
    if (this.settled) return true;
    if (timeout === undefined) {
      await context.client.pin(() => this.done);
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, timeout) * 1000);
    });
    await Promise.race([this.done, expired]).finally(() => clearTimeout(timer));
    return this.settled;
  }

  ready(): boolean {
    return this.settled;
  }

  /** Whether the task succeeded; `ValueError` if it has not finished yet (as in Python). */
  successful(): boolean {
    if (!this.settled) throw new ValueError("the result is not ready yet");
    return this.ok;
  }
}
