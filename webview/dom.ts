/**
 * Small DOM helpers. Program data (process names, previews, paths) only ever reaches the
 * page through `textContent` and attributes set by these: never as HTML.
 */

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A codicon glyph; decorative, so hidden from screen readers. */
export function codicon(name: string, extraClass = ""): HTMLSpanElement {
  const icon = element("span", `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ""}`);
  icon.setAttribute("aria-hidden", "true");
  return icon;
}

/** Sets the text only when it changed, so that live updates touch the DOM little. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function setTitle(node: HTMLElement, title: string): void {
  if (node.title !== title) node.title = title;
}

/** Replaces a codicon's glyph, keeping its other classes. */
export function setIcon(icon: HTMLElement, name: string, extraClass = ""): void {
  const className = `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ""}`;
  if (icon.className !== className) icon.className = className;
}

export function button(
  label: string,
  iconName: string | null,
  onClick: () => void,
  className = "button",
): HTMLButtonElement {
  const node = element("button", className);
  node.type = "button";
  // A narrow panel shows only the icon: the label stays as the tooltip and accessible name.
  node.title = label;
  if (iconName) node.append(codicon(iconName));
  node.append(element("span", "button-label", label));
  node.addEventListener("click", onClick);
  return node;
}

/** One formatter for every count: `toLocaleString` builds a new one per call. */
const counts = new Intl.NumberFormat("en-US");

/** 199986 → "199,986": counts read at a glance. */
export function formatCount(count: number): string {
  return counts.format(count);
}
