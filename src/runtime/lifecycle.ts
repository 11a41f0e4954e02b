/**
 * How a procscope process begins and ends: `main()` (Python's `if __name__ == "__main__":`),
 * the child bootstrap, and the orderly exit that joins children and flushes the trace.
 */
import * as v8 from "node:v8";
import { context, record } from "./context";
import { ENV } from "./env";
import { fromWire } from "./clone";
import { resolveReference } from "./functions";
import { finishChildren, loadingProgram, type LaunchSpec } from "./process";
import { installLoader } from "./loader";
import { reportFailure } from "./failure";
import type { OutputEvent } from "../protocol/trace";

/** True in the root process of a run (Python's `__name__ == "__main__"` under spawn). */
export function isMainProcess(): boolean {
  return context.isRoot;
}

/**
 * Runs `fn` in the root process once the entry module has loaded, then joins the
 * non-daemon children and terminates the daemon ones, as Python does at exit. In a child,
 * where the entry module's top level runs again, it does nothing.
 */
export function main(fn: () => unknown): void {
  if (!context.isRoot) return;
  setImmediate(() => void runMain(fn));
}

async function runMain(fn: () => unknown): Promise<void> {
  let failed = false;
  try {
    await fn();
  } catch (error) {
    reportFailure("MainProcess", error);
    process.exitCode = 1;
    failed = true;
  }
  try {
    await finishChildren(failed);
  } finally {
    await context.shutdown();
  }
}

const MAX_OUTPUT_CHARS = 4000;

/** Records what the process writes to stdout/stderr (it still reaches the terminal). */
function captureOutput(): void {
  for (const stream of ["stdout", "stderr"] as const) {
    const target = process[stream];
    const write = target.write.bind(target) as (...args: unknown[]) => boolean;
    target.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text =
        typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
      if (text) {
        const truncated = text.length > MAX_OUTPUT_CHARS;
        record<OutputEvent>({
          type: "process.output",
          stream,
          text: truncated ? text.slice(0, MAX_OUTPUT_CHARS) : text,
          truncated: truncated || undefined,
        });
      }
      return write(chunk, ...rest);
    }) as typeof target.write;
  }
}

function loadEntry(entry: string): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(entry);
  } catch (error) {
    reportFailure(context.info.name, error);
    throw error;
  }
}

/** Entry of the root process under the CLI or the editor: load the program. */
export async function runRoot(runtimeEntry: string, entry: string, args: string[]): Promise<void> {
  installLoader(runtimeEntry);
  process.env[ENV.entry] = entry;
  process.argv = [process.argv[0], entry, ...args];
  if (context.tracing) captureOutput();
  await context.ensureConnected();
  try {
    loadEntry(entry);
  } catch {
    process.exitCode = 1;
    await context.shutdown();
    process.exit(1);
  }
}

/**
 * `terminate()` (SIGTERM) must not cost the trace what the process recorded last (a pool
 * worker's last task, say): hand it to the OS, then die of the signal as before. A program
 * that handles SIGTERM itself keeps its own handling.
 */
function keepEventsOnTerminate(): void {
  const onTerminate = (): void => {
    context.recorder.flush(context.number, true);
    context.client.flush();
    if (process.listenerCount("SIGTERM") > 0) return;
    process.kill(process.pid, "SIGTERM");
  };
  process.once("SIGTERM", onTerminate);
}

/** Entry of every child process: become the process the parent described, run its target. */
export async function runChild(runtimeEntry: string): Promise<void> {
  const launch = JSON.parse(process.env[ENV.launch] ?? "{}") as LaunchSpec;
  installLoader(runtimeEntry);
  // As Python's spawn passes sys.argv: top-level code that reads the arguments computes
  // the same values in every process.
  process.argv = [process.argv[0], launch.entry, ...(launch.argv ?? [])];
  process.title = `procscope ${launch.name}`;
  const argsBody = await context.connectChild({
    name: launch.name,
    identity: launch.identity,
    daemon: launch.daemon,
    parentName: launch.parentName,
  });
  if (context.tracing) {
    captureOutput();
    keepEventsOnTerminate();
  }
  let code = 0;
  try {
    loadingProgram(() => loadEntry(launch.entry));
    const target = resolveReference(launch.target);
    const args = argsBody ? (fromWire(v8.deserialize(argsBody)) as unknown[]) : [];
    await target(...args);
    // A target may set its status as a Node program does, by `process.exitCode`.
    const set = Number(process.exitCode ?? 0);
    if (Number.isInteger(set)) code = set;
  } catch (error) {
    // Said once, whether it came from loading the modules or from the target.
    reportFailure(launch.name, error);
    code = 1;
  }
  process.exitCode = code;
  try {
    await finishChildren();
  } finally {
    await context.shutdown();
  }
  process.exit(code);
}
