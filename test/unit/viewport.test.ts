import { test } from "node:test";
import * as assert from "node:assert/strict";
import { keyCommand } from "../../webview/timeline/keys";
import { formatTick, niceStep, ticks } from "../../webview/timeline/ticks";
import { Viewport } from "../../webview/timeline/viewport";

test("zooming keeps the time under the pointer in place", () => {
  const viewport = new Viewport();
  viewport.fit(1000_000);
  viewport.zoom(0.5, 250_000, 1000_000);
  assert.equal(viewport.span, 510_000);
  assert.equal(viewport.follow, false);
  // 250 µs was a quarter of the way across; it still is.
  assert.ok(Math.abs((250_000 - viewport.start) / viewport.span - 250 / 1020) < 1e-9);
});

test("panning and zooming out stay within the run", () => {
  const viewport = new Viewport();
  viewport.fit(1000_000);
  viewport.zoom(0.1, 500_000, 1000_000);
  viewport.pan(10_000_000, 1000_000);
  assert.ok(viewport.end <= 1100_000);
  viewport.pan(-10_000_000, 1000_000);
  assert.ok(viewport.start >= -100_000);
  viewport.zoom(1000, 500_000, 1000_000);
  assert.ok(viewport.span <= 1100_000);
  viewport.zoom(1e-9, 500_000, 1000_000);
  assert.equal(viewport.span, 1_000, "never closer than a microsecond across");
  viewport.fit(2000_000);
  assert.deepEqual([viewport.start, viewport.end, viewport.follow], [0, 2040_000, true]);
});

test("x and time convert both ways", () => {
  const viewport = new Viewport();
  viewport.fit(1000);
  viewport.start = 100;
  viewport.end = 600;
  assert.equal(viewport.timeToX(350, 1000), 500);
  assert.equal(viewport.xToTime(500, 1000), 350);
});

test("axis ticks fall on round steps and read in the right unit", () => {
  assert.equal(niceStep(83_000_000), 100_000_000);
  assert.equal(niceStep(1_700), 2_000);
  const axis = ticks(0, 880_000_000, 1000);
  assert.deepEqual(
    axis.map((tick) => tick.label),
    ["0", "100 ms", "200 ms", "300 ms", "400 ms", "500 ms", "600 ms", "700 ms", "800 ms"],
  );
  assert.equal(formatTick(1_200_000_000, 200_000_000), "1.2 s");
  assert.equal(formatTick(500_001_000, 1_000), "500.001 ms");
  assert.equal(formatTick(40_000, 10_000), "40 µs");
});

test("keys of the focused timeline: + and − zoom, arrows pan and scroll, 0 fits", () => {
  assert.deepEqual(keyCommand("+"), { kind: "zoom", factor: 0.8 });
  assert.deepEqual(keyCommand("-"), { kind: "zoom", factor: 1.25 });
  assert.deepEqual(keyCommand("ArrowLeft"), { kind: "pan", fraction: -0.1 });
  assert.deepEqual(keyCommand("ArrowDown"), { kind: "scroll", lanes: 1 });
  assert.deepEqual(keyCommand("0"), { kind: "fit" });
  assert.equal(keyCommand("x"), null);
});
