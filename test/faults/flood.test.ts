// A flood of 10,000,000 trace events (test/fixtures/flood.ts) costs every process of the
// run bounded memory — the program's processes, the hub, the CLI, and a collector in the
// editor's place that reads slowly — and every event that could not be kept is counted,
// by where it was lost, in the trace and in the CLI's summary.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  cleanUp,
  collect,
  describeRun,
  fixturePath,
  killMarked,
  newMark,
  parseResults,
  scratch,
  startCli,
} from "../integration/helpers";
import { launchAsEditor } from "./editor-run";
import { DEFAULT_MAX_EVENTS } from "../../src/cli/collector";
import type { DropSource, TraceEvent } from "../../src/protocol/trace";
import { formatPeaks, highWaterKiB, PeakSampler, type PeakMemory } from "./memory";

after(cleanUp);

/** Events the fixture records with its default arguments (lock turns and messages). */
const FLOOD_EVENTS = 10_000_000;
/**
 * How long the editor-side collector stalls once the flood is under way: the flood records
 * several times the hub's 64 MiB bound in all, most of it within this time.
 */
const STALL_MS = 6000;
/** Generous: the run takes 10–20 s on a small shared machine. */
const RUN_TIMEOUT_MS = 240_000;

/**
 * Bounds, generous on purpose: each is a few times what a run measures (docs/reliability.md)
 * and far below what the same flood cost before the bounds existed (the CLI held every event:
 * 2 GiB for this run, growing with the run's length; a hub behind a slow collector held the
 * whole backlog).
 */
const PROGRAM_PROCESS_MIB = 512;
const HUB_MIB = 320;
const COLLECTOR_MIB = 1280;

function dropsBySource(events: readonly TraceEvent[]): Record<DropSource, number> {
  const drops: Record<DropSource, number> = { recorder: 0, hub: 0, collector: 0 };
  for (const event of events) {
    if (event.type === "trace.dropped") drops[event.source ?? "recorder"] += event.count;
  }
  return drops;
}

/** Events the program's children recorded and the trace kept (the flood's own). */
function keptFloodEvents(events: readonly TraceEvent[]): number {
  let kept = 0;
  for (const event of events) {
    if (
      event.type === "lock.acquired" ||
      event.type === "lock.released" ||
      event.type === "message.send" ||
      event.type === "message.receive"
    ) {
      kept++;
    }
  }
  return kept;
}

function assertBounded(peaks: readonly PeakMemory[], collectorRole: string): void {
  for (const peak of peaks) {
    const bound =
      peak.role === "hub"
        ? HUB_MIB
        : peak.role === collectorRole
          ? COLLECTOR_MIB
          : PROGRAM_PROCESS_MIB;
    assert.ok(
      peak.peakMiB < bound,
      `${peak.role} (pid ${peak.pid}) peaked at ${Math.round(peak.peakMiB)} MiB, over ${bound} MiB`,
    );
  }
}

