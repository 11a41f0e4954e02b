/**
 * `procscope run FILE [--trace PATH] [-- ARGS…]`: runs a program on the procscope runtime,
 * collects its trace, writes it, prints the summary, and exits with the program's status.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { Collector } from "./collector";
import { writeTraceFile } from "./trace-file";
import { formatSummary } from "./summary";
import { RunModel } from "../model/run-model";
import { ENV } from "../runtime/env";
import { TRACE_FORMAT_VERSION, type TraceEvent } from "../protocol/trace";

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

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "procscope-cli-"));
  fs.chmodSync(dir, 0o700);
  const events: TraceEvent[] = [];
  const collector = new Collector(path.join(dir, "collector.sock"), (batch) => {
    for (const event of batch) events.push(event);
  });
  await collector.listen();

  const origin = process.hrtime.bigint();
  events.push({
    type: "run.start",
    t: 0,
    p: 1,
    version: TRACE_FORMAT_VERSION,
    entry,
    argv: options.args,
    cwd: process.cwd(),
    node: process.version,
    wallClock: Date.now(),
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [ENV.clockOrigin]: origin.toString(),
  };
  if (options.trace) {
    env[ENV.collector] = collector.socketPath;
    env[ENV.collectorSecret] = collector.secret;
  }
  for (const key of [ENV.hubSocket, ENV.secret, ENV.launch, ENV.entry]) delete env[key];
  if (!options.trace) delete env[ENV.collector];

  // The program gets its own process group, so that whatever happens, one signal ends it all.
  const root = spawn(
    process.execPath,
    [path.join(options.runtimeDir, "root.js"), entry, ...options.args],
    {
      stdio: "inherit",
      env,
      detached: true,
    },
  );
  const forward = (signal: NodeJS.Signals): void => {
    try {
      if (root.pid) process.kill(-root.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const onSigint = (): void => forward("SIGINT");
  const onSigterm = (): void => forward("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    root.once("exit", (c, s) => resolve([c, s])),
  );
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
  const endedAt = Number(process.hrtime.bigint() - origin);
  // The hub ends the run's other processes when the root goes, then closes its connection.
  await collector.whenIdle(3000);
  forward("SIGKILL");
  collector.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const exitCode = code ?? 128 + (os.constants.signals[signal as NodeJS.Signals] ?? 0);
  events.push({
    type: "process.exit",
    t: endedAt,
    p: 1,
    exitCode: code ?? -(os.constants.signals[signal as NodeJS.Signals] ?? 0),
    signal,
    source: "parent",
  });
  events.push({ type: "run.end", t: endedAt, p: 1, exitCode: code, signal });
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
