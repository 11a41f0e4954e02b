/**
 * Launches a program's root process on the procscope runtime and gathers its trace: a
 * collector on a private socket, the run's clock origin and secrets handed down through the
 * environment, the root in its own process group, and the root's exit recorded last. The CLI
 * and the editor both run programs through this one piece of code.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";
import { Collector } from "./collector";
import { ENV, HUB_LOST_EXIT_CODE } from "../runtime/env";
import { TRACE_FORMAT_VERSION, type Nanos, type TraceEvent } from "../protocol/trace";

export interface LaunchOptions {
  /** Absolute path of the program's entry file. */
  entry: string;
  args: string[];
  /** Where the runtime's bundles are (dist/runtime). */
  runtimeDir: string;
  /** Record a trace at all (off: the runtime records nothing, as under plain node). */
  trace: boolean;
  /** Receives every event of the run, in batches as they arrive, the run's own first and last. */
  onEvents: (events: TraceEvent[]) => void;
  /** Working directory of the program (default: this process's). */
  cwd?: string;
  /** Environment the program starts from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The `node` that runs the program (default: the one running this code). */
  nodePath?: string;
  /** Its version, recorded in `run.start` (default: this process's). */
  nodeVersion?: string;
  /** Hold per-message events back until the run ends (for collectors that do not show them live). */
  deferMessages?: boolean;
  /** Events of the program's processes kept at most; the rest are counted as dropped. */
  maxEvents?: number;
  /** `inherit` hands the program this process's terminal; `pipe` exposes stdout/stderr. */
  stdio?: "inherit" | "pipe";
}

export interface LaunchResult {
  /** The root's exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Exit status as a shell reports it: the code, or 128 + the signal's number. */
  exitCode: number;
  /** Set when the root could not be started at all (e.g. no such `node`). */
  error?: Error;
}

/**
 * How long the hub may go without delivering an event while it ends the run's other
 * processes and closes its connection. As long as events keep coming (a slow reader, such
 * as a busy editor, can leave the hub with a long backlog) the wait goes on, up to
 * HUB_MAX_WAIT_MS; cutting it short would lose those events without counting them.
 */
const HUB_GRACE_MS = 3000;
const HUB_MAX_WAIT_MS = 120_000;
/**
 * How long a stopped run's processes have to end on the stop signal (a program may clean up
 * on SIGTERM or SIGINT) before the whole process group gets SIGKILL: short enough that even
 * a thousand processes are all gone within 2 s of Stop (the kernel takes about half a
 * second more to tear down that many Node processes on two cores).
 */
const STOP_GRACE_MS = 500;

/**
 * Which processes of the run started and which ended, so that those still running when
 * the run ended (killed with it) get an exit of their own in the trace.
 */
class Lifecycle {
  private readonly running = new Set<number>();

  note(events: TraceEvent[]): void {
    for (const event of events) {
      if (event.type === "process.spawn") this.running.add(event.child);
      else if (event.type === "process.exit") this.running.delete(event.p);
    }
  }

  /**
   * Exits for those: killed with the run; or, when the hub died first, ended by themselves
   * as every process does that loses the hub.
   */
  unfinished(t: Nanos, hubLost: boolean): TraceEvent[] {
    return [...this.running]
      .filter((p) => p !== 1)
      .map((p) => ({
        type: "process.exit" as const,
        t,
        p,
        ...(hubLost
          ? { exitCode: HUB_LOST_EXIT_CODE, signal: null, source: "connection-lost" as const }
          : { exitCode: -9, signal: "SIGKILL", source: "run-ended" as const }),
      }));
  }
}

/** The hub died while the program ran: said once, at the moment its connection closed. */
function hubLostWarning(t: Nanos): TraceEvent {
  return {
    type: "warning",
    t,
    p: 1,
    code: "hub-lost",
    message:
      "the run's hub ended while the program ran (killed?): every process stops when it " +
      `loses the hub (exit code ${HUB_LOST_EXIT_CODE}), and nothing after this was recorded`,
  };
}

export class Launch {
  private readonly root: ChildProcess;
  /** Resolves once the run is over, its stragglers killed and its last events delivered. */
  readonly finished: Promise<LaunchResult>;
  private stopTimer: NodeJS.Timeout | null = null;
  /** The signal `stop()` sent, if it was called. */
  private stopSignal: NodeJS.Signals | null = null;
  /** The run was SIGKILLed (a second Stop, a deadlock with --on-deadlock=kill): the hub too. */
  private groupKilled = false;
  /** The process group was killed after the root ended: no signal may go to its id again. */
  private groupEnded = false;

  private constructor(
    private readonly options: LaunchOptions,
    private readonly collector: Collector,
    private readonly socketDir: string,
    /** `hrtime` of the run's t = 0, shared with every process of the run. */
    readonly origin: bigint,
    private readonly lifecycle: Lifecycle,
  ) {
    const env: NodeJS.ProcessEnv = {
      ...(options.env ?? process.env),
      [ENV.clockOrigin]: origin.toString(),
    };
    for (const key of [
      ENV.hubSocket,
      ENV.secret,
      ENV.launch,
      ENV.entry,
      ENV.collector,
      ENV.hubCollector,
    ]) {
      delete env[key];
    }
    // Untraced, the program's processes record nothing, but the hub still tells the
    // collector what only it sees: a deadlock above all (--on-deadlock must work).
    env[options.trace ? ENV.collector : ENV.hubCollector] = collector.socketPath;
    env[ENV.collectorSecret] = collector.secret;
    // The program gets its own process group, so that whatever happens, one signal ends it all.
    this.root = spawn(
      options.nodePath ?? process.execPath,
      [path.join(options.runtimeDir, "root.js"), options.entry, ...options.args],
      {
        cwd: options.cwd,
        env,
        stdio: options.stdio === "pipe" ? ["ignore", "pipe", "pipe"] : "inherit",
        detached: true,
      },
    );
    this.finished = this.waitForEnd();
  }

