/**
 * `.pstrace` files: newline-delimited JSON. The first line is the header
 * `{"format":"pstrace","version":N}`, then one event per line sorted by time.
 * docs/trace-format.md describes every event.
 */
import * as fs from "node:fs";
import * as readline from "node:readline";
import {
  TRACE_EVENT_TYPES,
  TRACE_FORMAT_VERSION,
  type TraceEvent,
  type TraceFileHeader,
} from "../protocol/trace";

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

const KNOWN_TYPES: ReadonlySet<string> = new Set(TRACE_EVENT_TYPES);

/** Reads and checks a `.pstrace` file; errors say which line is wrong and how. */
export async function readTraceFile(file: string): Promise<TraceEvent[]> {
  if (!fs.existsSync(file)) throw new TraceFileError(file, 0, "no such file");
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
    const candidate = event as Partial<TraceEvent> | null;
    if (!candidate || typeof candidate !== "object" || typeof candidate.type !== "string") {
      throw new TraceFileError(file, lineNumber, "an event must be an object with a string 'type'");
    }
    if (!KNOWN_TYPES.has(candidate.type)) {
      throw new TraceFileError(file, lineNumber, `unknown event type '${candidate.type}'`);
    }
    if (typeof candidate.t !== "number" || typeof candidate.p !== "number") {
      throw new TraceFileError(file, lineNumber, "an event needs numeric 't' and 'p'");
    }
    events.push(candidate as TraceEvent);
  }
  if (lineNumber === 0) throw new TraceFileError(file, 0, "the file is empty");
  return events;
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
