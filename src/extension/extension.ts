/**
 * The extension's entry point: creates the runs registry, the panel, the trace editor and
 * the status bar, and registers the commands. Everything created here is disposed with
 * the extension.
 */
import * as vscode from "vscode";
import { handlePanelMessage, registerCommands } from "./commands/register";
import type { ProcscopeContext } from "./context";
import { LivePanel, type PanelMessageHandler } from "./live-panel";
import { RunRegistry } from "./run-registry";
import { RunStatusBar } from "./status-bar";
import { TRACE_EDITOR_VIEW_TYPE, TraceEditorProvider } from "./trace-editor";

export function activate(extension: vscode.ExtensionContext): void {
  const runs = new RunRegistry();
  const onMessage: PanelMessageHandler = (message, source) =>
    handlePanelMessage(context, message, source);
  const context: ProcscopeContext = {
    extensionUri: extension.extensionUri,
    runs,
    panel: new LivePanel(extension.extensionUri, onMessage),
    traceEditor: new TraceEditorProvider(extension.extensionUri, onMessage),
  };
  extension.subscriptions.push(
    runs,
    context.panel,
    new RunStatusBar(runs),
    vscode.window.registerCustomEditorProvider(TRACE_EDITOR_VIEW_TYPE, context.traceEditor, {
      supportsMultipleEditorsPerDocument: true,
    }),
    ...registerCommands(context),
  );
}

export function deactivate(): void {
  // The subscriptions end every live run (their process groups) and close the panel.
}
