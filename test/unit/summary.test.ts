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
