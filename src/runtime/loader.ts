/**
 * Loads the user's program: TypeScript (and modern JavaScript) files are compiled with
 * esbuild as they are required, with inline source maps so stacks and recorded call sites
 * point at the user's own lines; `import … from "procscope"` resolves to this runtime
 * wherever the program lives, with nothing installed in the user's folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Module from "node:module";
import * as crypto from "node:crypto";
import type { TransformOptions } from "esbuild";
import { ENV } from "./env";

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _extensions: Record<string, (module: CompilableModule, filename: string) => void>;
}
interface CompilableModule {
  _compile(code: string, filename: string): void;
}

const internals = Module as unknown as ModuleInternals;
let installed = false;

/** A TypeScript or JavaScript syntax error, located in the user's file. */
export class ProgramSyntaxError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = "SyntaxError";
  }
}

export function installLoader(runtimeEntry: string): void {
  if (installed) return;
  installed = true;
  process.setSourceMapsEnabled(true);

  const originalResolve = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    if (request === "procscope") return runtimeEntry;
    try {
      return originalResolve.call(this, request, parent, isMain, options);
    } catch (error) {
      // TypeScript's ESM style names the compiled file: `import "./worker.js"` for worker.ts.
      const match = /^(\.{1,2}\/.*)\.(c|m)?js$/.exec(request);
      if (match) {
        for (const ext of [".ts", ".tsx", ".mts", ".cts"]) {
          try {
            return originalResolve.call(this, match[1] + ext, parent, isMain, options);
          } catch {
            // Try the next extension.
          }
        }
      }
      throw error;
    }
  };

  const compile = (module: CompilableModule, filename: string): void => {
    module._compile(transform(filename), filename);
  };
  for (const ext of [".ts", ".tsx", ".mts", ".cts"]) internals._extensions[ext] = compile;
  // The program's own JavaScript may use `import`/`export`; modules of node_modules load as usual.
  const loadJs = internals._extensions[".js"];
  internals._extensions[".js"] = (module, filename) => {
    if (filename.includes(`${path.sep}node_modules${path.sep}`) || isRuntimeFile(filename)) {
      loadJs(module, filename);
    } else {
      compile(module, filename);
    }
  };
  internals._extensions[".mjs"] = compile;
}

const runtimeDir = path.dirname(__filename);
function isRuntimeFile(filename: string): boolean {
  return filename.startsWith(runtimeDir);
}

/**
 * Every process of a run loads the same modules. The first to compile a file leaves the
 * result in the run's private folder, so that children skip esbuild (whose service takes
 * tens of milliseconds to start) and start about as fast as a plain `node` child.
 */
function transform(filename: string): string {
  const cacheDir = process.env[ENV.compileCache];
  if (!cacheDir) return compileFile(filename);
  const stat = fs.statSync(filename);
  const key = crypto
    .createHash("sha256")
    .update(`${filename}\0${stat.mtimeMs}\0${stat.size}`)
    .digest("hex")
    .slice(0, 32);
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // Not compiled yet in this run.
  }
  const code = compileFile(filename);
  try {
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code, { mode: 0o600 });
    fs.renameSync(temporary, cached);
  } catch {
    // A cache that cannot be written only costs time.
  }
  return code;
}

function compileFile(filename: string): string {
  // esbuild is loaded lazily: a plain JavaScript run that never meets TypeScript skips it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  const source = fs.readFileSync(filename, "utf8");
  const ext = path.extname(filename);
  const options: TransformOptions = {
    loader: ext === ".tsx" ? "tsx" : ext.endsWith("ts") ? "ts" : "js",
    format: "cjs",
    target: "node20",
    platform: "node",
    sourcemap: "inline",
    sourcefile: filename,
    // `import("./worker.js")` becomes a require through this loader: Node's own import()
    // would bypass it and could not load the program's TypeScript modules.
    supported: { "dynamic-import": false },
  };
  try {
    return esbuild.transformSync(source, options).code;
  } catch (error) {
    const first = (
      error as {
        errors?: Array<{
          text: string;
          location?: { line: number; column: number; lineText?: string } | null;
        }>;
      }
    ).errors?.[0];
    if (!first) throw error;
    const line = first.location?.line ?? 0;
    const column = (first.location?.column ?? 0) + 1;
    const gutter = String(line);
    const excerpt = first.location?.lineText
      ? `\n  ${gutter} | ${first.location.lineText}\n  ${" ".repeat(gutter.length)} | ${" ".repeat(column - 1)}^`
      : "";
    throw new ProgramSyntaxError(
      `${filename}:${line}:${column}: ${first.text}${excerpt}`,
      filename,
      line,
      column,
    );
  }
}
