// Value and SharedArray (API.md, "Synchronization and shared state"): typecodes stored as
// ctypes stores them, reads and writes from any process, index checks, their locks.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  cleanUp,
  eventsOf,
  result,
  runFixture,
  sharedRun,
  type ErrorReport,
  assertThrew,
} from "./helpers";

after(cleanUp);

const FIXTURE = "sync-values.ts";
const typecodes = sharedRun(FIXTURE, { args: ["typecodes"] });
const array = sharedRun(FIXTURE, { args: ["array"] });

const assertValueError = (error: ErrorReport | null, what: string): void => {
  assertThrew(error, "ValueError", what);
};

test("Value('i') wraps at 32 bits, as a C int", async () => {
  const run = await typecodes();
  assertSucceeded(run);
  // 2**31 - 1, 2**31, 2**32 + 5, -(2**31) - 1, -7
  assert.deepEqual(result(run, "i"), [2147483647, -2147483648, 5, 2147483647, -7]);
  assert.equal(result(run, "initial-wraps"), -2147483648, "the initial value is stored as well");
});

test("Value('d') keeps doubles; Value('f') rounds to single precision", async () => {
  const run = await typecodes();
  assert.deepEqual(result(run, "d"), [0.1, 1e308, -0.5, 1 / 3]);
  assert.deepEqual(result(run, "f"), [Math.fround(0.1), 16777216, 0.5]);
  assert.notEqual(Math.fround(0.1), 0.1, "0.1 is not a float32: the check means something");
});

test("Value('b') wraps at 8 bits; B, h, H, I, q wrap at their widths", async () => {
  const run = await typecodes();
  assert.deepEqual(result(run, "b"), [127, -128, -56, 127, -1]);
  assert.deepEqual(result(run, "B"), [255, 0, 255]);
  assert.deepEqual(result(run, "h"), [32767, -32768]);
  assert.deepEqual(result(run, "H"), [65535, 0]);
  assert.deepEqual(result(run, "I"), [4294967295, 0]);
  assert.deepEqual(result(run, "q"), ["9223372036854775807n", "-9223372036854775808n"]);
});

test("Value('c') holds exactly one character; anything else is a ValueError", async () => {
  const run = await typecodes();
  assert.deepEqual(result(run, "c"), ["x", "é", "\0"]);
  assertValueError(result(run, "c-two-chars"), "set('ab')");
  assertValueError(result(run, "c-empty"), "set('')");
  assert.equal(result(run, "c-kept"), "a", "a refused set leaves the value alone");
  assertValueError(result(run, "c-initial-two-chars"), "new Value('c', 'ab')");
});

test("unknown typecodes and non-numbers for numeric typecodes are ValueErrors", async () => {
  const run = await typecodes();
  assertValueError(result(run, "unknown-typecode"), "new Value('z', 0)");
  assertValueError(result(run, "string-in-int"), "Value('i').set('5')");
});

test("SharedArray: length, get, set, toArray; a length fills with zeros (or NULs)", async () => {
  const run = await array();
  assertSucceeded(run);
  assert.equal(result(run, "length"), 3);
  assert.equal(result(run, "typecode"), "d");
  assert.equal(result(run, "get-1"), 1.5);
  assert.deepEqual(result(run, "to-array"), [-1, 9.25, 2.5]);
  assert.deepEqual(result(run, "from-length"), { length: 4, empty: [] });
  const typed = await typecodes();
  assert.deepEqual(result(typed, "default-array-i"), [0, 0, 0]);
  assert.deepEqual(result(typed, "default-array-c"), ["\0", "\0"]);
});

test("SharedArray: elements are stored per typecode ('b', 'f', 'i')", async () => {
  const run = await array();
  assert.deepEqual(result(run, "array-b"), [127, -128, 127]);
  assert.deepEqual(result(run, "array-f"), [Math.fround(0.1), 0.25]);
  assert.deepEqual(result(run, "array-i"), [-2147483648, -1]);
});

test("SharedArray: an index out of range (or not whole) is a ValueError and changes nothing", async () => {
  const run = await array();
  const errors = result<Record<string, ErrorReport | null>>(run, "index-errors");
  const names = ["get-length", "get-negative", "get-fraction", "set-length", "set-negative"];
  assert.deepEqual(Object.keys(errors).sort(), [...names].sort());
  for (const name of names) assertValueError(errors[name], name);
  assertValueError(result(run, "negative-length"), "new SharedArray('i', -1)");
  assert.deepEqual(result(run, "after-errors"), [-1, 9.25, 2.5]);
});

