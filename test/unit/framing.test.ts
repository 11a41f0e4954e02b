import { test } from "node:test";
import * as assert from "node:assert/strict";
import { encodeFrame, FrameReader, type FrameHeader } from "../../src/runtime/framing";

/** A header after the trip through the framing every link uses. */
function travelled(header: FrameHeader): FrameHeader {
  const reader = new FrameReader();
  const got: FrameHeader[] = [];
  reader.push(Buffer.concat(encodeFrame(header)), (frame) => got.push(frame.header));
  assert.equal(got.length, 1, `${got.length} frames read back from one`);
  return got[0];
}

test("headers: numbers JSON cannot carry (-0, NaN, infinities) arrive exactly", () => {
  const back = travelled({ type: "dict-op", value: -0, args: [1, -0], n: NaN, big: -Infinity });
  assert.ok(Object.is(back.value, -0), "a -0 value");
  assert.ok(Object.is((back.args as number[])[1], -0), "a -0 in a list");
  assert.ok(Number.isNaN(back.n), "NaN");
  assert.equal(back.big, -Infinity);
});

test("headers: an undefined in a list survives; plain headers keep their fields", () => {
  const back = travelled({ type: "dict-op", args: ["k", undefined] });
  assert.deepEqual(back.args, ["k", undefined]);
  assert.equal((back.args as unknown[]).length, 2);
  assert.deepEqual(travelled({ type: "put", obj: "1.2", count: 3, nowait: true }), {
    type: "put",
    obj: "1.2",
    count: 3,
    nowait: true,
  });
});
