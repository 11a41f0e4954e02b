// Every object of the synchronization family can be passed to a child in args, nested in
// objects and arrays, and is the same object there (API.md: "passable in args").
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import { assertSucceeded, cleanUp, result, sharedRun, type ErrorReport } from "./helpers";

after(cleanUp);

const run = sharedRun("sync-args.ts");

test("passed in args, each object keeps its id and class in the child", async () => {
  const done = await run();
  assertSucceeded(done);
  assert.equal(result(done, "child-exit"), 0);
  const parentIds = result<Record<string, string>>(done, "parent-ids");
  assert.equal(Object.keys(parentIds).length, 12);
  assert.deepEqual(result(done, "child-ids"), parentIds);
  const classes = result<Record<string, boolean>>(done, "child-classes");
  assert.equal(Object.keys(classes).length, 9);
  for (const [name, isInstance] of Object.entries(classes)) {
    assert.equal(isInstance, true, `${name} is not revived as its class`);
  }
  assert.deepEqual(result(done, "child-shapes"), {
    parties: 2,
    valueTypecode: "d",
    arrayTypecode: "i",
    arrayLength: 3,
  });
});

test("the child uses each: locks exclude, permits count, signals reach the parent", async () => {
  const done = await run();
  assert.equal(result(done, "child-lock-held-elsewhere"), false, "the parent holds the lock");
  assert.deepEqual(result(done, "child-rlock"), [true, true]);
  const overRelease = result<ErrorReport | null>(done, "child-bounded-over-release");
  assert.equal(overRelease?.name, "ValueError", "the bound came along");
  assert.equal(result(done, "parent-notified"), true, "the child's notify woke the parent");
  assert.deepEqual(
    [result(done, "parent-barrier-index"), result(done, "child-barrier-index")].sort(),
    [0, 1],
  );
  assert.deepEqual(result(done, "parent-sees"), {
    semaphore: 1,
    event: true,
    value: 2.5,
    array: [0, 0, 7],
  });
});

test("one object reaching a child twice (in args, inside a Condition or a Value) is one object there", async () => {
  // As a pickle's memo makes it in Python: two copies would each think they alone hold it.
  const done = await run();
  assert.deepEqual(result(done, "twice-same"), { args: true, condition: true, value: true });
  assert.equal(result(done, "twice-used"), true);
  assert.equal(result(done, "twice-exit"), 0);
});
