/**
 * A fork bomb in the panel: a live run of 1,000 processes (10 spawners of 99, as
 * test/fixtures/fork-bomb.ts) arriving as the host sends them. The tree lists every one and
 * stays navigable by keyboard, the timeline follows the selection down to the last lane,
 * collapsing a spawner hides its children, and the tree scrolls inside its own view instead
 * of stretching the page. Render times are printed, not asserted.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { ToWebviewMessage } from "../../src/protocol/panel";
import { ENTRY, LEAVES, MS, PROCESSES, forkBombTrace } from "./fork-bomb-trace";
import { openPanel, panelDebug, screenshot, send, waitForFrame, sharedHarness } from "./harness";
import { statistics } from "./synthetic-trace";

const harness = sharedHarness();

async function treeRows(page: Page): Promise<number> {
  return page.locator(".view-processes [role=treeitem]").count();
}

async function selectedProcess(page: Page): Promise<number> {
  const value = await page
    .locator('.view-processes [role=treeitem][aria-selected="true"]')
    .getAttribute("data-process");
  return Number(value);
}

/** Whether the process's lane is within the timeline canvas's visible height. */
async function laneInView(page: Page, process: number): Promise<boolean> {
  return page.evaluate((p) => {
    const panel = (
      window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
    ).procscopePanel;
    const canvas = document.querySelector<HTMLCanvasElement>(".timeline-overlay")!;
    const y = panel.laneMiddle(p);
    return y > 24 && y < canvas.getBoundingClientRect().height;
  }, process);
}

test("1,000 processes arriving live: every one in the tree, which stays navigable and in its own scroll", async () => {
  const { page, errors } = await openPanel(harness(), "dark", { width: 1400, height: 900 });
  const events = forkBombTrace();
  const run = { source: "live", path: ENTRY, state: "running", exitCode: null } as const;
  // As the host feeds a live run: a snapshot, then a delta every 50 ms as processes start.
  const firstDelta = events.findIndex((event) => event.t > 200 * MS);
  await send(page, { type: "snapshot", run, events: events.slice(0, firstDelta) });
  await waitForFrame(page, 0);
  const deltaSize = Math.ceil((events.length - firstDelta) / 40);
  for (let from = firstDelta; from < events.length; from += deltaSize) {
    const delta: ToWebviewMessage = {
      type: "events",
      events: events.slice(from, from + deltaSize),
    };
    await send(page, delta);
    await page.waitForTimeout(50);
  }
  await page.waitForFunction(
    (total) =>
      (window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug })
        .procscopePanel.counts.events >= total,
    events.length,
  );
  const debug = await panelDebug(page);
  const renders = statistics(debug.renderTimes);
  console.log(
    `1,000 processes, live: ${debug.renderTimes.length} renders, median ${renders.median.toFixed(1)} ms, p95 ${renders.p95.toFixed(1)} ms, max ${renders.max.toFixed(1)} ms`,
  );
  assert.equal(debug.counts.processes, PROCESSES + 1);
  assert.equal(await treeRows(page), PROCESSES + 1);
  assert.ok(debug.lastFrame!.lanes > 0, "the timeline draws lanes");

  // The tree scrolls within its view: the timeline is still on the first screen.
  const layout = await page.evaluate(() => {
    const tree = document.querySelector(".view-processes .view-body")!.getBoundingClientRect();
    const timeline = document.querySelector(".view-timeline")!.getBoundingClientRect();
    return { treeHeight: tree.height, timelineTop: timeline.top, page: window.innerHeight };
  });
  assert.ok(layout.treeHeight <= layout.page, `the tree is ${layout.treeHeight} px tall`);
  assert.ok(layout.timelineTop < layout.page, `the timeline starts at ${layout.timelineTop} px`);
  await screenshot(page, "thousand-processes-dark");

  // Keyboard: End goes to the last process; the timeline brings its lane into view.
  await page.locator('.view-processes [role=treeitem][aria-selected="true"]').focus();
  const framesBefore = (await panelDebug(page)).frames;
  await page.keyboard.press("End");
  await waitForFrame(page, framesBefore);
  assert.equal(await selectedProcess(page), PROCESSES + 1);
  assert.ok(await laneInView(page, PROCESSES + 1), "the last lane is not in view");
  const lastRowVisible = await page.evaluate(() => {
    const row = document.querySelector<HTMLElement>('[role=treeitem][aria-selected="true"]')!;
    const box = row.getBoundingClientRect();
    const body = row.closest(".view-body")!.getBoundingClientRect();
    return box.top >= body.top && box.bottom <= body.bottom + 1;
  });
  assert.ok(lastRowVisible, "the selected row is scrolled into its view");

  // Home, then down to the first spawner, and collapse it: its 99 children go away.
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowDown");
  assert.equal(await selectedProcess(page), 2);
  await page.keyboard.press("ArrowLeft");
  assert.equal(await treeRows(page), PROCESSES + 1 - LEAVES);
  await page.keyboard.press("ArrowRight");
  assert.equal(await treeRows(page), PROCESSES + 1);
  assert.deepEqual(errors, []);
  await page.close();
});
