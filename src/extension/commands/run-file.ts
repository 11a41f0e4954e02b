/**
 * "Procscope: Run File": runs the active (or given) TypeScript/JavaScript file on the
 * procscope runtime, with the run button in the editor title and the panel beside it.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import type { ProcscopeContext } from "../context";
import { NodeRuntimeError, resolveNodeRuntime } from "../node-runtime";
import { RunSession } from "../run-session";
import { readRunSettings } from "../settings";

const RUNNABLE = new Set([".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs"]);

export const UNTRUSTED_MESSAGE =
  "Procscope runs the program's code, so it only runs in a trusted workspace. " +
  "Trust this workspace (Manage Workspace Trust) to run it.";

export async function runFile(context: ProcscopeContext, target?: vscode.Uri): Promise<void> {
  // The manifest already keeps the extension off in Restricted Mode; this guards any other way in.
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage(
      UNTRUSTED_MESSAGE,
      "Manage Workspace Trust",
    );
    if (choice) await vscode.commands.executeCommand("workbench.trust.manage");
    return;
  }
  const document = await documentToRun(target);
  if (!document) return;
  const entry = document.uri.fsPath;
  const existing = context.runs.runningFor(entry);
  if (existing) {
    const choice = await vscode.window.showInformationMessage(
      `${path.basename(entry)} is already running; one run at a time per file.`,
      "Show Panel",
      "Stop It",
    );
    if (choice === "Show Panel") context.panel.show(existing);
    if (choice === "Stop It") existing.stop();
    return;
  }
  // The program (and the modules it imports) run from disk: save what the user changed.
  if (!(await vscode.workspace.saveAll(false)) || document.isDirty) {
    void vscode.window.showErrorMessage(
      `Procscope: could not save ${path.basename(entry)}; not running it.`,
    );
    return;
  }
  const settings = readRunSettings(document.uri);
  let node;
  try {
    node = await resolveNodeRuntime(settings.nodePath);
  } catch (error) {
    if (error instanceof NodeRuntimeError) {
      const choice = await vscode.window.showErrorMessage(
        `Procscope: ${error.message}`,
        "Open Settings",
      );
      if (choice)
        await vscode.commands.executeCommand("workbench.action.openSettings", "procscope.nodePath");
      return;
    }
    throw error;
  }
  const session = new RunSession({
    entry,
    settings,
    node,
    runtimeDir: vscode.Uri.joinPath(context.extensionUri, "dist", "runtime").fsPath,
    traceDir: vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? settings.cwd,
  });
  context.runs.add(session);
  context.panel.show(session, true);
  try {
    await session.start();
  } catch (error) {
    session.terminal.note(`procscope: could not start the run: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(
      `Procscope: could not start the run: ${(error as Error).message}`,
    );
  }
}

async function documentToRun(target?: vscode.Uri): Promise<vscode.TextDocument | null> {
  const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage(
      "Procscope: open a TypeScript or JavaScript file to run (or try Procscope: Open Example…).",
    );
    return null;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.isUntitled || uri.scheme !== "file") {
    void vscode.window.showInformationMessage(
      "Procscope: save the file to disk first; a run starts from a file.",
    );
    return null;
  }
  if (!RUNNABLE.has(path.extname(uri.fsPath).toLowerCase())) {
    void vscode.window.showInformationMessage(
      `Procscope runs TypeScript and JavaScript files; ${path.basename(uri.fsPath)} is neither.`,
    );
    return null;
  }
  return document;
}
