// The benchmark suite: runs procscope, Python's multiprocessing and bare Node side by side
// on this machine and writes the results into docs/benchmarks.md (between the markers).
//
//   node bench/run.mjs            full run (5 interleaved runs of every row), writes the doc
//   node bench/run.mjs --quick    smoke check: small counts, 1 run, prints only
//   options: --reps N  --only SECTION[,SECTION]  --timeout SECONDS  --write  --no-write
//
// Each row is a separate program that measures itself and prints one JSON line. Rows of a
// section run interleaved (A B C, A B C, …) so that a burst of load from other work on the
// machine spreads over all of them rather than landing on one.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSuite, TARGETS, ROOT } from "./suite.mjs";
import { runProgram, killCurrent } from "./harness/processes.mjs";
import { describeMachine } from "./harness/machine.mjs";
import { describeSource, removeSnapshot, snapshotBuild } from "./harness/snapshot.mjs";
import { formatValue, renderReport, writeGenerated } from "./harness/report.mjs";

const DOC = path.join(ROOT, "docs", "benchmarks.md");
const DOC_INTRO = "# Benchmarks\n\nRun `npm run bench` to measure; results follow.\n";

function parseOptions(argv) {
  const quick = argv.includes("--quick");
  const valueOf = (flag) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const reps = Number(valueOf("--reps") ?? (quick ? 1 : 5));
  const timeoutSeconds = Number(valueOf("--timeout") ?? (quick ? 60 : 180));
  if (!Number.isInteger(reps) || reps < 1) throw new Error("--reps needs a positive integer");
  if (!(timeoutSeconds > 0)) throw new Error("--timeout needs a number of seconds");
  const only = valueOf("--only")?.split(",") ?? null;
  const write = argv.includes("--write") || (!quick && !argv.includes("--no-write"));
  const command = `node bench/run.mjs${quick ? " --quick" : ""}`;
  return { quick, reps, timeoutSeconds, only, write, command };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const machine = describeMachine();
  machine.source = describeSource(ROOT);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "procscope-bench-"));
  const cleanUp = () => removeSnapshot(scratch);
  process.once("SIGINT", () => {
    void killCurrent().finally(() => {
      cleanUp();
      process.exit(130);
    });
  });

  const cli = snapshotBuild(ROOT, scratch);
  let suite = buildSuite(options.quick, { cli, tracePath: path.join(scratch, "run.pstrace") });
  if (options.only) suite = suite.filter((section) => options.only.includes(section.id));
  if (suite.length === 0) throw new Error("--only matched no section");
  const runsByCase = new Map();
  let failures = 0;
  for (const section of suite) {
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const row of section.cases) {
        const run = await runProgram({
          command: row.command,
          args: row.args,
          cwd: ROOT,
          timeoutMs: options.timeoutSeconds * 1000,
        });
        // A reference row from another program reports the quantity under its own name.
        if (run.ok && row.alias) {
          for (const [key, from] of Object.entries(row.alias)) run.result[key] = run.result[from];
        }
        if (!runsByCase.has(row.id)) runsByCase.set(row.id, []);
        runsByCase.get(row.id).push(run);
        if (!run.ok) failures++;
        const shown = run.ok
          ? section.metrics
              .map((m) => `${formatValue(run.result[m.key], m.unit)} ${m.unit}`)
              .join(", ")
          : `FAILED: ${run.error}`;
        const leftover =
          run.leftBehind > 0 ? ` [killed ${run.leftBehind} leftover process(es)]` : "";
        process.stderr.write(
          `[${section.id} ${rep}/${options.reps}] ${row.label}: ${shown} (${run.seconds.toFixed(1)} s)${leftover}\n`,
        );
      }
    }
  }
  cleanUp();
  machine.loadAfter = os.loadavg()[0];

  const markdown = renderReport({
    machine,
    suite,
    targets: applicable(TARGETS, suite),
    runsByCase,
    options,
  });
  process.stdout.write(`\n${markdown}`);
  if (options.write) {
    await writeGenerated(DOC, markdown, DOC_INTRO);
    process.stderr.write(`\nwrote ${path.relative(process.cwd(), DOC) || DOC}\n`);
  }
  if (failures > 0) {
    process.stderr.write(`${failures} run(s) failed; see the notes under their tables\n`);
    process.exitCode = 1;
  }
}

/** Targets whose rows were all run (a partial `--only` run judges only what it measured). */
function applicable(targets, suite) {
  const ids = new Set(suite.flatMap((section) => section.cases.map((row) => row.id)));
  return targets.filter(
    (target) => ids.has(target.of) && (target.over === undefined || ids.has(target.over)),
  );
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  process.exitCode = 2;
});
