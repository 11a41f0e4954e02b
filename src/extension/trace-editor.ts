/**
 * A custom editor for `.pstrace` files: opening one shows the same panel as a live run,
 * fed from the saved events, so a run can be replayed and shared.
 */
import * as vscode from "vscode";
import { readTraceFile } from "../cli/trace-file";
import { PanelFeed } from "./panel-feed";
import type { PanelMessageHandler } from "./live-panel";
import { SavedTrace } from "./trace-source";
import { setUpPanelWebview } from "./webview-html";

export const TRACE_EDITOR_VIEW_TYPE = "procscope.traceViewer";

class TraceDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    readonly trace: SavedTrace | null,
    readonly error: string | null,
  ) {}

  dispose(): void {
    // The events go with the document; nothing else to release.
  }
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  /** The trace editor the user looked at last, for "Export Trace for Perfetto". */
  active: SavedTrace | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: PanelMessageHandler,
  ) {}

  async openCustomDocument(uri: vscode.Uri): Promise<TraceDocument> {
    try {
      return new TraceDocument(
        uri,
        new SavedTrace(uri.fsPath, await readTraceFile(uri.fsPath)),
        null,
      );
    } catch (error) {
      return new TraceDocument(uri, null, (error as Error).message);
    }
  }

  resolveCustomEditor(document: TraceDocument, panel: vscode.WebviewPanel): void {
    const feed = new PanelFeed(panel.webview, document.trace, this.onMessage);
    setUpPanelWebview(panel.webview, this.extensionUri);
    if (document.error) feed.showError(document.error);
    if (panel.active) this.active = document.trace;
    const listeners = [
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.active) this.active = document.trace;
        if (!webviewPanel.visible) feed.pageHidden();
      }),
      panel.onDidDispose(() => {
        if (this.active === document.trace) this.active = null;
        feed.dispose();
        for (const listener of listeners) listener.dispose();
      }),
    ];
  }
}
