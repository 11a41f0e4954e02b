/**
 * The built panel in Chromium, fed traces recorded by running the seed's examples through
 * the CLI: what it draws for them, and what a click and a hover do.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import type { LockAcquiredEvent, TraceEvent } from "../../src/protocol/trace";
import {
  openPanel,
  panelDebug,
  posted,
  recordExample,
  savedState,
  screenshot,
  send,
  setTheme,
  snapshot,
  sharedHarness,
  waitForFrame,
} from "./harness";

const harness = sharedHarness();
const traces = new Map<string, TraceEvent[]>();

before(async () => {
  for (const name of ["lock", "queue", "pipe", "process-info", "pool"]) {
    traces.set(name, recordExample(name));
  }
  // The runtime finds the deadlock, reports it, and (told to) ends the run with status 3.
  traces.set(
    "dining-philosophers-deadlock",
    recordExample("dining-philosophers-deadlock", 3, ["--on-deadlock=kill"]),
  );
});

test("an empty panel says how to start and says it is ready", async () => {
  const { page, errors } = await openPanel(harness());
  const text = await page.locator(".empty-state").innerText();
  assert.match(text, /Run a file with Procscope: Run File, or open a \.pstrace file/);
  assert.deepEqual(await posted(page), [{ type: "ready", version: 1 }]);
  await page.getByRole("button", { name: "Run File" }).click();
  assert.deepEqual((await posted(page)).at(-1), { type: "command", command: "run" });
  await screenshot(page, "empty-dark");
  assert.deepEqual(errors, []);
  await page.close();
});

test("lock example: every process in the tree, the lock's row, waits and holds drawn", async () => {
  const { page, errors } = await openPanel(harness());
  await send(page, snapshot(traces.get("lock")!, "/work/examples/lock.ts"));
  await waitForFrame(page, 0);
  const items = page.getByRole("treeitem");
  assert.equal(await items.count(), 11);
  const names = await page.locator(".process-name").allInnerTexts();
  assert.deepEqual(names, [
    "MainProcess",
    ...Array.from({ length: 10 }, (_, i) => `Process-${i + 1}`),
  ]);
  const lockRow = page.locator(".view-locks tbody tr");
  assert.equal(await lockRow.count(), 1);
  const cells = await lockRow.locator("td").allInnerTexts();
  assert.equal(cells[0], "Lock1");
  assert.equal(cells[1], "10");
  const frame = (await panelDebug(page)).lastFrame!;
  assert.equal(frame.lanes, 11);
  assert.ok(frame.lockWaits >= 9, `lock waits drawn: ${frame.lockWaits}`);
  assert.ok(frame.lockHolds >= 10, `lock holds drawn: ${frame.lockHolds}`);
  assert.equal(frame.spawns, 10);
  await screenshot(page, "lock-dark");
  assert.deepEqual(errors, []);
  await page.close();
});

test("queue and pipe examples: one arrow from the child's send to the parent's receive", async () => {
  for (const name of ["queue", "pipe"]) {
    const { page, errors } = await openPanel(harness());
    await send(page, snapshot(traces.get(name)!, `/work/examples/${name}.ts`));
    await waitForFrame(page, 0);
    const frame = (await panelDebug(page)).lastFrame!;
    assert.equal(frame.arrows, 1, `${name}: arrows`);
    assert.ok(frame.blocked >= 1, `${name}: the parent's blocked receive is drawn`);
    const rows = page.locator(".view-queues tbody tr");
    const first = await rows.first().locator("td").allInnerTexts();
    assert.equal(first[2], "1", `${name}: puts`);
    assert.equal(first[3], "1", `${name}: gets`);
    await screenshot(page, `${name}-dark`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("hovering a lock wait explains it in words; clicking it opens its line", async () => {
  const events = traces.get("lock")!;
  const { page } = await openPanel(harness());
  await send(page, snapshot(events, "/work/examples/lock.ts"));
  await waitForFrame(page, 0);
  // The longest contended wait, the widest to hover: how long any one is depends on how
  // close together the children reached the lock.
  const [wait] = events
    .filter(
      (event): event is LockAcquiredEvent =>
        event.type === "lock.acquired" && event.heldBy.length > 0,
    )
    .sort((a, b) => b.wait - a.wait);
  assert.ok(wait, "a contended wait in the lock example");
  const canvas = page.locator(".timeline-overlay");
  const box = (await canvas.boundingBox())!;
  const point = await page.evaluate(
    ({ t, p }) => {
      const panel = (
        window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
      ).procscopePanel;
      return { x: panel.timeToX(t), y: panel.laneMiddle(p) };
    },
    { t: wait.t - wait.wait / 2, p: wait.p },
  );
  await page.mouse.move(box.x + point.x, box.y + point.y);
  const tooltip = page.locator(".timeline-tooltip");
  await tooltip.waitFor({ state: "visible" });
  const text = await tooltip.innerText();
  assert.match(
    text,
    new RegExp(`^P${wait.p} waited [\\d.]+ (ns|µs|ms|s) for Lock1, held by P\\d+`),
  );
  assert.match(text, /at lock\.ts:5/);
  await screenshot(page, "lock-hover-dark");
  await page.mouse.down();
  await page.mouse.up();
  assert.deepEqual((await posted(page)).at(-1), { type: "open-source", loc: wait.loc });
  await page.close();
});

test("the process tree is navigated with the keyboard; Enter opens where a process was started", async () => {
  const events = traces.get("lock")!;
  const { page } = await openPanel(harness());
  await send(page, snapshot(events, "/work/examples/lock.ts"));
  await waitForFrame(page, 0);
  const selected = page.locator('[role="treeitem"][aria-selected="true"]');
  await page.getByRole("treeitem").first().click();
  assert.match(await selected.innerText(), /MainProcess/);
  await page.keyboard.press("End");
  assert.match(await selected.innerText(), /Process-10/);
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowDown");
  assert.match(await selected.innerText(), /Process-1\b/);
  assert.equal(await selected.getAttribute("aria-level"), "2");
  await page.keyboard.press("Enter");
  const spawn = events.find((event) => event.type === "process.spawn" && event.child === 2);
  assert.ok(spawn && spawn.type === "process.spawn");
  assert.deepEqual((await posted(page)).at(-1), { type: "open-source", loc: spawn.loc });
  await page.keyboard.press("ArrowLeft");
  assert.match(await selected.innerText(), /MainProcess/);
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.getByRole("treeitem").count(), 1, "collapsed to the root");
  // The timeline follows the tree at its next frame.
  await page.waitForFunction(
    () =>
      (window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug })
        .procscopePanel.lastFrame?.lanes === 1,
  );
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getByRole("treeitem").count(), 11);
  await page.close();
});

test("pool example: workers marked as pool workers, their tasks drawn as bars", async () => {
  const { page, errors } = await openPanel(harness());
  await send(page, snapshot(traces.get("pool")!, "/work/examples/pool.ts"));
  await waitForFrame(page, 0);
  assert.ok((await page.locator(".badge", { hasText: "pool worker" }).count()) >= 2);
  const frame = (await panelDebug(page)).lastFrame!;
  assert.ok(frame.tasks > 0, `task bars drawn: ${frame.tasks}`);
  await screenshot(page, "pool-dark");
  assert.deepEqual(errors, []);
  await page.close();
});

test("deadlock example: the deadlock is the first warning, with every philosopher in it", async () => {
  const { page, errors } = await openPanel(harness());
  await send(page, snapshot(traces.get("dining-philosophers-deadlock")!, "/work/examples/d.ts"));
  await waitForFrame(page, 0);
  const first = page.locator(".warning-item").first();
  assert.match(await first.locator(".warning-title").innerText(), /Deadlock/);
  const detail = await first.locator(".warning-detail").innerText();
  for (const p of [2, 3, 4, 5, 6]) assert.match(detail, new RegExp(`P${p}\\b`));
  const frame = (await panelDebug(page)).lastFrame!;
  assert.ok(frame.lockWaits >= 5, "every philosopher waits");
  // The cycle is highlighted: each philosopher's stuck wait outlined, and an arrow from each
  // to the philosopher it waits for.
  assert.equal(frame.deadlockMarks, 5, `outlined waits: ${frame.deadlockMarks}`);
  assert.equal(frame.deadlockArrows, 5, `waiter → holder arrows: ${frame.deadlockArrows}`);
  await screenshot(page, "deadlock-dark");
  // Clicking the warning (or Enter on it) selects the first stuck process's lane.
  const framesBefore = (await panelDebug(page)).frames;
  await first.focus();
  await page.keyboard.press("Enter");
  await waitForFrame(page, framesBefore);
  assert.match((await first.getAttribute("title")) ?? "", /show P\d(, P\d)+ in the timeline/);
  const selected = page.locator('[role="treeitem"][aria-selected="true"] .process-label');
  assert.match(await selected.innerText(), /^P[2-6]$/);
  await screenshot(page, "deadlock-selected-dark");
  for (const theme of ["light", "high-contrast"] as const) {
    const before = (await panelDebug(page)).frames;
    await setTheme(page, theme);
    await waitForFrame(page, before);
    assert.equal((await panelDebug(page)).lastFrame!.deadlockArrows, 5);
    await screenshot(page, `deadlock-${theme}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("sixty processes: the lanes scroll, and clicking a lane's name selects its process", async () => {
  const events: TraceEvent[] = [
    { type: "process.start", t: 0, p: 1, pid: 100, ppid: 1, name: "MainProcess" },
  ];
  for (let child = 2; child <= 61; child++) {
    events.push({
      type: "process.spawn",
      t: child * 1e6,
      p: 1,
      child,
      pid: 100 + child,
      name: `Worker-${child - 1}`,
      target: "/w/a.ts#work",
      daemon: false,
      role: "process",
    });
  }
  const { page, errors } = await openPanel(harness());
  await send(page, snapshot(events, "/w/a.ts"));
  await waitForFrame(page, 0);
  const laneOf = async (p: number): Promise<number> =>
    page.evaluate(
      (process) =>
        (
          window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
        ).procscopePanel.laneMiddle(process),
      p,
    );
  const before = await laneOf(2);
  await page.locator(".timeline-canvas").focus();
  const frames = (await panelDebug(page)).frames;
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await waitForFrame(page, frames);
  assert.ok((await laneOf(2)) < before, "the lanes moved up");
  const box = (await page.locator(".timeline-overlay").boundingBox())!;
  await page.mouse.click(box.x + 40, box.y + (await laneOf(10)));
  const selected = page.locator('[role="treeitem"][aria-selected="true"]');
  assert.match(await selected.innerText(), /Worker-9\b/);
  await screenshot(page, "sixty-processes-dark");
  assert.deepEqual(errors, []);
  await page.close();
});

test("hidden and shown again: the same run comes back collapsed and zoomed as it was", async () => {
  const events = traces.get("lock")!;
  const first = await openPanel(harness());
  await send(first.page, snapshot(events, "/work/examples/lock.ts"));
  await waitForFrame(first.page, 0);
  await first.page.locator(".timeline-canvas").focus();
  await first.page.keyboard.press("+");
  await first.page.keyboard.press("+");
  await first.page.getByRole("treeitem").first().click();
  await first.page.keyboard.press("ArrowLeft");
  // The panel saves its view state at its next frame.
  await first.page.waitForFunction(() =>
    JSON.stringify((window as unknown as { state: unknown }).state).includes('"collapsed":[1]'),
  );
  const state = await savedState(first.page);
  const xOf = (page: import("playwright-core").Page): Promise<number> =>
    page.evaluate(() =>
      (
        window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
      ).procscopePanel.timeToX(500e6),
    );
  const xBefore = await xOf(first.page);
  await first.page.close();

  const again = await openPanel(harness(), "dark", undefined, state);
  await send(again.page, snapshot(events, "/work/examples/lock.ts"));
  await waitForFrame(again.page, 0);
  assert.equal(await again.page.getByRole("treeitem").count(), 1, "still collapsed");
  const xAfter = await xOf(again.page);
  assert.equal(Math.round(xAfter), Math.round(xBefore), "still zoomed where it was");
  // Another run starts fresh.
  const frames = (await panelDebug(again.page)).frames;
  await send(again.page, snapshot(traces.get("queue")!, "/work/examples/queue.ts"));
  await waitForFrame(again.page, frames);
  assert.equal(await again.page.getByRole("treeitem").count(), 2);
  assert.deepEqual(again.errors, []);
  await again.page.close();
});

test("a narrow panel beside the editor: icon buttons, names and states kept", async () => {
  const events = traces.get("queue")!;
  const samples: TraceEvent[] = [20, 55, 35].map((cpu, i) => ({
    type: "resource.sample",
    t: events[events.length - 1].t - (3 - i) * 1e6,
    p: 1,
    cpu,
    rss: 60 * 1024 * 1024,
  }));
  const { page, errors } = await openPanel(harness(), "light", { width: 540, height: 800 });
  await send(page, snapshot([...events, ...samples], "/work/examples/queue.ts"));
  await waitForFrame(page, 0);
  assert.equal(await page.locator(".toolbar .button-label").first().isVisible(), false);
  assert.equal(
    await page.getByRole("button", { name: "Export for Perfetto" }).isVisible(),
    true,
    "the icon button keeps its name",
  );
  const first = page.getByRole("treeitem").first();
  assert.equal(await first.locator(".process-name").isVisible(), true);
  assert.equal(await first.locator(".process-pid").isVisible(), false);
  assert.equal(await first.locator(".sparkline").isVisible(), true);
  await screenshot(page, "narrow-light");
  assert.deepEqual(errors, []);
  await page.close();
});
