// Dropped trace events, told by where they were lost: the model adds them up per source,
// and the CLI's summary and the panel's warning say how many were lost where.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { describeDropped } from "../../src/model/dropped";
import { FlowLevels } from "../../src/model/flow-levels";
import { RunModel } from "../../src/model/run-model";
import { TimelineModel } from "../../src/model/timeline";
import { findWarnings } from "../../src/model/warnings";
import { formatSummary } from "../../src/cli/summary";
import type { TraceEvent } from "../../src/protocol/trace";

const events: TraceEvent[] = [
  { type: "process.start", t: 0, p: 1, pid: 10, ppid: 9, name: "MainProcess" },
  { type: "trace.dropped", t: 1, p: 2, count: 5 },
  { type: "trace.dropped", t: 2, p: 2, count: 2_500_000, source: "hub" },
  { type: "trace.dropped", t: 3, p: 3, count: 500_000, source: "hub" },
  { type: "trace.dropped", t: 4, p: 2, count: 7_000_000, source: "collector" },
  { type: "run.end", t: 5, p: 1, exitCode: 0, signal: null },
];

function fold(list: TraceEvent[]): RunModel {
  const model = new RunModel();
  for (const event of list) model.add(event);
  return model;
}

test("the model adds drops up by source; a drop without one is the recorder's", () => {
  const model = fold(events);
  assert.equal(model.dropped, 10_000_005);
  assert.deepEqual(model.droppedBy, { recorder: 5, hub: 3_000_000, collector: 7_000_000 });
});

test("one source is said in one sentence, several as a list", () => {
  assert.equal(describeDropped({ recorder: 0, hub: 0, collector: 0 }), null);
  assert.equal(
    describeDropped({ recorder: 0, hub: 1234, collector: 0 }),
    "1,234 trace events were dropped by the hub (the collector was not reading as fast as the run recorded)",
  );
  assert.equal(
    describeDropped({ recorder: 5, hub: 3_000_000, collector: 7_000_000 }),
    "10,000,005 trace events were dropped: 5 by the processes themselves (their trace buffer was full), " +
      "3,000,000 by the hub (the collector was not reading as fast as the run recorded) and " +
      "7,000,000 by the collector (the run recorded more events than it keeps)",
  );
});

test("the CLI's summary and the panel's warning both say it", () => {
  const model = fold(events);
  const said = describeDropped(model.droppedBy)!;
  assert.ok(formatSummary(model).includes(said), formatSummary(model));
  const timeline = new TimelineModel();
  const levels = new FlowLevels();
  events.forEach((event, index) => {
    timeline.add(event, index, events);
    levels.add(event);
  });
  const warning = findWarnings({ model, timeline, levels, events, ended: true }).find(
    (found) => found.key === "dropped",
  );
  assert.equal(warning?.detail, `${said}: what is shown is incomplete.`);
});
