// Bad input, the pure parts: which trace events a reader accepts and what it says about the
// others; why a failed process failed, from its stderr; the CLI's summary keeping a
// trace's strings from driving the terminal; how a failing process describes its error.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { checkTraceEvent } from "../../src/protocol/trace-check";
import type { TraceEvent } from "../../src/protocol/trace";
import { failureReason } from "../../src/model/failure-reason";
import { RunModel } from "../../src/model/run-model";
import { findWarnings } from "../../src/model/warnings";
import { TimelineModel } from "../../src/model/timeline";
import { FlowLevels } from "../../src/model/flow-levels";
import { formatSummary } from "../../src/cli/summary";
import { printable } from "../../src/model/printable";
import { describeFailure, reportFailure, userStack } from "../../src/runtime/failure";

/** One well-formed event of every type (the reader must accept each). */
const wellFormed: TraceEvent[] = [
  {
    type: "run.start",
    t: 0,
    p: 1,
    version: 1,
    entry: "/w/a.ts",
    argv: ["x"],
    cwd: "/w",
    node: "v20.0.0",
    wallClock: 1.7e12,
  },
  { type: "process.start", t: 1, p: 1, pid: 10, ppid: 1, name: "MainProcess" },
  {
    type: "process.spawn",
    t: 2,
    p: 1,
    child: 2,
    pid: 11,
    name: "Process-1",
    target: "/w/a.ts#work",
    daemon: false,
    role: "process",
    loc: "/w/a.ts:3:1",
  },
  { type: "process.output", t: 3, p: 2, stream: "stderr", text: "boom\n", truncated: true },
  { type: "object.create", t: 4, p: 1, obj: "1.1", kind: "queue", maxsize: 0 },
  { type: "message.send", t: 5, p: 2, obj: "1.1", msg: "2:1", size: 0, preview: "1" },
  { type: "message.receive", t: 6, p: 1, obj: "1.1", msg: "2:1", size: 4, wait: 0 },
  { type: "object.block", t: 7, p: 1, obj: "1.1", op: "get" },
  { type: "object.timeout", t: 8, p: 1, obj: "1.1", op: "get", wait: 1 },
  { type: "lock.request", t: 9, p: 1, obj: "1.2" },
  { type: "lock.acquired", t: 10, p: 1, obj: "1.2", wait: 0, heldBy: [] },
  { type: "lock.released", t: 11, p: 1, obj: "1.2", hold: 1 },
  { type: "lock.timeout", t: 12, p: 2, obj: "1.2", wait: 1, heldBy: [1] },
  { type: "resource.sample", t: 13, p: 2, cpu: 12.5, rss: 1024 },
  {
    type: "sync.wait",
    t: 14,
    p: 2,
    obj: "1.3",
    op: "event.wait",
    wait: 1,
    outcome: "woken",
    wokenBy: null,
  },
  { type: "sync.signal", t: 15, p: 1, obj: "1.3", op: "event.set" },
  { type: "pool.submit", t: 16, p: 1, obj: "1.4", task: 1, fn: "/w/a.ts#f", items: 1 },
  { type: "pool.start", t: 17, p: 3, obj: "1.4", task: 1 },
  { type: "pool.done", t: 18, p: 3, obj: "1.4", task: 1, ok: false, duration: 1, error: "x" },
  { type: "pool.callback", t: 19, p: 1, obj: "1.4", task: 1, ok: false, duration: 1 },
  {
    type: "manager.call",
    t: 20,
    p: 1,
    server: 4,
    method: "dict.get",
    duration: 3,
    ok: true,
  },
  { type: "process.join", t: 21, p: 1, childPid: 11, wait: 2 },
  { type: "trace.dropped", t: 22, p: 2, count: 3 },
  { type: "warning", t: 23, p: 1, code: "misuse", message: "m" },
  {
    type: "deadlock",
    t: 24,
    p: 1,
    processes: [{ p: 1, obj: "1.2", op: "lock.acquire", waitingFor: [2] }],
    message: "deadlock: …",
  },
  { type: "process.exit", t: 25, p: 2, exitCode: 1, signal: null, source: "parent" },
  { type: "run.end", t: 26, p: 1, exitCode: 0, signal: null },
];

