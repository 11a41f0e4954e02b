/** The services the commands share, created once in `activate`. */
import type * as vscode from "vscode";
import type { LivePanel } from "./live-panel";
import type { RunRegistry } from "./run-registry";
import type { TraceEditorProvider } from "./trace-editor";

export interface ProcscopeContext {
  extensionUri: vscode.Uri;
  runs: RunRegistry;
  panel: LivePanel;
  traceEditor: TraceEditorProvider;
}
