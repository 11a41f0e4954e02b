/**
 * The "Procscope" panel beside the editor: shows the latest run live (or the one asked
 * for), one panel for the window. Hidden and shown again, its page reloads and gets a
 * snapshot of the run so far, then deltas.
 */
import * as vscode from "vscode";
import type { FromWebviewMessage } from "../protocol/panel";
import { PanelFeed } from "./panel-feed";
import type { TraceSource } from "./trace-source";
import { panelResourceRoots, setUpPanelWebview } from "./webview-html";

export const LIVE_PANEL_VIEW_TYPE = "procscope.panel";

export type PanelMessageHandler = (message: FromWebviewMessage, source: TraceSource | null) => void;

export class LivePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private feed: PanelFeed | null = null;
  private source: TraceSource | null = null;
  private panelListeners: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: PanelMessageHandler,
  ) {}

  get shown(): TraceSource | null {
    return this.source;
  }

  /** Shows `source` (or keeps what is shown), opening the panel beside the editor if needed. */
  show(source: TraceSource | null, preserveFocus = false): void {
    if (source) this.source = source;
    if (this.panel) {
      this.feed?.setSource(this.source);
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      LIVE_PANEL_VIEW_TYPE,
      "Procscope",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { enableScripts: true, localResourceRoots: panelResourceRoots(this.extensionUri) },
    );
    this.panel = panel;
    this.feed = new PanelFeed(panel.webview, this.source, this.onMessage);
    setUpPanelWebview(panel.webview, this.extensionUri);
    this.panelListeners = [
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible) this.feed?.pageHidden();
      }),
      panel.onDidDispose(() => this.closed()),
    ];
  }

  private closed(): void {
    this.feed?.dispose();
    for (const listener of this.panelListeners) listener.dispose();
    this.panelListeners = [];
    this.feed = null;
    this.panel = null;
  }

  dispose(): void {
    const panel = this.panel;
    this.closed();
    panel?.dispose();
  }
}
