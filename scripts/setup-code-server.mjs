// Installs code-server (the real VS Code workbench served to a browser, with the real Node
// extension host) from npm into .cache/code-server, for the E2E tier. Its own install script
// downloads binaries from outside the npm registry, which these machines cannot reach, so
// this follows the offline recipe in shared/vscode-web.md. Idempotent: a finished install
// leaves a stamp and is reused.
// Usage: node scripts/setup-code-server.mjs   (prints the path of code-server's entry.js)
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const CODE_SERVER_VERSION = "4.100.3";
const root = path.resolve(import.meta.dirname, "..");
const cache = path.join(root, ".cache", "code-server");
const pkg = path.join(cache, "package");
const vscode = path.join(pkg, "lib", "vscode");
const stamp = path.join(cache, `installed-${CODE_SERVER_VERSION}`);
export const codeServerEntry = path.join(pkg, "out", "node", "entry.js");

/** Debian packages the install or the tests need, with the file that proves each one. */
const DEBIAN_PACKAGES = [
  { name: "ripgrep", file: "/usr/bin/rg", why: "VS Code's search binary (its npm step downloads)" },
  {
    name: "libkrb5-dev",
    file: "/usr/include/gssapi/gssapi.h",
    why: "gssapi headers for the kerberos native module",
  },
  { name: "chromium", file: "/usr/bin/chromium", why: "the browser that drives the workbench" },
];

function fail(message) {
  process.stderr.write(`setup-code-server: ${message}\n`);
  process.exit(1);
}

function step(title, command, args, cwd, env = {}) {
  process.stderr.write(`setup-code-server: ${title}\n`);
  const result = spawnSync(command, args, {
    cwd,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", ...env },
  });
  if (result.status !== 0) fail(`${title} failed (exit ${result.status ?? result.signal})`);
}

function symlink(target, link) {
  fs.rmSync(link, { force: true, recursive: true });
  fs.symlinkSync(target, link);
}

function install() {
  const missing = DEBIAN_PACKAGES.filter((entry) => !fs.existsSync(entry.file));
  if (missing.length > 0) {
    fail(
      `missing Debian package(s): ${missing.map((entry) => `${entry.name} (${entry.why})`).join(", ")}\n` +
        `  install them with: apt-get update && apt-get install -y ${missing.map((entry) => entry.name).join(" ")}`,
    );
  }
  const major = Number(process.versions.node.split(".")[0]);
  if (major !== 20)
    fail(`code-server ${CODE_SERVER_VERSION} needs Node 20 (this is ${process.version})`);

  fs.rmSync(cache, { recursive: true, force: true });
  fs.mkdirSync(cache, { recursive: true });
  step(
    `npm pack code-server@${CODE_SERVER_VERSION}`,
    "npm",
    ["pack", `code-server@${CODE_SERVER_VERSION}`],
    cache,
  );
  const tarball = fs.readdirSync(cache).find((name) => name.endsWith(".tgz"));
  if (!tarball) fail("npm pack produced no tarball");
  step("unpack", "tar", ["-xzf", tarball], cache);
  fs.rmSync(path.join(cache, tarball));

  // Install scripts are skipped (they download); the native modules are rebuilt by name.
  step(
    "install code-server's dependencies",
    "npm",
    ["install", "--omit=dev", "--ignore-scripts"],
    pkg,
  );
  step("rebuild argon2", "npm", ["rebuild", "argon2"], pkg);
  step(
    "install VS Code's dependencies",
    "npm",
    ["install", "--omit=dev", "--ignore-scripts"],
    vscode,
  );
  step(
    "rebuild VS Code's native modules",
    "npm",
    [
      "rebuild",
      "@parcel/watcher",
      "@vscode/deviceid",
      "@vscode/spdlog",
      "kerberos",
      "native-watchdog",
      "node-pty",
    ],
    vscode,
    // node-pty's install step runs `npx node-gyp`, which would ask before installing.
    { npm_config_yes: "true" },
  );
  const ripgrepBin = path.join(vscode, "node_modules", "@vscode", "ripgrep", "bin");
  fs.mkdirSync(ripgrepBin, { recursive: true });
  symlink("/usr/bin/rg", path.join(ripgrepBin, "rg"));
  symlink("node_modules", path.join(vscode, "node_modules.asar"));
  symlink("code-linux.sh", path.join(vscode, "bin", "remote-cli", "code-server"));
  symlink("browser-linux.sh", path.join(vscode, "bin", "helpers", "browser.sh"));
  step(
    "install the built-in extensions' dependencies",
    "npm",
    ["install", "--omit=dev", "--ignore-scripts"],
    path.join(vscode, "extensions"),
  );
  if (!fs.existsSync(codeServerEntry)) fail(`no ${codeServerEntry} after the install`);
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (!fs.existsSync(stamp) || !fs.existsSync(codeServerEntry)) {
  const started = Date.now();
  install();
  process.stderr.write(
    `setup-code-server: done in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
}
process.stdout.write(`${codeServerEntry}\n`);
