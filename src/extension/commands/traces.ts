/** "Open Trace…" and "Export Trace for Perfetto…". */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { readTraceFile } from "../../cli/trace-file";
import { toChromeTrace } from "../../model/perfetto";
import type { TraceEvent } from "../../protocol/trace";
import type { ProcscopeContext } from "../context";
import { TRACE_EDITOR_VIEW_TYPE } from "../trace-editor";

const TRACE_FILTER = { "Procscope traces": ["pstrace"] };

export async function openTrace(target?: vscode.Uri): Promise<void> {
  const uri =
    target instanceof vscode.Uri
      ? target
      : (
          await vscode.window.showOpenDialog({
            canSelectMany: false,
            filters: TRACE_FILTER,
            openLabel: "Open Trace",
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          })
        )?.[0];
  if (uri) await vscode.commands.executeCommand("vscode.openWith", uri, TRACE_EDITOR_VIEW_TYPE);
}

/** Exports the trace in view (a trace editor, else the latest run), or one the user picks. */
export async function exportPerfetto(
  context: ProcscopeContext,
  target?: vscode.Uri,
): Promise<void> {
  let tracePath: string | null = target instanceof vscode.Uri ? target.fsPath : null;
  let events: readonly TraceEvent[] | null = null;
  if (!tracePath && context.traceEditor.active) {
    tracePath = context.traceEditor.active.path;
    events = context.traceEditor.active.events;
  }
  if (!tracePath && context.runs.latest && !context.runs.latest.running) {
    tracePath = context.runs.latest.tracePath;
  }
  if (!tracePath) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: TRACE_FILTER,
      openLabel: "Export",
      title: "Trace to export for Perfetto",
    });
    tracePath = picked?.[0]?.fsPath ?? null;
  }
  if (!tracePath) return;
  const out = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(tracePath.replace(/\.pstrace$/, "") + ".perfetto.json"),
    filters: { "Chrome trace (JSON)": ["json"] },
    saveLabel: "Export",
  });
  if (!out) return;
  try {
    const chrome = toChromeTrace([...(events ?? (await readTraceFile(tracePath)))]);
    await fs.promises.writeFile(out.fsPath, JSON.stringify(chrome));
    void vscode.window.showInformationMessage(
      `Procscope: wrote ${path.basename(out.fsPath)} (${chrome.traceEvents.length} trace events); open it at ui.perfetto.dev.`,
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`Procscope: export failed: ${(error as Error).message}`);
  }
}
