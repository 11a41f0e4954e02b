/**
 * Source locations as the trace carries them (`path:line:column`, 1-based), parsed for
 * opening the user's file at the line that did it.
 */
import * as path from "node:path";

export interface ParsedLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Parses `path:line:column` (or `path:line`); the path itself may hold colons (`C:\…`). */
export function parseSourceLocation(loc: string, baseDir?: string): ParsedLocation | null {
  const match = /^(.+?):(\d+)(?::(\d+))?$/.exec(loc.trim());
  if (!match) return null;
  const [, file, line, column] = match;
  return {
    file: baseDir && !path.isAbsolute(file) ? path.resolve(baseDir, file) : file,
    line: Math.max(1, Number(line)),
    column: Math.max(1, Number(column ?? 1)),
  };
}
