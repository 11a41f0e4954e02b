// `npm run test:vscode`: the smoke checks of the E2E tier, inside desktop VS Code through
// @vscode/test-electron, against the packaged extension (out/vsix, as `npm run package`
// lays it out).
//
// It needs a VS Code: VSCODE_EXECUTABLE=/path/to/code, or PROCSCOPE_VSCODE_DOWNLOAD=1 to let
// @vscode/test-electron download one. Machines that reach only the npm registry (such as the
// project's CI) cannot download it, so without either the suite skips, saying so; the E2E
// tier (code-server in Chromium, `npm test`) covers the same checks there.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as esbuild from "esbuild";

const root = path.resolve(import.meta.dirname, "..", "..");
const executable = process.env.VSCODE_EXECUTABLE;
const download = process.env.PROCSCOPE_VSCODE_DOWNLOAD === "1";
if (!executable && !download) {
  process.stdout.write(
    "test:vscode skipped: no VS Code to run. Set VSCODE_EXECUTABLE to a VS Code binary, or\n" +
      "PROCSCOPE_VSCODE_DOWNLOAD=1 where VS Code can be downloaded (not on machines that reach\n" +
      "only the npm registry; there `npm test` runs the same checks in code-server).\n",
  );
  process.exit(0);
}

const packaged = spawnSync(process.execPath, [path.join(root, "scripts", "package-vsix.mjs")], {
  cwd: root,
  stdio: "inherit",
});
if (packaged.status !== 0) process.exit(1);

const outdir = path.join(root, "out", "test", "vscode");
await esbuild.build({
  entryPoints: { suite: path.join(root, "test", "vscode", "suite", "index.ts") },
  outdir,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "inline",
  external: ["vscode"],
  logLevel: "warning",
});

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "procscope-vscode-"));
const { runTests } = await import("@vscode/test-electron");
try {
  await runTests({
    ...(executable ? { vscodeExecutablePath: executable } : {}),
    extensionDevelopmentPath: path.join(root, "out", "vsix"),
    extensionTestsPath: path.join(outdir, "suite.js"),
    launchArgs: [workspace, "--skip-welcome", "--skip-release-notes"],
    extensionTestsEnv: { PROCSCOPE_TEST_EXAMPLES: path.join(root, "examples") },
  });
} catch (error) {
  process.stderr.write(`test:vscode failed: ${error instanceof Error ? error.message : error}\n`);
  process.exitCode = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
