/**
 * `procscope run FILE [--trace PATH] [-- ARGS…]`: runs a program on the procscope runtime,
 * collects its trace, writes it, prints the summary, and exits with the program's status.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Launch } from "./launcher";
import { writeTraceFile } from "./trace-file";
import { formatSummary } from "./summary";
import { describeDeadlock } from "../model/deadlock";
import { printableLines } from "../model/printable";
import { ObjectNames } from "../model/names";
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
  /** On a deadlock: print it and let the run go on (report), or end the run (kill). */
  onDeadlock?: "report" | "kill";
  /** Events of the program's processes kept at most (see `DEFAULT_MAX_EVENTS`). */
  maxEvents?: number;
}

/** Exit status of a run ended by `--on-deadlock=kill`. */
export const DEADLOCK_EXIT_CODE = 3;

export class UsageError extends Error {}

export async function runProgram(options: RunOptions): Promise<number> {
  const entry = path.resolve(options.file);
  if (!fs.existsSync(entry)) throw new UsageError(`no such file: ${options.file}`);
  if (!fs.statSync(entry).isFile()) throw new UsageError(`not a file: ${options.file}`);
  const tracePath = path.resolve(options.tracePath ?? defaultTracePath(entry));

  const events: TraceEvent[] = [];
  let deadlocked = false;
  const names = new ObjectNames();
  const launch = await Launch.start({
    entry,
    args: options.args,
    runtimeDir: options.runtimeDir,
    trace: options.trace,
    // The CLI shows messages only in the summary: decode them once the program is done.
    deferMessages: true,
    maxEvents: options.maxEvents,
    onEvents: (batch) => {
      for (const event of batch) {
        events.push(event);
        if (event.type === "object.create") names.add(event.obj, event.kind, event);
        if (event.type !== "deadlock") continue;
        // Said at once, while the program hangs: this is what the user is waiting to learn.
        const told = describeDeadlock(event, (obj) => {
          // Untraced, objects are known by id only (their creation was not recorded).
          const name = names.get(obj);
          return name === obj ? `object ${obj}` : name;
        });
        // Line by line: names in it come from the program and must not drive the terminal.
        process.stderr.write(`\nprocscope: ${printableLines(told)}\n`);
        if (!options.trace && !deadlocked) {
          process.stderr.write("procscope: (run with tracing for object names and source lines)\n");
        }
        if (options.onDeadlock === "kill" && !deadlocked) {
          process.stderr.write("procscope: ending the run (--on-deadlock=kill)\n");
          launch.signal("SIGKILL");
        }
        deadlocked = true;
      }
    },
  });
  // Ctrl-C reaches the program as it would without procscope (a SIGINT to each process);
  // whatever is left half a second later is killed, and a second Ctrl-C kills at once.
  const onSigint = (): void => launch.stop("SIGINT");
  const onSigterm = (): void => launch.stop("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  // A closed terminal: the run's processes are in a process group of their own, which the
  // hangup does not reach; they are stopped as for SIGTERM, not left running unseen.
  process.on("SIGHUP", onSigterm);
  const finished = await launch.finished;
  const exitCode =
    deadlocked && options.onDeadlock === "kill" ? DEADLOCK_EXIT_CODE : finished.exitCode;
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
  process.off("SIGHUP", onSigterm);
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

/** `.procscope/<entry name>-<UTC time>.pstrace` under `baseDir`. */
export function defaultTracePath(entry: string, baseDir: string = process.cwd()): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace("T", "_").slice(0, 19);
  return path.join(
    baseDir,
    ".procscope",
    `${path.basename(entry, path.extname(entry))}-${stamp}.pstrace`,
  );
}
