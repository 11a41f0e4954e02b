/** The panel's sections, headed like the workbench's panes, and the timeline's legend. */
import { codicon, element } from "../dom";

export function section(
  id: string,
  title: string,
  content: HTMLElement,
  ...extra: HTMLElement[]
): HTMLElement {
  const view = element("section", `view view-${id}`);
  view.setAttribute("aria-labelledby", `${id}-title`);
  const header = element("div", "view-header");
  const heading = element("h2", "view-title", title);
  heading.id = `${id}-title`;
  header.append(heading, ...extra);
  const body = element("div", "view-body");
  body.append(content);
  view.append(header, body);
  return view;
}

export function legend(): HTMLElement {
  const list = element("div", "legend");
  const entries: Array<[string, string]> = [
    ["running", "running"],
    ["blocked", "blocked"],
    ["lock-wait", "waiting for a lock"],
    ["lock-hold", "holding a lock"],
    ["task", "pool task"],
    ["message", "message"],
  ];
  for (const [kind, label] of entries) {
    const item = element("span", "legend-item");
    item.append(element("span", `swatch swatch-${kind}`), element("span", "", label));
    list.append(item);
  }
  const hint = element("span", "legend-hint");
  hint.append(codicon("info"));
  hint.title =
    "Wheel or + and − to zoom, drag or the arrow keys to pan, 0 to fit; wheel over the names scrolls. Hover anything for an explanation, click it to open its line.";
  list.append(hint);
  return list;
}
