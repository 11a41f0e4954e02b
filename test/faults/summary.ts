/** The figures of a run of the fault tier, per fault, as a Markdown table. */
import type { RoundFigures } from "./checks";

export interface RoundOutcome {
  fault: string;
  /** Null when the round failed. */
  figures: RoundFigures | null;
}

const COLUMNS = [
  "fault",
  "rounds",
  "failed",
  "killed mid-run",
  "msgs acked",
  "msgs received",
  "reported lost (ids)",
  "of which never received",
  "gone with their server",
  "survivor errors",
  "died holding the lock",
  "holder-died warnings",
  "pool tasks failed",
  "max outlived root (ms)",
  "mean round (ms)",
];

export function summarize(outcomes: RoundOutcome[]): string {
  const byFault = new Map<string, RoundOutcome[]>();
  for (const outcome of outcomes) {
    byFault.set(outcome.fault, [...(byFault.get(outcome.fault) ?? []), outcome]);
  }
  const rows = [...byFault].map(([fault, rounds]) => {
    const ok = rounds.flatMap((round) => (round.figures ? [round.figures] : []));
    const sum = (key: keyof RoundFigures) => ok.reduce((total, f) => total + Number(f[key]), 0);
    const max = (key: keyof RoundFigures) => Math.max(0, ...ok.map((f) => Number(f[key])));
    return [
      fault,
      rounds.length,
      rounds.length - ok.length,
      sum("killed"),
      sum("acked"),
      sum("received"),
      sum("reportedLost"),
      sum("neverReceived"),
      sum("goneWithServer"),
      sum("failedCalls"),
      sum("diedHolding"),
      sum("holderDied"),
      sum("poolTasksFailed"),
      max("outlivedMs"),
      ok.length > 0 ? Math.round(sum("durationMs") / ok.length) : 0,
    ].map(String);
  });
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(COLUMNS), line(COLUMNS.map(() => "---")), ...rows.map(line)].join("\n");
}
