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

const PANEL_COMMANDS: Record<Extract<FromWebviewMessage, { type: "command" }>["command"], true> = {
  run: true,
  stop: true,
  "open-trace": true,
  "export-perfetto": true,
  "open-example": true,
};

/**
 * Whether a message from a panel is one the host understands. The page shows strings from
 * the program and from trace files, so the host takes nothing it says on trust: anything
 * else is dropped.
 */
export function isFromWebviewMessage(value: unknown): value is FromWebviewMessage {
  if (typeof value !== "object" || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "ready":
      return typeof message.version === "number";
    case "open-source":
      return typeof message.loc === "string" && message.loc.length <= 4096;
    case "command":
      return typeof message.command === "string" && Object.hasOwn(PANEL_COMMANDS, message.command);
    default:
      return false;
  }
}
