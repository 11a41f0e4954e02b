// The Queue, JoinableQueue and SimpleQueue rows of API.md's "Messages" table.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import { assertSucceeded, assertThrew, cleanUp, result, runFixture } from "./helpers";

after(cleanUp);

const scenario = async (name: string) => {
  const run = await runFixture("queues.ts", { args: [name] });
  assertSucceeded(run);
  return run;
};

test("put/get carry items between processes in FIFO order", async () => {
  const run = await scenario("fifo-across-processes");
  assert.deepEqual(
    result(run, "relayed"),
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test("putNowait and getNowait; getNowait and get({ block: false }) on empty reject Empty", async () => {
  const run = await scenario("nowait");
  assert.equal(result(run, "put-nowait-returns"), true);
  assert.equal(result(run, "get-nowait"), "a");
  assertThrew(result(run, "get-nowait-empty"), "Empty", "getNowait on empty");
  assertThrew(result(run, "get-no-block-empty"), "Empty", "get({ block: false }) on empty");
});

test("get({ timeout }) rejects Empty when nothing comes, and returns what comes in time", async () => {
  const run = await scenario("timeouts");
  assertThrew(result(run, "get-timeout"), "Empty", "get({ timeout: 0.2 })");
  assert.equal(result(run, "get-within-timeout"), "late");
});

test("bounded queue: put waits for room, put timeout and non-blocking puts reject Full", async () => {
  const run = await scenario("bounded");
  assert.equal(result(run, "full-when-at-maxsize"), true);
  assertThrew(result(run, "put-timeout"), "Full", "put({ timeout: 0.2 }) on a full queue");
  assertThrew(result(run, "put-no-block"), "Full", "put({ block: false }) on a full queue");
  assertThrew(result(run, "put-nowait"), "Full", "putNowait on a full queue");
  assert.equal(result(run, "put-blocks-while-full"), true, "put on a full queue did not wait");
  // The get in the child made the room: it took the first item, the waiting put the second.
  assert.equal(result(run, "taken-by-child"), 1);
  assert.equal(result(run, "left-in-queue"), 2);
});

test("qsize, empty and full follow the puts", async () => {
  const run = await scenario("sizes");
  assert.deepEqual(result(run, "fresh"), { qsize: 0, empty: true, full: false });
  assert.deepEqual(result(run, "negative-maxsize"), {
    maxsize: 0,
    qsize: 4,
    empty: false,
    full: false,
  });
  assert.deepEqual(result(run, "two-items"), { qsize: 2, empty: false, full: false });
  assert.deepEqual(result(run, "at-maxsize"), { qsize: 3, empty: false, full: true });
});

test("qsize, empty and full follow the gets made by the same process", async () => {
  const run = await scenario("sizes-after-get");
  assert.deepEqual(result(run, "after-one-get"), { qsize: 2, empty: false, full: false });
  assert.deepEqual(result(run, "after-all-gets"), { qsize: 0, empty: true, full: false });
});

test("close(): what was put before is delivered; put after close throws ValueError", async () => {
  const run = await scenario("close");
  assert.deepEqual(result(run, "delivered-after-close"), [1, 2, 3]);
  assertThrew(result(run, "put-after-close"), "ValueError", "put after close");
  // At once, as in Python (not after the timeout, with Empty).
  assertThrew(result(run, "get-after-close"), "ValueError", "get after close");
});

test("JoinableQueue: join() waits until every task put is marked done", async () => {
  const run = await scenario("joinable");
  assert.deepEqual(result(run, "done-when-joined"), [10, 20, 30, 40, 50]);
  assert.equal(result(run, "join-again-returns"), true);
});

test("JoinableQueue: taskDone() called more often than items were taken throws ValueError", async () => {
  const run = await scenario("task-done-extra");
  assertThrew(result(run, "task-done-without-get"), "ValueError", "taskDone before any get");
  assertThrew(result(run, "task-done-twice"), "ValueError", "second taskDone for one get");
});

test("SimpleQueue: put, get, empty and close across processes", async () => {
  const run = await scenario("simple");
  assert.equal(result(run, "simple-empty-at-first"), true);
  assert.equal(result(run, "simple-echo"), "echo ping");
  assertThrew(result(run, "simple-put-after-close"), "ValueError", "SimpleQueue put after close");
});

test("timeouts of null and Infinity wait for ever, as Python's None; NaN is a ValueError", async () => {
  const run = await runFixture("forever-timeouts.ts");
  assertSucceeded(run);
  assert.equal(result(run, "get-null"), "first");
  assert.equal(result(run, "get-infinity"), "second");
  assert.equal(result(run, "event-infinity"), true);
  assert.equal(result(run, "join-infinity"), 0);
  assert.equal(result(run, "wait-infinity"), true);
  assert.equal(result(run, "get-null-result"), "done");
  const nan = assertThrew(result(run, "nan"), "ValueError", "a NaN timeout");
  assert.match(
    nan.message,
    /^get\(\): timeout must be a number of seconds, or null to wait for ever; got NaN$/,
  );
  assert.doesNotMatch(run.stderr, /TimeoutOverflowWarning/);
});
