/**
 * The manager's server: the process started by `Manager.start()`. It keeps the objects
 * made through the manager (dicts, lists, namespaces, and queues, locks and the rest of the
 * family, with the same machinery as the hub) and serves every connection that answers its
 * challenge. It runs until `shutdown()`, or until its owner's exit ends it.
 */
import * as net from "node:net";
import * as fs from "node:fs";
import { FrameReader, type Frame } from "../framing";
import { guardHandshake } from "../handshake";
import { Peer, flushPeers } from "../hub/peer";
import { ChannelObjects } from "../hub/channel-objects";
import { lostMessage } from "../hub/lost";
import { SyncObjects } from "../hub/sync-objects";
import { Collections } from "../hub/collections";
import { context, record } from "../context";
import { registerInternalTarget } from "../functions";
import type { Queue } from "../queue";
import type { WarningEvent } from "../../protocol/trace";
import { checkAnswer, answer, newChallenge } from "./auth";

export interface ManagerSettings {
  /** Unix socket path (a local manager) … */
  path?: string;
  /** … or TCP address (a remote manager). */
  host?: string;
  port?: number;
  authkey: string;
}

export type ManagerReady = { path?: string; host?: string; port?: number } | { error: string };

function warn(
  peer: Peer,
  obj: string,
  message: string,
  code: WarningEvent["code"],
  extra: Partial<WarningEvent> = {},
): void {
  record<WarningEvent>({
    type: "warning",
    code,
    obj,
    message: `P${peer.number}: ${message}`,
    ...extra,
  });
}

class ManagerServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly channels = new ChannelObjects({
    lost: (channel, peer, ids) =>
      record<WarningEvent>({
        type: "warning",
        code: "message-lost",
        obj: channel.id,
        message: lostMessage(peer, channel.id, ids),
        msgs: ids,
      }),
    taskDoneExtra: (peer, obj) =>
      warn(peer, obj, `taskDone() on ${obj} called too often`, "task-done-extra"),
  });
  private readonly syncs = new SyncObjects({
    holderDied: (peer, obj) =>
      warn(peer, obj, `ended while holding ${obj}; it was released`, "holder-died", {
        holder: peer.number,
      }),
    misuse: (peer, obj, message) => warn(peer, obj, message, "misuse"),
  });
  private readonly collections = new Collections();
  private stopped!: () => void;
  readonly done = new Promise<void>((resolve) => (this.stopped = resolve));

  constructor(private readonly settings: ManagerSettings) {}

  listen(): Promise<ManagerReady> {
    return new Promise((resolve) => {
      this.server.once("error", (error) => resolve({ error: error.message }));
      if (this.settings.path) {
        fs.rmSync(this.settings.path, { force: true });
        this.server.listen(this.settings.path, () => resolve({ path: this.settings.path }));
      } else {
        this.server.listen(this.settings.port ?? 0, this.settings.host ?? "127.0.0.1", () => {
          const address = this.server.address() as net.AddressInfo;
          resolve({ host: address.address, port: address.port });
        });
      }
    });
  }

  private accept(socket: net.Socket): void {
    const peer = new Peer(socket);
    const reader = new FrameReader();
    const handshake = guardHandshake(socket, reader);
    const challenge = newChallenge();
    let authenticated = false;
    socket.setNoDelay(true);
    peer.send({ type: "challenge", nonce: challenge, server: context.number });
    socket.on("data", (chunk: Buffer) => {
      try {
        reader.push(chunk, (frame) => {
          if (authenticated) return this.handle(peer, frame);
          const h = frame.header;
          if (h.type !== "hello" || !checkAnswer(this.settings.authkey, challenge, h.digest)) {
            // Nothing but a refusal for whoever does not know the key.
            peer.reply(h.req as number, {
              error: "authentication failed: wrong or missing authkey",
            });
            peer.flush();
            socket.end();
            socket.destroySoon();
            return;
          }
          authenticated = true;
          handshake.passed();
          peer.number = typeof h.p === "number" ? h.p : 0;
          peer.pid = typeof h.pid === "number" ? h.pid : 0;
          peer.reply(h.req as number, {
            server: context.number,
            digest: typeof h.nonce === "string" ? answer(this.settings.authkey, h.nonce) : null,
          });
        });
        flushPeers();
      } catch {
        socket.destroy();
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (!authenticated) return;
      this.channels.dropPeer(peer);
      this.syncs.dropPeer(peer);
    });
  }

  private handle(peer: Peer, frame: Frame): void {
    const h = frame.header;
    if (
      this.syncs.handle(peer, h) ||
      this.channels.handle(peer, frame) ||
      this.collections.handle(peer, h)
    ) {
      return;
    }
    switch (h.type) {
      case "cancel":
        if (!this.channels.cancel(peer, h.obj as string, h.target as number)) {
          this.syncs.cancel(peer, h.obj as string, h.target as number);
        }
        return;
      case "shutdown":
        peer.reply(h.req as number, { ok: true });
        peer.flush();
        this.server.close();
        this.stopped();
        return;
      case "bye":
        peer.saidBye = true;
        return;
      default:
        if (typeof h.req === "number") peer.reply(h.req, { error: `unknown request '${h.type}'` });
    }
  }
}

/** The target of a manager process. */
export async function managerServer(
  settings: ManagerSettings,
  ready: Queue<ManagerReady>,
): Promise<void> {
  const server = new ManagerServer(settings);
  const address = await server.listen();
  await ready.put(address);
  if ("error" in address) throw new Error(`the manager could not listen: ${address.error}`);
  await context.client.pin(() => server.done);
}

registerInternalTarget("managerServer", managerServer);
