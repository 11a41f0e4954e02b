/**
 * Why a process failed, in one line, from what it last wrote to stderr: the runtime's own
 * `procscope:` line (a syntax error, a missing module), or the first line of the error
 * Python-style "Process X failed:" introduces, or else the last line written. With the
 * user's file:line:column the error names, so a viewer can open it.
 */
import type { SourceLocation } from "../protocol/trace";

export interface FailureReason {
  text: string;
  loc?: SourceLocation;
}

/** The longest reason shown (a stack's first line can be a whole serialized value). */
const MAX_REASON = 300;

const LOCATION = /((?:\/|[A-Za-z]:\\)[^\s():'"]+?\.(?:[cm]?[jt]sx?)):(\d+):(\d+)/;

function firstLocation(text: string): SourceLocation | undefined {
  const match = LOCATION.exec(text);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : undefined;
}

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

export function failureReason(stderr: string | undefined): FailureReason | null {
  if (!stderr) return null;
  const lines = stderr.split("\n").map((line) => line.trimEnd());
  const runtimeLine = lines.find(
    (line) => line.startsWith("procscope: ") && !line.includes("terminating the children"),
  );
  if (runtimeLine) {
    const text = runtimeLine.slice("procscope: ".length);
    return { text: clip(text), loc: firstLocation(text) };
  }
  const failedAt = lines.findIndex((line) => /^Process .+ \(pid \d+\) failed:$/.test(line));
  if (failedAt >= 0 && failedAt + 1 < lines.length && lines[failedAt + 1]) {
    const frame = lines.slice(failedAt + 2).find((line) => /^\s+at /.test(line));
    return { text: clip(lines[failedAt + 1]), loc: frame ? firstLocation(frame) : undefined };
  }
  const last = [...lines].reverse().find((line) => line.trim() !== "");
  return last ? { text: clip(last.trim()) } : null;
}
