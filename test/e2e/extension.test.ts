/**
 * The packaged extension in real VS Code (code-server) in headless Chromium: installed
 * from its .vsix, it opens an example, runs it from the command palette and shows the run's
 * processes in the panel and its output in a terminal; it stops a run; it opens a saved trace
 * in the same panel and exports it, and shows why when a trace cannot be read; and in a
 * workspace that is not trusted it does not run anything. Screenshots go to test-results/e2e/.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import {
  freshDir,
  root,
  installExtension,
  packageExtension,
  setUpCodeServer,
  startCodeServer,
  type CodeServer,
} from "./code-server";
import {
  answerTrust,
  frameWith,
  launchBrowser,
  openWorkbench,
  pick,
  quickOpen,
  runCommand,
  screenshot,
  screenshotOnFailure,
  screenshots,
} from "./workbench";
import { cutMidLine } from "../shared/truncate";

/** Polls `probe` until it returns a value (20 s at most). */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (let tries = 0; tries < 80; tries++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("timed out");
}

/** Whether `pid` is a live process (a zombie waiting for init to reap it is not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

let server: CodeServer;
let browser: Browser;
let trusted: string;

before(async () => {
  fs.rmSync(screenshots, { recursive: true, force: true });
  const entry = setUpCodeServer();
  const base = freshDir("vscode");
  const vsix = packageExtension(path.join(base, "procscope.vsix"));
  const extensionsDir = path.join(base, "extensions");
  installExtension(entry, vsix, extensionsDir);
  const userDataDir = path.join(base, "user-data");
  fs.mkdirSync(path.join(userDataDir, "User"), { recursive: true });
  // A quiet workbench: no welcome page, no release notes over the editor.
  fs.writeFileSync(
    path.join(userDataDir, "User", "settings.json"),
    JSON.stringify({
      "workbench.startupEditor": "none",
      "update.showReleaseNotes": false,
      "workbench.tips.enabled": false,
      "git.openRepositoryInParentFolders": "never",
      "editor.accessibilitySupport": "on",
      // Nothing reaches for the network: these machines reach only the npm registry.
      "telemetry.telemetryLevel": "off",
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      "update.mode": "none",
      "workbench.enableExperiments": false,
      "npm.fetchOnlinePackageInfo": false,
      "typescript.disableAutomaticTypeAcquisition": true,
    }),
  );
  trusted = freshDir("workspace-trusted");
  server = await startCodeServer({ entry, extensionsDir, userDataDir });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) {
    fs.mkdirSync(screenshots, { recursive: true });
    fs.writeFileSync(path.join(screenshots, "code-server.log"), server.log());
    await server.stop();
  }
});

describe("in a trusted workspace", () => {
  let page: Page;

  before(async () => {
    page = await openWorkbench(browser, server.url, trusted);
    await answerTrust(page, true);
  });

  after(async () => {
    await page?.close();
  });

  test("runs an example from the command palette and lists its processes in the panel", async () => {
    await screenshotOnFailure(page, "run-example", async () => {
      await runCommand(page, "Procscope: Open Example…");
      await pick(page, "queue");
      await page.locator(".tab", { hasText: "queue.ts" }).first().waitFor({ timeout: 20_000 });
      assert.ok(fs.existsSync(path.join(trusted, "procscope-examples", "queue.ts")));

      await runCommand(page, "Procscope: Run File");
      const panel = await frameWith(page, '[role="treeitem"]', 60_000);
      const items = panel.locator('[role="treeitem"]');
      await items.filter({ hasText: "Process-1" }).first().waitFor({ timeout: 30_000 });
      const texts = await items.allInnerTexts();
      await screenshot(page, "run-queue-example");
      assert.ok(
        texts.some((text) => text.includes("MainProcess")),
        texts.join(" | "),
      );
      assert.ok(
        texts.some((text) => text.includes("Process-1")),
        texts.join(" | "),
      );
      // The program's output, in the run's terminal, under the name of the process that
      // printed it (xterm draws on a canvas; with screen reader support on, as set above, it
      // also keeps its rows as text).
      const terminal = page.locator(".terminal-wrapper .xterm-accessibility-tree");
      await terminal.getByText("exited with code 0").first().waitFor({ timeout: 30_000 });
      assert.match(await terminal.innerText(), /P1 MainProcess\s+\| \[ 42, null, 'hello' \]/);
    });
  });

  test("saves unsaved changes first, shows the run in the status bar, stops every process", async () => {
    await screenshotOnFailure(page, "stop", async () => {
      fs.writeFileSync(
        path.join(trusted, "forever.ts"),
        [
          'import { Process, main } from "procscope";',
          "export async function spin(): Promise<void> {",
          "  await new Promise(() => setInterval(() => undefined, 1000));",
          "}",
          "main(async () => {",
          '  await new Process({ target: spin, name: "spinner" }).start().join();',
          "});",
          "",
        ].join("\n"),
      );
      await quickOpen(page, "forever.ts");
      await page.locator(".tab", { hasText: "forever.ts" }).first().waitFor({ timeout: 20_000 });
      // An unsaved change is saved before the run starts.
      await page.locator(".monaco-editor textarea").first().focus();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("// edited before the run\n");
      await runCommand(page, "Procscope: Run File");
      const panel = await frameWith(page, '[role="treeitem"]', 60_000);
      await panel
        .locator('[role="treeitem"]', { hasText: "spinner" })
        .first()
        .waitFor({ timeout: 30_000 });
      // Refreshed twice a second: the root and the spinner alive.
      const status = page.locator(".statusbar-item", { hasText: /\d+ alive/ }).first();
      await page
        .locator(".statusbar-item", { hasText: /2 alive · [\d.k]+ ev\/s/ })
        .first()
        .waitFor({ timeout: 10_000 });
      await screenshot(page, "running-status-bar");

      await runCommand(page, "Procscope: Stop Run");
      const traces = path.join(trusted, ".procscope");
      const trace = await waitFor(() =>
        fs.readdirSync(traces).find((name) => name.startsWith("forever-")),
      );
      await status.waitFor({ state: "detached", timeout: 10_000 });
      assert.match(
        fs.readFileSync(path.join(trusted, "forever.ts"), "utf8"),
        /edited before the run/,
      );
      const pids = fs
        .readFileSync(path.join(traces, trace), "utf8")
        .split("\n")
        .filter((line) => line.includes('"process.start"'))
        .map((line) => (JSON.parse(line) as { pid: number }).pid);
      assert.equal(pids.length, 2, "the root and the spinner started");
      for (const pid of pids) assert.ok(!running(pid), `pid ${pid} is gone`);
      await screenshot(page, "stopped");
    });
  });

  test("type-checks imports from procscope without installing it", async () => {
    await screenshotOnFailure(page, "types", async () => {
      fs.writeFileSync(
        path.join(trusted, "types-check.ts"),
        'import { Queue, NoSuchExport } from "procscope";\nimport { x } from "no-such-module";\nexport const q: Queue<number> = new Queue<number>();\nexport { NoSuchExport, x };\n',
      );
      await quickOpen(page, "types-check.ts");
      await runCommand(page, "View: Focus Problems");
      const problems = page.locator(".markers-panel");
      await problems.getByText("no-such-module").first().waitFor({ timeout: 60_000 });
      await problems.getByText("NoSuchExport").first().waitFor({ timeout: 30_000 });
      const text = await problems.innerText();
      await screenshot(page, "types-from-bundled-declarations");
      // The control: an unknown module is reported; procscope itself resolves (to the
      // declarations in the extension), so only its unknown member is.
      assert.match(text, /Cannot find module 'no-such-module'/);
      assert.match(text, /has no exported member 'NoSuchExport'/);
      assert.doesNotMatch(text, /Cannot find module 'procscope'/);
    });
  });

  test("opens a saved .pstrace in the same panel and exports it for Perfetto", async () => {
    await screenshotOnFailure(page, "saved-trace", async () => {
      const saved = fs
        .readdirSync(path.join(trusted, ".procscope"))
        .find((name) => name.startsWith("queue-") && name.endsWith(".pstrace"));
      assert.ok(saved, "the run saved its trace in .procscope/");
      fs.copyFileSync(
        path.join(trusted, ".procscope", saved),
        path.join(trusted, "saved-run.pstrace"),
      );
      await runCommand(page, "View: Close All Editors");
      await runCommand(page, "Procscope: Open Trace…");
      // code-server's own file dialog: a quick input that takes a path. It fills in the
      // folder once it has listed it, so the path is typed after that.
      const input = page.locator(".quick-input-widget input");
      await page
        .locator(".quick-input-list .monaco-list-row", { hasText: "saved-run.pstrace" })
        .first()
        .waitFor({ timeout: 20_000 });
      const tracePath = path.join(trusted, "saved-run.pstrace");
      await input.fill(tracePath);
      while ((await input.inputValue()) !== tracePath) {
        await page.waitForTimeout(200);
        await input.fill(tracePath);
      }
      await input.press("Enter");
      await page
        .locator(".tab", { hasText: "saved-run.pstrace" })
        .first()
        .waitFor({ timeout: 20_000 });
      const panel = await frameWith(page, '[role="treeitem"]', 60_000);
      const texts = await panel.locator('[role="treeitem"]').allInnerTexts();
      await screenshot(page, "saved-trace");
      assert.ok(
        texts.some((text) => text.includes("Process-1")),
        texts.join(" | "),
      );

      // Export for Perfetto: the trace in view, to the path the save dialog proposes.
      await runCommand(page, "Procscope: Export Trace for Perfetto…");
      const exported = path.join(trusted, "saved-run.perfetto.json");
      const save = page.locator(".quick-input-widget input");
      await save.waitFor({ timeout: 10_000 });
      while ((await save.inputValue()) !== exported) await page.waitForTimeout(200);
      await save.press("Enter");
      const chrome = await waitFor(() =>
        fs.existsSync(exported)
          ? (JSON.parse(fs.readFileSync(exported, "utf8")) as { traceEvents: { name: string }[] })
          : undefined,
      );
      assert.ok(chrome.traceEvents.some((event) => event.name === "process_name"));
    });
  });

  test("a trace file that cannot be read opens to a page that says why, in the reader's words", async () => {
    await screenshotOnFailure(page, "unreadable-trace", async () => {
      const saved = fs
        .readdirSync(path.join(trusted, ".procscope"))
        .find((name) => name.startsWith("queue-") && name.endsWith(".pstrace"));
      assert.ok(saved, "the run saved its trace in .procscope/");
      const text = fs.readFileSync(path.join(trusted, ".procscope", saved), "utf8");
      fs.writeFileSync(path.join(trusted, "cut-short.pstrace"), cutMidLine(text));
      await runCommand(page, "View: Close All Editors");
      await quickOpen(page, "cut-short.pstrace");
      const panel = await frameWith(page, ".empty-detail:not([hidden])", 60_000);
      const detail = await panel.locator(".empty-detail").innerText();
      await screenshot(page, "unreadable-trace");
      assert.match(
        detail,
        /cut-short\.pstrace:\d+: not valid JSON \(is the file truncated or edited\?\)$/,
      );
      assert.equal(await panel.locator(".empty-title").innerText(), "Nothing to show");
    });
  });
});

describe("in a workspace that is not trusted", () => {
  let page: Page;
  let untrusted: string;

  before(async () => {
    untrusted = freshDir("workspace-untrusted");
    fs.copyFileSync(path.join(root, "examples", "queue.ts"), path.join(untrusted, "queue.ts"));
    page = await openWorkbench(browser, server.url, untrusted);
    await answerTrust(page, false);
  });

  after(async () => {
    await page?.close();
  });

  test("refuses to run the program, and says why", async () => {
    await screenshotOnFailure(page, "untrusted", async () => {
      await quickOpen(page, "queue.ts");
      // The extension is off in Restricted Mode: the palette has no command to run the file…
      await page.keyboard.press("Control+Shift+P");
      const input = page.locator(".quick-input-widget input");
      await input.fill(">Procscope: Run File");
      await page.locator(".quick-input-list").waitFor();
      await page.waitForTimeout(1000);
      const offered = await page.locator(".quick-input-list .monaco-list-row").allInnerTexts();
      await screenshot(page, "untrusted-palette");
      await input.press("Escape");
      assert.ok(!offered.some((text) => text.includes("Procscope: Run File")), offered.join(" | "));

      // …and the Extensions view says why, in the extension's own words.
      await runCommand(page, "View: Show Extensions");
      // The view focuses its search box once it is drawn; typing before would go elsewhere.
      await page
        .locator(".extensions-viewlet :focus")
        .waitFor({ state: "attached", timeout: 20_000 });
      await page.keyboard.type("@workspaceUnsupported");
      const disabled = page.locator(".extensions-viewlet .pane").filter({
        has: page.locator(".pane-header", { hasText: /disabled in restricted mode/i }),
      });
      const row = disabled.locator(".monaco-list-row", { hasText: "Procscope" }).first();
      await row.waitFor({ timeout: 20_000 });
      await row.hover();
      const explanation = page.getByText("Procscope runs the program's code");
      await explanation.first().waitFor({ timeout: 10_000 });
      await screenshot(page, "untrusted-explained");
      assert.ok(!fs.existsSync(path.join(untrusted, ".procscope")), "nothing ran");
    });
  });
});
