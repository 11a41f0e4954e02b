/**
 * What a panel with no run shows: how to start, or, when what it was given cannot be shown
 * (a trace file that cannot be read), why not, in the host's words.
 */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import { button, codicon, element, setText } from "../dom";

const START_TITLE = "No run yet";
const START_TEXT =
  "Run a file with Procscope: Run File, or open a .pstrace file. The processes, their messages and their locks appear here as the program runs.";

export class EmptyView {
  readonly element = element("div", "empty-state");
  private readonly icon = codicon("pulse", "empty-icon");
  private readonly title = element("h2", "empty-title", START_TITLE);
  private readonly text = element("p", "empty-text", START_TEXT);
  private readonly detail = element("pre", "empty-detail");
  private shown: string | null = null;

  constructor(post: (message: FromWebviewMessage) => void) {
    this.detail.hidden = true;
    this.element.append(this.icon, this.title, this.text, this.detail);
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
    this.element.append(actions);
  }

  /** Shows why nothing can be shown (`null`: the usual invitation to start). */
  setError(message: string | null): void {
    if (message === this.shown) return;
    this.shown = message;
    const failed = message !== null;
    this.element.classList.toggle("failed", failed);
    this.element.setAttribute("role", failed ? "alert" : "region");
    this.icon.className = `codicon codicon-${failed ? "error" : "pulse"} empty-icon`;
    setText(this.title, failed ? "Nothing to show" : START_TITLE);
    setText(
      this.text,
      failed ? "The panel was given something it cannot show. What went wrong:" : START_TEXT,
    );
    this.detail.hidden = !failed;
    setText(this.detail, message ?? "");
  }
}
