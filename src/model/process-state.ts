/**
 * A process's state in words, as the process tree shows it: running, blocked on which
 * object since when, or exited with which code.
 */
import { formatInstant, type Naming } from "./describe";
import type { ProcessRow } from "./run-model";
import type { Lane } from "./timeline";

export interface ProcessState {
  kind: "starting" | "running" | "blocked" | "exited" | "failed";
  text: string;
}

export function processState(
  row: ProcessRow,
  lane: Lane | undefined,
  naming: Naming,
): ProcessState {
  if (row.exitCode !== null) {
    if (row.signal && row.stoppedBy) {
      const how = row.stoppedBy === "kill" ? "kill()" : "terminate()";
      return { kind: "exited", text: `stopped by its parent's ${how} (${row.signal})` };
    }
    if (row.signal) {
      return { kind: "failed", text: `killed by ${row.signal} (exit code ${row.exitCode})` };
    }
    return {
      kind: row.exitCode === 0 ? "exited" : "failed",
      text: `exited with code ${row.exitCode}`,
    };
  }
  const wait = lane?.blockedOn() ?? null;
  if (wait) {
    const what = naming.object(wait.obj);
    const text =
      wait.op === "acquire"
        ? `waiting for ${what} since ${formatInstant(wait.start)}`
        : `blocked on ${what} (${wait.op}) since ${formatInstant(wait.start)}`;
    return { kind: "blocked", text };
  }
  if (row.startedAt === null) return { kind: "starting", text: "starting" };
  return { kind: "running", text: "running" };
}
