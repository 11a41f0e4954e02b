import { test } from "node:test";
import * as assert from "node:assert/strict";
import { arrowAlpha, arrowBudget, arrowStride } from "../../webview/timeline/arrow-density";

test("arrows: all drawn up to the budget, then one in a power of two", () => {
  assert.equal(arrowStride(10), 1);
  assert.equal(arrowStride(arrowBudget), 1);
  assert.equal(arrowStride(arrowBudget + 1), 2);
  assert.equal(arrowStride(arrowBudget * 3), 4);
});

test("arrows: solid when few, lighter the more are in view, never invisible", () => {
  assert.equal(arrowAlpha(10, 1), 1);
  assert.equal(arrowAlpha(150, 1), 1);
  assert.ok(arrowAlpha(300, 1) < 1 && arrowAlpha(300, 1) > arrowAlpha(1000, 1));
  assert.equal(arrowAlpha(1000, 1), 0.2);
  assert.equal(arrowAlpha(100_000, 1), 0.2);
  // Sampled arrows stand for more than themselves: never drawn solid.
  assert.ok(arrowAlpha(100, 4) <= 0.35);
});
