/**
 * The process tree: an accessible tree (role="tree", one role="treeitem" per process with
 * its level) navigated with arrows, Home, End and Enter as in VS Code's own trees. One
 * row per process, kept by process number and updated in place as events arrive.
 */
import type { FromWebviewMessage } from "../../src/protocol/panel";
import { locationOf, shortLocation } from "../../src/model/describe";
import { processState, type ProcessState } from "../../src/model/process-state";
import type { ProcessRow } from "../../src/model/run-model";
import { formatBytes } from "../../src/model/stats";
import { codicon, element, formatCount, setIcon, setText, setTitle } from "../dom";
import { namingFor } from "../naming";
import type { PanelStore } from "../store";
import { sparkline } from "./sparkline";

interface RowParts {
  row: HTMLDivElement;
  indent: HTMLSpanElement;
  twistie: HTMLSpanElement;
  roleIcon: HTMLSpanElement;
  label: HTMLSpanElement;
  name: HTMLSpanElement;
  badge: HTMLSpanElement;
  pid: HTMLSpanElement;
  stateIcon: HTMLSpanElement;
  state: HTMLSpanElement;
  messages: HTMLSpanElement;
  resources: HTMLSpanElement;
  resourceKey: string;
}

const stateIcons: Record<ProcessState["kind"], string> = {
  starting: "loading codicon-modifier-spin",
  running: "play-circle",
  blocked: "debug-pause",
  exited: "pass",
  failed: "error",
};

const roleIcons: Record<ProcessRow["role"], string> = {
  root: "home",
  process: "server-process",
  manager: "database",
  "pool-worker": "gear",
};

const roleBadges: Record<ProcessRow["role"], string> = {
  root: "",
  process: "",
  manager: "manager",
  "pool-worker": "pool worker",
};

export class ProcessTreeView {
  readonly element = element("div", "tree");
  /** Processes in display order (collapsed subtrees left out). */
  visible: number[] = [];
  selected: number | null = null;
  private readonly rows = new Map<number, RowParts>();
  private readonly collapsed = new Set<number>();
  private readonly hasChildren = new Set<number>();

  constructor(
    private readonly store: PanelStore,
    private readonly onChange: () => void,
    private readonly post: (message: FromWebviewMessage) => void,
  ) {
    this.element.setAttribute("role", "tree");
    this.element.setAttribute("aria-label", "Processes");
    this.element.addEventListener("keydown", (event) => this.onKey(event));
  }

  /** Drops every row: a new run starts. */
  reset(): void {
    this.rows.clear();
    this.collapsed.clear();
    this.selected = null;
    this.visible = [];
    this.element.replaceChildren();
  }

  /** Collapsed processes, to be remembered. */
  collapsedProcesses(): number[] {
    return [...this.collapsed];
  }

  /** Puts back remembered collapsing and selection (before the next update). */
  restore(collapsed: readonly number[], selected: number | null): void {
    for (const process of collapsed) this.collapsed.add(process);
    this.selected = selected;
  }

  update(): void {
    const tree = this.store.model.tree();
    this.element.classList.toggle("has-resources", this.store.resources.series.size > 0);
    const naming = namingFor(this.store);
    this.hasChildren.clear();
    for (const { row } of tree) if (row.parent !== null) this.hasChildren.add(row.parent);
    const hiddenUnder: number[] = [];
    const visible: number[] = [];
    const levels = new Map<number, number>();
    for (const { row, depth } of tree) {
      while (hiddenUnder.length > 0 && hiddenUnder[hiddenUnder.length - 1] >= depth)
        hiddenUnder.pop();
      const hidden = hiddenUnder.length > 0;
      if (this.collapsed.has(row.number) && !hidden) hiddenUnder.push(depth);
      if (hidden) continue;
      visible.push(row.number);
      levels.set(row.number, depth);
      const parts = this.rows.get(row.number) ?? this.createRow(row.number);
      this.fill(parts, row, depth, naming);
    }
    if (this.selected === null || !visible.includes(this.selected))
      this.selected = visible[0] ?? null;
    const orderChanged =
      visible.length !== this.visible.length || visible.some((p, i) => p !== this.visible[i]);
    if (orderChanged) {
      // Re-adding rows drops the focus: give it back to the selected row.
      const hadFocus = this.element.contains(document.activeElement);
      this.visible = visible;
      this.element.replaceChildren(...visible.map((p) => this.rows.get(p)!.row));
      if (hadFocus && this.selected !== null) this.rows.get(this.selected)?.row.focus();
    }
    visible.forEach((p, index) => {
      const parts = this.rows.get(p)!;
      parts.row.setAttribute("aria-posinset", String(index + 1));
      parts.row.setAttribute("aria-setsize", String(visible.length));
      this.markSelection(parts, p === this.selected);
    });
  }

