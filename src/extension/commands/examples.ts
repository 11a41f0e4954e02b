/**
 * "Open Example…": the example programs shipped with the extension. With a workspace open,
 * the chosen one is copied into `procscope-examples/` there (so it can be edited and run
 * like the user's own code); without one, it opens from the extension.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ProcscopeContext } from "../context";

export const EXAMPLES_FOLDER = "procscope-examples";

interface Example {
  name: string;
  file: string;
  summary: string;
}

export function listExamples(extensionUri: vscode.Uri): Example[] {
  const dir = vscode.Uri.joinPath(extensionUri, "examples").fsPath;
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".ts"))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      // The first comment line says what the example shows.
      const first = fs.readFileSync(file, "utf8").split("\n", 1)[0] ?? "";
      return { name: path.basename(name, ".ts"), file, summary: first.replace(/^\/\/\s*/, "") };
    });
}

export async function openExample(context: ProcscopeContext, name?: string): Promise<void> {
  const examples = listExamples(context.extensionUri);
  let example =
    typeof name === "string" ? examples.find((entry) => entry.name === name) : undefined;
  if (!example) {
    const picked = await vscode.window.showQuickPick(
      examples.map((entry) => ({ label: entry.name, detail: entry.summary, example: entry })),
      {
        placeHolder: "Open an example program, then run it with Procscope: Run File",
        matchOnDetail: true,
      },
    );
    example = picked?.example;
  }
  if (!example) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  let uri = vscode.Uri.file(example.file);
  if (folder && folder.uri.scheme === "file") {
    const copy = path.join(folder.uri.fsPath, EXAMPLES_FOLDER, path.basename(example.file));
    // An existing copy is the user's: it is opened, never overwritten.
    if (!fs.existsSync(copy)) {
      await fs.promises.mkdir(path.dirname(copy), { recursive: true });
      await fs.promises.copyFile(example.file, copy);
    }
    uri = vscode.Uri.file(copy);
  }
  await vscode.window.showTextDocument(uri, { preview: false });
}