test("every well-formed event of every type passes the reader's check", () => {
  const types = new Set(wellFormed.map((event) => event.type));
  assert.equal(types.size, 27, "one of each type");
  for (const event of wellFormed) assert.equal(checkTraceEvent(event), null, event.type);
});

test("a malformed event is refused, naming the type, the field, what it must be and what it is", () => {
  const cases: Array<[unknown, string]> = [
    [[1, 2], "an event must be an object with a string 'type'"],
    [null, "an event must be an object with a string 'type'"],
    [{ type: 7, t: 0, p: 1 }, "an event must be an object with a string 'type'"],
    [{ type: "<script>", t: 0, p: 1 }, "unknown event type '<script>'"],
    [
      { type: "process.spawn", t: 1, p: 1 },
      "process.spawn: 'child' must be a process number (1 or more) (it is missing)",
    ],
    [
      { type: "process.start", t: 1, p: 1, pid: 1, ppid: 0, name: { html: "<b>" } },
      "process.start: 'name' must be a string (it is an object)",
    ],
    [
      { type: "process.start", t: 1, p: -5, pid: 1, ppid: 0, name: "x" },
      "process.start: 'p' must be a process number (1 or more) (it is -5)",
    ],
    [
      { type: "process.start", t: -1, p: 1, pid: 1, ppid: 0, name: "x" },
      "process.start: 't' must be a number of nanoseconds (0 or more) (it is -1)",
    ],
    [
      { type: "lock.acquired", t: 1, p: 1, obj: "x", wait: 0, heldBy: [0] },
      "lock.acquired: 'heldBy' must be an array of process numbers (it is an array)",
    ],
    [
      { type: "resource.sample", t: 1, p: 1, cpu: JSON.parse("1e999") as number, rss: 1 },
      "resource.sample: 'cpu' must be a finite number (it is Infinity)",
    ],
    [
      { type: "object.create", t: 1, p: 1, obj: "1.1", kind: "<img>" },
      `object.create: 'kind' must be one of "queue", "joinable-queue", "simple-queue", "pipe", "lock", "rlock", "semaphore", "bounded-semaphore", "event", "condition", "barrier", "value", "array", "pool", "manager", "dict", "list", "namespace" (it is the string "<img>")`,
    ],
    [
      { type: "deadlock", t: 1, p: 1, processes: [{ p: 1 }], message: "m" },
      "deadlock: 'processes' must be an array of { p, obj, op, waitingFor } entries (it is an array)",
    ],
    [
      { type: "warning", t: 1, p: 1, code: "misuse", message: "m", loc: 3 },
      "warning: 'loc' must be a string (it is 3)",
    ],
  ];
  for (const [event, expected] of cases) assert.equal(checkTraceEvent(event), expected);
});

test("why a process failed: the runtime's own line, else the error under 'failed:', with its location", () => {
  assert.deepEqual(
    failureReason(
      'procscope: syntax error in /w/a.ts:3:21: Unexpected ";"\n  3 |   const x = ;\n    |   ^\n',
    ),
    { text: 'syntax error in /w/a.ts:3:21: Unexpected ";"', loc: "/w/a.ts:3:21" },
  );
  assert.deepEqual(
    failureReason(
      "Process Process-1 (pid 9) failed:\nError: no config\n    at Object.<anonymous> (/w/b.ts:4:9)\n",
    ),
    { text: "Error: no config", loc: "/w/b.ts:4:9" },
  );
  assert.deepEqual(failureReason("some text\nlast words\n\n"), { text: "last words" });
  assert.equal(failureReason(""), null);
  assert.equal(failureReason(undefined), null);
  const long = failureReason(`procscope: ${"x".repeat(1000)}`);
  assert.equal(long?.text.length, 300);
});