test("trace: values and arrays are created with their typecode and length", async () => {
  const run = await array();
  const created = eventsOf(run.events, "object.create", (e) => e.kind === "array");
  assert.deepEqual(
    created.slice(0, 2).map((e) => [e.typecode, e.length]),
    [
      ["d", 3],
      ["i", 4],
    ],
  );
  const typed = await typecodes();
  const values = eventsOf(typed.events, "object.create", (e) => e.kind === "value");
  assert.deepEqual([values[0].typecode, values[0].length], ["i", 1]);
});

test("a child writes through its copies: coerced there, seen by the parent", async () => {
  const run = await runFixture(FIXTURE, { args: ["across-processes"] });
  assertSucceeded(run);
  assert.equal(result(run, "child-exit"), 0);
  const child = result<{
    length: number;
    typecode: string;
    items: number[];
    outOfRange: ErrorReport | null;
  }>(run, "child-array");
  assert.equal(child.length, 3);
  assert.equal(child.typecode, "b");
  assert.deepEqual(child.items, [1, 2, 44]);
  assertValueError(child.outOfRange, "set(length) in the child");
  assert.deepEqual(result(run, "parent-sees"), {
    int: 2 ** 31 + 7 - 2 ** 32,
    float: Math.fround(0.1),
    char: "z",
    array: [1, 2, 44],
  });
});

test("getLock(): each value has its own RLock (or the one given), shared with children", async () => {
  const run = await runFixture(FIXTURE, { args: ["locks"] });
  assertSucceeded(run);
  for (const label of [
    "value-lock-is-rlock",
    "array-lock-is-rlock",
    "same-lock-each-time",
    "own-locks",
    "given-lock",
    "given-lock-array",
  ]) {
    assert.equal(result(run, label), true, label);
  }
  assert.deepEqual(result(run, "lock-flags"), { values: [4, 4], ownLocks: true, array: [1.5] });
  assert.match(
    assertThrew(result(run, "lock-not-a-lock"), "ValueError", "not a lock").message,
    /^lock must be an RLock, a Lock, true or false, got /,
  );
  assert.equal(result(run, "with-lock-result"), 1, "withLock holds the lock inside");
  assert.equal(result(run, "with-lock-released"), 0, "and lets go after");
  // The parent held both locks: the child's copies are the same locks.
  assert.equal(result(run, "child-lock-free"), false);
  assert.equal(result(run, "child-array-lock-free"), false);
  assert.deepEqual(result(run, "child-lock-ids"), result(run, "parent-lock-ids"));
  assert.equal(result(run, "lock-child-exit"), 0);
  // The child's withLock increment waited for the parent's set(41) under the lock.
  assert.equal(result(run, "after-child"), 42);
});

test("increments from 4 processes under withLock add up exactly", async () => {
  const run = await runFixture(FIXTURE, { args: ["counter"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "unlocked-exits"), [0, 0, 0, 0]);
  assert.deepEqual(result(run, "locked-exits"), [0, 0, 0, 0]);
  const totals = result<{ unlocked: number; locked: number }>(run, "totals");
  const expected = result<number>(run, "expected");
  assert.equal(totals.locked, expected);
  // Without the lock updates may be lost (how many is up to the scheduler), never invented.
  assert.ok(totals.unlocked >= 1 && totals.unlocked <= expected, String(totals.unlocked));
});

test("a value leased to the process using it alone: others still see one value, and a killed holder loses only its last turn", async () => {
  const run = await runFixture(FIXTURE, { args: ["lease"] });
  assertSucceeded(run);
  // 50 increments of the value and of the array's cells (17, 17, 16) under their locks,
  // then 1000: read by the parent without the lock while the child holds the lease.
  assert.deepEqual(result(run, "exit-unlocked-read"), { value: 1000, array: [17, 17, 16] });
  // The parent's unlocked writes reach the holder, and its last increment the parent.
  assert.deepEqual(result(run, "exit-holder-sees"), { value: 7, array: [17, 17, -5] });
  assert.equal(result(run, "exit-exit-code"), 0);
  assert.deepEqual(result(run, "exit-after"), { value: 8, array: [17, 17, -5] });
  // Killed holding the lease: the write of its last turn (51) is lost, the one before kept.
  assert.deepEqual(result(run, "kill-unlocked-read"), { value: 1000, array: [17, 17, 16] });
  assert.deepEqual(result(run, "kill-holder-sees"), { value: 7, array: [17, 17, -5] });
  assert.equal(result(run, "kill-exit-code"), -9);
  assert.deepEqual(result(run, "kill-after"), { value: 50, array: [17, 17, -5] });
  const warnings = eventsOf(run.events, "warning", (w) => w.code === "holder-died");
  assert.ok(warnings.length >= 1, "the killed holder of the value's lock is flagged");
});
