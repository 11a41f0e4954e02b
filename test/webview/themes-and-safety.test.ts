/**
 * The panel in each of VS Code's theme kinds, and with hostile strings from the program:
 * names and previews are shown as text, never run as HTML.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { TraceEvent } from "../../src/protocol/trace";
import {
  openPanel,
  panelDebug,
  screenshot,
  send,
  setTheme,
  settledText,
  snapshot,
  sharedHarness,
  waitForFrame,
} from "./harness";

const harness = sharedHarness();

const ms = 1_000_000;
const hostileName = "<img src=x onerror=alert(1)>";
const hostilePreview = "<script>window.injected = 1</script>";

/** A small run whose process names, preview and paths are HTML. */
function hostileRun(): TraceEvent[] {
  return [
    { type: "process.start", t: 0, p: 1, pid: 100, ppid: 1, name: "MainProcess" },
    {
      type: "object.create",
      t: 1 * ms,
      p: 1,
      obj: "q",
      kind: "queue",
      maxsize: 0,
      loc: "/w/<b>x</b>.ts:3:1",
    },
    { type: "object.create", t: 1 * ms, p: 1, obj: "L", kind: "lock", loc: "/w/a.ts:4:1" },
    {
      type: "process.spawn",
      t: 2 * ms,
      p: 1,
      child: 2,
      pid: 101,
      name: hostileName,
      target: "/w/a.ts#<svg onload=alert(2)>",
      daemon: false,
      role: "process",
      loc: "/w/a.ts:9:3",
    },
    { type: "process.start", t: 10 * ms, p: 2, pid: 101, ppid: 100, name: hostileName },
    { type: "object.block", t: 3 * ms, p: 1, obj: "q", op: "get", loc: "/w/a.ts:10:3" },
    { type: "lock.acquired", t: 12 * ms, p: 2, obj: "L", wait: 0, heldBy: [], loc: "/w/a.ts:5:3" },
    {
      type: "message.send",
      t: 20 * ms,
      p: 2,
      obj: "q",
      msg: "2:1",
      size: 40,
      preview: hostilePreview,
      loc: "/w/a.ts:6:3",
    },
    {
      type: "message.receive",
      t: 22 * ms,
      p: 1,
      obj: "q",
      msg: "2:1",
      size: 40,
      wait: 19 * ms,
      loc: "/w/a.ts:10:3",
    },
    { type: "lock.released", t: 30 * ms, p: 2, obj: "L", hold: 18 * ms, loc: "/w/a.ts:7:3" },
    {
      type: "warning",
      t: 31 * ms,
      p: 2,
      code: "misuse",
      message: `<img src=y onerror=alert(3)> misused`,
    },
    { type: "process.exit", t: 32 * ms, p: 2, exitCode: 0, signal: null, source: "parent" },
    { type: "process.exit", t: 40 * ms, p: 1, exitCode: 0, signal: null, source: "parent" },
    { type: "run.end", t: 40 * ms, p: 1, exitCode: 0, signal: null },
  ];
}

test("a process named like HTML shows as text, and nothing it carries runs", async () => {
  const { page, errors } = await openPanel(harness());
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await send(page, snapshot(hostileRun(), "/w/<i>a</i>.ts"));
  await waitForFrame(page, 0);
  const names = await page.locator(".process-name").allInnerTexts();
  assert.ok(names.includes(hostileName), `tree names: ${names.join(", ")}`);
  assert.match(
    await page.locator(".warnings").innerText(),
    /<img src=y onerror=alert\(3\)> misused/,
  );
  assert.equal(await page.locator("img, svg[onload], script:not([src])").count(), 0);
  // Hover the message arrow: its preview, HTML, is shown as text in the tooltip.
  const box = (await page.locator(".timeline-overlay").boundingBox())!;
  const point = await page.evaluate(() => {
    const panel = (
      window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
    ).procscopePanel;
    const x = (panel.timeToX(20e6) + panel.timeToX(22e6)) / 2;
    return { x, y: (panel.laneMiddle(1) + panel.laneMiddle(2)) / 2 };
  });
  await page.mouse.move(box.x + point.x, box.y + point.y);
  await page.locator(".timeline-tooltip").waitFor({ state: "visible" });
  assert.match(
    await page.locator(".timeline-tooltip").innerText(),
    /P2 sent <script>window\.injected = 1<\/script> \(40 B\)/,
  );
  const injected = await page.evaluate(() => (window as unknown as { injected?: number }).injected);
  assert.equal(injected, undefined);
  await page.waitForTimeout(200);
  assert.equal(dialogs, 0);
  await screenshot(page, "hostile-names-dark");
  assert.deepEqual(errors, []);
  await page.close();
});

