/**
 * This process's place in the run: its number, name and identity, its connection to the
 * hub and its trace recorder. The root starts the hub on first use; a child is handed
 * everything by its bootstrap before any user code runs.
 */
import * as path from "node:path";
import * as fs from "node:fs";
import * as os from "node:os";
import * as crypto from "node:crypto";
import { spawn } from "node:child_process";
import { ENV, HUB_LOST_EXIT_CODE } from "./env";
import { HubClient } from "./hub-client";
import { Recorder } from "./recorder";
import { now } from "./clock";
import type { TraceEvent } from "../protocol/trace";

export interface ProcessIdentity {
  name: string;
  /** Python's `_identity`: the root is [], its first child [1], that one's first child [1, 1]. */
  identity: number[];
  daemon: boolean;
  parentName: string | null;
}

/**
 * What keeps this process's event loop busy besides the runtime's own connections and
 * children: the kinds of timer, request or socket of the program (Node names them).
 */
function pendingWorkOfTheProgram(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kind !== "PipeWrap" && kind !== "TTYWrap" && kind !== "ProcessWrap");
}

class Context {
  /** Display number; the root is always 1, a child learns its number before user code runs. */
  number = 1;
  readonly isRoot = !process.env[ENV.launch];
  info: ProcessIdentity = { name: "MainProcess", identity: [], daemon: false, parentName: null };
  readonly client = new HubClient();
  readonly recorder = new Recorder();
  private connecting: Promise<void> | null = null;
  private objectCounter = 0;
  private messageCounter = 0;
  /** Children started by this process (so exit can join or terminate them). */
  childCounter = 0;

  constructor() {
    this.recorder.processNumber = () => this.number;
    // The hub asks before it reports a deadlock: is this process only waiting, or does it
    // have other work pending that may yet end its wait (a timer, a file, a socket)?
    this.client.on("idle?", () =>
      this.client.send({ type: "idle", pending: pendingWorkOfTheProgram() }),
    );
    this.client.onLost = (reason) => {
      // Without the hub no queue, pipe or lock can work; the run is over for this process.
      if (!this.isRoot) process.exit(HUB_LOST_EXIT_CODE);
      process.stderr.write(`procscope: ${reason}; stopping\n`);
      process.exit(HUB_LOST_EXIT_CODE);
    };
  }

  /** Starts (root) the hub connection; idempotent. Children call `connectChild` instead. */
  ensureConnected(): Promise<void> {
    if (!this.connecting) this.connecting = this.connectRoot();
    return this.connecting;
  }

  private async connectRoot(): Promise<void> {
    const socketPath = startHub();
    await this.client.connect(socketPath, {
      type: "hello",
      secret: process.env[ENV.secret],
      root: true,
      pid: process.pid,
      ppid: process.ppid,
      name: this.info.name,
    });
    this.recorder.attach(this.client);
  }

  /** Used by the child bootstrap: connect, learn our number, receive the target's args. */
  async connectChild(info: ProcessIdentity): Promise<Buffer | null> {
    this.info = info;
    let argsBody: Buffer | null = null;
    this.connecting = (async () => {
      const socketPath = process.env[ENV.hubSocket];
      if (!socketPath) throw new Error("procscope: child started without a hub socket");
      const client = this.client;
      const welcome = await client.connectWithBody(socketPath, {
        type: "hello",
        secret: process.env[ENV.secret],
        pid: process.pid,
        ppid: process.ppid,
        name: info.name,
      });
      this.number = welcome.header.number as number;
      argsBody = welcome.body;
      this.recorder.attach(client);
    })();
    await this.connecting;
    return argsBody;
  }

  nextObjectId(): string {
    return `${this.number}.${++this.objectCounter}`;
  }

  nextMessageSeq(): number {
    return ++this.messageCounter;
  }

  record(event: TraceEvent): void {
    this.recorder.record(event);
  }

  get tracing(): boolean {
    return this.recorder.enabled;
  }

  now(): number {
    return now();
  }

  /** Run just before the connection closes: last words to the hub (e.g. lock state). */
  readonly beforeShutdown: Array<() => void> = [];

  /** Flushes the recorder and the connection, says goodbye and closes it. */
  async shutdown(): Promise<void> {
    if (!this.connecting) return;
    await this.connecting.catch(() => undefined);
    for (const hook of this.beforeShutdown) hook();
    this.recorder.flush(this.number, true);
    await this.client.close();
  }
}

export const context = new Context();

/**
 * Starts the hub process for a run rooted here. Its socket lives in a fresh private
 * directory (mode 0700) and every connection must present the run's random secret.
 */
function startHub(): string {
  const existing = process.env[ENV.hubSocket];
  if (existing && process.env[ENV.secret]) return existing;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "procscope-"));
  fs.chmodSync(dir, 0o700);
  const socketPath = path.join(dir, "hub.sock");
  process.env[ENV.hubSocket] = socketPath;
  process.env[ENV.secret] = crypto.randomBytes(32).toString("hex");
  process.env[ENV.compileCache] = path.join(dir, "compiled");
  const hub = spawn(process.execPath, [path.join(__dirname, "hub.js")], {
    stdio: ["ignore", "inherit", "inherit"],
    env: process.env,
  });
  hub.unref();
  hub.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  process.on("exit", () => {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort.
    }
  });
  return socketPath;
}

/** Records an event stamped with this process's number and the current time. */
export function record<E extends TraceEvent>(event: Omit<E, "t" | "p"> & { t?: number }): void {
  if (!context.tracing) return;
  // Defaults first, the event's own fields over them: V8 copies an object spread last much
  // faster than it clones one spread first (measured: ~5 µs a call the other way round).
  context.record({ t: now(), p: context.number, ...event } as unknown as TraceEvent);
}
