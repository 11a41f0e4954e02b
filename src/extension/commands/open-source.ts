/** Opens the user's file at the line a trace event points to (a click in the panel). */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { parseSourceLocation } from "../source-location";
import type { TraceSource } from "../trace-source";

export async function openSource(loc: string, source: TraceSource | null): Promise<void> {
  const baseDir = source ? path.dirname(source.info.path) : undefined;
  const parsed = parseSourceLocation(loc, baseDir);
  if (!parsed || !fs.existsSync(parsed.file)) {
    void vscode.window.showWarningMessage(
      `Procscope: ${parsed ? parsed.file : loc} is not on this machine (the trace may come from elsewhere).`,
    );
    return;
  }
  const position = new vscode.Position(parsed.line - 1, parsed.column - 1);
  await vscode.window.showTextDocument(vscode.Uri.file(parsed.file), {
    selection: new vscode.Range(position, position),
    viewColumn: vscode.ViewColumn.One,
    preview: true,
  });
}
