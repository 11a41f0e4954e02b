// Runs one benchmark program with a timeout and leaves nothing behind.
//
// Every process of a run (the CLI, procscope's root, hub and children, Python's children and
// resource tracker) inherits one environment variable naming the run. procscope puts its
// root in a process group of its own, and orphans are adopted by init, so neither the
// process tree nor a process group finds them all; the variable does, through /proc.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const TAG_VARIABLE = "PROCSCOPE_BENCH_RUN";
/** How long a finished run's helpers (hub, resource tracker) get to exit on their own. */
const GRACE_MS = 3000;
const OUTPUT_LIMIT = 64 * 1024;

let sequence = 0;
let current = null;

/** Pids of the live processes carrying `tag` (zombies have no environment and drop out). */
function tagged(tag) {
  const needle = `\0${TAG_VARIABLE}=${tag}\0`;
  const found = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const environ = fs.readFileSync(`/proc/${name}/environ`, "latin1");
      if (`\0${environ}`.includes(needle)) found.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** SIGKILLs every process of the run, again until none is left (some may be forking). */
async function killTagged(tag) {
  let killed = 0;
  for (let pass = 0; pass < 20; pass++) {
    const pids = tagged(tag);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
        killed++;
      } catch {
        // Already gone.
      }
    }
    await sleep(50);
  }
  return killed;
}

/** Waits for the run's last processes to exit; kills and counts those that do not. */
async function reap(tag) {
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline) {
    if (tagged(tag).length === 0) return 0;
    await sleep(50);
  }
  return killTagged(tag);
}

function keepTail(text, chunk) {
  const joined = text + chunk;
  return joined.length > OUTPUT_LIMIT ? joined.slice(-OUTPUT_LIMIT) : joined;
}

/** The last line of `stdout` that is a JSON object, or null. */
function lastJsonLine(stdout) {
  const lines = stdout.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line);
    } catch {
      // Not ours; keep looking.
    }
  }
  return null;
}

/** The line of `stderr` that says what went wrong (not a stack frame), shortened. */
function errorLine(stderr) {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("at ") && !/^Node\.js v/.test(line));
  const telling = lines.find((line) => /error|exception|procscope:|deadlock/i.test(line));
  const line = telling ?? lines.at(-1) ?? "";
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Runs `command args` and resolves `{ ok, result, error, seconds, leftBehind }`; never
 * rejects. `result` is the program's JSON line.
 */
export async function runProgram({ command, args, cwd, timeoutMs }) {
  const tag = `${process.pid}-${++sequence}`;
  const started = Date.now();
  const child = spawn(command, args, {
    cwd,
    // No __pycache__ left in bench/python by the Python rows.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", [TAG_VARIABLE]: tag },
    stdio: ["ignore", "pipe", "pipe"],
  });
  current = tag;
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout = keepTail(stdout, chunk)));
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr = keepTail(stderr, chunk)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void killTagged(tag);
  }, timeoutMs);
  const [code, signal] = await new Promise((resolve) => {
    child.once("error", (error) => resolve([null, error.message]));
    child.once("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  clearTimeout(timer);
  const seconds = (Date.now() - started) / 1000;
  // A helper may hold the output pipes open: stop reading once the run is reaped.
  const leftBehind = await reap(tag);
  child.stdout.destroy();
  child.stderr.destroy();
  current = null;

  const result = lastJsonLine(stdout);
  let error = null;
  if (timedOut) error = `timed out after ${timeoutMs / 1000} s`;
  else if (code !== 0) error = `exited with ${code ?? signal}`;
  else if (!result) error = "printed no JSON result";
  if (error) {
    const detail = errorLine(stderr);
    if (detail) error += `: ${detail}`;
  }
  return { ok: error === null, result, error, seconds, leftBehind };
}

/** Kills the run in progress, if any (for an interrupted benchmark session). */
export async function killCurrent() {
  if (current) await killTagged(current);
}
