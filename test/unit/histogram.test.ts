import { test } from "node:test";
import * as assert from "node:assert/strict";
import { histogram } from "../../src/model/stats";

test("histogram: equal-width bins from the least to the greatest, every value counted once", () => {
  const bins = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], 5);
  assert.equal(bins.length, 5);
  assert.deepEqual(
    bins.map((bin) => bin.count),
    [2, 2, 2, 2, 2],
  );
  assert.equal(bins[0].from, 0);
  assert.equal(bins[4].to, 10);
});

test("histogram: nothing for no values, one bar when all are equal", () => {
  assert.deepEqual(histogram([], 8), []);
  assert.deepEqual(histogram([3, 3, 3], 8), [{ from: 3, to: 3, count: 3 }]);
});
