/**
 * Colours for the canvas, read from VS Code's `--vscode-*` variables at draw time (a
 * canvas cannot use CSS variables directly). VS Code changes the body's class
 * (vscode-light, vscode-dark, vscode-high-contrast…) and the variables when the user
 * switches themes: `watchTheme` notices and the canvas redraws.
 */

export interface Palette {
  kind: "light" | "dark" | "high-contrast" | "high-contrast-light";
  background: string;
  foreground: string;
  muted: string;
  running: string;
  blocked: string;
  lockWait: string;
  lockHold: string;
  message: string;
  task: string;
  failure: string;
  cursor: string;
  grid: string;
  hover: string;
  selection: string;
  focus: string;
  /** Outline drawn around shapes in high-contrast themes; empty otherwise. */
  contrastBorder: string;
  font: string;
}

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(`--vscode-${name}`).trim();
  return value || fallback;
}

function themeKind(): Palette["kind"] {
  const classes = document.body.classList;
  if (classes.contains("vscode-high-contrast-light")) return "high-contrast-light";
  if (classes.contains("vscode-high-contrast")) return "high-contrast";
  if (classes.contains("vscode-light")) return "light";
  return "dark";
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const foreground = variable(style, "foreground", style.color || "#cccccc");
  const muted = variable(style, "descriptionForeground", foreground);
  const fontFamily = variable(style, "font-family", "sans-serif");
  const fontSize = variable(style, "font-size", "13px");
  return {
    kind: themeKind(),
    background: variable(style, "editor-background", style.backgroundColor || "#1e1e1e"),
    foreground,
    muted,
    running: variable(style, "charts-green", foreground),
    blocked: variable(style, "charts-yellow", muted),
    lockWait: variable(style, "charts-red", foreground),
    lockHold: variable(style, "charts-purple", foreground),
    message: variable(style, "charts-blue", foreground),
    task: variable(style, "charts-orange", foreground),
    failure: variable(style, "errorForeground", foreground),
    cursor: variable(style, "editorCursor-foreground", foreground),
    grid: variable(style, "charts-lines", muted),
    hover: variable(style, "list-hoverBackground", "transparent"),
    selection: variable(style, "list-inactiveSelectionBackground", "transparent"),
    focus: variable(style, "focusBorder", foreground),
    contrastBorder: variable(style, "contrastBorder", ""),
    font: `${fontSize} ${fontFamily}`,
  };
}

/** Calls `onChange` when the theme changes; returns a function that stops watching. */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ["class"] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["style"] });
  return () => observer.disconnect();
}
