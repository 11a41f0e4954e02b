/**
 * The panel's HTML page, for the extension host to give its webview: a strict
 * Content-Security-Policy (no inline script or style, nothing from outside the
 * extension), the built stylesheets, and the panel script carrying the nonce. Pure: no
 * `vscode` import, so it is unit-tested and the webview tests serve the same page.
 */

export interface PanelHtmlOptions {
  /** URI of dist/webview/panel.js as the webview sees it (`webview.asWebviewUri`). */
  scriptUri: string;
  /** URI of dist/webview/panel.css. */
  styleUri: string;
  /** URI of dist/codicons/codicon.css (the codicon font's stylesheet). */
  codiconUri: string;
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh random value per page load (base64 or hex). */
  nonce: string;
  /** The page's title, for screen readers. */
  title?: string;
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

export function panelHtml(options: PanelHtmlOptions): string {
  const { cspSource, nonce } = options;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error("a nonce is letters and digits only");
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join("; ");
  const title = escapeAttribute(options.title ?? "Procscope");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(options.codiconUri)}">
<link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">
<title>${title}</title>
</head>
<body>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