test("a 10,000,000-event flood read by a slow collector in the editor's place: the hub drops and counts instead of holding the backlog", async (t) => {
  const marked = newMark();
  // The extension host's loop is shared with the editor: here it is busy 40 ms in every 100,
  // and once the flood is under way it stalls for a few seconds (the editor busy elsewhere),
  // long enough for the run to record far more than the hub may hold for it. Without the
  // stall, a collector that drops batches past its budget unread can keep up on a quiet
  // machine, and the hub never has to drop.
  const spin = (ms: number): void => {
    const until = Date.now() + ms;
    while (Date.now() < until);
  };
  const busy = setInterval(() => spin(40), 100);
  let stalled = false;
  // Start the high-water mark of this process (the collector's) afresh.
  fs.writeFileSync("/proc/self/clear_refs", "5");
  const baselineKiB = highWaterKiB("self") ?? 0;
  const sampler = new PeakSampler(marked.mark);
  const run = await launchAsEditor(
    "flood.ts",
    (batch) => {
      if (!stalled && batch.some((event) => event.type === "lock.acquired")) {
        stalled = true;
        setImmediate(() => spin(STALL_MS));
      }
    },
    marked,
  );
  const { launch, mark, events, stats } = run;
  const watchdog = setTimeout(() => launch.signal("SIGKILL"), RUN_TIMEOUT_MS);
  let result;
  try {
    result = await launch.finished;
  } finally {
    clearTimeout(watchdog);
    clearInterval(busy);
    killMarked(mark);
  }
  const peaks = sampler.stop();
  const collectorMiB = (highWaterKiB("self") ?? 0) / 1024;
  t.diagnostic(
    `peak RSS: editor-side collector ${Math.round(collectorMiB)} MiB ` +
      `(${Math.round(baselineKiB / 1024)} MiB before the run), ${formatPeaks(peaks)}`,
  );
  assert.equal(result.exitCode, 0, run.stdout());
  assert.deepEqual(parseResults(run.stdout()).get("done"), [{ exitCodes: [0, 0, 0, 0, 0] }]);
  assertBounded(peaks, "none");
  assert.ok(
    collectorMiB < COLLECTOR_MIB,
    `the collector's process peaked at ${Math.round(collectorMiB)} MiB, over ${COLLECTOR_MIB} MiB`,
  );

  const drops = dropsBySource(events);
  const dropped = drops.recorder + drops.hub + drops.collector;
  const kept = keptFloodEvents(events);
  t.diagnostic(`kept ${kept} flood events of ${events.length}; dropped: ${JSON.stringify(drops)}`);
  assert.ok(drops.hub > 0, `the hub dropped nothing: ${JSON.stringify(drops)}`);
  assert.ok(kept + dropped >= FLOOD_EVENTS, `kept ${kept} + dropped ${dropped} < ${FLOOD_EVENTS}`);
  // What the status bar and the terminal say is the same count.
  assert.equal(stats.dropped, dropped);
});

test("a 10,000,000-event flood under the CLI: bounded memory everywhere, drops counted in the trace and the summary", async (t) => {
  const tracePath = scratch("flood-cli.pstrace");
  const started = startCli(["run", fixturePath("flood.ts"), "--trace", tracePath], {
    timeoutMs: RUN_TIMEOUT_MS,
  });
  const sampler = new PeakSampler(started.mark);
  const run = await collect(started, tracePath).finally(() => {
    killMarked(started.mark);
  });
  const peaks = sampler.stop();
  t.diagnostic(`peak RSS: ${formatPeaks(peaks)}`);
  assert.equal(run.code, 0, describeRun(run));
  assert.deepEqual(run.results.get("done"), [{ exitCodes: [0, 0, 0, 0, 0] }]);

  for (const role of ["cli", "root", "hub", "spinner-1", "producer"]) {
    assert.ok(
      peaks.some((peak) => peak.role === role),
      `no memory figure for ${role}: ${formatPeaks(peaks)}`,
    );
  }
  assertBounded(peaks, "cli");

  const drops = dropsBySource(run.events);
  const dropped = drops.recorder + drops.hub + drops.collector;
  const kept = keptFloodEvents(run.events);
  t.diagnostic(
    `kept ${kept} flood events of ${run.events.length}; dropped: ${JSON.stringify(drops)}`,
  );
  // Nothing vanishes unaccounted: what was kept plus what was counted as dropped covers the
  // flood (the count also includes the few other events of dropped batches).
  assert.ok(kept + dropped >= FLOOD_EVENTS, `kept ${kept} + dropped ${dropped} < ${FLOOD_EVENTS}`);
  assert.ok(kept <= DEFAULT_MAX_EVENTS, `kept ${kept} events, over the collector's budget`);
  assert.ok(drops.collector > 0, "the collector's budget was never reached");
  assert.match(run.stderr, /[\d,]+ trace events were dropped/);
  assert.match(run.stderr, new RegExp(`${path.basename(tracePath)} \\(\\d+ events\\)`));
});
