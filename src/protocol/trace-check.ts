/**
 * Checks that a value read from a `.pstrace` file is a well-formed trace event: every field
 * its type requires is there with the right type, times and numbers are finite, process
 * numbers are whole and positive. A trace from another machine or edited by hand is input
 * like any other: the CLI, the editor and the panel fold only events that pass, and the
 * reader names the first field that does not. Pure, so every layer may use it.
 */
import {
  TRACE_EVENT_TYPES,
  type ObjectKind,
  type ProcessRole,
  type TraceEvent,
  type TraceEventType,
} from "./trace";

/** What a field must hold; `?` marks it optional. */
type FieldKind =
  | "string"
  | "number"
  | "time"
  | "int"
  | "process"
  | "boolean"
  | "string|null"
  | "int|null"
  | "process|null"
  | "string[]"
  | "process[]"
  | "object-kind"
  | "role"
  | "stream"
  | "exit-source"
  | "outcome"
  | "deadlock-processes";
type FieldSpec = FieldKind | `${FieldKind}?`;

const OBJECT_KINDS: Record<ObjectKind, true> = {
  queue: true,
  "joinable-queue": true,
  "simple-queue": true,
  pipe: true,
  lock: true,
  rlock: true,
  semaphore: true,
  "bounded-semaphore": true,
  event: true,
  condition: true,
  barrier: true,
  value: true,
  array: true,
  pool: true,
  manager: true,
  dict: true,
  list: true,
  namespace: true,
};
const ROLES: Record<ProcessRole, true> = {
  root: true,
  process: true,
  manager: true,
  "pool-worker": true,
};
const CHOICES: Partial<Record<FieldKind, readonly string[]>> = {
  "object-kind": Object.keys(OBJECT_KINDS),
  role: Object.keys(ROLES),
  stream: ["stdout", "stderr"],
  "exit-source": ["parent", "connection-lost", "run-ended"],
  outcome: ["woken", "timeout", "broken"],
};

/** The fields of each event type besides `type`, `t` and `p`. */
const FIELDS: Record<TraceEventType, Record<string, FieldSpec>> = {
  "run.start": {
    version: "int",
    entry: "string",
    argv: "string[]",
    cwd: "string",
    node: "string",
    wallClock: "number",
  },
  "run.end": { exitCode: "int|null", signal: "string|null" },
  "process.spawn": {
    child: "process",
    pid: "int",
    name: "string",
    target: "string",
    daemon: "boolean",
    role: "role",
    loc: "string?",
  },
  "process.start": { pid: "int", ppid: "int", name: "string" },
  "process.exit": { exitCode: "int", signal: "string|null", source: "exit-source" },
  "process.join": { childPid: "int", wait: "time", loc: "string?" },
  "process.output": { stream: "stream", text: "string", truncated: "boolean?" },
  "object.create": {
    obj: "string",
    kind: "object-kind",
    maxsize: "number?",
    peer: "string?",
    value: "number?",
    lock: "string?",
    owner: "string?",
    role: "string?",
    typecode: "string?",
    length: "number?",
    loc: "string?",
  },
  "message.send": {
    obj: "string",
    msg: "string",
    size: "number",
    preview: "string?",
    loc: "string?",
    wait: "time?",
  },
  "message.receive": { obj: "string", msg: "string", size: "number", wait: "time", loc: "string?" },
  "object.block": { obj: "string", op: "string", loc: "string?" },
  "object.timeout": { obj: "string", op: "string", wait: "time", loc: "string?" },
  "lock.request": { obj: "string", loc: "string?" },
  "lock.acquired": { obj: "string", wait: "time", heldBy: "process[]", loc: "string?" },
  "lock.released": { obj: "string", hold: "time", loc: "string?" },
  "lock.timeout": { obj: "string", wait: "time", heldBy: "process[]", loc: "string?" },
  "resource.sample": { cpu: "number", rss: "number" },
  "sync.wait": {
    obj: "string",
    op: "string",
    wait: "time",
    outcome: "outcome",
    wokenBy: "process|null",
    index: "number?",
    loc: "string?",
  },
  "sync.signal": { obj: "string", op: "string", count: "number?", loc: "string?" },
  "pool.submit": { obj: "string", task: "int", fn: "string", items: "int", loc: "string?" },
  "pool.start": { obj: "string", task: "int" },
  "pool.done": {
    obj: "string",
    task: "int",
    ok: "boolean",
    duration: "time",
    error: "string?",
    workerPid: "int?",
  },
  "pool.callback": { obj: "string", task: "int", ok: "boolean", duration: "time" },
  "manager.call": {
    obj: "string?",
    server: "process",
    method: "string",
    duration: "time",
    ok: "boolean",
  },
  "trace.dropped": { count: "int" },
  warning: { code: "string", message: "string", obj: "string?", loc: "string?" },
  deadlock: { processes: "deadlock-processes", message: "string" },
};

