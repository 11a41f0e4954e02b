// `npm run package`: builds the extension and packs it into procscope-<version>.vsix with
// @vscode/vsce, for this machine's platform.
//
// The package is assembled in out/vsix first, because it needs node_modules that the repo's
// own install does not lay out that way: the runtime compiles the user's TypeScript with
// esbuild at run time (so esbuild's JS package and its native binary ship), and tsserver
// loads the extension's TypeScript plugin only from <extension>/node_modules/<name>.
// Everything else is bundled into dist/ by esbuild.
// Usage: node scripts/package-vsix.mjs [--out FILE]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const stage = path.join(root, "out", "vsix");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const target = `${process.platform}-${process.arch}`;
const outArg = process.argv.indexOf("--out");
const vsixPath = path.resolve(
  outArg >= 0
    ? process.argv[outArg + 1]
    : path.join(root, `${manifest.name}-${manifest.version}.vsix`),
);
export const TS_PLUGIN = "procscope-typescript-plugin";

function run(title, command, args, cwd = root) {
  process.stderr.write(`package: ${title}\n`);
  const result = spawnSync(command, args, { cwd, stdio: ["ignore", 2, 2] });
  if (result.status !== 0) {
    process.stderr.write(`package: ${title} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
}

function copy(from, to, filter = () => true) {
  fs.cpSync(path.join(root, from), path.join(stage, to ?? from), {
    recursive: true,
    filter: (source) => filter(source),
    dereference: true,
  });
}

const noMaps = (source) => !source.endsWith(".map");

run("build", process.execPath, ["esbuild.mjs"]);
run("declarations", process.execPath, [
  "node_modules/typescript/bin/tsc",
  "-p",
  "tsconfig.types.json",
]);
if (!fs.existsSync(path.join(root, "dist", "webview", "panel.js"))) {
  process.stderr.write(
    "package: warning: dist/webview/panel.js is missing; the panel shows its stand-in page\n",
  );
}

fs.rmSync(stage, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });
for (const dir of ["extension", "runtime", "types", "webview", "codicons"]) {
  if (fs.existsSync(path.join(root, "dist", dir))) copy(`dist/${dir}`, undefined, noMaps);
}
// A run of an example from the repo leaves its traces beside it; they are not examples.
copy("examples", undefined, (source) => !source.includes(`${path.sep}.procscope`));
copy(".vscodeignore");

// The README's links to docs/ would point nowhere inside the package: keep their text.
const readme = fs
  .readFileSync(path.join(root, "README.md"), "utf8")
  .replace(/\[([^\]]+)\]\((?!https?:)[^)]+\)/g, "$1");
fs.writeFileSync(path.join(stage, "README.md"), readme);

// esbuild, and the native binary package for this platform only.
const binaryPackage = `@esbuild/${target}`;
// esbuild's bin/ is its command line (a second copy of the binary); the API needs lib/ only.
copy("node_modules/esbuild", undefined, (source) => !source.includes(`esbuild${path.sep}bin`));
if (!fs.existsSync(path.join(root, "node_modules", binaryPackage))) {
  process.stderr.write(`package: ${binaryPackage} is not installed; run npm ci on ${target}\n`);
  process.exit(1);
}
copy(`node_modules/${binaryPackage}`);
const esbuildVersion = JSON.parse(
  fs.readFileSync(path.join(root, "node_modules", "esbuild", "package.json"), "utf8"),
).version;

// The TypeScript server plugin, as the package tsserver looks for.
const pluginDir = path.join(stage, "node_modules", TS_PLUGIN);
fs.mkdirSync(pluginDir, { recursive: true });
fs.copyFileSync(
  path.join(root, "dist", "typescript-plugin", "index.js"),
  path.join(pluginDir, "index.js"),
);
fs.writeFileSync(
  path.join(pluginDir, "package.json"),
  JSON.stringify(
    { name: TS_PLUGIN, version: manifest.version, main: "index.js", private: true },
    null,
    2,
  ),
);

// The extension's manifest: the repo's package.json without what only builds and tests need.
const { devDependencies: _dev, scripts: _scripts, bin: _bin, ...extensionManifest } = manifest;
extensionManifest.dependencies = {
  esbuild: esbuildVersion,
  [binaryPackage]: esbuildVersion,
  [TS_PLUGIN]: manifest.version,
};
fs.writeFileSync(
  path.join(stage, "package.json"),
  JSON.stringify(extensionManifest, null, 2) + "\n",
);

fs.rmSync(vsixPath, { force: true });
run(
  "vsce package",
  process.execPath,
  [
    path.join(root, "node_modules", "@vscode", "vsce", "vsce"),
    "package",
    "--target",
    target,
    "--out",
    vsixPath,
    "--skip-license",
    "--allow-missing-repository",
  ],
  stage,
);
process.stdout.write(`${vsixPath}\n`);