test("the panel's warning for a failed process says why, from its stderr, and points at the line", () => {
  const model = new RunModel();
  const events: TraceEvent[] = [
    { type: "process.start", t: 1, p: 1, pid: 10, ppid: 1, name: "MainProcess" },
    {
      type: "process.output",
      t: 2,
      p: 1,
      stream: "stderr",
      text: "procscope: cannot find module './x.js', imported at /w/a.ts:2:25: no such file\n",
    },
    { type: "process.exit", t: 3, p: 1, exitCode: 1, signal: null, source: "parent" },
    { type: "run.end", t: 3, p: 1, exitCode: 1, signal: null },
  ];
  for (const event of events) model.add(event);
  const warnings = findWarnings({
    model,
    timeline: new TimelineModel(),
    levels: new FlowLevels(),
    events,
    ended: true,
  });
  const failed = warnings.find((warning) => warning.title === "Process failed");
  assert.deepEqual(
    { detail: failed?.detail, loc: failed?.loc },
    {
      detail:
        "P1 (MainProcess) exited with code 1: cannot find module './x.js', imported at /w/a.ts:2:25: no such file",
      loc: "/w/a.ts:2:25",
    },
  );
});

test("the summary shows a trace's control characters as escapes, so a name cannot drive the terminal", () => {
  const escape = String.fromCharCode(27);
  assert.equal(printable(`a${escape}[31mred\u0007\u202e`), "a\\u001b[31mred\\u0007\\u202e");
  const model = new RunModel();
  model.add({
    type: "process.start",
    t: 1,
    p: 1,
    pid: 10,
    ppid: 1,
    name: `evil${escape}]0;owned\u0007\nP9  forged row`,
  });
  const summary = formatSummary(model);
  assert.ok(!summary.includes(escape), "no escape character reaches the terminal");
  assert.ok(!summary.includes("\nP9  forged row"), "no forged line");
  assert.match(summary, /evil\\u001b\]0;owned\\u0007\\u000aP9 {2}forged row/);
});

test("a failing process's stack starts at the user's frame; a missing module names the import", () => {
  // Bundled into this test, the runtime's own directory is the test's.
  const runtimeFrame = `    at walk (${path.join(__dirname, "index.js")}:9:9)`;
  const stack = [
    "PicklingError: cannot send a Socket instance (at Queue.put(item).conn)",
    runtimeFrame,
    "    at Module._compile (node:internal/modules/cjs/loader:1521:14)",
    "    at <anonymous> (/w/a.ts:7:38)",
  ].join("\n");
  assert.equal(
    userStack(stack),
    "PicklingError: cannot send a Socket instance (at Queue.put(item).conn)\n    at <anonymous> (/w/a.ts:7:38)",
  );
  const missing = Object.assign(
    new Error("Cannot find module 'left-pad'\nRequire stack:\n- /w/a.ts"),
    {
      code: "MODULE_NOT_FOUND",
    },
  );
  missing.stack = `Error: ${missing.message}\n    at Object.<anonymous> (/w/a.ts:2:17)`;
  assert.equal(
    describeFailure("Process-1", 7, missing),
    "procscope: in Process-1: cannot find module 'left-pad', imported at /w/a.ts:2:17: is the package installed where the program is (npm install left-pad)?",
  );
  assert.match(
    describeFailure("MainProcess", 7, "a string"),
    /^Process MainProcess \(pid 7\) failed:\n'a string'$/,
  );
});

test("a failure seen twice (by the loader and again above it) is printed once, even a thrown string", () => {
  const printed: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => {
    printed.push(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const error = new Error("once");
    reportFailure("Process-1", error);
    reportFailure("Process-1", error);
    reportFailure("Process-2", "a plain string");
    reportFailure("Process-2", "a plain string");
  } finally {
    process.stderr.write = write;
  }
  assert.equal(printed.length, 2, printed.join(""));
  assert.match(printed[0], /^Process Process-1 \(pid \d+\) failed:\nError: once\n/);
  assert.equal(printed[1], `Process Process-2 (pid ${process.pid}) failed:\n'a plain string'\n`);
});
