/**
 * `Process`: a real OS process running an exported function of the program, as Python's
 * `multiprocessing.Process` with the spawn start method.
 */
import type * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import { spawn, type ChildProcess } from "node:child_process";
import { context, record } from "./context";
import { ENV } from "./env";
import { referenceOf, describeReference, type FunctionRef } from "./functions";
import { walkValue, toWire, Walk, lastWalkBulkBytes } from "./clone";
import { ValueError } from "./errors";
import { callerLocation } from "./callsite";
import { checkMessageSize, timeoutSeconds } from "./limits";
import { collectSharedHandles } from "./handles";
import { noteBlockingCall } from "./sync/held";
import type { ProcessJoinEvent, ProcessRole } from "../protocol/trace";

export interface ProcessOptions<A extends unknown[]> {
  target: (...args: A) => unknown;
  args?: A;
  name?: string;
  daemon?: boolean;
  /** @internal What the process is for, as shown in the process tree (pools, managers). */
  role?: ProcessRole;
  /**
   * @internal Start the child with one end of a socket pair as its fd 3, the other end
   * being `directSocket` here: a pool talks to its workers without the hub in between.
   */
  direct?: boolean;
}

/** The fd a child started with `direct` finds its end of the socket pair on. */
export const DIRECT_FD = 3;

/** What a child needs to know to become itself (passed in its environment). */
export interface LaunchSpec {
  entry: string;
  target: FunctionRef;
  name: string;
  identity: number[];
  daemon: boolean;
  parentName: string;
  /** The program's arguments, which the child sees in `process.argv` as its parent does. */
  argv: string[];
}

const liveChildren = new Set<Process>();
/** How long a traced child has to die of terminate()'s SIGTERM before it gets SIGKILL. */
const TERMINATE_GRACE_MS = 1000;
/** Whether this child is running the program's top level (see `start`). */
let loadingEntry = false;

/** Runs `load` (a child loading the program's modules); no process may start meanwhile. */
export function loadingProgram(load: () => void): void {
  loadingEntry = true;
  try {
    load();
  } finally {
    loadingEntry = false;
  }
}

export class Process<A extends unknown[] = unknown[]> {
  name: string;
  private isDaemon: boolean;
  private readonly target: (...args: A) => unknown;
  private readonly args: A;
  private child: ChildProcess | null = null;
  private code: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private readonly identity: number[];
  private exited: Promise<void> | null = null;
  /** How this process asked the child to stop, if it did. */
  private stopAsked: "terminate" | "kill" | null = null;
  /** terminate()'s SIGKILL for a child that did not die of its SIGTERM in time. */
  private killAfterGrace: NodeJS.Timeout | null = null;
  private escalated = false;
  private closed = false;
  /** @internal */
  readonly role: ProcessRole;
  private readonly direct: boolean;
  /** @internal This process's end of the socket pair, once started with `direct`. */
  directSocket: net.Socket | null = null;

  constructor(options: ProcessOptions<A>) {
    if (!options || typeof options !== "object") {
      throw new TypeError("new Process({ target, args?, name?, daemon? }) needs an options object");
    }
    this.target = options.target;
    this.args = (options.args ?? []) as A;
    this.identity = [...context.info.identity, ++context.childCounter];
    // An empty name is no name, as in Python.
    this.name = options.name || `Process-${this.identity.join(":")}`;
    this.isDaemon = options.daemon ?? context.info.daemon;
    this.role = options.role ?? "process";
    this.direct = options.direct ?? false;
  }

  /** @internal Resolves when the started process has ended (its exit code is set). */
  whenExited(): Promise<void> {
    if (!this.exited) throw new ValueError(`${this.name} was never started`);
    return this.exited;
  }

  /** Whether the process is ended with its parent; set before `start()` only, as in Python. */
  get daemon(): boolean {
    return this.isDaemon;
  }

  set daemon(daemon: boolean) {
    if (this.child) throw new ValueError(`cannot set daemon of ${this.name}: it has started`);
    this.isDaemon = daemon;
  }

  get pid(): number | null {
    this.checkNotClosed();
    return this.child?.pid ?? null;
  }

  /** Python's `exitcode`: null while running, the exit code, or -N when killed by signal N. */
  get exitCode(): number | null {
    this.checkNotClosed();
    return this.code;
  }

  /** After `close()`, as in Python, the object answers nothing more. */
  private checkNotClosed(): void {
    if (this.closed) throw new ValueError(`process object ${this.name} is closed`);
  }

