// The command line: `procscope run` errors and exit codes, `export --perfetto`, `report`.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  assertSucceeded,
  cleanUp,
  describeRun,
  fixtureLine,
  fixturePath,
  result,
  runCli,
  runFixture,
  scratch,
  sharedRun,
  startCli,
  survivors,
  waitFor,
} from "./helpers";
import type { ChromeTraceEvent } from "../../src/model/perfetto";

after(cleanUp);

test("run: a missing file is a clear error and a non-zero exit, with nothing started", async () => {
  const missing = scratch("does-not-exist.ts");
  const run = await runCli(["run", missing, "--no-summary"]);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /no such file/);
  assert.ok(run.stderr.includes(missing), run.stderr);
});

test("run: a TypeScript syntax error names file:line:column and exits non-zero", async () => {
  const broken = scratch("broken.ts");
  fs.writeFileSync(
    broken,
    'import { main } from "procscope";\nmain(async () => {\n  const x: number = ;\n});\n',
  );
  const started = startCli(["run", broken, "--trace", scratch("broken.pstrace"), "--no-summary"]);
  const run = await started.finished;
  assert.notEqual(run.code, 0, describeRun(run));
  assert.ok(run.stderr.includes(`${broken}:3:21`), run.stderr);
  assert.ok(await waitFor(() => survivors(started.mark).length === 0, 5000), "left running");
});

test("run: an unexported target fails the program with PicklingError saying to export it", async () => {
  const run = await runFixture("unexported-target.ts");
  assert.equal(run.code, 1, describeRun(run));
  assert.match(run.stderr, /PicklingError/);
  assert.match(run.stderr, /hiddenWorker/);
  assert.match(run.stderr, /export/);
  assert.ok(await waitFor(() => survivors(run.mark).length === 0, 5000), "left running");
});

test("run: the exit code is the program's", async () => {
  const seven = await runFixture("exits.ts", { args: ["exit-code", "7"] });
  assert.equal(seven.code, 7, describeRun(seven));
  const fine = await runFixture("exits.ts", { args: ["exit-code", "0"] });
  assert.equal(fine.code, 0, describeRun(fine));
});

test("run: main() throwing exits 1 and prints the stack at the throw's .ts line", async () => {
  const run = await runFixture("exits.ts", { args: ["throw"] });
  assert.equal(run.code, 1, describeRun(run));
  assert.match(run.stderr, /Error: main gave up/);
  assert.ok(run.stderr.includes(fixtureLine("exits.ts", "main-throw")), run.stderr);
});

