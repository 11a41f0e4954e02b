import { test } from "node:test";
import * as assert from "node:assert/strict";
import { backlogColumns } from "../../src/model/backlog";

test("backlog: the most at once per column, from moments given out of order", () => {
  // Three tasks submitted at 0, 1, 2; started at 5, 6 and 9 (listed out of time order).
  const backlog = backlogColumns([2, 0, 1], [9, 5, 6], 0, 10, 10);
  assert.deepEqual(backlog.peaks, [1, 2, 3, 3, 3, 3, 2, 1, 1, 1]);
  assert.deepEqual(backlog.ends, [1, 2, 3, 3, 3, 2, 1, 1, 1, 0]);
  assert.equal(backlog.most, 3);
});

test("backlog: a burst shorter than a column still shows at its height", () => {
  const entered = Array.from({ length: 100 }, (_, i) => 500 + i / 1000);
  const left = Array.from({ length: 100 }, (_, i) => 500.5 + i / 1000);
  const backlog = backlogColumns(entered, left, 0, 1000, 4);
  assert.deepEqual(backlog.peaks, [0, 0, 100, 0]);
  assert.equal(backlog.most, 100);
});

test("backlog: leaving at the moment of entering still counts once; more leaving than entering stays at 0", () => {
  assert.deepEqual(backlogColumns([3], [3], 0, 10, 2).peaks, [1, 0]);
  const unbalanced = backlogColumns([1], [0, 2, 4], 0, 10, 5);
  assert.deepEqual(unbalanced.peaks, [1, 1, 0, 0, 0]);
  assert.equal(unbalanced.most, 1);
});

test("backlog: nothing recorded, or no columns, gives an empty chart", () => {
  assert.deepEqual(backlogColumns([], [], 0, 10, 3), {
    peaks: [0, 0, 0],
    ends: [0, 0, 0],
    most: 0,
  });
  assert.deepEqual(backlogColumns([1], [2], 0, 10, 0), { peaks: [], ends: [], most: 0 });
});
