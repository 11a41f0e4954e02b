/** The `procscope` command line. */
import * as path from "node:path";
import { runProgram, UsageError } from "./run";
import { exportPerfetto } from "./export-perfetto";
import { TraceFileError } from "./trace-file";

const USAGE = `usage:
  procscope run FILE [--trace PATH] [--no-summary] [--no-trace] [--on-deadlock=report|kill]
                [--max-events N] [-- ARGS…]
      Run a TypeScript or JavaScript program on the procscope runtime, print its process
      tree, message flows and lock contention, and write its trace (default: .procscope/).
      --no-trace runs it without recording anything (no trace, no summary).
      --on-deadlock=report|kill: on a deadlock, print it and go on (default), or end the
      run with exit status 3.
      --max-events N: keep at most N events of the program's processes (default 2000000);
      later ones are counted as dropped, so that memory stays bounded.
  procscope export TRACE --perfetto OUT.json
      Convert a .pstrace file to Chrome Trace Event JSON (opens in ui.perfetto.dev).
  procscope report TRACE
      Print the summary of a saved trace.`;

async function cli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const runtimeDir = path.join(__dirname, "..", "runtime");
  switch (command) {
    case "run": {
      const split = rest.indexOf("--");
      const own = split >= 0 ? rest.slice(0, split) : rest;
      const programArgs = split >= 0 ? rest.slice(split + 1) : [];
      let tracePath: string | undefined;
      let summary = true;
      let trace = true;
      let onDeadlock: "report" | "kill" = "report";
      let maxEvents: number | undefined;
      const files: string[] = [];
      for (let i = 0; i < own.length; i++) {
        const arg = own[i];
        if (arg === "--trace") {
          tracePath = own[++i];
          if (!tracePath) throw new UsageError("--trace needs a path");
        } else if (arg.startsWith("--trace=")) tracePath = arg.slice("--trace=".length);
        else if (arg === "--no-summary") summary = false;
        else if (arg === "--no-trace") trace = false;
        else if (arg.startsWith("--on-deadlock")) {
          const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : own[++i];
          if (value !== "report" && value !== "kill") {
            throw new UsageError(`--on-deadlock takes 'report' or 'kill', got '${value ?? ""}'`);
          }
          onDeadlock = value;
        } else if (arg.startsWith("--max-events")) {
          const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : own[++i];
          maxEvents = Number(value);
          if (!Number.isSafeInteger(maxEvents) || maxEvents < 0) {
            throw new UsageError(`--max-events takes a whole number, got '${value ?? ""}'`);
          }
        } else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        else files.push(arg);
      }
      if (files.length === 0) throw new UsageError("run needs a FILE");
      const [file, ...extra] = files;
      return runProgram({
        file,
        args: [...extra, ...programArgs],
        tracePath,
        summary,
        trace,
        runtimeDir,
        onDeadlock,
        maxEvents,
      });
    }
    case "export": {
      const trace = rest.find((arg) => !arg.startsWith("-"));
      const at = rest.indexOf("--perfetto");
      const out = at >= 0 ? rest[at + 1] : undefined;
      if (!trace || !out || trace === out)
        throw new UsageError("export needs TRACE and --perfetto OUT.json");
      const count = await exportPerfetto(trace, out);
      process.stderr.write(`wrote ${out} (${count} trace events); open it in ui.perfetto.dev\n`);
      return 0;
    }
    case "report": {
      const trace = rest[0];
      if (!trace) throw new UsageError("report needs a TRACE");
      const { reportTrace } = await import("./report");
      process.stdout.write(`${await reportTrace(trace)}\n`);
      return 0;
    }
    case undefined:
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError)
      process.stderr.write(`procscope: ${error.message}\n\n${USAGE}\n`);
    else if (error instanceof TraceFileError) process.stderr.write(`procscope: ${error.message}\n`);
    else process.stderr.write(`procscope: ${error.stack ?? error.message}\n`);
    process.exit(2);
  },
);
