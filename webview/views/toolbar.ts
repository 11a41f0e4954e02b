/** The bar above the views: what is shown, its state, and the run's commands. */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import { button, codicon, element, formatCount, setIcon, setText } from "../dom";
import type { PanelStore } from "../store";

export class Toolbar {
  readonly element = element("header", "toolbar");
  private readonly icon = codicon("circle-outline", "status-icon");
  private readonly title = element("span", "toolbar-title");
  private readonly detail = element("span", "toolbar-detail");
  private readonly stop: HTMLButtonElement;

  constructor(
    private readonly store: PanelStore,
    post: (message: FromWebviewMessage) => void,
    fit: () => void,
  ) {
    const status = element("div", "toolbar-status");
    status.setAttribute("role", "status");
    status.append(this.icon, this.title, this.detail);
    const actions = element("div", "toolbar-actions");
    this.stop = button(
      "Stop",
      "debug-stop",
      () => post({ type: "command", command: "stop" }),
      "icon-button",
    );
    actions.append(
      this.stop,
      button("Fit", "screen-full", fit, "icon-button"),
      button(
        "Export for Perfetto",
        "export",
        () => post({ type: "command", command: "export-perfetto" }),
        "icon-button",
      ),
      button(
        "Open Trace…",
        "folder-opened",
        () => post({ type: "command", command: "open-trace" }),
        "icon-button",
      ),
    );
    this.element.append(status, actions);
  }

  update(): void {
    const { run, model, events } = this.store;
    const file = run ? run.path.replace(/^.*[/\\]/, "") : "";
    const running = run?.state === "running";
    this.stop.hidden = !running;
    let icon = "circle-outline";
    let title = file || "Run";
    if (running) {
      icon = "loading codicon-modifier-spin";
      title = `Running ${file}`;
    } else if (run?.source === "file") {
      icon = "file";
      title = `Trace ${file}`;
    } else if (run?.state === "finished") {
      const failed = run.exitCode !== null && run.exitCode !== 0;
      icon = failed ? "error" : "pass";
      title = `${file} finished${run.exitCode === null ? "" : ` with exit code ${run.exitCode}`}`;
    }
    setIcon(this.icon, icon, "status-icon");
    setText(this.title, title);
    const alive = [...model.processes.values()].filter(
      (row) => row.startedAt !== null && row.exitedAt === null,
    ).length;
    const parts = [
      `${model.processes.size} processes${running ? ` (${alive} alive)` : ""}`,
      `${formatCount(events.length)} events`,
    ];
    if (model.dropped > 0) parts.push(`${formatCount(model.dropped)} dropped`);
    setText(this.detail, parts.join(" · "));
  }
}
