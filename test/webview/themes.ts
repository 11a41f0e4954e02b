/**
 * The `--vscode-*` variables a webview gets, for three of VS Code's default themes (Dark
 * Modern, Light Modern, Dark High Contrast): the colours the panel reads, with their
 * values in those themes.
 */

type Variables = Record<string, string>;

const shared: Variables = {
  "font-family":
    '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  "font-size": "13px",
  "font-weight": "normal",
};

const dark: Variables = {
  foreground: "#cccccc",
  descriptionForeground: "#9d9d9d",
  errorForeground: "#f85149",
  "editor-background": "#1f1f1f",
  "editorCursor-foreground": "#aeafad",
  "charts-foreground": "#cccccc",
  "charts-lines": "rgba(204, 204, 204, 0.5)",
  "charts-red": "#f14c4c",
  "charts-blue": "#3794ff",
  "charts-yellow": "#cca700",
  "charts-orange": "#d18616",
  "charts-green": "#89d185",
  "charts-purple": "#b180d7",
  focusBorder: "#0078d4",
  "list-hoverBackground": "#2a2d2e",
  "list-activeSelectionBackground": "#04395e",
  "list-activeSelectionForeground": "#ffffff",
  "list-inactiveSelectionBackground": "#37373d",
  "list-focusOutline": "#0078d4",
  "badge-background": "#616161",
  "badge-foreground": "#f8f8f8",
  "button-background": "#0078d4",
  "button-foreground": "#ffffff",
  "button-hoverBackground": "#026ec1",
  "button-border": "rgba(255, 255, 255, 0.07)",
  "button-secondaryBackground": "#313131",
  "button-secondaryForeground": "#cccccc",
  "button-secondaryHoverBackground": "#3c3c3c",
  "toolbar-hoverBackground": "rgba(90, 93, 94, 0.31)",
  "panel-border": "#2b2b2b",
  "sideBarSectionHeader-background": "#181818",
  "sideBarSectionHeader-foreground": "#cccccc",
  "sideBarSectionHeader-border": "#2b2b2b",
  "editorHoverWidget-background": "#202020",
  "editorHoverWidget-foreground": "#cccccc",
  "editorHoverWidget-border": "#454545",
  "editorWidget-border": "#454545",
  "widget-shadow": "rgba(0, 0, 0, 0.36)",
  "editorWarning-foreground": "#cca700",
  "editorError-foreground": "#f14c4c",
  "symbolIcon-classForeground": "#ee9d28",
  "inputValidation-errorBackground": "#5a1d1d",
  "inputValidation-errorBorder": "#be1100",
};

const light: Variables = {
  foreground: "#3b3b3b",
  descriptionForeground: "#3b3b3b",
  errorForeground: "#f85149",
  "editor-background": "#ffffff",
  "editorCursor-foreground": "#000000",
  "charts-foreground": "#616161",
  "charts-lines": "rgba(97, 97, 97, 0.5)",
  "charts-red": "#e51400",
  "charts-blue": "#1a85ff",
  "charts-yellow": "#bf8803",
  "charts-orange": "#d18616",
  "charts-green": "#388a34",
  "charts-purple": "#652d90",
  focusBorder: "#005fb8",
  "list-hoverBackground": "#f2f2f2",
  "list-activeSelectionBackground": "#e8e8e8",
  "list-activeSelectionForeground": "#000000",
  "list-inactiveSelectionBackground": "#e4e6f1",
  "list-focusOutline": "#005fb8",
  "badge-background": "#cccccc",
  "badge-foreground": "#3b3b3b",
  "button-background": "#005fb8",
  "button-foreground": "#ffffff",
  "button-hoverBackground": "#0258a8",
  "button-border": "rgba(0, 0, 0, 0.1)",
  "button-secondaryBackground": "#e5e5e5",
  "button-secondaryForeground": "#3b3b3b",
  "button-secondaryHoverBackground": "#cccccc",
  "toolbar-hoverBackground": "rgba(184, 184, 184, 0.31)",
  "panel-border": "#e5e5e5",
  "sideBarSectionHeader-background": "#f8f8f8",
  "sideBarSectionHeader-foreground": "#3b3b3b",
  "sideBarSectionHeader-border": "#e5e5e5",
  "editorHoverWidget-background": "#f8f8f8",
  "editorHoverWidget-foreground": "#3b3b3b",
  "editorHoverWidget-border": "#c8c8c8",
  "editorWidget-border": "#c8c8c8",
  "widget-shadow": "rgba(0, 0, 0, 0.16)",
  "editorWarning-foreground": "#bf8803",
  "editorError-foreground": "#e51400",
  "symbolIcon-classForeground": "#d67e00",
  "inputValidation-errorBackground": "#f2dede",
  "inputValidation-errorBorder": "#be1100",
};

const highContrast: Variables = {
  foreground: "#ffffff",
  descriptionForeground: "rgba(255, 255, 255, 0.7)",
  errorForeground: "#f48771",
  "editor-background": "#000000",
  "editorCursor-foreground": "#ffffff",
  "charts-foreground": "#ffffff",
  "charts-lines": "rgba(255, 255, 255, 0.5)",
  "charts-red": "#f14c4c",
  "charts-blue": "#3794ff",
  "charts-yellow": "#ffd700",
  "charts-orange": "#d18616",
  "charts-green": "#89d185",
  "charts-purple": "#b180d7",
  focusBorder: "#f38518",
  contrastBorder: "#6fc3df",
  contrastActiveBorder: "#f38518",
  "list-hoverBackground": "transparent",
  "list-activeSelectionBackground": "transparent",
  "list-inactiveSelectionBackground": "transparent",
  "list-focusOutline": "#f38518",
  "badge-background": "#000000",
  "badge-foreground": "#ffffff",
  "button-background": "#000000",
  "button-foreground": "#ffffff",
  "button-border": "#6fc3df",
  "button-secondaryBackground": "transparent",
  "button-secondaryForeground": "#ffffff",
  "panel-border": "#6fc3df",
  "sideBarSectionHeader-background": "transparent",
  "sideBarSectionHeader-foreground": "#ffffff",
  "sideBarSectionHeader-border": "#6fc3df",
  "editorHoverWidget-background": "#0c141f",
  "editorHoverWidget-foreground": "#ffffff",
  "editorHoverWidget-border": "#6fc3df",
  "editorWidget-border": "#6fc3df",
  "editorWarning-foreground": "#ffd370",
  "editorError-foreground": "#ff3232",
  "symbolIcon-classForeground": "#ee9d28",
  "inputValidation-errorBackground": "#000000",
  "inputValidation-errorBorder": "#6fc3df",
};

export type ThemeKind = "dark" | "light" | "high-contrast";

export const themeClasses: Record<ThemeKind, string> = {
  dark: "vscode-dark",
  light: "vscode-light",
  "high-contrast": "vscode-high-contrast",
};

function block(selector: string, variables: Variables): string {
  const lines = Object.entries({ ...shared, ...variables }).map(
    ([name, value]) => `  --vscode-${name}: ${value};`,
  );
  return `${selector} {\n${lines.join("\n")}\n}\n`;
}

/** One stylesheet with each theme's variables under its body class, as VS Code sets them. */
export function themeStylesheet(): string {
  return [
    block("body.vscode-dark", dark),
    block("body.vscode-light", light),
    block("body.vscode-high-contrast", highContrast),
  ].join("\n");
}
