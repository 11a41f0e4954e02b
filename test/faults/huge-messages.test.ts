// Huge and deep messages (test/fixtures/huge-messages.ts): 100 MB through a queue and a pipe
// arrives whole while other processes go on with their small messages and their lock; a
// value over MAX_MESSAGE_BYTES or MAX_NESTING_DEPTH (100,000 levels deep, say) is refused at
// the call with an error naming the limit, nothing of it is sent, and the run goes on;
// cyclic values arrive with their cycles. The hub never crashes or hangs: every run ends
// normally, every process with exit code 0.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertThrew,
  cleanUp,
  collect,
  describeRun,
  result,
  resultsOf,
  runArgs,
  scratch,
  startCli,
  type ErrorReport,
  type FixtureRun,
} from "../integration/helpers";
import { MAX_MESSAGE_BYTES, MAX_NESTING_DEPTH } from "../../src/runtime/limits";
import { formatPeaks, PeakSampler } from "./memory";

after(cleanUp);

const HUNDRED_MB = 100 * 1024 * 1024;
/** Generous: a 100 MB message takes well under a second per hop here. */
const RUN_TIMEOUT_MS = 120_000;
/** Each process holds a 100 MB message a few times over at most (its copy, its frame). */
const PROCESS_MIB = 1024;

async function runScenario(
  scenario: string,
  t: import("node:test").TestContext,
): Promise<FixtureRun> {
  const tracePath = scratch(`huge-${scenario}.pstrace`);
  const started = startCli(runArgs("huge-messages.ts", tracePath, { args: [scenario] }), {
    timeoutMs: RUN_TIMEOUT_MS,
  });
  const sampler = new PeakSampler(started.mark);
  const run = await collect(started, tracePath);
  const peaks = sampler.stop();
  t.diagnostic(`peak RSS: ${formatPeaks(peaks)}`);
  assert.equal(run.code, 0, describeRun(run));
  for (const peak of peaks) {
    assert.ok(peak.peakMiB < PROCESS_MIB, `${peak.role} peaked at ${Math.round(peak.peakMiB)} MiB`);
  }
  return run;
}

interface Received {
  kind: string;
  length: number;
  first: number;
  last: number;
  ms?: number;
}

function assertBystandersUnaffected(run: FixtureRun, processes: number): void {
  const bystander = result<{ rounds: number; ms: number }>(run, "bystander");
  assert.equal(bystander.rounds, 2000, "the bystanders' round trips and lock turns all went");
  assert.deepEqual(result(run, "exit-codes"), new Array(processes).fill(0));
}

function assertWhole(received: Received, kind: string): void {
  assert.equal(received.kind, kind, `a ${kind} message arrived as ${received.kind}`);
  assert.equal(received.length, HUNDRED_MB, `the ${kind} message's length`);
  // First and last differ from the rest: nothing cut off or shifted.
  assert.deepEqual(
    [received.first, received.last],
    kind === "bytes" ? [1, 9] : [120, 121],
    `the ${kind} message's first and last units`,
  );
}

test("100 MB through a queue, as bytes and as a string, while others go on", async (t) => {
  const run = await runScenario("queue", t);
  const [bytes, text, small] = resultsOf<Received>(run, "received");
  assertWhole(bytes, "bytes");
  assertWhole(text, "string");
  assert.equal(small.length, 5, "a small message after them arrives too");
  t.diagnostic(`delivered and acknowledged in ${bytes.ms} ms (bytes), ${text.ms} ms (string)`);
  assertBystandersUnaffected(run, 3);
});

test("100 MB through a pipe, by send and sendBytes, while others go on", async (t) => {
  const run = await runScenario("pipe", t);
  const [bytes, text, small, raw] = resultsOf<Received>(run, "received");
  assertWhole(bytes, "bytes");
  assertWhole(text, "string");
  assert.equal(small.length, 5);
  assertWhole(raw, "bytes");
  t.diagnostic(`delivered and answered in ${bytes.ms} ms (bytes), ${text.ms} ms (string)`);
  assertBystandersUnaffected(run, 3);
});

test("a message over MAX_MESSAGE_BYTES is refused at the call, naming the limit; the run goes on", async (t) => {
  const run = await runScenario("too-large", t);
  assert.equal(result(run, "limit"), MAX_MESSAGE_BYTES);
  for (const call of [
    "queue-put",
    "queue-put-nowait",
    "bounded-put",
    "pipe-send",
    "pipe-send-bytes",
    "process-args",
  ]) {
    const error = assertThrew(result<ErrorReport | null>(run, call), "ValueError", call);
    assert.match(error.message, /MAX_MESSAGE_BYTES: 268,435,456 bytes, 256 MiB\)/, call);
    assert.match(error.message, /nothing was sent/, call);
  }
  assert.equal(resultsOf(run, "sink-got").length, 0, "the refused process never started");
  assert.equal(result<Received>(run, "after-queue").length, 5);
  assert.equal(result<Received>(run, "after-pipe").length, 5);
  assertBystandersUnaffected(run, 4);
});

test("100,000 levels deep is refused at the call, naming MAX_NESTING_DEPTH; at the limit and cyclic values arrive", async (t) => {
  const run = await runScenario("deep", t);
  assert.equal(result(run, "limit"), MAX_NESTING_DEPTH);
  for (const shape of ["object", "array", "map"]) {
    for (const call of ["queue", "pipe", "args"]) {
      const label = `${shape}-${call}`;
      const error = assertThrew(result<ErrorReport | null>(run, label), "PicklingError", label);
      assert.match(error.message, /nested more than 1,000 levels deep \(MAX_NESTING_DEPTH\)/);
      // The path says where, without a hundred thousand segments.
      assert.ok(error.message.length < 400, `${label}: ${error.message.length} characters`);
    }
    assert.deepEqual(result(run, `${shape}-at-limit`), { depth: MAX_NESTING_DEPTH });
    assert.deepEqual(result(run, `${shape}-at-limit-pipe`), { depth: MAX_NESTING_DEPTH });
  }
  assert.deepEqual(result(run, "cyclic-object"), { kind: "object", cycle: true });
  assert.deepEqual(result(run, "cyclic-map"), { kind: "map", cycle: true });
  assert.deepEqual(result(run, "cyclic-object-pipe"), { kind: "object", cycle: true });
  assert.equal(resultsOf(run, "sink-got").length, 0, "no refused process started");
  assert.deepEqual(result(run, "exit-codes"), [0, 0]);
});