test("run: arguments after -- reach the program's process.argv", async () => {
  const run = await runFixture("exits.ts", { args: ["arguments", "a b", "--flag"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "argv"), ["arguments", "a b", "--flag"]);
});

test("run --no-trace runs the program without writing a trace or a summary", async () => {
  const tracePath = scratch("not-written.pstrace");
  const run = await runCli(["run", fixturePath("flows.ts"), "--trace", tracePath, "--no-trace"]);
  assertSucceeded(run);
  assert.equal(fs.existsSync(tracePath), false);
  assert.doesNotMatch(run.stderr, /Process tree/);
});

test("run prints the summary (process tree, flows, locks) and the trace path", async () => {
  const tracePath = scratch("with-summary.pstrace");
  const run = await runCli(["run", fixturePath("flows.ts"), "--trace", tracePath]);
  assertSucceeded(run);
  for (const heading of ["Process tree", "Message flows", "Lock contention", tracePath]) {
    assert.ok(run.stderr.includes(heading), `no "${heading}" in:\n${run.stderr}`);
  }
});

const flows = sharedRun("flows.ts");

test("report TRACE prints the summary of a saved run", async () => {
  const run = await flows();
  assertSucceeded(run);
  const report = await runCli(["report", run.tracePath]);
  assertSucceeded(report);
  const lines = report.stdout.split("\n");
  for (const expected of [
    /^Process tree$/,
    /^P1\s+MainProcess\s+\d+\s+—\s+0\b/,
    /^\s+P2\s+Process-1\s+\d+\s+P1\s+0\b/,
    /^Message flows$/,
    /^Queue1\s+queue\s+1\s+1\b.*P2→P1: 1/,
    /^Queue2\s+queue\s+1\s+1\b.*P1→P2: 1/,
    /^Pipe1\.a\s+pipe\s+1\s+1\b.*P2→P1: 1/,
    /^Lock contention$/,
    /^Lock1\s+2\s+50%\s+0\b/,
  ]) {
    assert.ok(
      lines.some((line) => expected.test(line)),
      `no ${expected} in:\n${report.stdout}`,
    );
  }
});

test("report on a trace that lost its end: said so, and what was open ends at its last event", async () => {
  const run = await flows();
  assertSucceeded(run);
  // Cut at a line boundary before the processes' exits: the lines kept are whole.
  const lines = fs.readFileSync(run.tracePath, "utf8").trimEnd().split("\n");
  const firstExit = lines.findIndex((line) => line.includes('"type":"process.exit"'));
  assert.ok(firstExit > 1, "the trace has exits");
  const cut = scratch("lost-end.pstrace");
  fs.writeFileSync(cut, lines.slice(0, firstExit).join("\n") + "\n");
  const report = await runCli(["report", cut]);
  assert.equal(report.code, 0, describeRun(report));
  assert.match(report.stderr, /lost-end\.pstrace: the trace has no run\.end/);
  const root = report.stdout.split("\n").find((line) => line.startsWith("P1 "));
  assert.ok(root, report.stdout);
  assert.match(root, /\s+running\s+/, "the root never exited in what was kept");
  assert.doesNotMatch(root, /\s0 ns\s/, "its lifetime runs to the last event, not to 0");
});

test("report on a file that is not a trace fails with a message naming the line", async () => {
  const report = await runCli(["report", fixturePath("flows.ts")]);
  assert.notEqual(report.code, 0);
  assert.match(report.stderr, /flows\.ts:1: not a procscope trace/);
});

async function exportRun(): Promise<ChromeTraceEvent[]> {
  const run = await flows();
  assertSucceeded(run);
  const out = scratch("flows.json");
  const exported = await runCli(["export", run.tracePath, "--perfetto", out]);
  assertSucceeded(exported);
  const json = JSON.parse(fs.readFileSync(out, "utf8")) as { traceEvents: ChromeTraceEvent[] };
  assert.ok(Array.isArray(json.traceEvents));
  return json.traceEvents;
}

test("export --perfetto: one named track (process_name metadata) per process", async () => {
  const events = await exportRun();
  const names = events.filter((e) => e.ph === "M" && e.name === "process_name");
  assert.deepEqual(names.map((e) => e.args?.name).sort(), ["P1 MainProcess", "P2 Process-1"]);
  assert.equal(new Set(names.map((e) => e.pid)).size, 2);
});

test("export --perfetto: each message is an s/f flow pair with one id, cat queue or pipe", async () => {
  const events = await exportRun();
  const starts = events.filter((e) => e.ph === "s");
  const finishes = events.filter((e) => e.ph === "f");
  assert.equal(starts.length, 3, "one message each way on queues, one on the pipe");
  assert.deepEqual(
    starts.map((e) => [e.id, e.cat]),
    finishes.map((e) => [e.id, e.cat]),
  );
  assert.deepEqual(starts.map((e) => e.cat).sort(), ["pipe", "queue", "queue"]);
  assert.equal(new Set(starts.map((e) => e.id)).size, 3);
  for (const start of starts) {
    const finish = finishes.find((e) => e.id === start.id)!;
    assert.notEqual(start.pid, finish.pid, "each flow goes from one process to the other");
  }
});

test("export --perfetto: lock waits and holds are complete (X) slices of cat lock", async () => {
  const events = await exportRun();
  const lockSlices = events.filter((e) => e.cat === "lock");
  assert.ok(lockSlices.length > 0);
  for (const slice of lockSlices) {
    assert.equal(slice.ph, "X");
    assert.match(slice.name, /^(wait|hold) /);
    assert.ok(typeof slice.dur === "number" && slice.dur >= 0);
  }
  const holds = lockSlices.filter((e) => e.name.startsWith("hold"));
  const waits = lockSlices.filter((e) => e.name.startsWith("wait"));
  assert.equal(holds.length, 2, "the worker's hold and the root's");
  assert.ok(waits.length >= 1, "the root waited for the worker's hold");
});

test("export without --perfetto is a usage error", async () => {
  const run = await runCli(["export", fixturePath("flows.ts")]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /usage/);
});
