// The host takes nothing a panel says on trust: the page shows strings from programs and
// trace files, so only well-formed messages it understands are acted on.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { isFromWebviewMessage } from "../../src/protocol/panel";

test("the host accepts the panel's own messages", () => {
  for (const message of [
    { type: "ready", version: 1 },
    { type: "open-source", loc: "/w/a.ts:3:5" },
    { type: "command", command: "run" },
    { type: "command", command: "stop" },
    { type: "command", command: "open-trace" },
    { type: "command", command: "export-perfetto" },
    { type: "command", command: "open-example" },
  ]) {
    assert.ok(isFromWebviewMessage(message), JSON.stringify(message));
  }
});

test("the host drops anything else a page might post", () => {
  for (const message of [
    null,
    "run",
    [],
    {},
    { type: "ready" },
    { type: "open-source" },
    { type: "open-source", loc: 5 },
    { type: "open-source", loc: "x".repeat(5000) },
    { type: "command", command: "workbench.action.terminal.sendSequence" },
    { type: "command", command: "constructor" },
    { type: "command", command: "__proto__" },
    { type: "command" },
    { type: "execute", command: "run" },
  ]) {
    assert.equal(isFromWebviewMessage(message), false, JSON.stringify(message));
  }
});
