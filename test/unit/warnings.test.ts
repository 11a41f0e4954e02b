import { test } from "node:test";
import * as assert from "node:assert/strict";
import { FlowLevels } from "../../src/model/flow-levels";
import { RunModel } from "../../src/model/run-model";
import { TimelineModel } from "../../src/model/timeline";
import { findWarnings } from "../../src/model/warnings";
import type { TraceEvent } from "../../src/protocol/trace";

function warnings(events: TraceEvent[], ended: boolean) {
  const model = new RunModel();
  const timeline = new TimelineModel();
  const levels = new FlowLevels();
  events.forEach((event, index) => {
    model.add(event);
    timeline.add(event, index, events);
    levels.add(event);
  });
  return findWarnings({ model, timeline, levels, events, ended });
}

const spawn = (child: number, pid: number): TraceEvent => ({
  type: "process.spawn",
  t: 1,
  p: 1,
  child,
  pid,
  name: `Process-${child - 1}`,
  target: "a.ts#f",
  daemon: false,
  role: "process",
  loc: "/w/a.ts:9:3",
});

test("two processes each holding the lock the other wants: a deadlock, at once", () => {
  const found = warnings(
    [
      { type: "object.create", t: 0, p: 1, obj: "A", kind: "lock" },
      { type: "object.create", t: 0, p: 1, obj: "B", kind: "lock" },
      { type: "lock.acquired", t: 1, p: 2, obj: "A", wait: 0, heldBy: [] },
      { type: "lock.acquired", t: 1, p: 3, obj: "B", wait: 0, heldBy: [] },
      { type: "lock.request", t: 2, p: 2, obj: "B" },
      { type: "lock.request", t: 2, p: 3, obj: "A" },
    ],
    false,
  );
  assert.equal(found.length, 1);
  assert.equal(found[0].title, "Deadlock");
  assert.equal(found[0].severity, "error");
  assert.match(found[0].detail, /P2 waits for Lock2 held by P3; P3 waits for Lock1 held by P2/);
});

test("at the end: items left in a queue, a child that outlived its parent, a failed process, drops", () => {
  const found = warnings(
    [
      { type: "object.create", t: 0, p: 1, obj: "q", kind: "queue", maxsize: 0 },
      spawn(2, 11),
      spawn(3, 12),
      { type: "message.send", t: 2, p: 2, obj: "q", msg: "2:1", size: 1 },
      { type: "message.send", t: 3, p: 2, obj: "q", msg: "2:2", size: 1 },
      { type: "message.receive", t: 4, p: 1, obj: "q", msg: "2:1", size: 1, wait: 0 },
      { type: "process.exit", t: 5, p: 3, exitCode: 1, signal: null, source: "parent" },
      { type: "process.exit", t: 6, p: 1, exitCode: 0, signal: null, source: "parent" },
      { type: "process.exit", t: 7, p: 2, exitCode: 0, signal: null, source: "parent" },
      { type: "trace.dropped", t: 7, p: 2, count: 12 },
      { type: "run.end", t: 8, p: 1, exitCode: 0, signal: null },
    ],
    true,
  );
  const byKey = new Map(found.map((warning) => [warning.key, warning]));
  assert.match(
    byKey.get("items-left:q")!.detail,
    /^1 item was put into Queue1 and never taken out/,
  );
  assert.match(
    byKey.get("not-joined:2")!.detail,
    /P2 \(Process-1\) was started by P1 and never joined/,
  );
  assert.equal(byKey.get("not-joined:2")!.loc, "/w/a.ts:9:3");
  assert.ok(
    !byKey.has("not-joined:3"),
    "a child that exited before its parent may have been joined",
  );
  assert.equal(byKey.get("exit:exited with code 1")!.detail, "P3 (Process-2) exited with code 1.");
  assert.match(byKey.get("dropped")!.detail, /^12 trace events were dropped/);
});

test("while the run lives, nothing is judged left over", () => {
  const found = warnings(
    [
      { type: "object.create", t: 0, p: 1, obj: "q", kind: "queue", maxsize: 0 },
      { type: "message.send", t: 2, p: 1, obj: "q", msg: "1:1", size: 1 },
    ],
    false,
  );
  assert.deepEqual(found, []);
});

test("the runtime's deadlock report is told with object names and short locations", () => {
  const found = warnings(
    [
      { type: "object.create", t: 0, p: 1, obj: "1.1", kind: "lock" },
      { type: "object.create", t: 0, p: 1, obj: "1.2", kind: "lock" },
      {
        type: "deadlock",
        t: 5,
        p: 1,
        message: "raw",
        processes: [
          { p: 2, obj: "1.2", op: "lock.acquire", loc: "/w/d.ts:13:15", waitingFor: [3] },
          { p: 3, obj: "1.1", op: "lock.acquire", loc: "/w/d.ts:13:15", waitingFor: [2] },
        ],
      },
      { type: "process.exit", t: 6, p: 2, exitCode: -9, signal: "SIGKILL", source: "parent" },
      { type: "process.exit", t: 6, p: 3, exitCode: -9, signal: "SIGKILL", source: "parent" },
    ],
    false,
  );
  assert.deepEqual(
    found.map((warning) => [warning.title, warning.detail]),
    [
      [
        "Deadlock",
        "P2 waits in lock.acquire on Lock2 for P3 (d.ts:13); P3 waits in lock.acquire on Lock1 for P2 (d.ts:13): none of them can go on.",
      ],
      ["2 processes failed", "P2, P3 were killed by SIGKILL."],
    ],
  );
});

test("many children never joined make one warning", () => {
  const events: TraceEvent[] = [];
  for (let child = 2; child <= 14; child++) events.push(spawn(child, 100 + child));
  const found = warnings(events, true);
  assert.equal(found.length, 1);
  assert.equal(found[0].title, "13 children never joined");
  assert.equal(
    found[0].detail,
    "P2, P3, P4, P5, P6, P7, P8, P9, P10, P11 and 3 more were started and never joined: their parents did not wait for them to finish.",
  );
  assert.equal(found[0].loc, "/w/a.ts:9:3");
});
