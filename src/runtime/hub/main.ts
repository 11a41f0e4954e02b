/** Entry point of the hub process (started by the root; see hub.ts). */
import { Hub } from "./hub";
import { ENV } from "../env";

const socketPath = process.env[ENV.hubSocket];
const secret = process.env[ENV.secret];
if (!socketPath || !secret) {
  process.stderr.write("procscope hub: started without a socket path and secret\n");
  process.exit(2);
}
process.title = "procscope-hub";
// Ctrl-C signals a run's whole process group (in a terminal, or passed on by the CLI). The
// hub does not die of it: it ends with the root, and then SIGKILLs every other process of the
// run it knows (any that handle the signal) and hands the collector its last events.
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => undefined);
const hub = new Hub({
  socketPath,
  secret,
  collectorPath: process.env[ENV.collector] ?? process.env[ENV.hubCollector],
  collectorSecret: process.env[ENV.collectorSecret],
});
hub.start().catch((error: Error) => {
  process.stderr.write(`procscope hub: cannot listen on ${socketPath}: ${error.message}\n`);
  process.exit(2);
});
