/**
 * Real VS Code for the E2E tier: code-server (installed offline by
 * scripts/setup-code-server.mjs) on a free loopback port, with the packaged extension
 * installed into a fresh extensions folder. Stopped by the pid this file started, with its
 * whole process group (extension host, pty host, file watcher, the runs they started).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export const root = path.resolve(__dirname, "..", "..", "..");

/** Installs code-server if needed (idempotent) and returns its entry script. */
export function setUpCodeServer(): string {
  const result = spawnSync(
    process.execPath,
    [path.join(root, "scripts", "setup-code-server.mjs")],
    {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  if (result.status !== 0) throw new Error("scripts/setup-code-server.mjs failed (see above)");
  return result.stdout.trim().split("\n").pop() ?? "";
}

/** Builds the .vsix exactly as `npm run package` does. */
export function packageExtension(out: string): string {
  const result = spawnSync(
    process.execPath,
    [path.join(root, "scripts", "package-vsix.mjs"), "--out", out],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  if (result.status !== 0) throw new Error(`packaging failed:\n${result.stderr}`);
  return out;
}

/** code-server without an extension gallery: it would query one on the internet. */
function offlineEnv(): NodeJS.ProcessEnv {
  return { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: "" }) };
}

export function installExtension(entry: string, vsix: string, extensionsDir: string): void {
  const result = spawnSync(
    process.execPath,
    [entry, "--extensions-dir", extensionsDir, "--install-extension", vsix],
    {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
      env: offlineEnv(),
    },
  );
  if (result.status !== 0) {
    throw new Error(`--install-extension failed:\n${result.stdout}\n${result.stderr}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServer {
  url: string;
  pid: number;
  /** Everything code-server printed, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

interface CodeServerOptions {
  entry: string;
  extensionsDir: string;
  userDataDir: string;
}

/**
 * Starts code-server on a free port. The port is free when asked for but only taken when
 * code-server binds it; should another process take it in between, a new one is tried.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCodeServerOn(await freePort(), options);
    } catch (error) {
      if (attempt === 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

async function startCodeServerOn(port: number, options: CodeServerOptions): Promise<CodeServer> {
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      options.entry,
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--extensions-dir",
      options.extensionsDir,
      "--user-data-dir",
      options.userDataDir,
      "--disable-telemetry",
      "--disable-update-check",
    ],
    // Its own process group, so that stopping it also stops the extension host and its runs.
    { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: offlineEnv() },
  );
  const collect = (chunk: Buffer): void => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited at start:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      // Not left behind: its whole group goes (it may have started an extension host).
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Gone already.
      }
      throw new Error(`code-server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    pid: child.pid ?? 0,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || !child.pid) return;
      const group = -child.pid;
      try {
        process.kill(group, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(group, "SIGKILL");
        } catch {
          // Gone already.
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
      // Children that outlive their parent (a run's processes) still share the group.
      try {
        process.kill(group, "SIGKILL");
      } catch {
        // Nothing left.
      }
    },
  };
}

/** A fresh folder under out/e2e. */
export function freshDir(name: string): string {
  const dir = path.join(root, "out", "e2e", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
