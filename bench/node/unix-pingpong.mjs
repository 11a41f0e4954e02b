// Round trip over a raw Unix socket between two Node processes: what Node itself costs per
// hop, with no broker in between. The parent sends an 8-byte number, the child echoes it.
// Usage: unix-pingpong.mjs COUNT [WARM_UP] (WARM_UP round trips first, default 200)
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { emit, intArg, median, nowNs } from "./common.mjs";

const MESSAGE_BYTES = 8;
// The child is started as `unix-pingpong.mjs COUNT child SOCKET`.
const [countText, role, socketPath] = process.argv.slice(2);

/** Calls `onMessage` with each whole 8-byte message read from `socket`. */
function readMessages(socket, onMessage) {
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= MESSAGE_BYTES) {
      onMessage(pending.readDoubleLE(0));
      pending = pending.subarray(MESSAGE_BYTES);
    }
  });
}

function message(value) {
  const buffer = Buffer.allocUnsafe(MESSAGE_BYTES);
  buffer.writeDoubleLE(value, 0);
  return buffer;
}

if (role === "child") {
  const socket = net.connect(socketPath);
  socket.setNoDelay(true);
  readMessages(socket, (value) => {
    if (value < 0) socket.end();
    else socket.write(message(value));
  });
} else {
  const count = intArg(0, 5000);
  const warmUp = intArg(1, 200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pingpong-"));
  const where = path.join(dir, "s.sock");
  const server = net.createServer();
  server.listen(where);
  await once(server, "listening");
  const child = fork(fileURLToPath(import.meta.url), [countText, "child", where]);
  const [socket] = await once(server, "connection");
  const roundTrips = [];
  let startedNs = 0;
  let sentNs = nowNs();
  let next = 0;
  const done = new Promise((resolve) => {
    readMessages(socket, (value) => {
      const receivedNs = nowNs();
      if (value !== next) throw new Error("wrong echo");
      if (next >= warmUp) roundTrips.push((receivedNs - sentNs) / 1e3);
      next++;
      if (next === warmUp) startedNs = receivedNs;
      if (next === warmUp + count) {
        resolve(receivedNs);
        return;
      }
      sentNs = nowNs();
      socket.write(message(next));
    });
  });
  socket.write(message(0));
  const endedNs = await done;
  socket.write(message(-1));
  await once(child, "exit");
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const seconds = (endedNs - startedNs) / 1e9;
  emit({
    bench: "pipe-pingpong",
    count,
    seconds,
    roundTripUs: (seconds / count) * 1e6,
    medianRoundTripUs: median(roundTrips),
    roundTripsPerSec: count / seconds,
  });
}
