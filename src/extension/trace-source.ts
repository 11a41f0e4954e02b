/**
 * What a panel shows: the events of one run, live or saved, and its state. A live run
 * appends to `events` while it goes on; a panel reads from its own cursor onwards.
 */
import type * as vscode from "vscode";
import type { RunInfo } from "../protocol/panel";
import type { TraceEvent } from "../protocol/trace";

export interface TraceSource {
  /** Every event so far, in arrival order; only ever appended to. */
  readonly events: readonly TraceEvent[];
  readonly info: RunInfo;
  /** Fires when `info` changes (started, finished). */
  readonly onDidChangeState: vscode.Event<RunInfo>;
}

/** A saved trace: all its events at once, never changing. */
export class SavedTrace implements TraceSource {
  readonly info: RunInfo;
  readonly onDidChangeState: vscode.Event<RunInfo> = () => ({ dispose: () => undefined });

  constructor(
    readonly path: string,
    readonly events: readonly TraceEvent[],
  ) {
    let exitCode: number | null = null;
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i];
      if (event.type === "run.end") {
        exitCode = event.exitCode;
        break;
      }
    }
    this.info = { source: "file", path, state: "finished", exitCode };
  }
}
