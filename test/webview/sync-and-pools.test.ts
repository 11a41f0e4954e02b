/**
 * The panel's views of the synchronization family and of pools, fed traces recorded by
 * running examples and fixtures through the CLI: the signals table (events, conditions,
 * barriers) and the pool view.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import type { TraceEvent } from "../../src/protocol/trace";
import {
  openPanel,
  panelDebug,
  recordExample,
  recordFixture,
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
  traces.set("barrier-simulation", recordExample("barrier-simulation"));
  traces.set("producer-consumer", recordFixture("sync-event-condition", ["producer-consumer"]));
  traces.set("pool", recordExample("pool"));
  traces.set("salary-pool", recordExample("salary-pool"));
  traces.set("event-across", recordFixture("sync-event-condition", ["event-across"]));
});

async function signalRows(page: import("playwright-core").Page): Promise<string[][]> {
  const rows = page.locator(".view-signals tbody tr:not(.empty-row)");
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++)
    out.push(await rows.nth(i).locator("td").allInnerTexts());
  return out;
}

test("barrier simulation: the barrier's row counts every wait and who tripped it", async () => {
  const { page, errors } = await openPanel(harness());
  const events = traces.get("barrier-simulation")!;
  await send(page, snapshot(events, "/work/examples/barrier-simulation.ts"));
  await waitForFrame(page, 0);
  const waits = events.filter((event) => event.type === "sync.wait").length;
  const rows = await signalRows(page);
  const barrier = rows.find((cells) => cells[1] === "barrier");
  assert.ok(barrier, `rows: ${JSON.stringify(rows)}`);
  assert.match(barrier[0], /^Barrier\d+$/);
  assert.equal(
    rows.reduce((total, cells) => total + Number(cells[2].replace(/,/g, "")), 0),
    waits,
  );
  assert.equal((await panelDebug(page)).counts.signals, rows.length);
  const row = page.locator(".view-signals tbody tr").filter({ hasText: barrier[0] });
  const title = (await row.getAttribute("title")) ?? "";
  assert.match(
    title,
    new RegExp(`Processes waited on ${barrier[0]} \\(a barrier\\) ${barrier[2]} times`),
  );
  await page.locator(".view-signals").scrollIntoViewIfNeeded();
  await screenshot(page, "signals-barrier-dark");
  assert.deepEqual(errors, []);
  await page.close();
});

test("event and condition: waits, timeouts and who woke whom, in the table and its hover", async () => {
  const { page, errors } = await openPanel(harness());
  const recorded = traces.get("producer-consumer")!;
  await send(page, snapshot(recorded, "/w/sync-event-condition.ts"));
  await waitForFrame(page, 0);
  const condition = (await signalRows(page)).find((cells) => cells[1] === "condition");
  assert.ok(condition);
  // How the twelve items split between the two consumers depends on the run's timing, so
  // the expected figures are counted from the recorded events.
  const conditionWaits = recorded.filter(
    (event) => event.type === "sync.wait" && event.op === "condition.wait",
  );
  const wakes = (waker: number, woken: number): number =>
    conditionWaits.filter(
      (event) => event.type === "sync.wait" && event.wokenBy === waker && event.p === woken,
    ).length;
  assert.equal(condition[2], String(conditionWaits.length));
  assert.equal(condition[5], "0");
  // The producer (P1) notified both consumers (P2 and P3).
  assert.ok(wakes(1, 2) > 0 && wakes(1, 3) > 0, "the producer woke each consumer");
  assert.match(condition[8], new RegExp(`P1→P2 ×${wakes(1, 2)}\\b`));
  assert.match(condition[8], new RegExp(`P1→P3 ×${wakes(1, 3)}\\b`));
  const conditionRow = page.locator(".view-signals tbody tr").filter({ hasText: condition[0] });
  assert.match(
    (await conditionRow.getAttribute("title")) ?? "",
    new RegExp(`P1 woke P2 ${wakes(1, 2)} times?\\b`),
  );
  await screenshot(page, "signals-condition-dark");

  const framesBefore = (await panelDebug(page)).frames;
  await send(page, snapshot(traces.get("event-across")!, "/w/sync-event-condition.ts"));
  await waitForFrame(page, framesBefore);
  const rows = await signalRows(page);
  const timedOut = rows.find((cells) => cells[1] === "event" && cells[5] !== "0");
  assert.ok(timedOut, `an event wait timed out: ${JSON.stringify(rows)}`);
  const eventRow = page.locator(".view-signals tbody tr").filter({ hasText: timedOut[0] });
  assert.match((await eventRow.getAttribute("title")) ?? "", /1 wait timed out\./);
  // Keyboard: a row that knows where its object was created is focusable.
  const focusable = page.locator(".view-signals tbody tr.clickable");
  if ((await focusable.count()) > 0)
    assert.equal(await focusable.first().getAttribute("tabindex"), "0");
  await screenshot(page, "signals-event-dark");
  assert.deepEqual(errors, []);
  await page.close();
});

for (const name of ["pool", "salary-pool"]) {
  test(`${name} example: the pool's figures match its events, with a histogram of durations`, async () => {
    const { page, errors } = await openPanel(harness());
    const events = traces.get(name)!;
    await send(page, snapshot(events, `/work/examples/${name}.ts`));
    await waitForFrame(page, 0);
    const count = (type: string): number => events.filter((event) => event.type === type).length;
    const done = events.filter((event) => event.type === "pool.done");
    const cards = page.locator(".pool-card");
    const pools = count("object.create") && new Set(done.map((event) => event.obj)).size;
    assert.equal(await cards.count(), pools);
    const figure = async (label: string): Promise<number> => {
      let total = 0;
      for (let i = 0; i < pools; i++) {
        const text = await cards.nth(i).locator(`.pool-${label} dd`).innerText();
        total += Number(text.replace(/,/g, ""));
      }
      return total;
    };
    assert.equal(await figure("submitted"), count("pool.submit"));
    assert.equal(
      await figure("done"),
      done.filter((event) => event.type === "pool.done" && event.ok).length,
    );
    assert.equal(
      await figure("failed"),
      done.filter((e) => e.type === "pool.done" && !e.ok).length,
    );
    assert.equal(await figure("callbacks"), count("pool.callback"));
    // Pending is what was submitted and never seen finishing. (Recorded salary-pool runs
    // sometimes lack a worker's start and done events, so it is not always 0.)
    assert.equal(
      await figure("pending"),
      (await figure("submitted")) - (await figure("done")) - (await figure("failed")),
    );
    assert.ok((await figure("workers")) >= 2);
    const debug = await panelDebug(page);
    assert.equal(debug.counts.pools, pools);
    assert.ok(debug.counts.poolBars >= 1, `histogram bars: ${debug.counts.poolBars}`);
    // Every finished task is in one bar; the bars say so in words.
    const titles = await cards
      .first()
      .locator(".pool-bar")
      .evaluateAll((bars) => bars.map((bar) => (bar as HTMLElement).title));
    const inBars = titles.reduce(
      (total, title) => total + Number(/^([\d,]+) task/.exec(title)![1].replace(/,/g, "")),
      0,
    );
    assert.equal(inBars, Number(await cards.first().locator(".pool-done dd").innerText()));
    // The backlog chart: tasks waiting and running over time, told in words on hover.
    const backlog = cards.last().locator(".pool-backlog-plot");
    assert.match(
      (await backlog.getAttribute("aria-label")) ?? "",
      /^At most [\d,]+ tasks? waited for a worker at once, and at most [\d,]+ ran at once/,
    );
    assert.ok(debug.counts.poolMostWaiting >= 1, `waiting: ${debug.counts.poolMostWaiting}`);
    assert.ok(
      debug.counts.poolMostWaiting <= count("pool.submit"),
      `waiting ${debug.counts.poolMostWaiting} of ${count("pool.submit")} submitted`,
    );
    await backlog.hover({ position: { x: 2, y: 20 } });
    assert.match(
      (await backlog.locator("title").textContent()) ?? "",
      /into the pool's work: up to [\d,]+ tasks? waiting, [\d,]+ running$/,
    );
    assert.equal(await backlog.locator(".pool-backlog-waiting").count(), 1);
    assert.equal(await backlog.locator(".pool-backlog-running").count(), 1);
    assert.match((await cards.first().getAttribute("title")) ?? "", /tasks were submitted/);
    assert.equal(await cards.first().getAttribute("tabindex"), "0");
    // Enter on the card selects its first worker's lane.
    await cards.first().focus();
    await page.keyboard.press("Enter");
    const worker = Math.min(
      ...events.flatMap((event) => (event.type === "pool.start" ? [event.p] : [])),
    );
    await page.waitForFunction(
      (label) =>
        document.querySelector('[role="treeitem"][aria-selected="true"] .process-label')
          ?.textContent === label,
      `P${worker}`,
    );
    // The workers' lanes show the tasks they ran.
    assert.ok(debug.lastFrame!.tasks >= 1);
    await page.locator(".view-pools").scrollIntoViewIfNeeded();
    await screenshot(page, `${name}-pools-dark`);
    await setTheme(page, "light");
    await screenshot(page, `${name}-pools-light`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("a live run whose lock waits form a cycle: the panel's own deadlock is highlighted", async () => {
  const ms = 1e6;
  const events: TraceEvent[] = [
    { type: "process.start", t: 0, p: 1, pid: 100, ppid: 1, name: "MainProcess" },
    { type: "object.create", t: 1 * ms, p: 1, obj: "1.1", kind: "lock" },
    { type: "object.create", t: 1 * ms, p: 1, obj: "1.2", kind: "lock" },
  ];
  for (const child of [2, 3]) {
    events.push(
      {
        type: "process.spawn",
        t: child * ms,
        p: 1,
        child,
        pid: 100 + child,
        name: `Worker-${child}`,
        target: "/w/a.ts#work",
        daemon: false,
        role: "process",
      },
      {
        type: "process.start",
        t: child * ms + 1,
        p: child,
        pid: 100 + child,
        ppid: 100,
        name: `Worker-${child}`,
      },
    );
  }
  events.push(
    { type: "lock.request", t: 10 * ms, p: 2, obj: "1.1" },
    { type: "lock.acquired", t: 10 * ms, p: 2, obj: "1.1", wait: 0, heldBy: [] },
    { type: "lock.request", t: 11 * ms, p: 3, obj: "1.2" },
    { type: "lock.acquired", t: 11 * ms, p: 3, obj: "1.2", wait: 0, heldBy: [] },
    { type: "lock.request", t: 20 * ms, p: 2, obj: "1.2" },
    { type: "lock.request", t: 21 * ms, p: 3, obj: "1.1" },
    { type: "resource.sample", t: 40 * ms, p: 1, cpu: 0, rss: 1 },
  );
  const { page, errors } = await openPanel(harness());
  await send(page, {
    type: "snapshot",
    run: { source: "live", path: "/w/a.ts", state: "running", exitCode: null },
    events,
  });
  await waitForFrame(page, 0);
  const warning = page.locator(".warning-item").first();
  assert.match(await warning.locator(".warning-title").innerText(), /Deadlock/);
  const frame = (await panelDebug(page)).lastFrame!;
  assert.equal(frame.deadlockMarks, 2);
  assert.equal(frame.deadlockArrows, 2);
  await warning.click();
  const selected = page.locator('[role="treeitem"][aria-selected="true"] .process-label');
  assert.match(await selected.innerText(), /^P[23]$/);
  // Hovering a stuck wait says it is part of the deadlock, and with whom.
  const canvas = page.locator(".timeline-overlay");
  const box = (await canvas.boundingBox())!;
  const point = await page.evaluate(
    ({ t, p }) => {
      const panel = (
        window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
      ).procscopePanel;
      return { x: panel.timeToX(t), y: panel.laneMiddle(p) };
    },
    { t: 30 * ms, p: 3 },
  );
  await page.mouse.move(box.x + point.x, box.y + point.y);
  const tooltip = page.locator(".timeline-tooltip");
  await tooltip.waitFor({ state: "visible" });
  assert.match(
    await tooltip.innerText(),
    /This wait never ends: P3 is in a deadlock \(P\d waits for P\d, P\d waits for P\d\)\./,
  );
  await screenshot(page, "deadlock-live-lock-cycle-dark");
  assert.deepEqual(errors, []);
  await page.close();
});
