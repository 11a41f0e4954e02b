/**
 * The `procscope.*` settings that shape a run, read for the file being run (settings can
 * differ per workspace folder).
 */
import * as path from "node:path";
import * as vscode from "vscode";

export interface RunSettings {
  nodePath: string;
  args: string[];
  /** Variables to set; null removes one from the inherited environment. */
  env: Record<string, string | null>;
  cwd: string;
  /** Resource sampling interval in ms; 0 turns sampling off. */
  sampleInterval: number;
}

export function readRunSettings(file: vscode.Uri): RunSettings {
  const config = vscode.workspace.getConfiguration("procscope", file);
  const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath;
  const fileDir = path.dirname(file.fsPath);
  const expand = (value: string): string =>
    value
      .replace(/\$\{workspaceFolder\}/g, folder ?? fileDir)
      .replace(/\$\{fileDirname\}/g, fileDir)
      .replace(/\$\{file\}/g, file.fsPath);
  const cwdSetting = expand(config.get<string>("cwd", "").trim());
  const base = folder ?? fileDir;
  const env: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(config.get<Record<string, unknown>>("env", {}))) {
    env[key] = value === null ? null : expand(String(value));
  }
  const interval = config.get<number>("sampleInterval", 500);
  return {
    nodePath: expand(config.get<string>("nodePath", "")),
    args: config.get<unknown[]>("args", []).map((arg) => expand(String(arg))),
    env,
    cwd: cwdSetting === "" ? base : path.resolve(base, cwdSetting),
    sampleInterval: interval > 0 ? Math.max(100, interval) : 0,
  };
}

/** The program's environment: the editor's, with the settings' changes applied. */
export function programEnv(
  settings: RunSettings,
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const [key, value] of Object.entries(settings.env)) {
    if (value === null) delete env[key];
    else env[key] = value;
  }
  return env;
}
