/**
 * One run of a program from the editor: launched through the same launcher as the CLI,
 * its events kept here (the host's model of the run, which panels read), its output sent
 * to a terminal, its processes sampled for CPU and memory, its trace saved at the end.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { Launch, type LaunchResult } from "../cli/launcher";
import { defaultTracePath } from "../cli/run";
import { writeTraceFile } from "../cli/trace-file";
import type { RunInfo } from "../protocol/panel";
import type { TraceEvent } from "../protocol/trace";
import type { NodeRuntime } from "./node-runtime";
import { OutputFormatter } from "./output-format";
import { OutputTerminal } from "./output-terminal";
import { ResourceSampler } from "./resource-sampler";
import { RunStats } from "./run-stats";
import { programEnv, type RunSettings } from "./settings";
import type { TraceSource } from "./trace-source";

export interface RunRequest {
  entry: string;
  settings: RunSettings;
  node: NodeRuntime;
  /** dist/runtime inside the extension. */
  runtimeDir: string;
  /** Folder whose `.procscope/` receives the trace. */
  traceDir: string;
}

/** Raw stdout/stderr kept for a run whose processes never reached the collector. */
const MAX_RAW_OUTPUT = 64 * 1024;

export class RunSession implements TraceSource, vscode.Disposable {
  readonly events: TraceEvent[] = [];
  readonly stats = new RunStats();
  info: RunInfo;
  /** Where the trace was saved, once the run is over. */
  tracePath: string | null = null;
  result: LaunchResult | null = null;
  readonly terminal: OutputTerminal;
  private readonly stateChanged = new vscode.EventEmitter<RunInfo>();
  readonly onDidChangeState = this.stateChanged.event;
  private readonly formatter = new OutputFormatter();
  private launch: Launch | null = null;
  private sampler: ResourceSampler | null = null;
  private rawOutput = "";
  private stopping = false;
  private disposed = false;

  constructor(readonly request: RunRequest) {
    this.info = { source: "live", path: request.entry, state: "running", exitCode: null };
    this.terminal = new OutputTerminal(`Procscope: ${path.basename(request.entry)}`, () =>
      this.stop(),
    );
  }

  get running(): boolean {
    return this.info.state === "running";
  }

  /** Starts the program; resolves once it runs (not when it ends: see `finished`). */
  async start(): Promise<void> {
    const { entry, settings, node } = this.request;
    this.terminal.show();
    this.terminal.note(
      `procscope: running ${entry}${settings.args.length ? ` ${settings.args.join(" ")}` : ""}\n` +
        `  with ${node.path} (${node.version}) in ${settings.cwd}`,
    );
    let launch: Launch;
    try {
      launch = await this.launchProgram();
    } catch (error) {
      // Nothing runs: the run is over before it began.
      this.info = { ...this.info, state: "finished", exitCode: null };
      this.stateChanged.fire(this.info);
      throw error;
    }
    this.launch = launch;
    for (const stream of [launch.stdout, launch.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (text: string) => {
        if (this.rawOutput.length < MAX_RAW_OUTPUT) this.rawOutput += text;
      });
    }
    this.sampler = new ResourceSampler(
      settings.sampleInterval,
      () => launch.now(),
      (samples) => this.append(samples),
    );
    if (launch.pid) this.sampler.track(1, launch.pid);
    void launch.finished.then((result) => this.finish(result));
  }

  private launchProgram(): Promise<Launch> {
    const { entry, settings, node, runtimeDir } = this.request;
    return Launch.start({
      entry,
      args: settings.args,
      runtimeDir,
      trace: true,
      cwd: settings.cwd,
      env: programEnv(settings, node.env),
      nodePath: node.path,
      nodeVersion: node.version,
      // The terminal shows output from the trace, where each line names its process; the
      // pipes are only read in case no process ever reaches the collector.
      stdio: "pipe",
      onEvents: (batch) => this.append(batch),
    });
  }

  /**
   * Ends every process of the run: SIGTERM to its root (the hub then kills the rest), SIGKILL
   * to the group half a second later if anything lingers (see `Launch.stop`); Stop again
   * kills at once.
   */
  stop(): void {
    if (!this.running || !this.launch) return;
    if (!this.stopping) this.terminal.note("procscope: stopping the run");
    this.stopping = true;
    this.launch.stop();
  }

  private append(batch: TraceEvent[]): void {
    let output = "";
    for (const event of batch) {
      this.events.push(event);
      const change = this.stats.add(event);
      if (change === "started") {
        const pid = this.stats.alive.get(event.type === "process.spawn" ? event.child : event.p);
        if (pid) this.sampler?.track(event.type === "process.spawn" ? event.child : event.p, pid);
      } else if (change === "exited") {
        this.sampler?.untrack(event.p);
      }
      if (event.type === "process.output") {
        output += this.formatter.format(event, this.stats.nameOf(event.p));
      }
    }
    this.terminal.write(output);
  }

  private finish(result: LaunchResult): void {
    this.sampler?.dispose();
    if (this.disposed) return;
    this.result = result;
    let untraced: string | null = null;
    if (result.error) {
      untraced = `procscope: could not start ${this.request.node.path}: ${result.error.message}`;
      this.terminal.note(untraced);
    } else if (!this.stats.connected && this.rawOutput) {
      // Nothing reached the trace (the runtime failed early): show what the program printed.
      untraced = this.rawOutput;
      this.terminal.write(this.rawOutput.replace(/\r?\n/g, "\r\n"));
    }
    if (untraced !== null) {
      // In the trace too, so that the panel can say why the run failed.
      this.events.push({
        type: "process.output",
        t: this.launch?.now() ?? 0,
        p: 1,
        stream: "stderr",
        text: untraced,
      });
    }
    this.tracePath = this.saveTrace();
    const how =
      result.signal !== null ? `ended by ${result.signal}` : `exited with code ${result.code}`;
    this.terminal.note(
      `\nprocscope: ${how}` +
        (this.tracePath ? ` · trace ${this.tracePath} (${this.events.length} events)` : "") +
        (this.stats.dropped > 0 ? ` · ${this.stats.dropped} events dropped` : ""),
    );
    this.info = { ...this.info, state: "finished", exitCode: result.exitCode };
    this.stateChanged.fire(this.info);
  }

  private saveTrace(): string | null {
    const file = defaultTracePath(this.request.entry, this.request.traceDir);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // The file is sorted by time; the live list stays in arrival order for the panels.
      writeTraceFile(
        file,
        [...this.events].sort((a, b) => a.t - b.t),
      );
      return file;
    } catch (error) {
      this.terminal.note(`procscope: could not save the trace: ${(error as Error).message}`);
      return null;
    }
  }

  dispose(): void {
    this.disposed = true;
    // The editor is going away: no grace period, the whole group ends now.
    if (this.running) this.launch?.signal("SIGKILL");
    this.sampler?.dispose();
    this.stateChanged.dispose();
    this.terminal.dispose();
  }
}
