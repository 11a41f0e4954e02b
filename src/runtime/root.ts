/**
 * Bootstrap of a run's root process under the CLI or the editor:
 * `node root.js ENTRY [ARGS…]`.
 */
import * as path from "node:path";

interface Boot {
  runRoot(entry: string, args: string[]): Promise<void>;
}
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: root.js ENTRY [ARGS…]\n");
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.join(__dirname, "index.js"));
const boot = (globalThis as Record<symbol, unknown>)[Symbol.for("procscope.boot")] as Boot;
void boot.runRoot(path.resolve(entry), args);
