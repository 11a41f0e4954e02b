/**
 * Runs inside VS Code's extension host (loaded by @vscode/test-electron, see ../run.mjs):
 * the E2E tier's smoke checks, through the editor's API instead of a browser. A tiny
 * sequential runner keeps it free of a test framework; a failed check rejects `run()`.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";

const EXTENSION_ID = "procscope.procscope";

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the test opens a workspace folder");
  return folder.uri.fsPath;
}

const checks: Array<[string, () => Promise<void>]> = [
  [
    "the extension activates and contributes its commands",
    async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is installed`);
      await extension.activate();
      const commands = await vscode.commands.getCommands(true);
      for (const id of ["run", "stop", "openTrace", "exportPerfetto", "showPanel", "openExample"]) {
        assert.ok(commands.includes(`procscope.${id}`), `procscope.${id} is registered`);
      }
      const manifest = extension.packageJSON as {
        capabilities?: { untrustedWorkspaces?: { supported?: unknown } };
      };
      assert.equal(
        manifest.capabilities?.untrustedWorkspaces?.supported,
        false,
        "it refuses untrusted workspaces",
      );
    },
  ],
  [
    "runs an example and saves a trace that names its processes",
    async () => {
      await vscode.commands.executeCommand("procscope.openExample", "queue");
      const file = path.join(workspaceDir(), "procscope-examples", "queue.ts");
      assert.ok(fs.existsSync(file), "the example was copied into the workspace");
      await vscode.window.showTextDocument(vscode.Uri.file(file));
      await vscode.commands.executeCommand("procscope.run");
      const traces = path.join(workspaceDir(), ".procscope");
      const trace = await waitFor("the run's trace", () => {
        const name = fs.existsSync(traces)
          ? fs.readdirSync(traces).find((entry) => entry.endsWith(".pstrace"))
          : undefined;
        return name ? path.join(traces, name) : undefined;
      });
      const text = fs.readFileSync(trace, "utf8");
      assert.match(text, /"name":"MainProcess"/);
      assert.match(text, /"name":"Process-1"/);
      assert.match(text, /"type":"run.end"/);
    },
  ],
  [
    "opens a saved trace in the trace editor",
    async () => {
      const traces = path.join(workspaceDir(), ".procscope");
      const name = fs.readdirSync(traces).find((entry) => entry.endsWith(".pstrace"));
      assert.ok(name);
      await vscode.commands.executeCommand(
        "procscope.openTrace",
        vscode.Uri.file(path.join(traces, name)),
      );
      const tab = await waitFor("the trace editor tab", () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputCustom ? input : undefined;
      });
      assert.equal(tab.viewType, "procscope.traceViewer");
    },
  ],
  [
    "resolves imports of procscope to the bundled declarations",
    async () => {
      const file = path.join(workspaceDir(), "types-check.ts");
      fs.writeFileSync(
        file,
        'import { Queue, NoSuchExport } from "procscope";\nimport { x } from "no-such-module";\nexport const q = new Queue<number>();\nexport { NoSuchExport, x };\n',
      );
      const uri = vscode.Uri.file(file);
      await vscode.window.showTextDocument(uri);
      const messages = await waitFor("TypeScript's diagnostics", () => {
        const found = vscode.languages.getDiagnostics(uri).map((diagnostic) => diagnostic.message);
        return found.some((message) => message.includes("no-such-module")) ? found : undefined;
      });
      assert.ok(
        messages.some((message) => /has no exported member 'NoSuchExport'/.test(message)),
        messages.join("\n"),
      );
      assert.ok(
        !messages.some((message) => /Cannot find module 'procscope'/.test(message)),
        messages.join("\n"),
      );
    },
  ],
];

export async function run(): Promise<void> {
  let failed = 0;
  for (const [name, check] of checks) {
    try {
      await check();
      console.log(`ok - ${name}`);
    } catch (error) {
      failed++;
      console.error(
        `not ok - ${name}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} of ${checks.length} checks failed`);
}
