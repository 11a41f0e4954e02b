// `npm test`: types, lint and format, then every test tier that can run on this machine.
// Usage: node scripts/test.mjs [tier…]   (tiers: static, unit, integration, faults, webview, e2e;
// default: all). The faults tier reads PROCSCOPE_FAULT_SEED / _ROUNDS / _ONLY (test/faults/plan.ts).
// PROCSCOPE_TEST_FILE=NAME runs only the test files whose name contains NAME (e.g. `flood`).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const ALL_TIERS = ["static", "unit", "integration", "faults", "webview", "e2e"];
const requested = process.argv.slice(2);
const unknown = requested.filter((tier) => !ALL_TIERS.includes(tier));
if (unknown.length > 0) {
  process.stderr.write(`unknown tier ${unknown.join(", ")} (tiers: ${ALL_TIERS.join(", ")})\n`);
  process.exit(2);
}
const tiers = requested.length > 0 ? requested : ALL_TIERS;
const onlyFiles = process.env.PROCSCOPE_TEST_FILE;
let failed = false;
/** Whether any test file was run (a filter that matches none must not pass). */
let ranTests = false;

function run(title, command, args, options = {}) {
  process.stdout.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.status !== 0) {
    process.stdout.write(`== ${title}: FAILED (exit ${result.status ?? result.signal})\n`);
    failed = true;
  }
}

function testFiles(dir) {
  const full = path.join(root, "test", dir);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full)
    .filter((name) => name.endsWith(".test.ts"))
    .filter((name) => name.includes(onlyFiles ?? ""))
    .map((name) => path.join(full, name));
}

async function buildTests(dir) {
  const files = testFiles(dir);
  const outdir = path.join(root, "out", "test", dir);
  fs.rmSync(outdir, { recursive: true, force: true });
  if (files.length === 0) return [];
  await esbuild.build({
    entryPoints: files,
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "inline",
    external: ["esbuild", "procscope", "playwright-core"],
    logLevel: "warning",
  });
  return files.map((file) => path.join(outdir, path.basename(file).replace(/\.ts$/, ".js")));
}

run("build", process.execPath, ["esbuild.mjs"]);
if (tiers.includes("static")) {
  run("typecheck", process.execPath, [
    "node_modules/typescript/bin/tsc",
    "-p",
    "tsconfig.json",
    "--noEmit",
  ]);
  // The panel is browser code and its tests drive a browser: each has its own tsconfig.
  for (const project of ["webview/tsconfig.json", "test/webview/tsconfig.json"]) {
    run(`typecheck ${project}`, process.execPath, [
      "node_modules/typescript/bin/tsc",
      "-p",
      project,
      "--noEmit",
    ]);
  }
  run("lint", process.execPath, ["node_modules/eslint/bin/eslint.js", "."]);
  run("format", process.execPath, ["node_modules/prettier/bin/prettier.cjs", "--check", "."]);
}
// e2e: the packaged extension in real VS Code (code-server) driven through Chromium.
for (const tier of ALL_TIERS.filter((each) => each !== "static")) {
  if (!tiers.includes(tier)) continue;
  const built = await buildTests(tier);
  if (built.length === 0) continue;
  ranTests = true;
  // Integration and fault tests start real processes, webview and e2e tests a browser: one
  // file at a time on a 2-core machine.
  const concurrency = tier === "unit" ? [] : ["--test-concurrency=1"];
  run(`${tier} tests`, process.execPath, [
    "--test",
    "--test-reporter=spec",
    ...concurrency,
    ...built,
  ]);
}
if (onlyFiles !== undefined && !ranTests) {
  const searched = tiers.filter((tier) => tier !== "static").join(", ");
  process.stdout.write(
    `\nPROCSCOPE_TEST_FILE=${onlyFiles} matched no *.test.ts in test/{${searched}}\n`,
  );
  failed = true;
}
process.stdout.write(failed ? "\nSome checks FAILED\n" : "\nAll checks passed\n");
process.exit(failed ? 1 : 0);