const KNOWN_TYPES: ReadonlySet<string> = new Set(TRACE_EVENT_TYPES);

function describeValue(value: unknown): string {
  if (value === undefined) return "it is missing";
  if (value === null) return "it is null";
  if (Array.isArray(value)) return "it is an array";
  if (typeof value === "string") return `it is the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "object") return "it is an object";
  return `it is ${String(value)}`;
}

const isInt = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value);
const isProcess = (value: unknown): boolean => isInt(value) && value >= 1;

/** What the field must be, in words, or null when `value` is fine. */
function checkField(kind: FieldKind, value: unknown): string | null {
  switch (kind) {
    case "string":
      return typeof value === "string" ? null : "a string";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "a finite number";
    case "time":
      return typeof value === "number" && Number.isFinite(value) && value >= 0
        ? null
        : "a number of nanoseconds (0 or more)";
    case "int":
      return isInt(value) ? null : "a whole number";
    case "process":
      return isProcess(value) ? null : "a process number (1 or more)";
    case "boolean":
      return typeof value === "boolean" ? null : "true or false";
    case "string|null":
      return value === null || typeof value === "string" ? null : "a string or null";
    case "int|null":
      return value === null || isInt(value) ? null : "a whole number or null";
    case "process|null":
      return value === null || isProcess(value) ? null : "a process number or null";
    case "string[]":
      return Array.isArray(value) && value.every((item) => typeof item === "string")
        ? null
        : "an array of strings";
    case "process[]":
      return Array.isArray(value) && value.every(isProcess) ? null : "an array of process numbers";
    case "deadlock-processes":
      return Array.isArray(value) && value.every(isDeadlockEntry)
        ? null
        : "an array of { p, obj, op, waitingFor } entries";
    case "object-kind":
    case "role":
    case "stream":
    case "exit-source":
    case "outcome": {
      const choices = CHOICES[kind] ?? [];
      return typeof value === "string" && choices.includes(value)
        ? null
        : `one of ${choices.map((choice) => `"${choice}"`).join(", ")}`;
    }
  }
}

function isDeadlockEntry(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    isProcess(entry.p) &&
    typeof entry.obj === "string" &&
    typeof entry.op === "string" &&
    (entry.loc === undefined || typeof entry.loc === "string") &&
    checkField("process[]", entry.waitingFor) === null
  );
}

/**
 * Null when `value` is a well-formed event of a known type; otherwise what is wrong with it,
 * in words (`process.spawn: 'name' must be a string (it is missing)`).
 */
export function checkTraceEvent(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "an event must be an object with a string 'type'";
  }
  const event = value as Record<string, unknown>;
  if (typeof event.type !== "string") return "an event must be an object with a string 'type'";
  if (!KNOWN_TYPES.has(event.type)) return `unknown event type '${event.type.slice(0, 40)}'`;
  const type = event.type as TraceEventType;
  const base: Record<string, FieldSpec> = { t: "time", p: "process" };
  for (const [name, spec] of Object.entries({ ...base, ...FIELDS[type] })) {
    const optional = spec.endsWith("?");
    const field = event[name];
    if (optional && field === undefined) continue;
    const wanted = checkField((optional ? spec.slice(0, -1) : spec) as FieldKind, field);
    if (wanted) return `${type}: '${name}' must be ${wanted} (${describeValue(field)})`;
  }
  return null;
}

/** Type guard form of `checkTraceEvent`. */
export function isTraceEvent(value: unknown): value is TraceEvent {
  return checkTraceEvent(value) === null;
}