  private createRow(process: number): RowParts {
    const row = element("div", "tree-row");
    row.setAttribute("role", "treeitem");
    row.dataset.process = String(process);
    const indent = element("span", "tree-indent");
    const twistie = codicon("blank", "twistie");
    const roleIcon = codicon("server-process", "role-icon");
    const label = element("span", "process-label");
    const name = element("span", "process-name");
    const badge = element("span", "badge");
    const pid = element("span", "process-pid");
    const identity = element("span", "tree-cell identity");
    identity.append(indent, twistie, roleIcon, label, name, badge, pid);
    const stateIcon = codicon("play-circle", "state-icon");
    const state = element("span", "state-text");
    const stateCell = element("span", "tree-cell state");
    stateCell.append(stateIcon, state);
    const messages = element("span", "tree-cell messages");
    const resources = element("span", "tree-cell resources");
    row.append(identity, stateCell, messages, resources);
    twistie.addEventListener("click", (event) => {
      event.stopPropagation();
      this.toggle(process);
    });
    row.addEventListener("click", () => this.select(process, true));
    row.addEventListener("dblclick", () => this.openSpawn(process));
    const parts: RowParts = {
      row,
      indent,
      twistie,
      roleIcon,
      label,
      name,
      badge,
      pid,
      stateIcon,
      state,
      messages,
      resources,
      resourceKey: "",
    };
    this.rows.set(process, parts);
    return parts;
  }

  private fill(
    parts: RowParts,
    row: ProcessRow,
    depth: number,
    naming: ReturnType<typeof namingFor>,
  ): void {
    const { store } = this;
    parts.row.setAttribute("aria-level", String(depth + 1));
    parts.indent.style.width = `${depth * 16}px`;
    if (this.hasChildren.has(row.number)) {
      const open = !this.collapsed.has(row.number);
      parts.row.setAttribute("aria-expanded", String(open));
      setIcon(parts.twistie, open ? "chevron-down" : "chevron-right", "twistie");
    } else {
      parts.row.removeAttribute("aria-expanded");
      setIcon(parts.twistie, "blank", "twistie");
    }
    setIcon(parts.roleIcon, roleIcons[row.role], "role-icon");
    setText(parts.label, row.label);
    setText(parts.name, row.name);
    const badge = roleBadges[row.role] || (row.daemon ? "daemon" : "");
    setText(parts.badge, badge);
    parts.badge.hidden = badge === "";
    setText(parts.pid, row.pid === null ? "" : `pid ${row.pid}`);
    const state = processState(row, store.timeline.lanes.get(row.number), naming);
    setIcon(parts.stateIcon, stateIcons[state.kind], `state-icon state-${state.kind}`);
    setText(parts.state, state.text);
    setText(parts.messages, `${formatCount(row.sent)} out · ${formatCount(row.received)} in`);
    setTitle(
      parts.messages,
      `Sent ${row.sent} message${row.sent === 1 ? "" : "s"}, received ${row.received}`,
    );
    this.fillResources(parts, row.number);
    const spawn = store.timeline.spawns.find((candidate) => candidate.child === row.number);
    const where = spawn ? shortLocation(locationOf(store.events[spawn.ref])) : null;
    const started =
      row.parent === null
        ? "the root process"
        : `started by P${row.parent}${where ? ` at ${where}` : ""}`;
    const target = row.target ? `, running ${row.target.replace(/^.*[/\\]/, "")}` : "";
    setTitle(
      parts.row,
      `${row.label} (${row.name}), ${row.pid === null ? "no pid yet" : `pid ${row.pid}`}: ${started}${target}. Now ${state.text}. Sent ${row.sent} messages, received ${row.received}.`,
    );
  }

