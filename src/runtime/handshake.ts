/**
 * Limits on a connection that has not proved itself yet (the run's secret for the hub and
 * the collector, the authkey's HMAC for a manager). Until it has, a peer may send one small
 * frame and must do so soon: a stranger can neither make a server buffer a huge frame nor
 * hold a connection open for ever.
 */
import type * as net from "node:net";
import { MAX_FRAME_BYTES, type FrameReader } from "./framing";

/** How long a new connection has to present its credentials. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** The largest frame accepted before that (a hello is a few hundred bytes). */
export const HANDSHAKE_MAX_FRAME_BYTES = 64 * 1024;

export interface Handshake {
  /** The peer proved itself: lift the limits. */
  passed(): void;
}

export function guardHandshake(socket: net.Socket, reader: FrameReader): Handshake {
  reader.maxFrameBytes = HANDSHAKE_MAX_FRAME_BYTES;
  const timer = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS);
  // A server waiting for a stranger's hello must not keep its process alive for it.
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  return {
    passed: () => {
      clearTimeout(timer);
      reader.maxFrameBytes = MAX_FRAME_BYTES;
    },
  };
}
