/**
 * Driving the VS Code workbench in Chromium like a person: open a folder, answer the
 * workspace-trust dialog, run commands from the command palette, find a webview's
 * elements (each webview is a nested iframe), and keep screenshots.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Frame, type Page } from "playwright-core";
import { root } from "./code-server";

export const screenshots = path.join(root, "test-results", "e2e");

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
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
}

export async function openWorkbench(browser: Browser, url: string, folder: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
  return page;
}

/** Answers the workspace-trust dialog that opens with a new folder. */
export async function answerTrust(page: Page, trust: boolean): Promise<void> {
  const label = trust ? "Yes, I trust the authors" : "No, I don't trust the authors";
  const button = page.getByRole("button", { name: label });
  await button.waitFor({ timeout: 30_000 });
  await button.click();
  await button.waitFor({ state: "detached", timeout: 10_000 });
}

/**
 * Runs a command by its palette title ("Procscope: Run File"). On a busy machine the
 * extension's commands may take a while to be registered, so a miss is retried.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Control+Shift+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 15_000 });
      await input.press("Enter");
      return;
    } catch (error) {
      await input.press("Escape");
      if (attempt === 3) throw error;
    }
  }
}

/** Picks an item from an open quick pick by typing its label. */
export async function pick(page: Page, label: string): Promise<void> {
  const input = page.locator(".quick-input-widget input");
  await input.fill(label);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first().waitFor();
  await input.press("Enter");
}

/**
 * Opens a workspace file by name through Quick Open. A file written a moment ago may not
 * be in the file index yet, so a miss is retried.
 */
export async function quickOpen(page: Page, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: 10_000 });
    await input.fill(name);
    try {
      await page
        .locator(".quick-input-list .monaco-list-row", { hasText: name })
        .first()
        .waitFor({ timeout: 10_000 });
      await input.press("Enter");
      return;
    } catch (error) {
      await input.press("Escape");
      if (attempt === 3) throw error;
    }
  }
}

/**
 * The first webview frame (a nested iframe; the workbench's own page is skipped, its
 * explorer has tree items too) holding `selector`, waiting for it to appear.
 */
export async function frameWith(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if ((await frame.locator(selector).count()) > 0) return frame;
      } catch {
        // A frame detached while we looked.
      }
    }
    if (Date.now() > deadline) throw new Error(`no frame shows ${selector} after ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

/** Notification toasts' texts. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator(".notification-toast .notification-list-item-message").allInnerTexts();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshots, { recursive: true });
  const file = path.join(screenshots, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Runs a test's steps; when one fails, the page as it was goes to `<name>-failed.png`. */
export async function screenshotOnFailure(
  page: Page,
  name: string,
  steps: () => Promise<void>,
): Promise<void> {
  try {
    await steps();
  } catch (error) {
    await screenshot(page, `${name}-failed`).catch(() => undefined);
    throw error;
  }
}
