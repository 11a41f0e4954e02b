/**
 * A fixture run as the editor runs a program: `Launch` in this process, traced, events
 * handed over as they arrive (the status bar's counts kept from them), output piped.
 */
import * as path from "node:path";
import { fixturePath, newMark, repoRoot } from "../integration/helpers";
import { Launch } from "../../src/cli/launcher";
import { RunStats } from "../../src/extension/run-stats";
import type { TraceEvent } from "../../src/protocol/trace";

export interface EditorRun {
  launch: Launch;
  /** The marker of the run's processes (`survivors`, `killMarked`). */
  mark: string;
  events: TraceEvent[];
  stats: RunStats;
  /** What the program printed so far. */
  stdout(): string;
}

/**
 * Starts `fixture`; `onBatch` sees each batch of events once they are counted. `marked`: a
 * marker made beforehand (to watch the run's processes from their start).
 */
export async function launchAsEditor(
  fixture: string,
  onBatch: (batch: TraceEvent[], run: { stats: RunStats }) => void,
  marked: ReturnType<typeof newMark> = newMark(),
): Promise<EditorRun> {
  const { mark, env } = marked;
  const events: TraceEvent[] = [];
  const stats = new RunStats();
  let stdout = "";
  const launch = await Launch.start({
    entry: fixturePath(fixture),
    args: [],
    runtimeDir: path.join(repoRoot, "dist", "runtime"),
    trace: true,
    env: { ...process.env, ...env },
    stdio: "pipe",
    onEvents: (batch) => {
      for (const event of batch) {
        events.push(event);
        stats.add(event);
      }
      onBatch(batch, { stats });
    },
  });
  launch.stdout?.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  launch.stderr?.resume();
  return { launch, mark, events, stats, stdout: () => stdout };
}
