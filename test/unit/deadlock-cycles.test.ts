import { test } from "node:test";
import * as assert from "node:assert/strict";
import { lockWaitCycles, reportedCycle } from "../../src/model/deadlock";

test("a runtime report becomes a cycle of waiter → waited-for edges among the stuck", () => {
  const cycle = reportedCycle({
    type: "deadlock",
    t: 5,
    p: 0,
    message: "",
    processes: [
      { p: 2, obj: "1.1", op: "lock.acquire", waitingFor: [3] },
      { p: 3, obj: "1.2", op: "lock.acquire", waitingFor: [2, 9] },
    ],
  });
  assert.deepEqual(cycle.processes, [2, 3]);
  assert.deepEqual(cycle.edges, [
    { from: 2, to: 3, obj: "1.1" },
    { from: 3, to: 2, obj: "1.2" },
  ]);
});

test("lock waits: a circle is a cycle formed at its last wait; a chain is not", () => {
  const cycles = lockWaitCycles([
    { waiter: 2, holder: 3, obj: "a", since: 10 },
    { waiter: 3, holder: 2, obj: "b", since: 20 },
    { waiter: 4, holder: 2, obj: "a", since: 30 },
  ]);
  assert.equal(cycles.length, 1);
  assert.deepEqual([...cycles[0].processes].sort(), [2, 3]);
  assert.equal(cycles[0].t, 20);
  assert.equal(cycles[0].edges.length, 2);
});
