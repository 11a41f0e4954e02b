// One build script, one entry per environment (runtime, its bootstraps, the hub, the CLI).
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
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
