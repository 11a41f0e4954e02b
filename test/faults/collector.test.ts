// The collector goes away mid-run: the terminal's CLI is SIGKILLed (its collector with it),
// or the collector closes its socket. The program must run on to its normal end, unrecorded,
// with no process left behind (docs/architecture.md, "When the collector goes away").
// By default one round per workload and way (PROCSCOPE_FAULT_COLLECTOR_ROUNDS: more), seeded
// as the kill rounds are (plan.ts).
import { after } from "node:test";
import * as assert from "node:assert/strict";
import { Collector } from "../../src/cli/collector";
import { ENV } from "../../src/runtime/env";
import { WORKLOADS } from "../fixtures/lib/fault-reports";
import {
  cleanUp,
  fixturePath,
  rootBootstrapPath,
  scratch,
  settlesWithin,
  startNode,
  type Started,
} from "../integration/helpers";
import {
  describeMoment,
  planCollectorRound,
  roundSeed,
  settingsFromEnvironment,
  type RoundPlan,
} from "./plan";
import { WATCHDOG_MS, chooseVictim, type Killed, type RoundOptions } from "./round";
import { defineRounds, type PlannedRound } from "./rounds";

after(cleanUp);

const settings = settingsFromEnvironment();

/**
 * Runs the root under a collector of the test's own, as the launcher would, and closes that
 * collector (its socket and the hub's connection) at the planned moment.
 */
function ownCollector(plan: RoundPlan): RoundOptions {
  const collector = new Collector(scratch(`collector-${plan.seed}.sock`), () => undefined);
  const args = [fixturePath("faults.ts"), plan.workload, String(plan.seed)];
  return {
    start: async () => {
      await collector.listen();
      return startNode([rootBootstrapPath, ...args], {
        timeoutMs: WATCHDOG_MS + 30_000,
        env: { [ENV.collector]: collector.socketPath, [ENV.collectorSecret]: collector.secret },
      });
    },
    inject: async (started: Started): Promise<Killed> => {
      const began = Date.now();
      await chooseVictim(started, plan);
      const wasAlive = !(await settlesWithin(started.finished, 0));
      assert.ok(collector.received > 0, "the hub never reached the collector");
      collector.close();
      return { pid: started.child.pid!, p: null, atMs: Date.now() - began, wasAlive };
    },
    dispose: () => collector.close(),
  };
}

// Collector rounds take seeds after the kill rounds', so that one seed replays them all.
const rounds: PlannedRound[] = [];
let index = settings.rounds;
for (let repeat = 0; repeat < settings.collectorRounds; repeat++) {
  for (const victim of ["cli", "collector-socket"] as const) {
    for (const workload of WORKLOADS) {
      const plan = planCollectorRound(roundSeed(settings, index++), workload, victim);
      const how = victim === "cli" ? "the CLI SIGKILLed" : "the collector's socket closed";
      rounds.push({
        plan,
        title: `${workload}: ${how} ${describeMoment(plan)} (seed ${plan.seed})`,
        replay:
          `PROCSCOPE_TEST_FILE=collector PROCSCOPE_FAULT_SEED=${settings.seed} ` +
          `PROCSCOPE_FAULT_ROUNDS=${settings.rounds} node scripts/test.mjs faults ` +
          `(this round is the ${how} one of ${workload})`,
        options: victim === "cli" ? undefined : () => ownCollector(plan),
      });
    }
  }
}
defineRounds("collector", rounds, settings);
