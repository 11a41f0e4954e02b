import { test } from "node:test";
import * as assert from "node:assert/strict";
import { formatSummary } from "../../src/cli/summary";
import { RunModel } from "../../src/model/run-model";
import type { TraceEvent } from "../../src/protocol/trace";

const ms = 1_000_000;

function summaryOf(events: TraceEvent[]): string {
  const model = new RunModel();
  for (const event of events) model.add(event);
  return formatSummary(model);
}

function spawn(child: number, name: string): TraceEvent {
  return {
    type: "process.spawn",
    t: child * ms,
    p: 1,
    child,
    pid: 100 + child,
    name,
    target: "a.ts#f",
    daemon: false,
    role: "process",
  };
}

test("the tree's columns line up in terminal cells, whatever script the names are in", () => {
  const summary = summaryOf([
    { type: "process.start", t: 0, p: 1, pid: 100, ppid: 1, name: "MainProcess" },
    spawn(2, "工人一号"),
    spawn(3, "worker-2"),
    spawn(4, "🚀rocket"),
    spawn(5, "cafe\u0301"), // e and a combining accent: one cell
  ]);
  const rows = summary.split("\n").filter((line) => /^ {2}P\d/.test(line));
  assert.equal(rows.length, 4, summary);
  // The pid column starts in the same terminal cell on every row.
  const cellOfPid = (line: string): number => {
    const at = line.search(/\b10\d\b/);
    let cells = 0;
    for (const char of line.slice(0, at)) {
      const code = char.codePointAt(0)!;
      if (code >= 0x300 && code <= 0x36f) continue;
      cells += code >= 0x1100 ? 2 : 1;
    }
    return cells;
  };
  assert.deepEqual(new Set(rows.map(cellOfPid)).size, 1, rows.join("\n"));
});

test("a pool with no finished task shows no median or longest task, not 0 ns", () => {
  const summary = summaryOf([
    { type: "process.start", t: 0, p: 1, pid: 100, ppid: 1, name: "MainProcess" },
    { type: "object.create", t: 0, p: 1, obj: "1.1", kind: "pool", value: 2 },
    { type: "pool.submit", t: 1, p: 1, obj: "1.1", task: 1, fn: "a.ts#f", items: 1 },
  ]);
  const row = summary.split("\n").find((line) => line.startsWith("Pool1"));
  assert.ok(row, summary);
  assert.match(row, /^Pool1\s+2\s+1\s+0\s+0\s+—\s+—\s+0$/);
});

test("a lock only waited for, and a barrier wait that never ended, are said as such", () => {
  const summary = summaryOf([
    { type: "process.start", t: 0, p: 1, pid: 100, ppid: 1, name: "MainProcess" },
    { type: "object.create", t: 0, p: 1, obj: "1.1", kind: "lock" },
    { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "barrier", value: 2 },
    { type: "lock.timeout", t: 3 * ms, p: 1, obj: "1.1", wait: 2 * ms, heldBy: [2] },
    { type: "object.block", t: 4 * ms, p: 1, obj: "1.2", op: "wait" },
    { type: "run.end", t: 10 * ms, p: 1, exitCode: 130, signal: "SIGINT" },
  ]);
  const lock = summary.split("\n").find((line) => line.startsWith("Lock1"));
  assert.match(lock ?? "", /^Lock1\s+0\s+0%\s+1\s+2(\.00)? ms\s+—\s+2(\.00)? ms\s/, summary);
  const barrier = summary.split("\n").find((line) => line.startsWith("Barrier1"));
  assert.match(
    barrier ?? "",
    /^Barrier1\s+1\s+6(\.00)? ms\s+6(\.00)? ms\s+0\s+0\s+0\s+—$/,
    summary,
  );
  assert.match(
    summary,
    /^ {2}Barrier1: 1 wait never ended \(the waiter died waiting, or the run ended first\), counted in waits, total and max wait$/m,
  );
});
