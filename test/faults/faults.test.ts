// Fault injection: SIGKILL one process of a queue, pipe, lock, manager or pool workload
// (producer, consumer, lock holder, manager server, pool worker, root or hub) at a random
// point of its work, round after round, and check what checks.ts says must hold. Seeded:
// see plan.ts for the environment that sizes, filters and replays rounds.
import { after } from "node:test";
import { cleanUp } from "../integration/helpers";
import {
  describeMoment,
  planRound,
  replayCommand,
  roundSeed,
  settingsFromEnvironment,
} from "./plan";
import { defineRounds } from "./rounds";

after(cleanUp);

const settings = settingsFromEnvironment();

defineRounds(
  "kills",
  Array.from({ length: settings.rounds }, (_, index) => {
    const plan = planRound(roundSeed(settings, index), settings.only);
    return {
      plan,
      title:
        `round ${index + 1}/${settings.rounds} (seed ${plan.seed}): ${plan.workload}, ` +
        `SIGKILL ${plan.victim} ${describeMoment(plan)}`,
      replay: replayCommand(plan, settings.only),
    };
  }),
  settings,
);
