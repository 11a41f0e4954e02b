import { test } from "node:test";
import * as assert from "node:assert/strict";
import { SpanColumn } from "../../src/model/span-column";

function column(spans: Array<[number, number]>): SpanColumn {
  const result = new SpanColumn();
  spans.forEach(([start, end], index) => result.insert(start, end, index));
  return result;
}

function merged(
  spans: SpanColumn,
  from: number,
  to: number,
  gap: number,
): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  spans.forEachMerged(from, to, gap, (start, end, _coverage, _first, count) =>
    out.push([start, end, count]),
  );
  return out;
}

test("keeps spans sorted by start when they arrive a little out of order", () => {
  const spans = column([
    [10, 20],
    [30, 40],
    [25, 26],
    [5, 6],
  ]);
  const starts = Array.from({ length: spans.length }, (_, i) => spans.start(i));
  assert.deepEqual(starts, [5, 10, 25, 30]);
  assert.equal(spans.ref(0), 3, "each span keeps its event reference");
});

test("grows past its initial capacity", () => {
  const spans = new SpanColumn();
  for (let i = 0; i < 1000; i++) spans.insert(i * 10, i * 10 + 5, i, i + 1);
  assert.equal(spans.length, 1000);
  assert.equal(spans.end(999), 9995);
  assert.equal(spans.secondRef(999), 1000);
});

test("culls to the visible range, keeping a long span that started before it", () => {
  const spans = column([
    [0, 1000],
    [10, 20],
    [30, 40],
    [500, 510],
    [2000, 2010],
  ]);
  assert.equal(spans.firstEndingAtOrAfter(600), 0, "the long span still reaches 600");
  assert.equal(spans.firstStartingAfter(600), 4);
  assert.deepEqual(merged(spans, 600, 700, 1), [[0, 1000, 4]]);
});

test("merges spans closer than the gap into one group, and skips whole groups cheaply", () => {
  const spans = column([
    [0, 10],
    [11, 20],
    [25, 30],
    [100, 110],
  ]);
  assert.deepEqual(merged(spans, 0, 200, 2), [
    [0, 20, 2],
    [25, 30, 1],
    [100, 110, 1],
  ]);
  assert.deepEqual(merged(spans, 0, 200, 10), [
    [0, 30, 3],
    [100, 110, 1],
  ]);
  assert.deepEqual(merged(spans, 21, 99, 1), [[25, 30, 1]]);
});

test("finds the span at a time, with a tolerance", () => {
  const spans = column([
    [0, 10],
    [20, 30],
  ]);
  assert.equal(spans.findAt(25), 1);
  assert.equal(spans.findAt(15), -1);
  assert.equal(spans.findAt(12, 3), 0);
  assert.equal(spans.findAt(40), -1);
});

test("a group of short spans says how much of its time they cover", () => {
  const spans = column([
    [0, 1],
    [10, 11],
    [20, 21],
    [30, 40],
  ]);
  const coverages: number[] = [];
  spans.forEachMerged(0, 100, 10, (_start, _end, coverage) => coverages.push(coverage));
  assert.deepEqual(coverages, [13 / 40]);
});
