/**
 * `Manager`: Python's `multiprocessing.Manager()`. `Manager.start()` starts a server
 * process (shown in the process tree as a manager) that keeps shared dicts, lists,
 * namespaces, queues, locks and the rest; the objects handed out are proxies, usable from
 * any process they are passed to. `Manager.start({ address, authkey })` serves over TCP,
 * and `Manager.connect({ address, authkey })` reaches such a manager from another program.
 */
import * as crypto from "node:crypto";
import * as path from "node:path";
import { context } from "../context";
import { ENV } from "../env";
import { Process } from "../process";
import { Queue, JoinableQueue } from "../queue";
import { AuthenticationError, ProcessError, ValueError } from "../errors";
import { createObject, ownedBy } from "../objects";
import { viaLink, type LinkAddress } from "../link";
import type { HubClient } from "../hub-client";
import { Lock, RLock } from "../sync/lock";
import { Semaphore, BoundedSemaphore } from "../sync/semaphore";
import { Event } from "../sync/event";
import { Condition } from "../sync/condition";
import { Barrier, type BarrierOptions } from "../sync/barrier";
import { Value, SharedArray } from "../sync/shared-value";
import { DictProxy, ListProxy, NamespaceProxy } from "./proxies";
import { authkeyHex } from "./auth";
import { linkTo } from "./links";
import { managerServer, type ManagerReady } from "./server";

export interface ManagerAddress {
  host: string;
  /** 0 picks a free port (see `manager.address`). */
  port: number;
}

export interface ManagerStartOptions {
  /** Serve over TCP at this address (a remote manager); default: a private local socket. */
  address?: ManagerAddress;
  /** The shared secret clients must prove they know; default: a random one. */
  authkey?: string | Uint8Array;
}

export interface ManagerConnectOptions {
  address: ManagerAddress;
  authkey: string | Uint8Array;
}

let managerCounter = 0;

export class Manager {
  private constructor(
    private readonly link: HubClient,
    private readonly linkAddress: LinkAddress,
    /** The server process, when this program started it. */
    private readonly server: Process | null,
    readonly id: string,
  ) {}

  /** Where the manager listens: a socket path, or a TCP address. */
  get address(): string | ManagerAddress {
    const { path: socketPath, host, port } = this.linkAddress;
    return socketPath ?? { host: host ?? "127.0.0.1", port: port ?? 0 };
  }

  /** Starts a manager process and connects to it. */
  static async start(options: ManagerStartOptions = {}): Promise<Manager> {
    await context.ensureConnected();
    const authkey = options.authkey
      ? authkeyHex(options.authkey)
      : crypto.randomBytes(32).toString("hex");
    const id = createObject("manager", { type: "manager" });
    const settings = options.address
      ? { host: options.address.host, port: options.address.port, authkey }
      : {
          path: path.join(path.dirname(process.env[ENV.hubSocket]!), `manager-${id}.sock`),
          authkey,
        };
    const ready = ownedBy(id, "ready", () => new Queue<ManagerReady>());
    const server = new Process({
      target: managerServer,
      args: [settings, ready],
      name: `SyncManager-${++managerCounter}`,
      daemon: true,
      role: "manager",
    }).start();
    const died = server.whenExited().then(() => {
      throw new ProcessError(
        `the manager process ${server.name} ended before it was ready (exit code ${server.exitCode})`,
        server.pid,
        server.exitCode,
        null,
      );
    });
    const reply = await Promise.race([ready.get(), died]);
    if ("error" in reply) throw new ValueError(`the manager could not listen: ${reply.error}`);
    const address: LinkAddress = { ...reply, authkey };
    const { client, ready: authenticated } = linkTo(address, Boolean(options.address), true);
    await authenticated;
    return new Manager(client, address, server as unknown as Process, id);
  }

  /** Connects to a manager another program started with an address and authkey. */
  static async connect(options: ManagerConnectOptions): Promise<Manager> {
    if (!options || !options.address) {
      throw new ValueError("Manager.connect() needs { address: { host, port }, authkey }");
    }
    if (options.authkey === undefined || options.authkey === null) {
      throw new AuthenticationError(
        "Manager.connect(): no authkey given, so the manager would refuse it",
      );
    }
    await context.ensureConnected();
    const address: LinkAddress = {
      host: options.address.host,
      port: options.address.port,
      authkey: authkeyHex(options.authkey),
    };
    const { client, ready } = linkTo(address, true, true);
    await ready;
    return new Manager(client, address, null, `${options.address.host}:${options.address.port}`);
  }

  /** Stops the manager process (if this program started it) and closes the connection. */
  async shutdown(): Promise<void> {
    if (this.server) {
      if (this.server.isAlive()) {
        await this.link.request({ type: "shutdown" }).catch(() => undefined);
        await this.server.join(5);
        if (this.server.isAlive()) this.server.kill();
      }
    }
    await this.link.close().catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  dict<K = unknown, V = unknown>(
    init?: Map<K, V> | Record<string, V> | Iterable<[K, V]>,
  ): DictProxy<K, V> {
    return this.make(() => new DictProxy<K, V>(init));
  }
  list<T = unknown>(init?: Iterable<T>): ListProxy<T> {
    return this.make(() => new ListProxy<T>(init));
  }
  Namespace(): NamespaceProxy {
    return this.make(() => new NamespaceProxy());
  }
  Lock(): Lock {
    return this.make(() => new Lock());
  }
  RLock(): RLock {
    return this.make(() => new RLock());
  }
  Semaphore(value = 1): Semaphore {
    return this.make(() => new Semaphore(value));
  }
  BoundedSemaphore(value = 1): BoundedSemaphore {
    return this.make(() => new BoundedSemaphore(value));
  }
  Condition(lock?: Lock | RLock): Condition {
    return this.make(() => new Condition(lock));
  }
  Event(): Event {
    return this.make(() => new Event());
  }
  Barrier(parties: number, options?: BarrierOptions): Barrier {
    return this.make(() => new Barrier(parties, options));
  }
  Queue<T = unknown>(maxsize = 0): Queue<T> {
    return this.make(() => new Queue<T>(maxsize));
  }
  JoinableQueue<T = unknown>(maxsize = 0): JoinableQueue<T> {
    return this.make(() => new JoinableQueue<T>(maxsize));
  }
  Value<T = number>(typecode: string, value: T): Value<T> {
    return this.make(() => new Value<T>(typecode, value));
  }
  Array<T = number>(typecode: string, init: T[] | number): SharedArray<T> {
    return this.make(() => new SharedArray<T>(typecode, init));
  }

  private make<T>(construct: () => T): T {
    return viaLink(this.link, construct);
  }
}
