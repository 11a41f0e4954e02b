// Bare child_process.fork: start → first IPC message, and start → exit of a child that
// does nothing. Usage: fork-startup.mjs [ROUNDS]; one extra warm-up round is not counted.
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { emit, intArg, median, nowNs } from "./common.mjs";

const childPath = fileURLToPath(new URL("fork-child.cjs", import.meta.url));
const rounds = intArg(0, 10);
const firstMessage = [];
const startJoin = [];
for (let round = -1; round < rounds; round++) {
  const started = nowNs();
  const messenger = fork(childPath, ["hello"]);
  const exited = once(messenger, "exit");
  await once(messenger, "message");
  const received = nowNs();
  await exited;

  const launched = nowNs();
  const sleeper = fork(childPath, ["idle"]);
  await once(sleeper, "exit");
  const joined = nowNs();
  if (round < 0) continue;
  firstMessage.push((received - started) / 1e6);
  startJoin.push((joined - launched) / 1e6);
}
emit({
  bench: "startup",
  rounds,
  firstMessageMs: median(firstMessage),
  startJoinMs: median(startJoin),
  firstMessageMinMs: Math.min(...firstMessage),
  startJoinMinMs: Math.min(...startJoin),
});
