/**
 * Which `node` runs the user's program: the `procscope.nodePath` setting, else `node` on
 * PATH, else VS Code's own runtime (Electron run as plain Node), so that a run works on a
 * machine without Node installed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";

export interface NodeRuntime {
  /** Executable to spawn. */
  path: string;
  /** `process.version` of that executable. */
  version: string;
  /** Variables it needs (ELECTRON_RUN_AS_NODE for VS Code's runtime). */
  env: Record<string, string>;
  /** Where it came from, for messages. */
  origin: "setting" | "path" | "editor";
}

export class NodeRuntimeError extends Error {}

/** The runtime's bundles use Node 20 APIs. */
const MIN_MAJOR = 20;

export async function resolveNodeRuntime(setting: string): Promise<NodeRuntime> {
  if (setting.trim() !== "") {
    const runtime = await probe(setting.trim(), {}, "setting");
    if (!runtime)
      throw new NodeRuntimeError(
        `procscope.nodePath is "${setting}", which does not run as Node.js. Fix the setting or clear it to use node from PATH.`,
      );
    return checked(runtime);
  }
  const onPath = findOnPath("node");
  const fromPath = onPath ? await probe(onPath, {}, "path") : null;
  if (fromPath) return checked(fromPath);
  const editor = await probe(process.execPath, { ELECTRON_RUN_AS_NODE: "1" }, "editor");
  if (!editor) throw new NodeRuntimeError("No Node.js found: set procscope.nodePath.");
  return checked(editor);
}

function checked(runtime: NodeRuntime): NodeRuntime {
  const major = Number(/^v(\d+)/.exec(runtime.version)?.[1] ?? 0);
  if (major < MIN_MAJOR) {
    throw new NodeRuntimeError(
      `procscope needs Node.js ${MIN_MAJOR} or later; ${runtime.path} is ${runtime.version}. Set procscope.nodePath to a newer node.`,
    );
  }
  return runtime;
}

function probe(
  executable: string,
  env: Record<string, string>,
  origin: NodeRuntime["origin"],
): Promise<NodeRuntime | null> {
  return new Promise((resolve) => {
    execFile(
      executable,
      ["-p", "process.version"],
      { env: { ...process.env, ...env }, timeout: 10_000 },
      (error, stdout) => {
        const version = String(stdout).trim();
        resolve(
          error || !/^v\d+\./.test(version) ? null : { path: executable, version, env, origin },
        );
      },
    );
  });
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, process.platform === "win32" ? `${name}.exe` : name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}
