/**
 * Serves the built panel as VS Code would give it to a webview (the same `panelHtml`
 * page, its strict CSP, the theme variables on the body) from a loopback HTTP server, and
 * drives it in Debian's Chromium with playwright-core. `acquireVsCodeApi` is a stub that
 * records what the panel posts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before } from "node:test";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { panelHtml } from "../../src/extension/panel-html";
import type { FromWebviewMessage, ToWebviewMessage } from "../../src/protocol/panel";
import type { TraceEvent } from "../../src/protocol/trace";
import type { PanelDebug } from "../../webview/debug";
import { themeClasses, themeStylesheet, type ThemeKind } from "./themes";

export const root = path.resolve(__dirname, "../../..");
export const resultsDir = path.join(root, "test-results", "webview");

const contentTypes: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".ttf": "font/ttf",
  ".map": "application/json",
};

export interface Harness {
  browser: Browser;
  origin: string;
  close(): Promise<void>;
}

/**
 * The test file's harness: started before its tests, closed after them. Call it at the top
 * of the file, before the file's own hooks, and read the harness through the getter.
 */
export function sharedHarness(): () => Harness {
  let harness: Harness | null = null;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error("the webview harness is used before its before() hook ran");
    return harness;
  };
}

export async function startHarness(): Promise<Harness> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/") {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const theme = (url.searchParams.get("theme") ?? "dark") as ThemeKind;
      const html = panelHtml({
        scriptUri: `${origin}/dist/webview/panel.js`,
        styleUri: `${origin}/dist/webview/panel.css`,
        codiconUri: `${origin}/dist/codicons/codicon.css`,
        cspSource: origin,
        nonce: "harness0nonce0value0for0tests",
      })
        .replace("</head>", `<link rel="stylesheet" href="${origin}/harness/themes.css">\n</head>`)
        .replace("<body>", `<body class="${themeClasses[theme]}">`);
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(html);
      return;
    }
    if (url.pathname === "/favicon.ico") {
      // A webview asks for none; a plain page does.
      response.writeHead(204);
      response.end();
      return;
    }
    if (url.pathname === "/harness/themes.css") {
      response.writeHead(200, { "content-type": "text/css" });
      response.end(themeStylesheet());
      return;
    }
    const file = path.join(root, path.normalize(url.pathname));
    if (!file.startsWith(path.join(root, "dist")) || !fs.existsSync(file)) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, {
      "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream",
    });
    response.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  fs.mkdirSync(resultsDir, { recursive: true });
  return {
    browser,
    origin,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface HarnessWindow {
  procscopePanel: PanelDebug;
  posted: FromWebviewMessage[];
  /** The panel's saved view state (`setState`). */
  state: unknown;
}

/** A fresh page with the panel loaded; `errors` collects page errors and CSP reports. */
const pageErrors = new WeakMap<Page, string[]>();

export async function openPanel(
  harness: Harness,
  theme: ThemeKind = "dark",
  size = { width: 1400, height: 900 },
  /** What `getState()` returns, as VS Code keeps it for a panel shown again. */
  savedState?: unknown,
): Promise<{ page: Page; errors: string[] }> {
  const page = await harness.browser.newPage({ viewport: size });
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.addInitScript((initial) => {
    const target = window as unknown as HarnessWindow & { acquireVsCodeApi: () => unknown };
    target.posted = [];
    target.state = initial;
    target.acquireVsCodeApi = () => ({
      postMessage: (message: FromWebviewMessage) => target.posted.push(message),
      getState: () => target.state,
      setState: (state: unknown) => {
        target.state = state;
      },
    });
  }, savedState);
  await page.goto(`${harness.origin}/?theme=${theme}`);
  await page.waitForFunction(() => "procscopePanel" in window);
  return { page, errors };
}

export async function send(page: Page, message: ToWebviewMessage): Promise<void> {
  await page.evaluate((data) => {
    window.dispatchEvent(new MessageEvent("message", { data }));
  }, message);
}

export async function panelDebug(page: Page): Promise<PanelDebug> {
  return page.evaluate(() => {
    const panel = (window as unknown as HarnessWindow).procscopePanel;
    return {
      ...panel,
      drawTimes: [...panel.drawTimes],
      renderTimes: [...panel.renderTimes],
      tableTimes: [...panel.tableTimes],
    };
  });
}

export async function savedState(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as HarnessWindow).state);
}

export async function posted(page: Page): Promise<FromWebviewMessage[]> {
  return page.evaluate(() => [...(window as unknown as HarnessWindow).posted]);
}

/** Waits until the timeline has drawn more than `frames` frames. */
export async function waitForFrame(page: Page, frames: number): Promise<void> {
  try {
    await page.waitForFunction(
      (previous) => (window as unknown as HarnessWindow).procscopePanel.frames > previous,
      frames,
      { timeout: 10_000 },
    );
  } catch (error) {
    const errors = pageErrors.get(page) ?? [];
    throw new Error(`no frame drawn; page errors: ${JSON.stringify(errors)}`, { cause: error });
  }
}

/**
 * The text of `locator` once it reads `expected`, or as it reads after `timeoutMs`: the
 * panel draws on its next animation frame, which a busy machine may delay.
 */
export async function settledText(
  locator: Locator,
  expected: string,
  timeoutMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await locator.innerText();
    if (text === expected || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function setTheme(page: Page, theme: ThemeKind): Promise<void> {
  await page.evaluate((className) => {
    document.body.className = className;
  }, themeClasses[theme]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Runs an example through the CLI and returns its recorded trace's events. */
export function recordExample(
  name: string,
  expectedExit = 0,
  options: string[] = [],
): TraceEvent[] {
  return recordProgram("examples", name, expectedExit, options);
}

/** Runs a test fixture through the CLI (with its scenario argument) and returns its events. */
export function recordFixture(name: string, args: string[], expectedExit = 0): TraceEvent[] {
  return recordProgram(path.join("test", "fixtures"), name, expectedExit, [], args);
}

function recordProgram(
  folder: string,
  name: string,
  expectedExit: number,
  options: string[],
  args: string[] = [],
): TraceEvent[] {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "procscope-webview-"));
  const trace = path.join(directory, `${name}.pstrace`);
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, "bin", "procscope.js"),
      "run",
      `${name}.ts`,
      "--trace",
      trace,
      ...options,
      ...args,
    ],
    { cwd: path.join(root, folder), encoding: "utf8", timeout: 60_000 },
  );
  if (result.status !== expectedExit) {
    throw new Error(`procscope run ${name}.ts failed: ${result.stderr || result.stdout}`);
  }
  const events = readTrace(trace);
  fs.rmSync(directory, { recursive: true, force: true });
  return events;
}

export function readTrace(file: string): TraceEvent[] {
  const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
  return lines.slice(1).map((line) => JSON.parse(line) as TraceEvent);
}

export function snapshot(events: TraceEvent[], entry: string): ToWebviewMessage {
  return {
    type: "snapshot",
    run: { source: "file", path: entry, state: "finished", exitCode: 0 },
    events,
  };
}
