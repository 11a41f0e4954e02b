// The Pipe / Connection rows of API.md's "Messages" table.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  assertThrew,
  cleanUp,
  type ErrorReport,
  result,
  resultsOf,
  runFixture,
} from "./helpers";

after(cleanUp);

const scenario = async (name: string) => {
  const run = await runFixture("pipes.ts", { args: [name] });
  assertSucceeded(run);
  return run;
};

test("a duplex pipe carries values both ways between processes", async () => {
  const run = await scenario("duplex");
  assert.deepEqual(resultsOf(run, "echoed"), [
    ["echo", 1],
    ["echo", { two: [2] }],
    ["echo", "three"],
  ]);
});

test("Pipe(false): the first end only receives, the second only sends", async () => {
  const run = await scenario("one-way");
  assertThrew(result(run, "send-on-read-end"), "ValueError", "send on the read end");
  assertThrew(result(run, "recv-on-write-end"), "ValueError", "recv on the write end");
  assert.deepEqual(result(run, "one-way-received"), [1, 2, 3]);
});

test("2000 values on a pipe arrive in order, then EOFError once the sender closed", async () => {
  const run = await scenario("order");
  const order = result<{ count: number; inOrder: boolean; end: ErrorReport | null }>(run, "order");
  assert.deepEqual([order.count, order.inOrder], [2000, true]);
  assertThrew(order.end, "EOFError", "recv after the last value");
});

test("poll(timeout): false when nothing comes, true once data is there, without taking it", async () => {
  const run = await scenario("poll");
  assert.equal(result(run, "poll-default-empty"), false);
  assert.equal(result(run, "poll-timeout-empty"), false);
  assert.equal(result(run, "poll-waits-for-data"), true);
  assert.equal(result(run, "recv-after-poll"), "late");
});

test("sendBytes (whole and offset/size) and recvBytes, which returns a Buffer", async () => {
  const run = await scenario("bytes");
  assert.deepEqual(result(run, "recv-bytes"), {
    whole: "whole buffer",
    wholeIsBuffer: true,
    part: [2, 3, 4],
  });
});

test("recv on a drained pipe whose other end is closed everywhere rejects EOFError", async () => {
  const run = await scenario("eof");
  assert.deepEqual(result(run, "drained"), [1, 2, 3], "what was sent before close arrives");
  assert.equal(result(run, "poll-at-eof"), true);
  assertThrew(result(run, "recv-at-eof"), "EOFError", "recv at end of file");
});

test("send and recv on a connection closed here throw", async () => {
  const run = await scenario("closed");
  assertThrew(result(run, "send-on-closed"), "ValueError", "send on a closed connection");
  assertThrew(result(run, "recv-on-closed"), "ValueError", "recv on a closed connection");
});
