/**
 * A synthetic trace of 1,000,000 events in the panel: it loads, draws, and pans. Prints
 * (does not assert) the time to first draw and the frame times while panning; the figures
 * go to docs/benchmarks.md. Only correctness is asserted: everything is there and drawn.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openPanel, panelDebug, resultsDir, screenshot, sharedHarness } from "./harness";
import { buildTraceText, statistics } from "./synthetic-trace";

const harness = sharedHarness();

test("1,000,000 events: loads, draws every lane, and pans", { timeout: 300_000 }, async () => {
  const { page, errors } = await openPanel(harness(), "dark", { width: 1400, height: 900 });
  const count = 1_000_000;
  await page.evaluate(
    ({ source, total }) => {
      const build = new Function(`return (${source})`)() as (total: number) => string;
      (window as unknown as { traceText: string }).traceText = build(total);
    },
    { source: buildTraceText.toString(), total: count },
  );
  // Parse the file as the extension host would, then hand the events over as a snapshot.
  const load = await page.evaluate(async () => {
    const text = (window as unknown as { traceText: string }).traceText;
    const began = performance.now();
    const lines = text.split("\n");
    const events = new Array(lines.length - 1);
    for (let i = 1; i < lines.length; i++) events[i - 1] = JSON.parse(lines[i]);
    const parsed = performance.now();
    window.dispatchEvent(
      new MessageEvent("message", {
        data: {
          type: "snapshot",
          run: {
            source: "file",
            path: "/home/user/app/big.pstrace",
            state: "finished",
            exitCode: 0,
          },
          events,
        },
      }),
    );
    const panel = (
      window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
    ).procscopePanel;
    while (panel.snapshotToFirstDrawMs === null || panel.frames === 0) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    const drawn = performance.now();
    (window as unknown as { traceText: string }).traceText = "";
    return {
      events: events.length,
      parseMs: parsed - began,
      foldMs: panel.snapshotFoldMs,
      firstDrawMs: panel.snapshotToFirstDrawMs,
      totalMs: drawn - began,
    };
  });
  assert.equal(load.events, count);
  const loaded = await panelDebug(page);
  assert.equal(loaded.counts.processes, 16);
  assert.equal(loaded.counts.locks, 1);
  assert.ok(
    loaded.lastFrame!.arrows > 0 && loaded.lastFrame!.arrowStride > 1,
    "messages are sampled when zoomed out",
  );
  assert.ok(loaded.lastFrame!.lockHolds > 0 && loaded.lastFrame!.lockWaits > 0);
  await screenshot(page, "million-dark");

  // Pan with the wheel (shift: horizontal), one step per frame, at three zoom levels.
  const pan = async (zoomOutFactor: number) =>
    page.evaluate(async (zoom) => {
      const panel = (
        window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
      ).procscopePanel;
      const overlay = document.querySelector<HTMLCanvasElement>(".timeline-overlay")!;
      const box = overlay.getBoundingClientRect();
      const at = { clientX: box.left + box.width / 2, clientY: box.top + 60 };
      overlay.dispatchEvent(new KeyboardEvent("keydown", { key: "0" }));
      // Zoom in around the middle: 100 wheel notches of deltaY `zoom` each.
      for (let i = 0; i < 10; i++) {
        overlay.dispatchEvent(new WheelEvent("wheel", { ...at, deltaY: zoom, cancelable: true }));
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const framesBefore = panel.frames;
      const drawBefore = panel.drawTimes.length;
      const intervals: number[] = [];
      let last = performance.now();
      for (let frame = 0; frame < 120; frame++) {
        overlay.dispatchEvent(
          new WheelEvent("wheel", {
            ...at,
            deltaY: frame < 60 ? 30 : -30,
            shiftKey: true,
            cancelable: true,
          }),
        );
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        intervals.push(now - last);
        last = now;
      }
      return {
        frames: panel.frames - framesBefore,
        drawTimes: panel.drawTimes.slice(-(panel.drawTimes.length - drawBefore) || undefined),
        intervals,
        stride: panel.lastFrame?.arrowStride ?? 0,
        arrows: panel.lastFrame?.arrows ?? 0,
      };
    }, zoomOutFactor);
  const levels = [
    { name: "whole run in view (1,000,000 events)", zoom: 0 },
    { name: "a tenth of the run in view", zoom: -115 },
    { name: "a hundredth of the run in view", zoom: -230 },
  ];
  const results: Array<{
    level: string;
    frames: number;
    draw: ReturnType<typeof statistics>;
    interval: ReturnType<typeof statistics>;
    stride: number;
    arrows: number;
  }> = [];
  for (const level of levels) {
    const measured = await pan(level.zoom);
    assert.ok(
      measured.frames >= 60,
      `${level.name}: frames drawn while panning: ${measured.frames}`,
    );
    results.push({
      level: level.name,
      frames: measured.frames,
      draw: statistics(measured.drawTimes),
      interval: statistics(measured.intervals),
      stride: measured.stride,
      arrows: measured.arrows,
    });
  }
  await screenshot(page, "million-zoomed-dark");
  const memory = await page.evaluate(
    () =>
      (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ??
      0,
  );
  const report = {
    machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, headless Chromium`,
    load,
    heapMiB: Math.round(memory / 1024 / 1024),
    panning: results,
  };
  fs.writeFileSync(path.join(resultsDir, "big-trace.json"), JSON.stringify(report, null, 2));
  const round = (value: number | null): string => (value === null ? "?" : value.toFixed(1));
  console.log(
    [
      `1,000,000-event trace on ${report.machine}:`,
      `  parse ${round(load.parseMs)} ms, then fold ${round(load.foldMs)} ms, first draw ${round(load.firstDrawMs)} ms after the snapshot (${round(load.totalMs)} ms from file text to pixels), JS heap ${report.heapMiB} MiB`,
      ...results.map(
        (result) =>
          `  panning, ${result.level}: draw median ${round(result.draw.median)} ms, p95 ${round(result.draw.p95)} ms, max ${round(result.draw.max)} ms; frame interval median ${round(result.interval.median)} ms, p95 ${round(result.interval.p95)} ms (${result.frames} frames, 1 in ${result.stride} messages drawn)`,
      ),
    ].join("\n"),
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test(
  "1,000,000 events as the extension host sends a saved trace: 50,000 a message",
  { timeout: 300_000 },
  async () => {
    const { page, errors } = await openPanel(harness(), "dark", { width: 1400, height: 900 });
    const chunked = await page.evaluate(
      async ({ source, total }) => {
        const build = new Function(`return (${source})`)() as (total: number) => string;
        const events = build(total)
          .split("\n")
          .slice(1)
          .map((line) => JSON.parse(line));
        const panel = (
          window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
        ).procscopePanel;
        const run = {
          source: "file",
          path: "/home/user/app/big.pstrace",
          state: "finished",
          exitCode: 0,
        };
        const chunk = 50_000;
        // Each message is its own task, as each of the host's posts arrives.
        const deliver = (data: unknown): Promise<void> =>
          new Promise((resolve) =>
            setTimeout(() => {
              window.dispatchEvent(new MessageEvent("message", { data }));
              resolve();
            }, 0),
          );
        const began = performance.now();
        await deliver({ type: "snapshot", run, events: events.slice(0, chunk) });
        let firstFrame = 0;
        for (let from = chunk; from < events.length; from += chunk) {
          await deliver({ type: "events", events: events.slice(from, from + chunk) });
          if (firstFrame === 0 && panel.frames > 0) firstFrame = performance.now() - began;
        }
        // The render that counts the last event also draws its frame.
        while (panel.counts.events < events.length) {
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
        return { firstFrame, allDrawn: performance.now() - began, events: panel.counts.events };
      },
      { source: buildTraceText.toString(), total: 1_000_000 },
    );
    assert.equal(chunked.events, 1_000_000);
    console.log(
      `1,000,000 events in 20 messages of 50,000 (the host's way): first frame after ${chunked.firstFrame.toFixed(0)} ms, everything drawn after ${chunked.allDrawn.toFixed(0)} ms`,
    );
    const file = path.join(resultsDir, "big-trace.json");
    const report = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    fs.writeFileSync(file, JSON.stringify({ ...report, chunked }, null, 2));
    assert.deepEqual(errors, []);
    await page.close();
  },
);

test(
  "live: 200,000 events a second, in ten deltas a second, fold and draw without jank",
  { timeout: 120_000 },
  async () => {
    const { page, errors } = await openPanel(harness(), "dark", { width: 1400, height: 900 });
    const live = await page.evaluate(
      async ({ source, total }) => {
        const build = new Function(`return (${source})`)() as (total: number) => string;
        // The file's text and lines are dropped as soon as parsed: only the events stay.
        const events = build(total)
          .split("\n")
          .slice(1)
          .map((line) => JSON.parse(line));
        const panel = (
          window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
        ).procscopePanel;
        const post = (data: unknown): void => {
          window.dispatchEvent(new MessageEvent("message", { data }));
        };
        const run = {
          source: "live",
          path: "/home/user/app/main.ts",
          state: "running",
          exitCode: null,
        };
        post({ type: "snapshot", run, events: events.slice(0, 64) });
        // Let the collector finish with the parse's garbage first: it is this test's, not
        // the panel's (a webview gets its events already parsed).
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const deltas = 30;
        const size = Math.floor((events.length - 64) / deltas);
        const foldTimes: number[] = [];
        const intervals: number[] = [];
        let last = performance.now();
        let ticking = true;
        const tick = (): void => {
          const now = performance.now();
          intervals.push(now - last);
          last = now;
          if (ticking) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        const renderBefore = panel.renderTimes.length;
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longTasks.push(Math.round(entry.duration));
        });
        observer.observe({ entryTypes: ["longtask"] });
        for (let delta = 0; delta < deltas; delta++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const began = performance.now();
          post({
            type: "events",
            events: events.slice(64 + delta * size, 64 + (delta + 1) * size),
          });
          foldTimes.push(performance.now() - began);
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        ticking = false;
        observer.disconnect();
        return {
          longTasks,
          perSecond: size * 10,
          foldTimes,
          renderTimes: panel.renderTimes.slice(renderBefore),
          intervals: intervals.slice(1),
        };
      },
      { source: buildTraceText.toString(), total: 600_000 },
    );
    assert.equal(await page.getByRole("treeitem").count(), 16);
    const fold = statistics(live.foldTimes);
    const render = statistics(live.renderTimes);
    const interval = statistics(live.intervals);
    console.log(
      `live, ${live.perSecond.toLocaleString("en-US")} events/s in 10 deltas/s: fold median ${fold.median.toFixed(1)} ms, p95 ${fold.p95.toFixed(1)} ms per delta; render median ${render.median.toFixed(1)} ms, p95 ${render.p95.toFixed(1)} ms; frame interval median ${interval.median.toFixed(1)} ms, p95 ${interval.p95.toFixed(1)} ms, max ${interval.max.toFixed(1)} ms; ${live.longTasks.length} tasks over 50 ms (longest ${Math.max(0, ...live.longTasks)} ms)`,
    );
    const file = path.join(resultsDir, "big-trace.json");
    const report = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          ...report,
          live: { perSecond: live.perSecond, fold, render, interval, longTasks: live.longTasks },
        },
        null,
        2,
      ),
    );
    assert.deepEqual(errors, []);
    await page.close();
  },
);
