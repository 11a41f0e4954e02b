/**
 * `procscope run FILE [--trace PATH] [-- ARGS…]`: runs a program on the procscope runtime,
 * collects its trace, writes it, prints the summary, and exits with the program's status.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Launch } from "./launcher";
import { writeTraceFile } from "./trace-file";
import { formatSummary } from "./summary";
import { RunModel } from "../model/run-model";
import type { TraceEvent } from "../protocol/trace";

export interface RunOptions {
  file: string;
  args: string[];
  tracePath?: string;
  summary: boolean;
  /** Record a trace at all (off: the runtime records nothing, as under plain node). */
  trace: boolean;
  /** Where the runtime's bundles are (dist/runtime). */
  runtimeDir: string;
}

export class UsageError extends Error {}

export async function runProgram(options: RunOptions): Promise<number> {
  const entry = path.resolve(options.file);
  if (!fs.existsSync(entry)) throw new UsageError(`no such file: ${options.file}`);
  if (!fs.statSync(entry).isFile()) throw new UsageError(`not a file: ${options.file}`);
  const tracePath = path.resolve(options.tracePath ?? defaultTracePath(entry));

  const events: TraceEvent[] = [];
  const launch = await Launch.start({
    entry,
    args: options.args,
    runtimeDir: options.runtimeDir,
    trace: options.trace,
    onEvents: (batch) => {
      for (const event of batch) events.push(event);
    },
  });
  const onSigint = (): void => launch.signal("SIGINT");
  const onSigterm = (): void => launch.signal("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  const { exitCode } = await launch.finished;
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
  events.sort((a, b) => a.t - b.t);
  if (!options.trace) return exitCode;

  fs.mkdirSync(path.dirname(tracePath), { recursive: true });
  writeTraceFile(tracePath, events);
  if (options.summary) {
    const model = new RunModel();
    for (const event of events) model.add(event);
    const shown = tracePath.startsWith(process.cwd() + path.sep)
      ? path.relative(process.cwd(), tracePath)
      : tracePath;
    process.stderr.write(
      `\n${formatSummary(model)}\n\nTrace: ${shown} (${events.length} events)\n`,
    );
  }
  return exitCode;
}

function defaultTracePath(entry: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace("T", "_").slice(0, 19);
  return path.join(
    process.cwd(),
    ".procscope",
    `${path.basename(entry, path.extname(entry))}-${stamp}.pstrace`,
  );
}
