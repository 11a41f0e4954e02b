/** Bootstrap of every child process: load the runtime the program will share, then become the child. */
import * as path from "node:path";

interface Boot {
  runChild(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.join(__dirname, "index.js"));
const boot = (globalThis as Record<symbol, unknown>)[Symbol.for("procscope.boot")] as Boot;
void boot.runChild();
