/**
 * The editor's runs: at most one live run per file, the latest one (which the panel and
 * the status bar follow), and a `procscope.runningFiles` context key so that the editor
 * title shows Stop instead of Run for a file that is running.
 */
import * as vscode from "vscode";
import type { RunSession } from "./run-session";

export class RunRegistry implements vscode.Disposable {
  private readonly running = new Map<string, RunSession>();
  /** Finished runs are kept until the next run of the same file, for the panel and export. */
  private readonly byFile = new Map<string, RunSession>();
  private readonly changed = new vscode.EventEmitter<RunSession>();
  readonly onDidChange = this.changed.event;
  latest: RunSession | null = null;

  runningFor(file: string): RunSession | undefined {
    return this.running.get(file);
  }

  get live(): RunSession[] {
    return [...this.running.values()];
  }

  add(session: RunSession): void {
    const file = session.request.entry;
    this.byFile.get(file)?.dispose();
    this.byFile.set(file, session);
    this.running.set(file, session);
    this.latest = session;
    session.onDidChangeState(() => {
      if (!session.running && this.running.get(file) === session) this.running.delete(file);
      this.update(session);
    });
    this.update(session);
  }

  private update(session: RunSession): void {
    void vscode.commands.executeCommand("setContext", "procscope.runningFiles", [
      ...this.running.keys(),
    ]);
    this.changed.fire(session);
  }

  dispose(): void {
    for (const session of this.byFile.values()) session.dispose();
    this.byFile.clear();
    this.running.clear();
    this.changed.dispose();
  }
}
