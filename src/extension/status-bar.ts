/**
 * The status bar item while a run lives: processes alive, events per second, events
 * dropped. Clicking it shows the panel. Refreshed twice a second, only while runs live.
 */
import * as vscode from "vscode";
import type { RunRegistry } from "./run-registry";

const REFRESH_MS = 500;

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  private readonly listener: vscode.Disposable;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly runs: RunRegistry) {
    this.item.name = "Procscope run";
    this.item.command = "procscope.showPanel";
    this.listener = runs.onDidChange(() => this.refresh());
  }

  private refresh(): void {
    const session = this.runs.latest?.running ? this.runs.latest : this.runs.live[0];
    if (!session) {
      this.item.hide();
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    this.timer ??= setInterval(() => this.refresh(), REFRESH_MS);
    const { stats } = session;
    const rate = stats.takeRate();
    const others = this.runs.live.length - 1;
    this.item.text =
      `$(pulse) ${stats.alive.size} alive · ${formatRate(rate)} ev/s` +
      (stats.dropped > 0 ? ` · $(warning) ${stats.dropped} dropped` : "") +
      (others > 0 ? ` · +${others} run${others > 1 ? "s" : ""}` : "");
    this.item.tooltip =
      `Procscope: ${session.request.entry}\n${stats.alive.size} processes alive, ` +
      `${stats.events} events so far, ${stats.dropped} dropped (the panel's warnings say where).\n` +
      `Click to show the panel.`;
    this.item.backgroundColor =
      stats.dropped > 0 ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.listener.dispose();
    this.item.dispose();
  }
}

function formatRate(rate: number): string {
  if (rate >= 1_000_000) return `${(rate / 1_000_000).toFixed(1)}M`;
  if (rate >= 10_000) return `${Math.round(rate / 1000)}k`;
  if (rate >= 1000) return `${(rate / 1000).toFixed(1)}k`;
  return String(Math.round(rate));
}
