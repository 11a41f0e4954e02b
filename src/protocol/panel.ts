/**
 * Messages between the extension host and the panel (webview). The host keeps the
 * authoritative list of a run's events; a panel that (re)appears says `ready`, gets a
 * `snapshot`, then `events` deltas while the run lives. This module imports only types.
 */
import type { SourceLocation, TraceEvent } from "./trace";

/** Bumped on any incompatible change to these messages. */
export const PANEL_PROTOCOL_VERSION = 1;

export type RunState = "idle" | "running" | "finished";

export interface RunInfo {
  /** What is shown: a live run of a file, or a saved trace. */
  source: "live" | "file";
  /** The program's entry file or the trace file. */
  path: string;
  state: RunState;
  exitCode: number | null;
}

/** Host → panel. */
export type ToWebviewMessage =
  | { type: "hello"; version: number }
  | { type: "snapshot"; run: RunInfo | null; events: TraceEvent[] }
  | { type: "events"; events: TraceEvent[] }
  | { type: "run-state"; run: RunInfo }
  | { type: "error"; message: string };

/** Panel → host. */
export type FromWebviewMessage =
  | { type: "ready"; version: number }
  | { type: "open-source"; loc: SourceLocation }
  | {
      type: "command";
      command: "run" | "stop" | "open-trace" | "export-perfetto" | "open-example";
    };
