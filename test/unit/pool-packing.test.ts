import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as v8 from "node:v8";
import { PackingList, packNumbers } from "../../src/runtime/pool/messages";
import { SPECIAL_NUMBERS } from "../fixtures/lib/special-numbers";

const range = (n: number, at = 0): number[] => Array.from({ length: n }, (_, i) => at + i);

/** Encoded and decoded as the pool's lines do (v8's default serializer, typed arrays included). */
function travelled<T>(value: T): T {
  return v8.deserialize(v8.serialize(value)) as T;
}

test("packing: whole numbers that fit in 32 bits go as an Int32Array, other numbers as Float64Array", () => {
  const ints = packNumbers(range(100, -50));
  assert.ok(ints instanceof Int32Array);
  assert.deepEqual([...ints], range(100, -50));
  const floats = packNumbers([...range(99), 0.5]);
  assert.ok(floats instanceof Float64Array);
  assert.deepEqual([...floats], [...range(99), 0.5]);
  assert.ok(packNumbers([...range(99), 2 ** 31]) instanceof Float64Array, "past 32 bits");
});

test("packing: -0, NaN, infinities and extremes come back exactly after the trip", () => {
  const values = range(128).map((i) => SPECIAL_NUMBERS[i % SPECIAL_NUMBERS.length]);
  const packed = packNumbers(values);
  assert.ok(packed instanceof Float64Array, "-0 is not a 32-bit integer");
  const back = travelled(packed);
  assert.ok(back instanceof Float64Array);
  for (let i = 0; i < values.length; i++) assert.ok(Object.is(back[i], values[i]), `item ${i}`);
  // A lone -0 among integers still keeps its sign.
  const zeros = packNumbers([...range(100), -0]);
  assert.ok(zeros instanceof Float64Array);
  assert.ok(Object.is(zeros[100], -0));
});

test("packing: short lists and lists with anything but numbers are left as they are", () => {
  assert.equal(packNumbers(range(10)), null, "too short to gain");
  assert.equal(packNumbers([...range(100), "1"]), null);
  assert.equal(packNumbers([...range(100), 1n]), null);
  assert.equal(packNumbers([...range(99), 0.5, null]), null, "a non-number after a float");
  assert.equal(packNumbers([...range(100), undefined]), null);
});

test("packing: a range of a list, without copying the list first", () => {
  const values = range(1000);
  const packed = packNumbers(values, 200, 300);
  assert.ok(packed instanceof Int32Array);
  assert.deepEqual([...packed], range(100, 200));
  assert.equal(packNumbers(values, 990, 1000), null, "ten items are too few");
});

/** Results collected one by one, as a worker does. */
function collected(values: unknown[]): ReturnType<PackingList["values"]> {
  const list = new PackingList(values.length);
  for (const value of values) list.add(value);
  return list.values();
}

test("results: whole numbers fill an Int32Array; a fraction widens it to Float64Array, keeping the rest", () => {
  const ints = collected(range(100));
  assert.ok(ints instanceof Int32Array);
  assert.deepEqual([...ints], range(100));
  const widened = collected([...range(50), 0.5, ...range(49), -0]);
  assert.ok(widened instanceof Float64Array);
  // Strict deepEqual compares with Object.is: the -0 at the end is checked too.
  assert.deepEqual([...widened], [...range(50), 0.5, ...range(49), -0]);
});

test("results: the first value that is not a number turns them into a plain list, in order", () => {
  const fromInts = collected([...range(70), "x", 1]);
  assert.ok(Array.isArray(fromInts));
  assert.deepEqual(fromInts, [...range(70), "x", 1]);
  const fromFloats = collected([...range(70), 1.5, null, { a: 1 }]);
  assert.deepEqual(fromFloats, [...range(70), 1.5, null, { a: 1 }]);
  assert.deepEqual(collected([1, 2, 3]), [1, 2, 3], "a short list stays a list");
  assert.ok(Array.isArray(collected([1, 2, 3])));
});
