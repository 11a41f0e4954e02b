// Programs that are wrong: each failure says what went wrong and where (file:line:column),
// ends the run with a non-zero status, and leaves no process of the run behind.
// docs/reliability.md ("Bad input") lists every case and the command that reproduces it.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  cleanUp,
  collect,
  describeRun,
  eventsOf,
  fixtureLine,
  result,
  runArgs,
  scratch,
  startCli,
  survivors,
  waitFor,
  type FixtureRun,
} from "./helpers";

after(cleanUp);

const FIXTURE = "bad-input.ts";

/** Runs the fixture's scenario (or a program written to scratch) through the CLI. */
async function run(fixtureOrFile: string, args: string[] = []): Promise<FixtureRun> {
  const tracePath = scratch(`bad-input-${Math.random().toString(36).slice(2)}.pstrace`);
  const argv = path.isAbsolute(fixtureOrFile)
    ? ["run", fixtureOrFile, "--trace", tracePath, "--no-summary", "--", ...args]
    : runArgs(fixtureOrFile, tracePath, { args });
  const started = startCli(argv);
  return collect(started, tracePath);
}

/** Writes a program file to scratch and returns its path. */
function program(name: string, lines: string[]): string {
  const file = scratch(name);
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

async function assertNothingLeft(run: FixtureRun): Promise<void> {
  // The CLI has exited: the hub's last clean-up may still be under way for a moment.
  const gone = await waitFor(() => survivors(run.mark).length === 0, 5000);
  assert.ok(gone, `processes of the run still alive: ${survivors(run.mark).join(", ")}`);
}

/** The lines of stderr that mention `text` (to check a message is said once). */
function linesWith(run: FixtureRun, text: string): string[] {
  return run.stderr.split("\n").filter((line) => line.includes(text));
}

/** The exit code recorded for process `p` in the trace. */
function exitOf(run: FixtureRun, p: number): number {
  const [exit] = eventsOf(run.events, "process.exit", (event) => event.p === p);
  return exit.exitCode;
}

test("a syntax error in a module only a child loads names file:line:column, once, and the child exits 1", async () => {
  const broken = program("broken-module.ts", [
    "export function work(): number {",
    "  return 1 +;",
    "}",
  ]);
  const failed = await run(FIXTURE, ["child-loads", broken]);
  assert.equal(failed.code, 1, describeRun(failed));
  const said = linesWith(failed, `syntax error in ${broken}:2:13`);
  assert.equal(said.length, 1, failed.stderr);
  assert.match(said[0], /^procscope: in Process-1: syntax error in .*: Unexpected ";"$/);
  assert.match(failed.stderr, /2 \| {3}return 1 \+;\n\s+\| {13}\^/, "the line and a caret");
  assert.equal(result(failed, "child-exit"), 1);
  assert.equal(exitOf(failed, 2), 1);
  await assertNothingLeft(failed);
});

test("import() of the program's own TypeScript module works in a child (the loader compiles it)", async () => {
  const fine = program("fine-module.ts", [
    "const answer: number = 42;",
    "process.stdout.write(`@result loaded ${answer}\\n`);",
  ]);
  const loaded = await run(FIXTURE, ["child-loads", fine]);
  assert.equal(loaded.code, 0, describeRun(loaded));
  assert.equal(result(loaded, "loaded"), 42);
  assert.equal(result(loaded, "child-exit"), 0);
});

test("a missing import in the entry names the module and the importing file:line:column", async () => {
  const entry = program("missing-import.ts", [
    'import { main } from "procscope";',
    'import { nothing } from "./not-there.js";',
    "main(() => nothing());",
  ]);
  const failed = await run(entry);
  assert.equal(failed.code, 1, describeRun(failed));
  assert.equal(
    linesWith(failed, "cannot find module").join("\n"),
    `procscope: cannot find module './not-there.js', imported at ${entry}:2:25: no such file`,
  );
  assert.doesNotMatch(failed.stderr, /Require stack|node:internal/, "no loader internals");
  await assertNothingLeft(failed);
});

test("a package that is not installed is named, with how to install it", async () => {
  const entry = program("missing-package.ts", [
    'import { main } from "procscope";',
    'import pad from "left-pad-that-is-not-installed";',
    "main(() => pad());",
  ]);
  const failed = await run(entry);
  assert.equal(failed.code, 1, describeRun(failed));
  assert.match(
    failed.stderr,
    /^procscope: cannot find module 'left-pad-that-is-not-installed', imported at .*missing-package\.ts:2:17: .*npm install left-pad-that-is-not-installed/m,
  );
  await assertNothingLeft(failed);
});

test("a missing import in a module only a child loads says so, in that child", async () => {
  const importer = program("imports-missing.ts", ['import "./also-not-there";', "export {};"]);
  const failed = await run(FIXTURE, ["child-loads", importer]);
  assert.equal(failed.code, 1, describeRun(failed));
  assert.match(
    failed.stderr,
    new RegExp(
      `^procscope: in Process-1: cannot find module './also-not-there', imported at ${importer}:1:8`,
      "m",
    ),
  );
  assert.equal(exitOf(failed, 2), 1);
  await assertNothingLeft(failed);
});

test("a throw at module load in a child is printed once, from the user's line, and the child exits 1", async () => {
  const failed = await run(FIXTURE, ["load-throws-in-child"]);
  assert.equal(failed.code, 1, describeRun(failed));
  assert.equal(linesWith(failed, "Error: no configuration in this child").length, 1, failed.stderr);
  const stack = failed.stderr.slice(failed.stderr.indexOf("Process Process-1"));
  const firstFrame = stack.split("\n").find((line) => line.trimStart().startsWith("at "));
  assert.ok(firstFrame?.includes(fixtureLine(FIXTURE, "load-throw")), stack);
  assert.equal(result(failed, "child-exit"), 1);
  assert.equal(exitOf(failed, 2), 1);
  await assertNothingLeft(failed);
});

for (const [scenario, where, type] of [
  ["symbol-put", "Queue.put(item).tag", "symbol Symbol(job)"],
  ["function-args", "args[0].onDone", "function onDone"],
  ["socket-put", "Queue.put(item).connection", "a Socket instance"],
  ["socket-args", "args[1]", "a Socket instance"],
] as const) {
  test(`an uncaught PicklingError (${scenario}) names the value, where it was, and the call's line; the waiting child is ended`, async () => {
    const failed = await run(FIXTURE, [scenario]);
    assert.equal(failed.code, 1, describeRun(failed));
    assert.ok(
      failed.stderr.includes(`PicklingError: cannot`) &&
        failed.stderr.includes(`${type} (at ${where})`),
      failed.stderr,
    );
    const firstFrame = failed.stderr.split("\n").find((line) => line.trimStart().startsWith("at "));
    assert.ok(firstFrame?.includes(fixtureLine(FIXTURE, scenario)), failed.stderr);
    assert.match(failed.stderr, /terminating the children still running: Process-1/);
    assert.equal(failed.results.get("consumed"), undefined, "nothing reached the child");
    assert.equal(exitOf(failed, 2), -15, "the waiting child was terminated");
    await assertNothingLeft(failed);
  });
}
