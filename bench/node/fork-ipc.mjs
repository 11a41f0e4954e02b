// Bare child_process.fork IPC throughput, child → parent: COUNT messages [i, null, "hello"].
// Usage: fork-ipc.mjs COUNT json|advanced (the `serialization` option of fork).
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { emit, intArg, throughput } from "./common.mjs";

const count = intArg(0, 200_000);
const serialization = process.argv[3] ?? "json";
const child = fork(
  fileURLToPath(new URL("fork-child.cjs", import.meta.url)),
  ["stream", String(count)],
  { serialization },
);
const exited = once(child, "exit");
let received = 0;
let last;
const result = await new Promise((resolve) => {
  child.on("message", (message) => {
    if (received++ < count) {
      last = message;
      return;
    }
    resolve(throughput(count, 0, message.startedNs));
  });
});
if (last[0] !== count - 1) throw new Error("messages arrived out of order");
await exited;
emit({ bench: "queue-small", serialization, ...result });
