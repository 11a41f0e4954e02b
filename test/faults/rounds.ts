/**
 * Rounds as node:test tests: each runs, is checked (checks.ts) and adds its figures to a
 * summary table, printed and kept in out/faults/NAME-SEED.md. A failed round keeps its
 * output and trace in out/faults and says how to replay it.
 */
import { test } from "node:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../integration/helpers";
import type { RoundPlan, Settings } from "./plan";
import { runRound, type RoundOptions, type RoundRun } from "./round";
import { checkRound } from "./checks";
import { summarize, type RoundOutcome } from "./summary";

export interface PlannedRound {
  plan: RoundPlan;
  title: string;
  /** How to run this round again, for a failure message. */
  replay: string;
  /** Made when the round starts (a collector of its own, say). */
  options?: () => RoundOptions;
}

const keptDir = path.join(repoRoot, "out", "faults");

/** Keeps a round's output and trace for a look after the tier is done. */
function keep(run: RoundRun): string {
  const base = path.join(keptDir, `round-${run.plan.seed}-${run.plan.victim}`);
  fs.mkdirSync(keptDir, { recursive: true });
  fs.writeFileSync(`${base}.stdout`, run.stdout);
  fs.writeFileSync(`${base}.stderr`, run.stderr);
  if (fs.existsSync(run.tracePath)) fs.copyFileSync(run.tracePath, `${base}.pstrace`);
  return path.relative(repoRoot, base);
}

export function defineRounds(name: string, rounds: PlannedRound[], settings: Settings): void {
  const outcomes: RoundOutcome[] = [];
  for (const round of rounds) {
    const fault = `${round.plan.workload}:${round.plan.victim}`;
    test(round.title, async () => {
      let run: RoundRun | null = null;
      try {
        run = await runRound(round.plan, round.options?.());
        outcomes.push({ fault, figures: checkRound(run) });
        if (settings.keep) keep(run);
      } catch (error) {
        outcomes.push({ fault, figures: null });
        const failure = error as Error;
        if (run) failure.message += `\nkept: ${keep(run)}.*`;
        failure.message += `\nreplay: ${round.replay}`;
        throw failure;
      }
    });
  }
  test(`${name}: summary (seed ${settings.seed})`, (t) => {
    const heading = `${name}, seed ${settings.seed}, ${rounds.length} rounds`;
    const table = summarize(outcomes);
    t.diagnostic(`${heading}\n${table}`);
    fs.mkdirSync(keptDir, { recursive: true });
    fs.writeFileSync(path.join(keptDir, `${name}-${settings.seed}.md`), `${heading}\n\n${table}\n`);
  });
}