  /** Starts the collector, records `run.start`, and spawns the root. */
  static async start(options: LaunchOptions): Promise<Launch> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "procscope-run-"));
    fs.chmodSync(dir, 0o700);
    const lifecycle = new Lifecycle();
    const collector = new Collector(
      path.join(dir, "collector.sock"),
      (events) => {
        lifecycle.note(events);
        options.onEvents(events);
      },
      {
        deferMessages: options.deferMessages,
        maxEvents: options.maxEvents,
        now: () => Number(process.hrtime.bigint() - origin),
      },
    );
    try {
      await collector.listen();
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const origin = process.hrtime.bigint();
    options.onEvents([
      {
        type: "run.start",
        t: 0,
        p: 1,
        version: TRACE_FORMAT_VERSION,
        entry: options.entry,
        argv: options.args,
        cwd: options.cwd ?? process.cwd(),
        node: options.nodeVersion ?? process.version,
        wallClock: Date.now(),
      },
    ]);
    return new Launch(options, collector, dir, origin, lifecycle);
  }

  /** OS pid of the root process (and id of the run's process group). */
  get pid(): number | undefined {
    return this.root.pid;
  }

  get stdout(): Readable | null {
    return this.root.stdout;
  }

  get stderr(): Readable | null {
    return this.root.stderr;
  }

  /** Now, on the run's clock. */
  now(): Nanos {
    return Number(process.hrtime.bigint() - this.origin);
  }

  /** Sends `signal` to every process of the run (its process group). */
  signal(signal: NodeJS.Signals): void {
    if (this.groupEnded) return;
    if (signal === "SIGKILL") this.groupKilled = true;
    try {
      if (this.root.pid) process.kill(-this.root.pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /**
   * Stop, as the editor's Stop command and the CLI's Ctrl-C and SIGTERM mean it. SIGINT goes
   * to every process of the run, as a terminal's Ctrl-C does. SIGTERM goes to the root: when
   * it ends, the hub SIGKILLs every other process at once (a thousand children all woken by
   * a SIGTERM of their own would each run its handler first, and on two cores that takes
   * seconds); a root that handles SIGTERM decides what its children get. Either way the
   * group gets SIGKILL `STOP_GRACE_MS` later if the run is not over by then, and stopping
   * again kills at once.
   */
  stop(signal: "SIGINT" | "SIGTERM" = "SIGTERM"): void {
    // A run already over has nothing to stop, and a grace timer would keep this process alive.
    if (this.groupEnded) return;
    if (this.stopTimer) {
      this.signal("SIGKILL");
      return;
    }
    this.stopSignal = signal;
    if (signal === "SIGINT") this.signal("SIGINT");
    else this.root.kill("SIGTERM");
    this.stopTimer = setTimeout(() => this.signal("SIGKILL"), STOP_GRACE_MS);
  }

  /** Waits until the hub has closed its connection, for as long as its events keep coming. */
  private async drainHub(): Promise<void> {
    const deadline = Date.now() + HUB_MAX_WAIT_MS;
    for (;;) {
      const before = this.collector.received;
      await this.collector.whenIdle(HUB_GRACE_MS);
      if (this.collector.idle || this.collector.received === before) return;
      if (Date.now() > deadline) return;
    }
  }

  private async waitForEnd(): Promise<LaunchResult> {
    const [code, signal, error] = await new Promise<
      [number | null, NodeJS.Signals | null, Error | undefined]
    >((resolve) => {
      this.root.once("exit", (c, s) => resolve([c, s, undefined]));
      this.root.once("error", (e) => resolve([null, null, e]));
    });
    const endedAt = this.now();
    // A root that died of the stop's own signal did not handle it: nothing of the program is
    // ending gracefully, so the kernel ends the rest now (the hub, one process killing a
    // thousand one by one while they compete for the CPU, takes longer).
    if (signal !== null && signal === this.stopSignal) this.signal("SIGKILL");
    // The hub ends the run's other processes when the root goes, then closes its connection.
    if (!error) await this.drainHub();
    // Known before the collector is closed below (which closes the hub's connection too). A
    // hub killed with the whole run by this launcher was not lost: the run was killed.
    const hubLostAt = this.groupKilled ? null : this.collector.hubLostAt;
    this.signal("SIGKILL");
    this.groupEnded = true;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.collector.close();
    this.collector.expandDeferred();
    fs.rmSync(this.socketDir, { recursive: true, force: true });

    const signalNumber = signal ? (os.constants.signals[signal] ?? 0) : 0;
    // A root that never started is reported as a shell reports a missing command.
    const exitCode = error ? 127 : (code ?? 128 + signalNumber);
    const recordedCode = error ? 127 : (code ?? -signalNumber);
    this.options.onEvents([
      ...(hubLostAt === null ? [] : [hubLostWarning(Number(hubLostAt - this.origin))]),
      ...this.lifecycle.unfinished(endedAt, hubLostAt !== null),
      {
        type: "process.exit",
        t: endedAt,
        p: 1,
        exitCode: recordedCode,
        signal,
        source: "parent",
      },
      { type: "run.end", t: endedAt, p: 1, exitCode: error ? 127 : code, signal },
    ]);
    return error ? { code, signal, exitCode, error } : { code, signal, exitCode };
  }
}
