import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { ToWebviewMessage } from "../../src/protocol/panel";
import type { TraceEvent } from "../../src/protocol/trace";
import { PanelStore } from "../../webview/store";

const events: TraceEvent[] = [
  { type: "process.start", t: 0, p: 1, pid: 10, ppid: 1, name: "MainProcess" },
  { type: "object.create", t: 1, p: 1, obj: "q", kind: "queue", maxsize: 0, loc: "/w/a.ts:3:1" },
  {
    type: "process.spawn",
    t: 2,
    p: 1,
    child: 2,
    pid: 11,
    name: "Process-1",
    target: "a.ts#f",
    daemon: false,
    role: "process",
  },
  { type: "message.send", t: 3, p: 2, obj: "q", msg: "2:1", size: 1 },
  { type: "message.receive", t: 4, p: 1, obj: "q", msg: "2:1", size: 1, wait: 0 },
  { type: "resource.sample", t: 5, p: 2, cpu: 50, rss: 1024 },
];

const run = { source: "live", path: "/w/a.ts", state: "running", exitCode: null } as const;

function fold(messages: ToWebviewMessage[]): PanelStore {
  const store = new PanelStore();
  for (const message of messages) store.dispatch(message);
  return store;
}

function shape(store: PanelStore) {
  return {
    events: store.events.length,
    processes: [...store.model.processes.keys()],
    arrows: store.timeline.messages.length,
    levels: [...store.levels.levels.values()],
    cpu: store.resources.latest(2)?.cpu,
    origins: [...store.origins],
  };
}

test("a snapshot then deltas folds to the same store as one snapshot of everything", () => {
  const whole = fold([{ type: "snapshot", run, events }]);
  const pieces = fold([
    { type: "snapshot", run, events: events.slice(0, 2) },
    { type: "events", events: events.slice(2, 4) },
    { type: "events", events: events.slice(4) },
  ]);
  assert.deepEqual(shape(pieces), shape(whole));
  assert.equal(whole.origins.get("q"), "/w/a.ts:3:1");
  assert.deepEqual(whole.resources.latest(2)?.cpu, [50]);
});

test("a new snapshot starts over: a panel shown again ends up where it was", () => {
  const store = fold([
    { type: "snapshot", run, events },
    { type: "snapshot", run, events: events.slice(0, 1) },
  ]);
  assert.equal(store.events.length, 1);
  assert.deepEqual([...store.model.processes.keys()], [1]);
  assert.equal(store.timeline.messages.length, 0);
});

test("run state, errors, the protocol version, and event kinds from a newer runtime", () => {
  const store = new PanelStore();
  assert.equal(store.empty, true);
  assert.deepEqual(store.dispatch({ type: "hello", version: 1 }), { kind: "none" });
  const revision = store.revision;
  assert.deepEqual(
    store.dispatch({ type: "run-state", run: { ...run, state: "finished", exitCode: 0 } }),
    {
      kind: "run",
    },
  );
  assert.ok(store.revision > revision);
  assert.equal(store.ended, true);
  assert.equal(store.empty, false);
  store.dispatch({ type: "hello", version: 99 });
  assert.match(store.error!, /protocol version 1, the editor sent version 99/);
  const future = { type: "gpu.sample", t: 1, p: 1 } as unknown as TraceEvent;
  assert.deepEqual(store.dispatch({ type: "events", events: [future, events[0]] }), {
    kind: "append",
    added: 1,
  });
  assert.equal(store.skipped, 1);
  store.dispatch({ type: "error", message: "the run failed to start" });
  assert.equal(store.error, "the run failed to start");
});
