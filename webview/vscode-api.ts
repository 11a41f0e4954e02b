/**
 * The one way out of the panel: `post()` sends a protocol message to the extension host.
 * `acquireVsCodeApi` may be called only once per page, so it is called here and nowhere
 * else.
 */
import type { FromWebviewMessage } from "../src/protocol/panel";

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | null = null;

export function post(message: FromWebviewMessage): void {
  api ??= acquireVsCodeApi();
  api.postMessage(message);
}
