/**
 * The panel given bad input, in real Chromium: a trace file that cannot be read shows why
 * (never a blank page); a run whose program failed to load says why and where; an event the
 * panel cannot fold leaves a message, not a frozen page. And the page's defences: its
 * Content-Security-Policy is in force (no inline script, no eval, no request anywhere), and
 * HTML/JS payloads in every string a program or a trace controls show as text, run nothing
 * and fetch nothing.
 */
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { readTraceFile } from "../../src/cli/trace-file";
import type { TraceEvent } from "../../src/protocol/trace";
import { cutMidLine } from "../shared/truncate";
import {
  openPanel,
  posted,
  readTrace,
  root,
  screenshot,
  send,
  snapshot,
  sharedHarness,
  waitForFrame,
} from "./harness";

const harness = sharedHarness();
let scratch: string;

before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "procscope-webview-bad-"));
});

after(async () => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** What the trace editor shows for `file`: the reader's error, exactly as the host gets it. */
async function readerError(file: string): Promise<string> {
  try {
    await readTraceFile(file);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${file} was read without an error`);
}

/** Feeds the page what the trace editor's feed sends for a file it could not read. */
async function showUnreadable(page: Page, message: string): Promise<void> {
  await send(page, { type: "hello", version: 1 });
  await send(page, { type: "snapshot", run: null, events: [] });
  await send(page, { type: "error", message });
}

/** A real trace of a small program, for the files below to spoil. */
function goodTrace(): string {
  const file = path.join(scratch, "good.pstrace");
  if (!fs.existsSync(file)) {
    const result = spawnSync(
      process.execPath,
      [
        path.join(root, "bin", "procscope.js"),
        "run",
        path.join(root, "test", "fixtures", "flows.ts"),
        "--trace",
        file,
        "--no-summary",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(result.status, 0, result.stderr);
  }
  return fs.readFileSync(file, "utf8");
}

test("a trace file that cannot be read shows why, in the page, for every kind of bad file", async () => {
  const good = goodTrace();
  const lines = good.split("\n");
  const files: Record<string, string | Buffer> = {
    truncated: cutMidLine(good),
    "other-version": [lines[0].replace('"version":1', '"version":99'), ...lines.slice(1)].join(
      "\n",
    ),
    "random-bytes": Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
    empty: "",
    "hand-edited": [lines[0], '{"type":"process.start","t":1,"p":1,"name":"<b>x</b>"}'].join("\n"),
  };
  const expected: Record<string, RegExp> = {
    truncated: /truncated\.pstrace:\d+: not valid JSON \(is the file truncated or edited\?\)/,
    "other-version": /other-version\.pstrace:1: trace format version 99 is not supported/,
    "random-bytes": /random-bytes\.pstrace:1: not a procscope trace/,
    empty: /empty\.pstrace: the file is empty/,
    "hand-edited": /hand-edited\.pstrace:2: process\.start: 'pid' must be a whole number/,
  };
  const { page, errors } = await openPanel(harness(), "dark", { width: 1000, height: 600 });
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(scratch, `${name}.pstrace`);
    fs.writeFileSync(file, content);
    const message = await readerError(file);
    assert.match(message, expected[name], name);
    await showUnreadable(page, message);
    const empty = page.locator(".empty-state");
    // The page is drawn on the next animation frame: until then it still shows the last file's.
    await page.waitForFunction(
      (text) => document.querySelector(".empty-state .empty-detail")?.textContent === text,
      message,
    );
    assert.equal(await empty.getAttribute("role"), "alert");
    assert.equal(await empty.locator(".empty-title").innerText(), "Nothing to show");
    assert.equal(await empty.locator(".empty-detail").innerText(), message, name);
    assert.equal(await page.locator(".error-banner").isVisible(), false, "said once, not twice");
    assert.equal(await page.locator(".layout").isVisible(), false);
    if (name === "truncated") await screenshot(page, "unreadable-trace");
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("after an error, a good snapshot shows the run and the error page goes", async () => {
  const { page, errors } = await openPanel(harness(), "dark", { width: 1000, height: 600 });
  await showUnreadable(page, "/w/x.pstrace: the file is empty");
  await page.locator(".empty-detail").waitFor({ state: "visible" });
  const events = readTrace(path.join(scratch, "good.pstrace"));
  await send(page, snapshot(events, "/w/flows.ts"));
  await waitForFrame(page, 0);
  assert.equal(await page.locator(".empty-state").isVisible(), false);
  assert.equal(await page.getByRole("treeitem").count(), 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a program that fails to load: the panel says why and where, and the line opens on click", async () => {
  const entry = path.join(scratch, "broken.ts");
  fs.writeFileSync(
    entry,
    'import { main } from "procscope";\nmain(async () => {\n  const x: number = ;\n});\n',
  );
  const trace = path.join(scratch, "broken.pstrace");
  const result = spawnSync(
    process.execPath,
    [path.join(root, "bin", "procscope.js"), "run", entry, "--trace", trace, "--no-summary"],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(result.status, 1, result.stderr);
  const { page, errors } = await openPanel(harness(), "dark", { width: 1100, height: 700 });
  await send(page, snapshot(readTrace(trace), entry));
  await waitForFrame(page, 0);
  const failed = page.locator(".warning-item.error", { hasText: "Process failed" });
  await failed.waitFor();
  assert.equal(
    await failed.locator(".warning-detail").innerText(),
    `P1 (MainProcess) exited with code 1: syntax error in ${entry}:3:21: Unexpected ";"`,
  );
  await screenshot(page, "failed-to-load");
  await failed.click();
  assert.deepEqual(
    (await posted(page)).filter((message) => message.type === "open-source"),
    [{ type: "open-source", loc: `${entry}:3:21` }],
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test("an event the panel cannot fold or draw leaves a message over what it could show, not a blank page", async () => {
  const { page, errors } = await openPanel(harness(), "dark", { width: 1000, height: 600 });
  const events: TraceEvent[] = [
    { type: "process.start", t: 0, p: 1, pid: 100, ppid: 1, name: "MainProcess" },
    // Not a valid deadlock event (no processes): what a newer or broken sender might send.
    { type: "deadlock", t: 1, p: 1, message: "?" } as unknown as TraceEvent,
  ];
  await send(page, snapshot(events, "/w/a.ts"));
  const banner = page.locator(".error-banner");
  await banner.waitFor({ state: "visible" });
  assert.match(
    await banner.innerText(),
    /^The panel could not (read what the editor sent \(snapshot\)|draw the run): /,
  );
  assert.equal(await page.locator(".layout").isVisible(), true);
  assert.equal(await page.getByRole("treeitem").count(), 1, "what could be shown is shown");
  assert.deepEqual(errors, [], "no uncaught error");
  await page.close();
});

test("the page's CSP is in force: no inline script, no eval, no request to anywhere", async () => {
  const { page } = await openPanel(harness());
  const policy = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute("content");
  assert.ok(policy, "no CSP");
  assert.match(policy, /^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=_-]+';/);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|\*|https?:\/\/(?!127\.0\.0\.1)/);
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      violations.push(event.violatedDirective),
    );
    const flags = window as unknown as Record<string, unknown>;
    // Code the test evaluates is exempt from the page's CSP (it comes through the DevTools
    // protocol); code it makes the page compile later is not: a string timer is eval.
    (setTimeout as unknown as (code: string, ms: number) => void)("window.evalRan = true", 0);
    const script = document.createElement("script");
    script.textContent = "window.inlineRan = true";
    document.body.append(script);
    const image = document.createElement("img");
    image.setAttribute("onerror", "window.handlerRan = true");
    // Another origin (localhost is not 127.0.0.1): img-src allows only the page's own.
    image.src = "http://localhost:9/pwned.png";
    document.body.append(image);
    let fetchBlocked = false;
    try {
      await fetch("/dist/webview/panel.js");
    } catch {
      fetchBlocked = true;
    }
    // Violations are reported asynchronously: wait until each kind came (10 s at most).
    const expected = ["script-src", "connect-src", "img-src"];
    const deadline = Date.now() + 10_000;
    while (
      !expected.every((directive) => violations.some((seen) => seen.startsWith(directive))) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    image.remove();
    return {
      fetchBlocked,
      ran: [flags.evalRan, flags.inlineRan, flags.handlerRan],
      violations,
    };
  });
  assert.deepEqual(outcome.ran, [undefined, undefined, undefined], "eval, inline, handler");
  assert.ok(outcome.fetchBlocked, "fetch refused (default-src 'none' covers connect-src)");
  for (const directive of ["script-src", "connect-src", "img-src"]) {
    assert.ok(
      outcome.violations.some((violated) => violated.startsWith(directive)),
      `no ${directive} violation: ${outcome.violations.join(", ")}`,
    );
  }
  await page.close();
});

/** Strings that would run script or fetch something if they ever became HTML. */
function payloads(origin: string): string[] {
  return [
    `<img src=x onerror="window.pwned='img'">`,
    `<script>window.pwned='script'</script>`,
    `<svg onload="fetch('${origin}/pwned-svg')"></svg>`,
    `"><iframe src="${origin}/pwned-frame"></iframe>`,
    `<img src="${origin}/pwned-img">`,
    `<style>body{background:url(${origin}/pwned-css)}</style>`,
    `<link rel=stylesheet href="${origin}/pwned-link">`,
    `javascript:window.pwned='url'`,
    `{{constructor.constructor('window.pwned=1')()}}`,
  ];
}

/** A run in which every string the program or a trace controls carries a payload. */
function hostileRun(origin: string): TraceEvent[] {
  const all = payloads(origin);
  const ms = 1_000_000;
  const path = (i: number): string => `/w/${all[i]}/mod.ts`;
  const events: TraceEvent[] = [
    {
      type: "run.start",
      t: 0,
      p: 1,
      version: 1,
      entry: path(0),
      argv: all,
      cwd: path(1),
      node: all[2],
      wallClock: 0,
    },
    { type: "process.start", t: 1 * ms, p: 1, pid: 100, ppid: 1, name: all[3] },
    { type: "object.create", t: 2 * ms, p: 1, obj: "1.1", kind: "queue", loc: `${path(4)}:3:1` },
    { type: "object.create", t: 2 * ms, p: 1, obj: "1.2", kind: "lock", loc: `${path(5)}:4:1` },
  ];
  all.forEach((payload, i) => {
    const p = i + 2;
    events.push(
      {
        type: "process.spawn",
        t: (3 + i) * ms,
        p: 1,
        child: p,
        pid: 200 + i,
        name: payload,
        target: `${path(i)}#${payload}`,
        daemon: false,
        role: "process",
        loc: `${path(i)}:9:3`,
      },
      { type: "process.start", t: (4 + i) * ms, p, pid: 200 + i, ppid: 100, name: payload },
      { type: "process.output", t: (5 + i) * ms, p, stream: "stdout", text: `${payload}\n` },
      { type: "process.output", t: (5 + i) * ms, p, stream: "stderr", text: `${payload}\n` },
      {
        type: "message.send",
        t: (20 + i) * ms,
        p,
        obj: "1.1",
        msg: `${p}:1`,
        size: 10,
        preview: payload,
        loc: `${path(i)}:6:3`,
      },
      {
        type: "message.receive",
        t: (21 + i) * ms,
        p: 1,
        obj: "1.1",
        msg: `${p}:1`,
        size: 10,
        wait: 0,
        loc: `${path(i)}:10:3`,
      },
      {
        type: "warning",
        t: (22 + i) * ms,
        p,
        code: "misuse",
        message: payload,
        loc: `${path(i)}:7:1`,
      },
    );
  });
  events.push(
    { type: "lock.acquired", t: 40 * ms, p: 2, obj: "1.2", wait: 0, heldBy: [], loc: path(6) },
    {
      type: "deadlock",
      t: 41 * ms,
      p: 2,
      processes: [{ p: 2, obj: "1.2", op: all[7], loc: path(7), waitingFor: [3] }],
      message: all[8],
    },
    {
      type: "process.exit",
      t: 50 * ms,
      p: 2,
      exitCode: 1,
      signal: null,
      source: "parent",
    },
    { type: "process.exit", t: 60 * ms, p: 1, exitCode: 0, signal: null, source: "parent" },
    { type: "run.end", t: 60 * ms, p: 1, exitCode: 0, signal: null },
  );
  return events;
}

test("HTML/JS payloads in names, previews, output, warnings and paths show as text; nothing runs or loads", async () => {
  const { page, errors } = await openPanel(harness(), "dark", { width: 1400, height: 1000 });
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  const run = hostileRun(harness().origin);
  await send(page, snapshot(run, (run[0] as { entry: string }).entry));
  await waitForFrame(page, 0);
  // Hover every message arrow, so that the tooltips render the previews too.
  const box = (await page.locator(".timeline-overlay").boundingBox())!;
  for (let i = 0; i < payloads(harness().origin).length; i++) {
    const point = await page.evaluate((index) => {
      const panel = (
        window as unknown as { procscopePanel: import("../../webview/debug").PanelDebug }
      ).procscopePanel;
      const x = (panel.timeToX((20 + index) * 1e6) + panel.timeToX((21 + index) * 1e6)) / 2;
      return { x, y: (panel.laneMiddle(1) + panel.laneMiddle(index + 2)) / 2 };
    }, i);
    await page.mouse.move(box.x + point.x, box.y + point.y);
  }
  await page.locator(".timeline-tooltip").waitFor({ state: "visible" });
  // Every warning clicked: it may post open-source, never navigate or run anything.
  for (const item of await page.locator(".warning-item.clickable").all()) await item.click();
  await page.waitForTimeout(300);
  await screenshot(page, "hostile-payloads");

  const text = await page.locator("body").innerText();
  const names = await page.locator(".process-name").allInnerTexts();
  for (const payload of payloads(harness().origin)) {
    assert.ok(names.includes(payload), `process name not shown as text: ${payload}`);
  }
  for (const payload of payloads(harness().origin).slice(0, 3)) {
    assert.ok(text.includes(payload), `not shown as text anywhere: ${payload}`);
  }
  const injected = await page.evaluate(() => ({
    pwned: (window as unknown as { pwned?: unknown }).pwned,
    elements: document.querySelectorAll(
      "img, iframe, script:not([src]), style, link:not([rel=stylesheet][href*='/dist/']):not([href*='/harness/']), [onerror], [onload]",
    ).length,
    url: location.href,
  }));
  assert.deepEqual(injected, {
    pwned: undefined,
    elements: 0,
    url: `${harness().origin}/?theme=dark`,
  });
  assert.equal(dialogs, 0);
  assert.deepEqual(
    requests.filter((url) => url.includes("pwned")),
    [],
    "a payload made a request",
  );
  assert.ok(
    requests.every((url) => url.startsWith(`${harness().origin}/`)),
    `a request left the page's origin: ${requests.join(", ")}`,
  );
  const opened = (await posted(page)).filter((message) => message.type === "open-source");
  assert.ok(opened.length > 0, "warnings with a location post open-source to the host");
  assert.deepEqual(errors, []);
  await page.close();
});
