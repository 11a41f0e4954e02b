/** Every `procscope.*` command, and what the panel's own buttons ask for. */
import * as vscode from "vscode";
import type { FromWebviewMessage } from "../../protocol/panel";
import { assertNever } from "../../protocol/trace";
import type { ProcscopeContext } from "../context";
import type { TraceSource } from "../trace-source";
import { RunSession } from "../run-session";
import { openExample } from "./examples";
import { openSource } from "./open-source";
import { runFile } from "./run-file";
import { stopRun } from "./stop";
import { exportPerfetto, openTrace } from "./traces";

export function registerCommands(context: ProcscopeContext): vscode.Disposable[] {
  const command = (id: string, run: (...args: never[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, run);
  return [
    command("procscope.run", (uri?: vscode.Uri) => runFile(context, uri)),
    command("procscope.stop", (uri?: vscode.Uri) => stopRun(context, uri)),
    command("procscope.openTrace", (uri?: vscode.Uri) => openTrace(uri)),
    command("procscope.exportPerfetto", (uri?: vscode.Uri) => exportPerfetto(context, uri)),
    command("procscope.showPanel", () => context.panel.show(context.runs.latest)),
    command("procscope.openExample", (name?: string) => openExample(context, name)),
  ];
}

/** Messages from a panel other than the feed's own `ready`. */
export function handlePanelMessage(
  context: ProcscopeContext,
  message: FromWebviewMessage,
  source: TraceSource | null,
): void {
  const session = source instanceof RunSession ? source : null;
  switch (message.type) {
    case "ready":
      return;
    case "open-source":
      void openSource(message.loc, source);
      return;
    case "command":
      switch (message.command) {
        case "run":
          // Run again what the panel shows, or else the active file.
          void runFile(context, session ? vscode.Uri.file(session.request.entry) : undefined);
          return;
        case "stop":
          if (session) session.stop();
          else void stopRun(context);
          return;
        case "open-trace":
          void openTrace();
          return;
        case "export-perfetto":
          void exportPerfetto(
            context,
            session?.tracePath ? vscode.Uri.file(session.tracePath) : undefined,
          );
          return;
        case "open-example":
          void openExample(context);
          return;
        default:
          assertNever(message.command);
      }
      return;
    default:
      assertNever(message);
  }
}
