// Fault injection: SIGKILL one process of a queue, pipe, lock, manager or pool workload
// (producer, consumer, lock holder, manager server, pool worker, root or hub) at a random
// moment, round after round, and check what checks.ts says must hold. Seeded: see plan.ts
// for the environment that sizes, filters and replays rounds.
import { after, test } from "node:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanUp, repoRoot } from "../integration/helpers";
import {
  describeMoment,
  planRound,
  replayCommand,
  roundSeed,
  settingsFromEnvironment,
} from "./plan";
import { runRound, type RoundRun } from "./round";
import { checkRound } from "./checks";
import { summarize, type RoundOutcome } from "./summary";

after(cleanUp);

const settings = settingsFromEnvironment();
const figures: RoundOutcome[] = [];

for (let index = 0; index < settings.rounds; index++) {
  const plan = planRound(roundSeed(settings, index), settings.only);
  const fault = `${plan.workload}:${plan.victim}`;
  const title =
    `round ${index + 1}/${settings.rounds} (seed ${plan.seed}): ${plan.workload}, ` +
    `SIGKILL ${plan.victim} ${describeMoment(plan)}`;
  test(title, async () => {
    let run: RoundRun | null = null;
    try {
      run = await runRound(plan);
      figures.push({ fault, figures: checkRound(run) });
      if (settings.keep) keep(run);
    } catch (error) {
      figures.push({ fault, figures: null });
      const failure = error as Error;
      if (run) failure.message += `\nkept: ${keep(run)}.*`;
      failure.message += `\nreplay: ${replayCommand(plan, settings.only)}`;
      throw failure;
    }
  });
}

const keptDir = path.join(repoRoot, "out", "faults");

/** Keeps a failed round's output and trace for a look after the tier is done. */
function keep(run: RoundRun): string {
  const base = path.join(keptDir, `round-${run.plan.seed}`);
  fs.mkdirSync(keptDir, { recursive: true });
  fs.writeFileSync(`${base}.stdout`, run.stdout);
  fs.writeFileSync(`${base}.stderr`, run.stderr);
  if (fs.existsSync(run.tracePath)) fs.copyFileSync(run.tracePath, `${base}.pstrace`);
  return path.relative(repoRoot, base);
}

test(`summary (run seeded ${settings.seed})`, (t) => {
  const table = summarize(figures);
  t.diagnostic(`seed ${settings.seed}, ${settings.rounds} rounds\n${table}`);
  const file = path.join(keptDir, `kills-${settings.seed}.md`);
  fs.mkdirSync(keptDir, { recursive: true });
  fs.writeFileSync(file, `seed ${settings.seed}, ${settings.rounds} rounds\n\n${table}\n`);
});
