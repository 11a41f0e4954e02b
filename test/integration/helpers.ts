/**
 * Shared machinery of the integration tests: run a fixture program through the real CLI,
 * read what it reported and the trace it left, and make sure no process of a run outlives
 * the test file that started it.
 *
 * Every process a test starts inherits a marker variable in its environment (children and
 * the hub copy the environment of their parent), so the leftovers of a run can be found in
 * /proc even after they were re-parented, whatever went wrong in the test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TraceEvent, TraceEventType, TraceFileHeader } from "../../src/protocol/trace";
import type { ErrorReport } from "../fixtures/lib/report";

export type { ErrorReport };

function findRepoRoot(start: string): string {
  // Tests run from out/test/integration once compiled, so walk up to the package.
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && fs.readFileSync(manifest, "utf8").includes('"procscope"')) {
      return dir;
    }
  }
  throw new Error(`cannot find the procscope package above ${start}`);
}

export const repoRoot = findRepoRoot(__dirname);
export const cliPath = path.join(repoRoot, "bin", "procscope.js");
export const rootBootstrapPath = path.join(repoRoot, "dist", "runtime", "root.js");

export function fixturePath(name: string): string {
  return path.join(repoRoot, "test", "fixtures", name);
}

/** Generous: the machine is small and shared; a healthy run takes well under a second. */
const DEFAULT_RUN_TIMEOUT_MS = 30_000;

const MARK_VARIABLE = "PROCSCOPE_TEST_MARK";
const markPrefix = `procscope-it-${process.pid}-`;
let runCount = 0;
let scratchDir: string | null = null;