test("switching theme redraws the canvas in the new theme's colours", async () => {
  const { page, errors } = await openPanel(harness(), "dark", { width: 1200, height: 700 });
  await send(page, snapshot(hostileRun(), "/w/a.ts"));
  await waitForFrame(page, 0);
  const dark = await panelDebug(page);
  assert.equal(dark.themeKind, "dark");
  assert.equal(dark.themeBackground, "#1f1f1f");
  const pixel = async (): Promise<number[]> =>
    page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>(".timeline-canvas")!;
      const data = canvas
        .getContext("2d")!
        .getImageData(canvas.width - 4, canvas.height - 4, 1, 1).data;
      return [data[0], data[1], data[2]];
    });
  assert.deepEqual(await pixel(), [0x1f, 0x1f, 0x1f]);
  for (const [theme, background, rgb] of [
    ["light", "#ffffff", [255, 255, 255]],
    ["high-contrast", "#000000", [0, 0, 0]],
  ] as const) {
    const before = (await panelDebug(page)).frames;
    await setTheme(page, theme);
    await waitForFrame(page, before);
    const after = await panelDebug(page);
    assert.equal(after.themeKind, theme);
    assert.equal(after.themeBackground, background);
    assert.deepEqual(await pixel(), rgb);
    await screenshot(page, `hostile-names-${theme}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("live: a snapshot, then deltas ten times a second, fold in as they come", async () => {
  const events = hostileRun();
  const { page, errors } = await openPanel(harness());
  await send(page, {
    type: "snapshot",
    run: { source: "live", path: "/w/a.ts", state: "running", exitCode: null },
    events: events.slice(0, 4),
  });
  await waitForFrame(page, 0);
  assert.equal(await page.getByRole("treeitem").count(), 2);
  assert.match(await page.locator(".toolbar").innerText(), /Running a\.ts/);
  // Everything up to the root's exit and the run's end.
  const rootState = page.getByRole("treeitem").nth(0).locator(".state-text");
  for (let i = 4; i < events.length - 2; i++) {
    await send(page, { type: "events", events: [events[i]] });
    await page.waitForTimeout(100);
    if (events[i].type === "object.block") {
      // Blocked in get() until the receive comes: the tree says on what, since when.
      const blocked = "blocked on Queue1 (get) since 0.003 s";
      assert.equal(await settledText(rootState, blocked), blocked);
    }
  }
  assert.equal(await settledText(rootState, "running"), "running");
  await send(page, { type: "events", events: events.slice(-2) });
  await send(page, {
    type: "run-state",
    run: { source: "live", path: "/w/a.ts", state: "finished", exitCode: 0 },
  });
  await page.waitForFunction(() =>
    document.querySelector(".toolbar")?.textContent?.includes("finished"),
  );
  assert.equal(
    await page.getByRole("treeitem").nth(1).locator(".state-text").innerText(),
    "exited with code 0",
  );
  assert.equal((await panelDebug(page)).lastFrame?.arrows, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test("CPU and memory samples show as a sparkline and figures in the tree", async () => {
  const events = hostileRun().slice(0, 5);
  const samples: TraceEvent[] = [10, 40, 95, 60].map((cpu, i) => ({
    type: "resource.sample",
    t: (11 + i) * ms,
    p: 2,
    cpu,
    rss: (30 + i) * 1024 * 1024,
  }));
  const { page, errors } = await openPanel(harness());
  await send(page, {
    type: "snapshot",
    run: { source: "live", path: "/w/a.ts", state: "running", exitCode: null },
    events: [...events, ...samples],
  });
  await waitForFrame(page, 0);
  const resources = page.getByRole("treeitem").nth(1).locator(".resources");
  assert.equal(await resources.locator("svg.sparkline polyline").count(), 1);
  assert.equal(await resources.locator(".resource-text").innerText(), "60% · 33.0 MiB");
  assert.match((await resources.getAttribute("title")) ?? "", /CPU 60% of one core/);
  assert.equal(
    await page.getByRole("treeitem").nth(0).locator(".resources svg").count(),
    0,
    "no samples, no sparkline",
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test("the timeline zooms with + and −, pans with the arrow keys, and fits with 0", async () => {
  const { page } = await openPanel(harness());
  await send(page, snapshot(hostileRun(), "/w/a.ts"));
  await waitForFrame(page, 0);
  const xOf = async (t: number): Promise<number> =>
    page.evaluate(
      (time) =>
        (
          window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
        ).procscopePanel.timeToX(time),
      t,
    );
  const fitted = await xOf(30 * ms);
  await page.locator(".timeline-canvas").focus();
  const redraw = async (key: string): Promise<void> => {
    const frames = (await panelDebug(page)).frames;
    await page.keyboard.press(key);
    await waitForFrame(page, frames);
  };
  await redraw("+");
  const zoomed = await xOf(30 * ms);
  assert.notEqual(zoomed, fitted, "zooming in moves later times right");
  await redraw("ArrowRight");
  assert.ok((await xOf(30 * ms)) < zoomed, "panning right moves the picture left");
  await redraw("0");
  assert.equal(await xOf(30 * ms), fitted);
  await page.close();
});