  start(): this {
    this.checkNotClosed();
    if (loadingEntry) {
      // Every child runs the program's top level again: a start there would start another
      // child from each child, without end (Python's spawn refuses it the same way).
      throw new ValueError(
        `cannot start ${this.name} while ${context.info.name} is still loading the program: ` +
          "the program starts processes at its top level, which every child runs again; " +
          "start them inside main(...)",
      );
    }
    if (this.child)
      throw new ValueError(`cannot start ${this.name}: a process can only be started once`);
    if (context.info.daemon) {
      throw new ValueError("daemonic processes are not allowed to have children");
    }
    const ref = referenceOf(this.target, `the target of ${this.name}`);
    const loc = context.tracing ? callerLocation() : undefined;
    // Check and encode the arguments before anything starts: a bad argument throws here.
    const walked = walkValue(this.args, "args", "pass", new Map(), 0);
    checkMessageSize(lastWalkBulkBytes(), `cannot start ${this.name}: its args`, true);
    const shared: string[] = [];
    const wire =
      walked & Walk.HasHandles ? collectSharedHandles(shared, () => toWire(this.args)) : this.args;
    const argsBody = v8.serialize(wire);
    checkMessageSize(argsBody.length, `cannot start ${this.name}: its args`);
    const launch: LaunchSpec = {
      entry: programEntry(),
      target: ref,
      name: this.name,
      identity: this.identity,
      daemon: this.daemon,
      parentName: context.info.name,
      argv: process.argv.slice(2),
    };
    void context.ensureConnected();
    const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, "child.js")], {
      stdio: this.direct ? ["inherit", "inherit", "inherit", "pipe"] : "inherit",
      env: { ...process.env, [ENV.launch]: JSON.stringify(launch) },
    });
    this.child = child;
    if (child.pid === undefined) {
      throw new ValueError(`cannot start ${this.name}: the OS refused to create a process`);
    }
    liveChildren.add(this as unknown as Process);
    if (this.direct) this.directSocket = child.stdio[DIRECT_FD] as net.Socket;
    context.client.send(
      {
        type: "spawned",
        pid: child.pid,
        name: this.name,
        target: describeReference(ref),
        daemon: this.daemon,
        role: this.role,
        t: context.now(),
        loc,
        handles: shared,
      },
      argsBody,
    );
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.code = code ?? -(os.constants.signals[signal as NodeJS.Signals] ?? 1);
        this.exitSignal = signal;
        liveChildren.delete(this as unknown as Process);
        // Dying of the signal this process sent is an ending on request, not a failure.
        const asked = this.stopAsked;
        if (this.killAfterGrace) clearTimeout(this.killAfterGrace);
        const requested =
          (asked === "terminate" && signal === "SIGTERM") ||
          (asked === "terminate" && signal === "SIGKILL" && this.escalated) ||
          (asked === "kill" && signal === "SIGKILL");
        context.client.send({
          type: "exited",
          pid: child.pid,
          exitCode: this.code,
          signal: this.exitSignal,
          stoppedBy: requested ? asked : undefined,
        });
        resolve();
      });
    });
    return this;
  }

  /** Waits for the process to end, or until `timeout` seconds have passed. */
  async join(given?: number | null): Promise<void> {
    this.checkNotClosed();
    const timeout = timeoutSeconds(given, "join()");
    if (!this.child || !this.exited)
      throw new ValueError(`cannot join ${this.name}: it was never started`);
    if (this.code !== null) return;
    const started = context.now();
    const loc = context.tracing ? callerLocation() : undefined;
    noteBlockingCall(`join() of ${this.name}`, `process ${this.pid}`);
    // Untimed, a join is a wait the hub watches for deadlocks: only the child can end it
    // (a child that waits for what its joiner holds, or would send, never will).
    const watched = timeout === undefined;
    const declare = (on: boolean): void =>
      context.client.send({
        type: "awaiting",
        obj: this.name,
        op: "process.join",
        on,
        by: this.child!.pid,
        loc,
      });
    if (watched) declare(true);
    try {
      await context.client.pin(() =>
        timeout === undefined ? this.exited! : untilOrTimeout(this.exited!, timeout),
      );
    } finally {
      if (watched) declare(false);
    }
    if (this.code !== null) {
      record<ProcessJoinEvent>({
        type: "process.join",
        childPid: this.child.pid ?? 0,
        wait: context.now() - started,
        loc,
      });
    }
  }

  isAlive(): boolean {
    this.checkNotClosed();
    return this.child !== null && this.code === null;
  }

  /** Sends SIGTERM, as Python's `terminate()`. */
  terminate(): void {
    this.checkNotClosed();
    if (!this.isAlive()) return;
    this.stopAsked ??= "terminate";
    this.child!.kill("SIGTERM");
    // A traced child dies of SIGTERM once it has handed over its last events, which takes
    // a turn of its event loop: one computing synchronously never takes it, and would live
    // on, hanging a join or a pool's terminate(). It gets SIGKILL instead, after a grace.
    if (context.tracing && this.killAfterGrace === null) {
      this.killAfterGrace = setTimeout(() => {
        if (!this.isAlive()) return;
        this.escalated = true;
        this.child!.kill("SIGKILL");
      }, TERMINATE_GRACE_MS).unref();
    }
  }

  /** Sends SIGKILL, as Python's `kill()`. */
  kill(): void {
    this.checkNotClosed();
    if (!this.isAlive()) return;
    this.stopAsked = "kill";
    this.child!.kill("SIGKILL");
  }

  close(): void {
    if (this.closed) return;
    if (this.isAlive()) throw new ValueError(`cannot close ${this.name}: it is still running`);
    this.closed = true;
  }

  toString(): string {
    if (this.closed) return `<Process name='${this.name}' closed>`;
    const state =
      this.child === null
        ? "initial"
        : this.code === null
          ? "started"
          : `stopped exitcode=${this.code}`;
    return `<Process name='${this.name}' pid=${this.child?.pid ?? "None"} ${state}${this.daemon ? " daemon" : ""}>`;
  }
}

