/**
 * `.pstrace` files: newline-delimited JSON. The first line is the header
 * `{"format":"pstrace","version":N}`, then one event per line sorted by time.
 * docs/trace-format.md describes every event.
 */
import * as fs from "node:fs";
import * as readline from "node:readline";
import { TRACE_FORMAT_VERSION, type TraceEvent, type TraceFileHeader } from "../protocol/trace";
import { checkTraceEvent } from "../protocol/trace-check";

export class TraceFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = "TraceFileError";
  }
}

export function writeTraceFile(file: string, events: TraceEvent[]): void {
  const fd = fs.openSync(file, "w");
  try {
    const header: TraceFileHeader = { format: "pstrace", version: TRACE_FORMAT_VERSION };
    let chunk = JSON.stringify(header) + "\n";
    for (const event of events) {
      chunk += JSON.stringify(event) + "\n";
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = "";
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and checks a `.pstrace` file; errors say which line is wrong and how. */
export async function readTraceFile(file: string): Promise<TraceEvent[]> {
  checkReadable(file);
  const input = fs.createReadStream(file, { encoding: "utf8" });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  const events: TraceEvent[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (lineNumber === 1) {
      checkHeader(file, line);
      continue;
    }
    if (line.trim() === "") continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      throw new TraceFileError(
        file,
        lineNumber,
        "not valid JSON (is the file truncated or edited?)",
      );
    }
    const wrong = checkTraceEvent(event);
    if (wrong) throw new TraceFileError(file, lineNumber, wrong);
    events.push(event as TraceEvent);
  }
  if (events.length === 0) {
    throw new TraceFileError(file, 0, "the trace holds no events (it ends after its header)");
  }
  return events;
}

/** The longest first line a trace may have: its header is a few dozen bytes. */
const MAX_HEADER_BYTES = 4096;

/**
 * Refuses what is not a readable file, and a file whose first line is not short: random
 * bytes or a huge one-line file are not read whole just to learn they are not a trace.
 */
function checkReadable(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TraceFileError(
      file,
      0,
      code === "ENOENT" ? "no such file" : `cannot read it (${code})`,
    );
  }
  if (!stat.isFile()) throw new TraceFileError(file, 0, "not a file");
  if (stat.size === 0) throw new TraceFileError(file, 0, "the file is empty");
  const head = Buffer.alloc(Math.min(stat.size, MAX_HEADER_BYTES + 1));
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    throw new TraceFileError(file, 0, `cannot read it (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.length > MAX_HEADER_BYTES && !head.includes(0x0a)) {
    throw new TraceFileError(
      file,
      1,
      "not a procscope trace (the first line must be the pstrace header)",
    );
  }
}

function checkHeader(file: string, line: string): void {
  let header: Partial<TraceFileHeader>;
  try {
    header = JSON.parse(line) as Partial<TraceFileHeader>;
  } catch {
    throw new TraceFileError(
      file,
      1,
      "not a procscope trace (the first line must be the pstrace header)",
    );
  }
  if (!header || header.format !== "pstrace") {
    throw new TraceFileError(
      file,
      1,
      'not a procscope trace (the header has no "format": "pstrace")',
    );
  }
  if (header.version !== TRACE_FORMAT_VERSION) {
    throw new TraceFileError(
      file,
      1,
      `trace format version ${String(header.version)} is not supported (this procscope reads version ${TRACE_FORMAT_VERSION})`,
    );
  }
}
