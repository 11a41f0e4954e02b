/**
 * Which fault each round injects, derived from one seed so that any round can be replayed.
 *
 * Round i of a run seeded S uses seed S + i: it picks its fault (workload and victim) by
 * that seed, in turn through every fault, and its moments with a generator seeded by it.
 * So `PROCSCOPE_FAULT_SEED=<a round's seed> PROCSCOPE_FAULT_ROUNDS=1` replays that round.
 *
 * Environment: PROCSCOPE_FAULT_SEED (default: random), PROCSCOPE_FAULT_ROUNDS (default:
 * DEFAULT_ROUNDS), PROCSCOPE_FAULT_ONLY (workloads, victims or `workload:victim` pairs, comma
 * separated, to try only those: `pool`, `hub`, `queue:consumer,pipe`), PROCSCOPE_FAULT_KEEP
 * (keep every round's output and trace in out/faults, not only failed rounds'),
 * PROCSCOPE_FAULT_COLLECTOR_ROUNDS (rounds of each workload for each way the collector goes
 * away, default 1; collector.test.ts).
 */
import * as crypto from "node:crypto";
import { Random } from "../fixtures/lib/random";
import { LOCKERS, WORKLOADS, type Workload } from "../fixtures/lib/fault-reports";

/** Five rounds of each fault: two to three minutes on a small, shared two-core machine. */
const DEFAULT_ROUNDS = 125;

/**
 * Whom a round kills: a process of a role the workload reports; `lock-holder` is a locker
 * killed just after it took the lock; `manager` is the manager's server; `hub` the run's hub.
 */
export type Victim =
  | "root"
  | "hub"
  | "producer"
  | "consumer"
  | "sender"
  | "receiver"
  | "locker"
  | "lock-holder"
  | "manager"
  | "pool-worker"
  /** The collector goes away: the CLI killed, or the collector's socket closed. */
  | "cli"
  | "collector-socket";

const VICTIMS: Record<Workload, Victim[]> = {
  queue: ["producer", "consumer", "root", "hub"],
  "bounded-queue": ["producer", "consumer", "root", "hub"],
  pipe: ["sender", "receiver", "root", "hub"],
  lock: ["lock-holder", "locker", "root", "hub"],
  manager: ["manager", "producer", "consumer", "root", "hub"],
  pool: ["pool-worker", "pool-worker", "root", "hub"],
};

export interface Fault {
  workload: Workload;
  victim: Victim;
}

export interface RoundPlan extends Fault {
  seed: number;
  /** Which of the victim's role to kill, in the order they announce themselves. */
  instance: number;
  /**
   * When to kill: once this share of the workload's steps (fault-reports.ts, PROGRESS) is
   * done — its own batches, for a producer or sender — and `extraMs` more. Progress rather
   * than time, so that a busy machine moves the moment along with the work.
   */
  progress: number;
  extraMs: number;
}

/** How many processes of the victim's role the workload has (fixtures/faults.ts). */
function instances({ workload, victim }: Fault): number {
  switch (victim) {
    case "producer":
      return 2;
    case "consumer":
      return workload === "manager" ? 1 : 2;
    case "locker":
      return LOCKERS;
    case "pool-worker":
      return 3;
    default:
      return 1;
  }
}

/** How a round's moment reads in test names. */
export function describeMoment(plan: RoundPlan): string {
  return `at ${Math.round(plan.progress * 100)}% of the work +${plan.extraMs} ms`;
}

function moment(random: Random): Pick<RoundPlan, "progress" | "extraMs"> {
  return { progress: random.between(0, 95) / 100, extraMs: random.between(0, 25) };
}

/** Every fault, in the order rounds take them; `only` keeps those matching. */
export function faults(only: string | undefined): Fault[] {
  const all = WORKLOADS.flatMap((workload) =>
    VICTIMS[workload].map((victim) => ({ workload, victim })),
  );
  if (!only) return all;
  const wanted = only.split(",");
  const kept = all.filter(({ workload, victim }) =>
    wanted.some((w) => w === workload || w === victim || w === `${workload}:${victim}`),
  );
  if (kept.length === 0) throw new Error(`PROCSCOPE_FAULT_ONLY=${only} matches no fault`);
  return kept;
}

export interface Settings {
  seed: number;
  rounds: number;
  only: string | undefined;
  /** Keep every round's output and trace in out/faults (failed rounds' are always kept). */
  keep: boolean;
  /** Rounds of each workload for each way the collector goes away. */
  collectorRounds: number;
}

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Settings {
  const seed = env.PROCSCOPE_FAULT_SEED
    ? Number(env.PROCSCOPE_FAULT_SEED)
    : crypto.randomInt(1, 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`bad PROCSCOPE_FAULT_SEED ${seed}`);
  return {
    seed,
    rounds: wholeNumber(env, "PROCSCOPE_FAULT_ROUNDS", DEFAULT_ROUNDS),
    only: env.PROCSCOPE_FAULT_ONLY || undefined,
    keep: Boolean(env.PROCSCOPE_FAULT_KEEP),
    collectorRounds: wholeNumber(env, "PROCSCOPE_FAULT_COLLECTOR_ROUNDS", 1),
  };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name] ? Number(env[name]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`bad ${name}: ${env[name]}`);
  return value;
}

/** Seed of round `index`: 32-bit, so that it can be given back as PROCSCOPE_FAULT_SEED. */
export function roundSeed(settings: Settings, index: number): number {
  return (settings.seed + index) % 2 ** 32;
}

export function planRound(seed: number, only: string | undefined): RoundPlan {
  const choices = faults(only);
  const fault = choices[seed % choices.length];
  const random = new Random(seed);
  return {
    ...fault,
    seed,
    instance: random.between(0, instances(fault) - 1),
    ...moment(random),
  };
}

/** A round in which the collector goes away (collector.test.ts), planned as the others. */
export function planCollectorRound(
  seed: number,
  workload: Workload,
  victim: "cli" | "collector-socket",
): RoundPlan {
  return { workload, victim, seed, instance: 0, ...moment(new Random(seed)) };
}

/** The environment that replays one round (for failure messages). */
export function replayCommand(plan: RoundPlan, only: string | undefined): string {
  const filter = only ? ` PROCSCOPE_FAULT_ONLY=${only}` : "";
  return (
    `PROCSCOPE_TEST_FILE=faults.test PROCSCOPE_FAULT_SEED=${plan.seed} ` +
    `PROCSCOPE_FAULT_ROUNDS=1${filter} node scripts/test.mjs faults   ` +
    `(the workload alone: node bin/procscope.js run ` +
    `test/fixtures/faults.ts -- ${plan.workload} ${plan.seed})`
  );
}
