// The code under test, frozen for the session. Other work on this machine rebuilds dist/
// at any moment (sometimes half-written, sometimes from unfinished sources); running every
// procscope row from a private copy taken once keeps all runs of a session on one build.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Copies dist/cli and dist/runtime into `scratch`; returns the copied CLI entry. */
export function snapshotBuild(root, scratch) {
  const dist = path.join(root, "dist");
  for (const part of ["cli", "runtime"]) {
    if (!fs.existsSync(path.join(dist, part))) {
      throw new Error(`${path.join(dist, part)} is missing: build first (node esbuild.mjs)`);
    }
  }
  const copy = path.join(scratch, "dist");
  for (const part of ["cli", "runtime"]) {
    fs.cpSync(path.join(dist, part), path.join(copy, part), { recursive: true });
  }
  // The runtime loads esbuild from node_modules, found by walking up from its own folder.
  fs.symlinkSync(path.join(root, "node_modules"), path.join(scratch, "node_modules"), "dir");
  return path.join(copy, "cli", "main.js");
}

/** Removes the snapshot (the node_modules link itself, never what it points to). */
export function removeSnapshot(scratch) {
  try {
    fs.unlinkSync(path.join(scratch, "node_modules"));
  } catch {
    // Not made yet.
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

/** The commit measured, and whether the working tree differed from it in src/. */
export function describeSource(root) {
  try {
    const git = (...args) =>
      execFileSync("git", args, {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    const commit = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--", "src").length > 0;
    return dirty ? `${commit} + uncommitted changes in src/` : commit;
  } catch {
    return "unknown";
  }
}