/** Resolves when `done` does or after `seconds`, whichever is first; leaves no timer behind. */
function untilOrTimeout(done: Promise<void>, seconds: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, seconds * 1000); // seconds ≥ 0: see timeoutSeconds
  });
  return Promise.race([done, expired]).finally(() => clearTimeout(timer));
}

/** The module whose top level every child runs again (Python's `__main__`). */
function programEntry(): string {
  return process.env[ENV.entry] ?? require.main?.filename ?? process.argv[1];
}

/** `fork(f, ...args)`: start a process running `f(...args)` and return it. */
export function fork<A extends unknown[]>(target: (...args: A) => unknown, ...args: A): Process<A> {
  return new Process({ target, args }).start();
}

export interface ProcessInfo {
  name: string;
  pid: number;
  daemon: boolean;
  /** Display number in the trace (1 = root). */
  number: number;
}

export function currentProcess(): ProcessInfo {
  return {
    name: context.info.name,
    pid: process.pid,
    daemon: context.info.daemon,
    number: context.number,
  };
}

export function parentProcess(): { name: string; pid: number } | null {
  if (context.isRoot || context.info.parentName === null) return null;
  return { name: context.info.parentName, pid: process.ppid };
}

/** Children of this process still running. */
export function activeChildren(): Process[] {
  return [...liveChildren].filter((child) => child.isAlive());
}

export function cpuCount(): number {
  return os.availableParallelism();
}

/** What `finishChildren` runs first (see `atExit`). */
const exitFinalizers = new Set<() => void>();

/**
 * Registers what must stop before the daemon children are terminated at exit, as Python's
 * `util.Finalize` with an exit priority: a pool still running would start new workers in
 * place of those terminated. Returns a function that takes `finalize` off the list.
 */
export function atExit(finalize: () => void): () => void {
  exitFinalizers.add(finalize);
  return () => exitFinalizers.delete(finalize);
}

/**
 * Python's exit behaviour: join non-daemon children, terminate daemon ones. When `main`
 * failed, every child is terminated (procscope's one deviation here): a child waiting for a
 * message the failed main never sent would otherwise hang the run for ever.
 */
export async function finishChildren(mainFailed = false): Promise<void> {
  for (const finalize of [...exitFinalizers]) finalize();
  exitFinalizers.clear();
  if (mainFailed) {
    const running = [...liveChildren].filter((child) => !child.daemon && child.isAlive());
    if (running.length > 0) {
      process.stderr.write(
        `procscope: main() failed; terminating the children still running: ${running.map((child) => child.name).join(", ")}\n`,
      );
    }
  }
  for (const child of [...liveChildren]) {
    if (child.daemon || mainFailed) {
      child.terminate();
    }
  }
  for (const child of [...liveChildren]) {
    if (!child.daemon) await child.join();
  }
  for (const child of [...liveChildren]) {
    await child.join(1);
    child.kill();
  }
}
