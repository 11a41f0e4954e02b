import { test } from "node:test";
import * as assert from "node:assert/strict";
import { OutputFormatter } from "../../src/extension/output-format";
import { parseSourceLocation } from "../../src/extension/source-location";
import { RunStats } from "../../src/extension/run-stats";
import type { OutputEvent } from "../../src/protocol/trace";

// Colours and the dimmed notes are terminal escapes; the tests read the text.
const ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const plain = (text: string): string => text.replace(ESCAPE, "");
const output = (p: number, text: string, stream: "stdout" | "stderr" = "stdout"): OutputEvent => ({
  type: "process.output",
  t: 0,
  p,
  stream,
  text,
});

test("prefixes every line with its process and ends lines for the terminal", () => {
  const formatter = new OutputFormatter();
  const text = plain(formatter.format(output(2, "one\ntwo\n"), "worker-1"));
  assert.equal(text, "P2 worker-1        | one\r\nP2 worker-1        | two\r\n");
});

test("continues a partial line of the same process without a second prefix", () => {
  const formatter = new OutputFormatter();
  const first = plain(formatter.format(output(1, "waiting"), "MainProcess"));
  const second = plain(formatter.format(output(1, "… done\n"), "MainProcess"));
  assert.equal(first + second, "P1 MainProcess     | waiting… done\r\n");
});

test("closes another process's partial line before a new prefix", () => {
  const formatter = new OutputFormatter();
  formatter.format(output(1, "half"), "MainProcess");
  const text = plain(formatter.format(output(2, "line\n"), "Process-1"));
  assert.equal(text, "\r\nP2 Process-1       | line\r\n");
});

test("gives each process its own colour and shows stderr in red", () => {
  const formatter = new OutputFormatter();
  const one = formatter.format(output(1, "a\n"), "MainProcess");
  const two = formatter.format(output(2, "b\n", "stderr"), "Process-1");
  assert.notEqual(one.slice(0, 5), two.slice(0, 5));
  assert.ok(two.includes("\x1b[31mb"));
});

test("parses source locations, including paths with colons", () => {
  assert.deepEqual(parseSourceLocation("/w/a.ts:12:5"), { file: "/w/a.ts", line: 12, column: 5 });
  assert.deepEqual(parseSourceLocation("C:\\w\\a.ts:3:1"), {
    file: "C:\\w\\a.ts",
    line: 3,
    column: 1,
  });
  assert.deepEqual(parseSourceLocation("a.ts:7", "/base"), {
    file: "/base/a.ts",
    line: 7,
    column: 1,
  });
  assert.equal(parseSourceLocation("no location"), null);
});

test("counts live processes, drops and the event rate", () => {
  const stats = new RunStats(0);
  stats.add({ type: "process.start", t: 0, p: 1, pid: 10, ppid: 1, name: "MainProcess" });
  stats.add({
    type: "process.spawn",
    t: 1,
    p: 1,
    child: 2,
    pid: 11,
    name: "Process-1",
    target: "a.ts#f",
    daemon: false,
    role: "process",
  });
  assert.deepEqual(
    [...stats.alive],
    [
      [1, 10],
      [2, 11],
    ],
  );
  stats.add({ type: "process.exit", t: 2, p: 2, exitCode: 0, signal: null, source: "parent" });
  // A start that arrives after the exit (batches from different processes) does not revive it.
  stats.add({ type: "process.start", t: 1, p: 2, pid: 11, ppid: 10, name: "Process-1" });
  stats.add({ type: "trace.dropped", t: 3, p: 1, count: 7 });
  assert.deepEqual([...stats.alive.keys()], [1]);
  assert.equal(stats.dropped, 7);
  assert.equal(stats.nameOf(2), "Process-1");
  assert.equal(stats.takeRate(1000), 5);
});
