/**
 * The one way out of the panel: `post()` sends a protocol message to the extension host.
 * `acquireVsCodeApi` may be called only once per page, so it is called here and nowhere
 * else. The same API keeps a little view state across the panel being hidden and shown.
 */
import type { FromWebviewMessage } from "../src/protocol/panel";

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | null = null;

function vscode(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

export function post(message: FromWebviewMessage): void {
  vscode().postMessage(message);
}

/** What the panel remembers of how it was looking at a run. */
export interface ViewState {
  /** The run it was showing (its file), so another run starts fresh. */
  path: string;
  selected: number | null;
  collapsed: number[];
  view: { start: number; end: number; follow: boolean };
}

export function loadViewState(): ViewState | null {
  const state = vscode().getState() as Partial<ViewState> | undefined;
  if (!state || typeof state.path !== "string" || !state.view) return null;
  return {
    path: state.path,
    selected: typeof state.selected === "number" ? state.selected : null,
    collapsed: Array.isArray(state.collapsed) ? state.collapsed.filter(Number.isInteger) : [],
    view: state.view,
  };
}

export function saveViewState(state: ViewState): void {
  vscode().setState(state);
}
