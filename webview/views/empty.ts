/** What an empty panel shows: how to start. */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import { button, codicon, element } from "../dom";

export function emptyView(post: (message: FromWebviewMessage) => void): HTMLElement {
  const view = element("div", "empty-state");
  view.append(
    codicon("pulse", "empty-icon"),
    element("h2", "empty-title", "No run yet"),
    element(
      "p",
      "empty-text",
      "Run a file with Procscope: Run File, or open a .pstrace file. The processes, their messages and their locks appear here as the program runs.",
    ),
  );
  const actions = element("div", "empty-actions");
  actions.append(
    button("Run File", "play", () => post({ type: "command", command: "run" }), "button primary"),
    button(
      "Open Trace…",
      "folder-opened",
      () => post({ type: "command", command: "open-trace" }),
      "button secondary",
    ),
    button(
      "Open Example…",
      "book",
      () => post({ type: "command", command: "open-example" }),
      "button secondary",
    ),
  );
  view.append(actions);
  return view;
}
