// Programs that are wrong: each failure says what went wrong and where (file:line:column),
// ends the run with a non-zero status, and leaves no process of the run behind.
// docs/reliability.md ("Bad input") lists every case and the command that reproduces it.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { cutMidLine } from "../shared/truncate";
import {
  cleanUp,
  collect,
  describeRun,
  eventsOf,
  fixtureLine,
  result,
  runArgs,
  runCli,
  runFixture,
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

// Saved traces that are not what they should be, given to `report` and `export --perfetto`.

let goodTrace: Promise<string> | null = null;
/** The text of a real trace (of a small run with a child, queues, a pipe and a lock). */
function good(): Promise<string> {
  goodTrace ??= (async () => {
    const flows = await runFixture("flows.ts");
    assert.equal(flows.code, 0, describeRun(flows));
    return fs.readFileSync(flows.tracePath, "utf8");
  })();
  return goodTrace;
}

async function badTraces(): Promise<Array<{ name: string; file: string; message: RegExp }>> {
  const text = await good();
  const lines = text.split("\n");
  const write = (name: string, content: string | Buffer): string => {
    const file = scratch(`${name}.pstrace`);
    fs.writeFileSync(file, content);
    return file;
  };
  const directory = scratch("a-directory.pstrace");
  fs.mkdirSync(directory, { recursive: true });
  return [
    {
      name: "truncated",
      file: write("truncated", cutMidLine(text)),
      message: /truncated\.pstrace:\d+: not valid JSON \(is the file truncated or edited\?\)$/,
    },
    {
      name: "another format version",
      file: write(
        "version",
        [lines[0].replace('"version":1', '"version":2'), ...lines.slice(1)].join("\n"),
      ),
      message:
        /version\.pstrace:1: trace format version 2 is not supported \(this procscope reads version 1\)$/,
    },
    {
      name: "random bytes",
      file: write("random", crypto.randomBytes(64 * 1024)),
      message: /random\.pstrace:1: not a procscope trace/,
    },
    {
      name: "random bytes without a line break",
      file: write("one-line", Buffer.alloc(1024 * 1024, "x")),
      message:
        /one-line\.pstrace:1: not a procscope trace \(the first line must be the pstrace header\)$/,
    },
    { name: "empty", file: write("empty", ""), message: /empty\.pstrace: the file is empty$/ },
    {
      name: "a header and nothing else",
      file: write("header-only", `${lines[0]}\n`),
      message: /header-only\.pstrace: the trace holds no events \(it ends after its header\)$/,
    },
    {
      name: "an event with a field missing",
      file: write(
        "edited",
        [lines[0], lines[1], '{"type":"lock.acquired","t":5,"p":1,"obj":"1.3"}'].join("\n"),
      ),
      message:
        /edited\.pstrace:3: lock\.acquired: 'wait' must be a number of nanoseconds \(0 or more\) \(it is missing\)$/,
    },
    {
      name: "an event with a process number that is not one",
      file: write(
        "bad-process",
        [lines[0], '{"type":"process.start","t":1,"p":-3,"pid":1,"ppid":0,"name":"x"}'].join("\n"),
      ),
      message:
        /bad-process\.pstrace:2: process\.start: 'p' must be a process number \(1 or more\) \(it is -3\)$/,
    },
    { name: "a directory", file: directory, message: /a-directory\.pstrace: not a file$/ },
    {
      name: "no such file",
      file: scratch("not-there.pstrace"),
      message: /not-there\.pstrace: no such file$/,
    },
  ];
}

test("report and export refuse a bad trace file, saying which line and what is wrong, with exit status 2", async () => {
  for (const { name, file, message } of await badTraces()) {
    for (const args of [
      ["report", file],
      ["export", file, "--perfetto", scratch("out.json")],
    ]) {
      const refused = await runCli(args);
      assert.equal(refused.code, 2, `${args[0]} of ${name}: ${describeRun(refused)}`);
      const said = refused.stderr.trim().split("\n");
      assert.equal(said.length, 1, `${args[0]} of ${name}: one line, no stack\n${refused.stderr}`);
      assert.match(said[0], /^procscope: /);
      assert.match(said[0], message, `${args[0]} of ${name}`);
      assert.equal(refused.stdout, "");
    }
  }
  assert.equal(fs.existsSync(scratch("out.json")), false, "no export was written");
});

test("report of a trace that lost its end shows what it holds and says it is incomplete", async () => {
  const lines = (await good()).trimEnd().split("\n");
  const file = scratch("no-end.pstrace");
  fs.writeFileSync(file, `${lines.slice(0, -3).join("\n")}\n`);
  const report = await runCli(["report", file]);
  assert.equal(report.code, 0, describeRun(report));
  assert.match(report.stdout, /^Process tree$/m);
  assert.match(report.stderr, /no-end\.pstrace: the trace has no run\.end: the run was cut short/);
});

test("a hand-edited trace with a hostile process name: report prints it inert, export keeps it a string", async () => {
  const escape = String.fromCharCode(27);
  const hostile = `<img src=x onerror=alert(1)>${escape}]0;owned${String.fromCharCode(7)}${escape}[2J`;
  const text = (await good()).replace(/"name":"Process-1"/g, `"name":${JSON.stringify(hostile)}`);
  assert.ok(text.includes("onerror"), "the name was replaced");
  const file = scratch("hostile.pstrace");
  fs.writeFileSync(file, text);
  const report = await runCli(["report", file]);
  assert.equal(report.code, 0, describeRun(report));
  assert.ok(!report.stdout.includes(escape), "an escape sequence reached the terminal");
  assert.ok(!report.stdout.includes(String.fromCharCode(7)));
  assert.match(
    report.stdout,
    /P2 +<img src=x onerror=alert\(1\)>\\u001b\]0;owned\\u0007\\u001b\[2J +\d+/,
  );
  const out = scratch("hostile.json");
  const exported = await runCli(["export", file, "--perfetto", out]);
  assert.equal(exported.code, 0, describeRun(exported));
  const json = JSON.parse(fs.readFileSync(out, "utf8")) as {
    traceEvents: Array<{ ph: string; name: string; args?: { name?: string } }>;
  };
  const names = json.traceEvents
    .filter((event) => event.ph === "M" && event.name === "process_name")
    .map((event) => event.args?.name);
  assert.ok(names.includes(`P2 ${hostile}`), JSON.stringify(names));
});
