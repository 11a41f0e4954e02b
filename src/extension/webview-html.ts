/**
 * Sets a webview up for the panel: scripts on, resources only from the panel's build output
 * and the codicon font, and the page from `panelHtml` with a fresh nonce for its CSP.
 */
import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { panelHtml } from "./panel-html";

export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [
    vscode.Uri.joinPath(extensionUri, "dist", "webview"),
    vscode.Uri.joinPath(extensionUri, "dist", "codicons"),
  ];
}

export function setUpPanelWebview(webview: vscode.Webview, extensionUri: vscode.Uri): void {
  webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri) };
  const asset = (...parts: string[]): vscode.Uri =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", ...parts));
  webview.html = panelHtml({
    scriptUri: asset("webview", "panel.js").toString(),
    styleUri: asset("webview", "panel.css").toString(),
    codiconUri: asset("codicons", "codicon.css").toString(),
    cspSource: webview.cspSource,
    nonce: crypto.randomBytes(16).toString("base64"),
  });
}
