// One build script, one entry per environment (runtime, its bootstraps, the hub, the CLI,
// the extension host, the TypeScript server plugin).
import * as fs from "node:fs";
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "linked",
  logLevel: "warning",
  external: ["esbuild", "vscode"],
};

const builds = [
  {
    ...common,
    entryPoints: {
      index: "src/runtime/index.ts",
      child: "src/runtime/child.ts",
      root: "src/runtime/root.ts",
      hub: "src/runtime/hub/main.ts",
    },
    outdir: "dist/runtime",
  },
  { ...common, entryPoints: { main: "src/cli/main.ts" }, outdir: "dist/cli" },
  // The panel: browser code, one script and one stylesheet, loaded under a strict CSP.
  {
    bundle: true,
    platform: "browser",
    target: "chrome120",
    format: "iife",
    sourcemap: "linked",
    logLevel: "warning",
    entryPoints: { panel: "webview/main.ts" },
    outdir: "dist/webview",
  },
  {
    bundle: true,
    logLevel: "warning",
    entryPoints: { panel: "webview/panel.css" },
    outdir: "dist/webview",
  },
  // The extension host side; `vscode` is provided by the editor, pidusage is bundled in.
  { ...common, entryPoints: { extension: "src/extension/extension.ts" }, outdir: "dist/extension" },
  // Loaded by tsserver from node_modules/procscope-typescript-plugin in the packaged extension.
  {
    ...common,
    entryPoints: { index: "src/extension/typescript-plugin.ts" },
    outdir: "dist/typescript-plugin",
    sourcemap: false,
  },
];

// The codicon font for the panel, served from the extension like the panel's own bundle.
fs.mkdirSync("dist/codicons", { recursive: true });
for (const file of ["codicon.css", "codicon.ttf"]) {
  fs.copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/codicons/${file}`);
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
