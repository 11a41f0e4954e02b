// A raw Unix socket between two Node processes: the child writes COUNT fresh buffers of
// SIZE bytes (respecting back-pressure), the parent counts bytes. The child reports when it
// began over the fork IPC channel once it has written everything.
// Usage: unix-socket.mjs COUNT SIZE
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { emit, intArg, nowNs } from "./common.mjs";

const [countText, sizeText, role, socketPath] = process.argv.slice(2);
const count = intArg(0, 2000);
const size = intArg(1, 65536);

if (role === "child") {
  const socket = net.connect(socketPath);
  await once(socket, "connect");
  const startedNs = nowNs();
  for (let i = 0; i < count; i++) {
    if (!socket.write(Buffer.allocUnsafe(size).fill(i & 0xff))) await once(socket, "drain");
  }
  socket.end();
  await once(socket, "close");
  process.send({ startedNs });
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-unix-"));
  const where = path.join(dir, "s.sock");
  const server = net.createServer();
  server.listen(where);
  await once(server, "listening");
  const child = fork(fileURLToPath(import.meta.url), [countText, sizeText, "child", where]);
  const started = once(child, "message");
  const [socket] = await once(server, "connection");
  let bytes = 0;
  socket.on("data", (chunk) => (bytes += chunk.length));
  await once(socket, "end");
  const endedNs = nowNs();
  const [{ startedNs }] = await started;
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (bytes !== count * size) throw new Error(`received ${bytes} bytes, expected ${count * size}`);
  const seconds = (endedNs - startedNs) / 1e9;
  emit({
    bench: "queue-large",
    bytes: size,
    count,
    seconds,
    msgPerSec: count / seconds,
    mbPerSec: bytes / seconds / 1e6,
  });
}
