/** "Procscope: Stop Run": ends every process of a live run (the active file's, or a chosen one). */
import * as path from "node:path";
import * as vscode from "vscode";
import type { ProcscopeContext } from "../context";
import type { RunSession } from "../run-session";

export async function stopRun(context: ProcscopeContext, target?: vscode.Uri): Promise<void> {
  const live = context.runs.live;
  const file =
    target instanceof vscode.Uri
      ? target.fsPath
      : vscode.window.activeTextEditor?.document.uri.fsPath;
  let session: RunSession | undefined = file ? context.runs.runningFor(file) : undefined;
  if (!session && context.panel.shown && live.includes(context.panel.shown as RunSession)) {
    session = context.panel.shown as RunSession;
  }
  if (!session && live.length === 1) session = live[0];
  if (!session && live.length > 1) {
    const picked = await vscode.window.showQuickPick(
      live.map((run) => ({
        label: path.basename(run.request.entry),
        description: run.request.entry,
        run,
      })),
      { placeHolder: "Which run should stop?" },
    );
    session = picked?.run;
  }
  if (!session) {
    if (live.length === 0)
      void vscode.window.showInformationMessage("Procscope: no run is going on.");
    return;
  }
  session.stop();
}
