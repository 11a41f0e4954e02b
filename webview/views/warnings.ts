/** The warnings list: the viewer's judgements and the runtime's own warnings, worst first. */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import { formatInstant, shortLocation } from "../../src/model/describe";
import { findWarnings, type PanelWarning } from "../../src/model/warnings";
import { codicon, element } from "../dom";
import type { PanelStore } from "../store";

export class WarningsView {
  readonly element = element("div", "warnings");
  private shownKey: string | null = null;

  constructor(
    private readonly store: PanelStore,
    private readonly post: (message: FromWebviewMessage) => void,
    /** Shows processes a warning is about (selects and scrolls to their lanes). */
    private readonly show: (processes: number[]) => void = () => undefined,
  ) {
    this.element.setAttribute("role", "list");
    this.element.setAttribute("aria-label", "Warnings");
  }

  /** Returns the number of warnings. */
  update(): number {
    const { store } = this;
    const warnings = findWarnings({
      model: store.model,
      timeline: store.timeline,
      levels: store.levels,
      events: store.events,
      ended: store.ended,
    }).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
    const key = warnings.map((warning) => `${warning.key}=${warning.detail}`).join("\n");
    if (key === this.shownKey) return warnings.length;
    this.shownKey = key;
    if (warnings.length === 0) {
      this.element.replaceChildren(element("div", "none", "No warnings."));
      return 0;
    }
    this.element.replaceChildren(...warnings.map((warning) => this.item(warning)));
    return warnings.length;
  }

  private item(warning: PanelWarning): HTMLElement {
    const item = element("div", `warning-item ${warning.severity}`);
    item.setAttribute("role", "listitem");
    item.append(codicon(warning.severity === "error" ? "error" : "warning", "warning-icon"));
    const text = element("div", "warning-text");
    text.append(
      element("span", "warning-title", warning.title),
      element("span", "warning-detail", warning.detail),
    );
    const where = [
      warning.t === undefined ? "" : `at ${formatInstant(warning.t)}`,
      shortLocation(warning.loc) ?? "",
    ]
      .filter(Boolean)
      .join(" · ");
    if (where) text.append(element("span", "warning-where", where));
    item.append(text);
    const loc = warning.loc;
    const processes = warning.processes ?? [];
    if (loc || processes.length > 0) {
      item.classList.add("clickable");
      item.tabIndex = 0;
      const lanes = processes.map((p) => `P${p}`).join(", ");
      item.title = [
        processes.length > 0 ? `Click to show ${lanes} in the timeline` : "Click",
        loc ? "to open the source line" : "",
      ]
        .filter(Boolean)
        .join(loc && processes.length > 0 ? " and " : " ");
      const open = (): void => {
        if (processes.length > 0) this.show(processes);
        if (loc) this.post({ type: "open-source", loc });
      };
      item.addEventListener("click", open);
      item.addEventListener("keydown", (event) => {
        if (event.key === "Enter") open();
      });
    }
    return item;
  }
}
