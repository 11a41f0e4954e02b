// The trace a run leaves (docs/trace-format.md): its framing, the process tree with parent
// links, and source locations that point at the user's own .ts lines.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  assertSucceeded,
  cleanUp,
  eventsOf,
  fixtureLine,
  fixturePath,
  result,
  sharedRun,
} from "./helpers";

after(cleanUp);

const traced = sharedRun("traced.ts", { args: ["first", "second"] });
const tree = sharedRun("tree.ts");

test("the file is a pstrace header then events sorted by time, from run.start to run.end", async () => {
  const run = await traced();
  assertSucceeded(run);
  const header = JSON.parse(fs.readFileSync(run.tracePath, "utf8").split("\n")[0]) as unknown;
  assert.deepEqual(header, { format: "pstrace", version: 1 });
  assert.ok(run.events.length > 2);
  const [first] = run.events;
  const last = run.events[run.events.length - 1];
  assert.equal(first.type, "run.start");
  assert.ok(first.type === "run.start");
  assert.equal(first.entry, fixturePath("traced.ts"));
  assert.deepEqual(first.argv, ["first", "second"]);
  assert.deepEqual([last.type, "exitCode" in last && last.exitCode], ["run.end", 0]);
  for (let i = 1; i < run.events.length; i++) {
    assert.ok(run.events[i].t >= run.events[i - 1].t, `event ${i} is out of order`);
  }
});

test("process events: the root starts as P1 with its OS pid and parent", async () => {
  const run = await traced();
  const root = result<{ pid: number; ppid: number }>(run, "root");
  const [start] = eventsOf(run.events, "process.start", (e) => e.p === 1);
  assert.deepEqual([start.pid, start.ppid, start.name], [root.pid, root.ppid, "MainProcess"]);
  const [exit] = eventsOf(run.events, "process.exit", (e) => e.p === 1);
  assert.equal(exit.exitCode, 0);
});

test("process events: spawn → start → exit for each process, linked to its parent", async () => {
  const run = await tree();
  assertSucceeded(run);
  const spawns = eventsOf(run.events, "process.spawn");
  assert.equal(spawns.length, 2, "a child and a grandchild");
  const starts = new Map(eventsOf(run.events, "process.start").map((e) => [e.p, e]));
  const exits = new Map(eventsOf(run.events, "process.exit").map((e) => [e.p, e]));
  for (const spawn of spawns) {
    const start = starts.get(spawn.child);
    const exit = exits.get(spawn.child);
    const parentStart = starts.get(spawn.p);
    assert.ok(start && exit && parentStart, `P${spawn.child} lacks start or exit events`);
    assert.equal(start.pid, spawn.pid);
    assert.equal(start.ppid, parentStart.pid, `P${spawn.child}'s OS parent is P${spawn.p}`);
    assert.equal(start.name, spawn.name);
    assert.deepEqual([spawn.role, spawn.daemon], ["process", false]);
    assert.ok(spawn.t <= start.t && start.t <= exit.t, `P${spawn.child}: events out of order`);
    assert.deepEqual([exit.exitCode, exit.signal], [0, null]);
  }
  assert.deepEqual(
    spawns.map((spawn) => [spawn.p, spawn.child]),
    [
      [1, 2],
      [2, 3],
    ],
  );
});

test("object.create records each queue and pipe end with its kind", async () => {
  const run = await traced();
  const created = eventsOf(run.events, "object.create");
  const queue = created.find((e) => e.kind === "queue");
  assert.equal(queue?.maxsize, 0);
  const ends = created.filter((e) => e.kind === "pipe");
  assert.equal(ends.length, 2);
  assert.deepEqual(
    ends.map((end) => end.peer),
    [ends[1].obj, ends[0].obj],
    "each pipe end names the other",
  );
});

test("loc: calls are located at the fixture's own .ts lines, in every process", async () => {
  const run = await traced();
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const [queue, pipeEnd] = eventsOf(run.events, "object.create");
  const expectations: Array<[string, (e: { type: string; p: number }) => boolean, string]> = [
    ["queue-create", (e) => e.type === "object.create" && e === queue, "object.create"],
    ["pipe-create", (e) => e.type === "object.create" && e === pipeEnd, "object.create"],
    ["spawn", (e) => e.type === "process.spawn", "process.spawn"],
    ["put", (e) => e.type === "message.send" && e.p === child, "message.send (put)"],
    ["send", (e) => e.type === "message.send" && e.p === child, "message.send (send)"],
    ["get", (e) => e.type === "message.receive" && e.p === 1, "message.receive (get)"],
    ["recv", (e) => e.type === "message.receive" && e.p === 1, "message.receive (recv)"],
    ["get", (e) => e.type === "object.block", "object.block (get)"],
    ["join", (e) => e.type === "process.join", "process.join"],
  ];
  for (const [line, matches, what] of expectations) {
    const expected = fixtureLine("traced.ts", line);
    const located = run.events.filter(matches).map((e) => ("loc" in e ? e.loc : undefined));
    assert.ok(located.length > 0, `no ${what} event`);
    assert.ok(
      located.some((loc) => loc?.startsWith(expected)),
      `${what}: expected ${expected}…, got ${located.join(", ")}`,
    );
  }
});

test("a blocked get or recv records how long it waited, and the join whom it joined", async () => {
  const run = await traced();
  const child = eventsOf(run.events, "process.spawn")[0];
  const receives = eventsOf(run.events, "message.receive");
  assert.equal(receives.length, 2);
  // The child slept 100 ms before putting: the get was blocked at least that long.
  assert.ok(receives[0].wait >= 90_000_000, `get waited ${receives[0].wait} ns`);
  const [join] = eventsOf(run.events, "process.join");
  assert.equal(join.childPid, child.pid);
});

test("what processes print is recorded as process.output", async () => {
  const run = await traced();
  const outputs = eventsOf(run.events, "process.output", (e) => e.stream === "stdout");
  assert.ok(outputs.some((e) => e.p === 1 && e.text.includes('@result got "put by the child"')));
});

test("a get that times out records object.timeout (closing its object.block)", async () => {
  const run = await traced();
  const [timeout] = eventsOf(run.events, "object.timeout");
  assert.equal(timeout.op, "get");
  assert.ok(timeout.loc?.startsWith(fixtureLine("traced.ts", "get-timeout")), timeout.loc);
  assert.ok(timeout.wait >= 90_000_000, `waited ${timeout.wait} ns`);
});
