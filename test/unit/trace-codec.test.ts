import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as v8 from "node:v8";
import {
  PACKED_ACQUIRED,
  PACKED_LOCK_GRANTED,
  PACKED_LOCK_REQUEST,
  PACKED_MANAGER_CALL,
  PACKED_POOL_DONE,
  PACKED_POOL_START,
  PACKED_POOL_SUBMIT,
  PACKED_RECEIVE,
  PACKED_RELEASED,
  PACKED_SEND,
  decodeTraceBatch,
  decodeTraceBatchLazily,
  expandPacked,
  type TraceBatch,
} from "../../src/runtime/trace-codec";

const batch: TraceBatch = {
  p: 3,
  events: [{ type: "trace.dropped", t: 1, p: 3, count: 2 }],
  objects: [
    "Queue1",
    "Pool1",
    "/work/tasks.ts#square",
    "Lock1",
    "Dict1",
    "dict.set",
    "hello",
    "/work/app.ts:7:9",
  ],
  // One record per line: kind, t, object index, then the kind's own fields.
  // prettier-ignore
  packed: [
    PACKED_SEND, 10, 0, 7,
    PACKED_RECEIVE, 11, 0, 2, 9, 40, 500,
    PACKED_ACQUIRED, 12, 3, 0,
    PACKED_RELEASED, 13, 3, 1000,
    PACKED_POOL_SUBMIT, 14, 1, 5, 12, 2,
    PACKED_POOL_START, 15, 1, 5,
    PACKED_POOL_DONE, 16, 1, 5, 800,
    PACKED_MANAGER_CALL, 17, 4, 2, 5, 30000, 1,
    PACKED_MANAGER_CALL, 18, -1, 2, 6, 9000, 0,
    PACKED_LOCK_REQUEST, 19, 3, 7,
    PACKED_LOCK_GRANTED, 20, 3, 1500, 7, 2, 4, 5,
    PACKED_LOCK_REQUEST, 21, 3, -1,
    PACKED_LOCK_GRANTED, 22, 3, 0, -1, 0,
  ],
};

test("packed records expand to the events they stand for, in order, after the batch's own", () => {
  const events = decodeTraceBatch(v8.serialize(batch));
  assert.deepEqual(events, [
    { type: "trace.dropped", t: 1, p: 3, count: 2 },
    { type: "message.send", t: 10, p: 3, obj: "Queue1", msg: "3:7", size: 0 },
    { type: "message.receive", t: 11, p: 3, obj: "Queue1", msg: "2:9", size: 40, wait: 500 },
    { type: "lock.acquired", t: 12, p: 3, obj: "Lock1", wait: 0, heldBy: [] },
    { type: "lock.released", t: 13, p: 3, obj: "Lock1", hold: 1000 },
    {
      type: "pool.submit",
      t: 14,
      p: 3,
      obj: "Pool1",
      task: 5,
      items: 12,
      fn: "/work/tasks.ts#square",
    },
    { type: "pool.start", t: 15, p: 3, obj: "Pool1", task: 5 },
    { type: "pool.done", t: 16, p: 3, obj: "Pool1", task: 5, ok: true, duration: 800 },
    {
      type: "manager.call",
      t: 17,
      p: 3,
      obj: "Dict1",
      server: 2,
      method: "dict.set",
      duration: 30000,
      ok: true,
    },
    { type: "manager.call", t: 18, p: 3, server: 2, method: "hello", duration: 9000, ok: false },
    { type: "lock.request", t: 19, p: 3, obj: "Lock1", loc: "/work/app.ts:7:9" },
    {
      type: "lock.acquired",
      t: 20,
      p: 3,
      obj: "Lock1",
      wait: 1500,
      heldBy: [4, 5],
      loc: "/work/app.ts:7:9",
    },
    { type: "lock.request", t: 21, p: 3, obj: "Lock1" },
    { type: "lock.acquired", t: 22, p: 3, obj: "Lock1", wait: 0, heldBy: [] },
  ]);
});

test("a lazy decode keeps packed records packed until they are expanded", () => {
  const { events, packed } = decodeTraceBatchLazily(v8.serialize(batch));
  assert.equal(events.length, 1);
  assert.ok(packed);
  assert.equal(expandPacked(packed, []).length, 13);
});

test("an unknown packed record kind is refused, not misread", () => {
  assert.throws(
    () => expandPacked({ p: 1, events: [], objects: [], packed: [99, 1, 0] }, []),
    /unknown packed record kind 99/,
  );
});