/** A private temporary directory for this test file, removed by `cleanUp`. */
export function scratch(name: string): string {
  scratchDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "procscope-it-"));
  return path.join(scratchDir, name);
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A process started by a test, whose output is watched as it arrives. */
export interface Started {
  child: ChildProcess;
  /** The marker every process of this run carries (see `survivors`). */
  mark: string;
  stdout(): string;
  /**
   * Resolves with the first match of `pattern` in stdout from offset `from` on (default: the
   * start), waiting for it to appear.
   */
  waitForOutput(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpMatchArray>;
  finished: Promise<Finished>;
}

/**
 * A fresh marker for a run's processes, and the environment that carries it (the run's
 * processes inherit it): `survivors` and `killMarked` find them by it, `cleanUp` kills any left.
 */
export function newMark(): { mark: string; env: NodeJS.ProcessEnv } {
  // The trailing "/" keeps run 1's mark from being a prefix of run 10's.
  const mark = `${markPrefix}${++runCount}/`;
  return { mark, env: { [MARK_VARIABLE]: mark } };
}

/** Starts `node ARGS` with a fresh marker (and `env` on top of ours), capturing its output. */
export function startNode(
  args: string[],
  options: { detached?: boolean; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Started {
  const marked = newMark();
  const mark = marked.mark;
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env, ...marked.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers) watcher();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

  const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const finished = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => {
      killMarked(mark);
      reject(
        new Error(
          `node ${args.join(" ")} did not finish within ${timeoutMs} ms\n` +
            `stdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    // "close" (not "exit"): the output pipes are drained by then.
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  // A test that stops watching (it failed) must not leave an unhandled rejection behind.
  finished.catch(() => undefined);

  const waitForOutput = (pattern: RegExp, waitMs = DEFAULT_RUN_TIMEOUT_MS, from = 0) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = (): boolean => {
        const match = pattern.exec(from > 0 ? stdout.slice(from) : stdout);
        if (!match) return false;
        watchers.delete(watcher);
        clearTimeout(timer);
        resolve(match);
        return true;
      };
      const watcher = (): void => void check();
      const timer = setTimeout(() => {
        watchers.delete(watcher);
        reject(new Error(`no ${pattern} in the output within ${waitMs} ms:\n${stdout}${stderr}`));
      }, waitMs);
      watchers.add(watcher);
      check();
      const gaveUp = (): void => {
        if (check()) return;
        watchers.delete(watcher);
        clearTimeout(timer);
        reject(new Error(`exited without printing ${pattern}:\n${stdout}\n${stderr}`));
      };
      finished.then(gaveUp, gaveUp);
    });

  return { child, mark, stdout: () => stdout, waitForOutput, finished };
}

/** `procscope ARGS…` */
export function startCli(args: string[], options: { timeoutMs?: number } = {}): Started {
  return startNode([cliPath, ...args], options);
}

export async function runCli(args: string[], options: { timeoutMs?: number } = {}) {
  return startCli(args, options).finished;
}

/** What a fixture run left: its exit, its output, what it reported and its trace. */
export interface FixtureRun extends Finished {
  mark: string;
  tracePath: string;
  /** Values the fixture printed with `report(label, value)`, by label, in order. */
  results: Map<string, unknown[]>;
  /** The trace (empty when the run recorded none). */
  events: TraceEvent[];
}

export interface FixtureOptions {
  /** Arguments for the program (after `--`); fixtures take a scenario name first. */
  args?: string[];
  trace?: boolean;
  timeoutMs?: number;
}

let traceCount = 0;

/** Argument list of `procscope run FIXTURE --trace … --no-summary -- ARGS`. */
export function runArgs(fixture: string, tracePath: string, options: FixtureOptions = {}) {
  const own = options.trace === false ? ["--no-trace"] : ["--trace", tracePath, "--no-summary"];
  return ["run", fixturePath(fixture), ...own, "--", ...(options.args ?? [])];
}

/** Runs a fixture through the CLI and collects everything it left. */
export async function runFixture(fixture: string, options: FixtureOptions = {}) {
  const tracePath = scratch(`${path.basename(fixture, ".ts")}-${++traceCount}.pstrace`);
  const started = startCli(runArgs(fixture, tracePath, options), options);
  return collect(started, tracePath);
}

/** Waits for a started fixture run to end and gathers its results and trace. */
export async function collect(started: Started, tracePath: string): Promise<FixtureRun> {
  const finished = await started.finished;
  return {
    ...finished,
    mark: started.mark,
    tracePath,
    results: parseResults(finished.stdout),
    events: fs.existsSync(tracePath) ? readTrace(tracePath) : [],
  };
}

const RESULT_PREFIX = "@result ";

/** Parses the `@result LABEL JSON` lines of fixtures/lib/report.ts. */
export function parseResults(stdout: string): Map<string, unknown[]> {
  const results = new Map<string, unknown[]>();
  for (const line of stdout.split("\n")) {
    if (!line.startsWith(RESULT_PREFIX)) continue;
    const rest = line.slice(RESULT_PREFIX.length);
    const space = rest.indexOf(" ");
    const label = rest.slice(0, space);
    const value = JSON.parse(rest.slice(space + 1)) as unknown;
    results.set(label, [...(results.get(label) ?? []), value]);
  }
  return results;
}

/** The one value reported under `label` (fails, showing the output, if there is not one). */
export function result<T>(run: FixtureRun, label: string): T {
  const values = run.results.get(label) ?? [];
  assert.equal(values.length, 1, `expected one '${label}' result\n${describeRun(run)}`);
  return values[0] as T;
}

/** Every value reported under `label`, by any process of the run. */
export function resultsOf<T>(run: FixtureRun, label: string): T[] {
  return (run.results.get(label) ?? []) as T[];
}

/** Exit status and output, for assertion messages. */
export function describeRun(run: Finished): string {
  return `exit ${run.code ?? run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/**
 * Asserts a fixture's `thrownBy` report shows an error of class `name`: an instance of that
 * class (checked in the fixture, where the class lives) and of Error.
 */
export function assertThrew(error: ErrorReport | null, name: string, label: string): ErrorReport {
  assert.ok(error, `${label}: nothing was thrown`);
  assert.equal(error.name, name, `${label}: ${error.message}`);
  assert.ok(error.isExpected, `${label}: not an instance of ${name}`);
  assert.ok(error.isError, `${label}: not an instance of Error`);
  return error;
}

/** Asserts the run ended with exit code 0 (showing its output otherwise). */
export function assertSucceeded(run: Finished): void {
  assert.equal(run.code, 0, describeRun(run));
}

/** Reads a `.pstrace` file: checks the header line, parses one event per line. */
export function readTrace(file: string): TraceEvent[] {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const header = JSON.parse(lines[0]) as TraceFileHeader;
  assert.equal(header.format, "pstrace", `${file} has no pstrace header`);
  return lines
    .slice(1)
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as TraceEvent);
}

export type EventOf<K extends TraceEventType> = Extract<TraceEvent, { type: K }>;

/** The events of one type, asserting there is at least one (so that checks are not vacuous). */
export function eventsOf<K extends TraceEventType>(
  events: TraceEvent[],
  type: K,
  filter: (event: EventOf<K>) => boolean = () => true,
): EventOf<K>[] {
  const found = events.filter((event): event is EventOf<K> => event.type === type).filter(filter);
  assert.ok(found.length > 0, `the trace has no matching ${type} event`);
  return found;
}

/** `path:line:` of the fixture line carrying the comment `@line:NAME` (for `loc` checks). */
export function fixtureLine(fixture: string, name: string): string {
  const file = fixturePath(fixture);
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes(`@line:${name}`));
  assert.ok(index >= 0, `no @line:${name} marker in ${fixture}`);
  return `${file}:${index + 1}:`;
}

/** Whether `pid` is a live process: `kill(pid, 0)` works and it is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed process whose parent died stays a zombie here until init reaps it.
  return processState(pid) !== "Z";
}

/** The state letter `/proc` shows for `pid` (R, S, D, Z…), null when it is gone. */
export function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return null;
  }
}

/** A process's command line as `ps` shows it (a child's title: `procscope NAME`); "" if gone. */
export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Live processes whose environment carries a marker starting with `mark` (one run's, or all). */
export function survivors(mark: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, "latin1");
    } catch {
      continue;
    }
    const marked = environ
      .split("\0")
      .some((entry) => entry.startsWith(`${MARK_VARIABLE}=${mark}`));
    if (!marked) continue;
    if (isAlive(pid)) found.push(pid);
  }
  return found;
}

/** SIGKILLs every live process of one run (`mark`), or of every run of this file. */
export function killMarked(mark: string): void {
  for (const pid of survivors(mark)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Polls `condition` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * For `after()` in every test file: kills whatever any run of this file left behind (a
 * failed test may have abandoned a run mid-way) and removes the scratch directory.
 */
export function cleanUp(): void {
  killMarked(markPrefix);
  if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
  scratchDir = null;
}

/** A fixture run shared by several tests: started by the first that asks, then reused. */
export function sharedRun(
  fixture: string,
  options: FixtureOptions = {},
): () => Promise<FixtureRun> {
  let run: Promise<FixtureRun> | null = null;
  return () => (run ??= runFixture(fixture, options));
}

/** Whether `promise` settles within `ms` milliseconds (it is not cancelled otherwise). */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
