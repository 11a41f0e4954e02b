import { test } from "node:test";
import * as assert from "node:assert/strict";
import { panelHtml } from "../../src/extension/panel-html";

const options = {
  scriptUri: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.js",
  styleUri: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.css",
  codiconUri: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css",
  cspSource: "https://*.vscode-cdn.net",
  nonce: "q2Xh7w+0bS/9kQ==",
};

test("the page carries a strict CSP and the nonce on its only script", () => {
  const html = panelHtml(options);
  const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.equal(
    policy,
    "default-src 'none'; script-src 'nonce-q2Xh7w+0bS/9kQ=='; style-src https://*.vscode-cdn.net; font-src https://*.vscode-cdn.net; img-src https://*.vscode-cdn.net data:",
  );
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<script nonce="q2Xh7w\+0bS\/9kQ==" src="[^"]+\/panel\.js"><\/script>/);
  assert.doesNotMatch(html, /style=|<style/, "no inline styles");
  assert.match(html, /<link rel="stylesheet" href="[^"]+codicon\.css">/);
});

test("a nonce that could break out of the attribute is refused", () => {
  assert.throws(() => panelHtml({ ...options, nonce: `x" onload="alert(1)` }));
});