  private fillResources(parts: RowParts, process: number): void {
    const series = this.store.resources.latest(process);
    const key = series ? `${series.times.length}:${series.times[series.times.length - 1]}` : "";
    if (key === parts.resourceKey) return;
    parts.resourceKey = key;
    if (!series) {
      parts.resources.replaceChildren();
      return;
    }
    const cpu = series.cpu[series.cpu.length - 1];
    const rss = series.rss[series.rss.length - 1];
    parts.resources.replaceChildren(
      sparkline(series.cpu, "sparkline-cpu"),
      element("span", "resource-text", `${Math.round(cpu)}% · ${formatBytes(rss)}`),
    );
    parts.resources.title = `CPU ${cpu.toFixed(0)}% of one core, memory (RSS) ${formatBytes(rss)}; the line shows CPU over the last ${series.cpu.length} samples`;
  }

  private markSelection(parts: RowParts, selected: boolean): void {
    parts.row.setAttribute("aria-selected", String(selected));
    parts.row.tabIndex = selected ? 0 : -1;
    parts.row.classList.toggle("selected", selected);
  }

  /** Selects a process picked elsewhere (its lane on the timeline). */
  pick(process: number): void {
    if (this.visible.includes(process)) this.select(process, false);
  }

  private select(process: number, focus: boolean): void {
    if (this.selected !== null) {
      const previous = this.rows.get(this.selected);
      if (previous) this.markSelection(previous, false);
    }
    this.selected = process;
    const parts = this.rows.get(process);
    if (parts) {
      this.markSelection(parts, true);
      if (focus) parts.row.focus();
    }
    this.onChange();
  }

  private toggle(process: number): void {
    if (!this.hasChildren.has(process)) return;
    if (this.collapsed.has(process)) this.collapsed.delete(process);
    else this.collapsed.add(process);
    this.update();
    this.onChange();
  }

  private openSpawn(process: number): void {
    const spawn = this.store.timeline.spawns.find((candidate) => candidate.child === process);
    const loc = spawn ? locationOf(this.store.events[spawn.ref]) : undefined;
    if (loc) this.post({ type: "open-source", loc });
  }

  private onKey(event: KeyboardEvent): void {
    const index = this.selected === null ? -1 : this.visible.indexOf(this.selected);
    const current = this.selected;
    const move = (to: number): void => {
      const target = this.visible[Math.min(Math.max(to, 0), this.visible.length - 1)];
      if (target !== undefined) this.select(target, true);
    };
    switch (event.key) {
      case "ArrowDown":
        move(index + 1);
        break;
      case "ArrowUp":
        move(index - 1);
        break;
      case "Home":
        move(0);
        break;
      case "End":
        move(this.visible.length - 1);
        break;
      case "ArrowRight":
        if (current === null || !this.hasChildren.has(current)) break;
        if (this.collapsed.has(current)) this.toggle(current);
        else move(index + 1);
        break;
      case "ArrowLeft": {
        if (current === null) break;
        if (this.hasChildren.has(current) && !this.collapsed.has(current)) {
          this.toggle(current);
          break;
        }
        const parent = this.store.model.processes.get(current)?.parent ?? null;
        if (parent !== null && this.visible.includes(parent)) this.select(parent, true);
        break;
      }
      case "Enter":
        if (current !== null) this.openSpawn(current);
        break;
      default:
        return;
    }
    event.preventDefault();
  }
}
