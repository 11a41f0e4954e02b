// Delivery: "Order is kept per sender. A message is delivered exactly once." (API.md), and
// puts made just before a process exits are not lost.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
  assertSucceeded,
  cleanUp,
  describeRun,
  eventsOf,
  type FixtureRun,
  repoRoot,
  result,
  runCli,
  runFixture,
  scratch,
  sharedRun,
} from "./helpers";

after(cleanUp);

test("examples/queue.ts: a child's put made just before it exits is delivered", async () => {
  const run = await runCli([
    "run",
    path.join(repoRoot, "examples", "queue.ts"),
    "--trace",
    scratch("example-queue.pstrace"),
    "--no-summary",
  ]);
  assertSucceeded(run);
  assert.equal(run.stdout, "[ 42, null, 'hello' ]\n");
});

test("unawaited puts (unbounded and bounded) and a send right before exit all arrive", async () => {
  const run = await runFixture("delivery.ts", { args: ["put-before-exit"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "unawaited-puts"), { count: 500, inOrder: true });
  assert.equal(result(run, "unawaited-bounded-put"), "bounded, not awaited");
  assert.equal(result(run, "send-before-exit"), "sent just before exit");
});

const PER_PRODUCER = 2000;
const producers = sharedRun("delivery.ts", { args: ["producers", String(PER_PRODUCER), "0"] });
const BOUNDED_PER_PRODUCER = 500;
const boundedProducers = sharedRun("delivery.ts", {
  args: ["producers", String(BOUNDED_PER_PRODUCER), "10"],
});

/** Asserts each producer's messages arrived exactly once and in the order it put them. */
function assertExactlyOnceInOrder(run: FixtureRun, perProducer: number): void {
  assertSucceeded(run);
  const received = result<Array<[number, number]>>(run, "received");
  assert.equal(received.length, 3 * perProducer);
  const next = [0, 0, 0];
  for (const [producer, i] of received) {
    assert.equal(i, next[producer], `producer ${producer}: got ${i}, expected ${next[producer]}`);
    next[producer]++;
  }
  assert.deepEqual(next, [perProducer, perProducer, perProducer]);
  assert.equal(result(run, "left-over"), null, "a message was delivered twice");
}

/** Asserts every message.send has exactly one message.receive with its id, and returns them. */
function assertPairedSendsAndReceives(run: FixtureRun, expected: number) {
  const sends = eventsOf(run.events, "message.send");
  const receives = eventsOf(run.events, "message.receive");
  assert.equal(sends.length, expected);
  assert.equal(receives.length, expected);
  const sent = new Map(sends.map((send) => [send.msg, send]));
  assert.equal(sent.size, sends.length, "message ids are unique");
  const seen = new Set<string>();
  for (const receive of receives) {
    const send = sent.get(receive.msg);
    assert.ok(send, `receive of ${receive.msg}, which was never sent`);
    assert.ok(!seen.has(receive.msg), `${receive.msg} was received twice`);
    seen.add(receive.msg);
    assert.equal(receive.obj, send.obj);
    assert.equal(receive.p, 1, "the root received everything");
  }
  const senders = new Set(sends.map((send) => send.p));
  assert.equal(senders.size, 3);
  assert.ok(!senders.has(1));
  return { sent, receives };
}

test("3 producers × 2000 messages: each received exactly once, in order per sender", async () => {
  assertExactlyOnceInOrder(await producers(), PER_PRODUCER);
});

test("trace: every message.send is paired with exactly one message.receive", async () => {
  const run = await producers();
  const { sent, receives } = assertPairedSendsAndReceives(run, 3 * PER_PRODUCER);
  for (const receive of receives) {
    assert.ok(receive.t >= sent.get(receive.msg)!.t, `${receive.msg} received before it was sent`);
  }
});

test("3 producers on a bounded queue (maxsize 10): exactly once, in order per sender", async () => {
  const run = await boundedProducers();
  assertExactlyOnceInOrder(run, BOUNDED_PER_PRODUCER);
  assertPairedSendsAndReceives(run, 3 * BOUNDED_PER_PRODUCER);
});

test("trace: on a bounded queue too, no message is received before it was sent", async () => {
  const run = await boundedProducers();
  const { sent, receives } = assertPairedSendsAndReceives(run, 3 * BOUNDED_PER_PRODUCER);
  const early = receives.filter((receive) => receive.t < sent.get(receive.msg)!.t);
  assert.deepEqual(
    early.map((receive) => receive.msg),
    [],
    `${early.length} receives precede their send`,
  );
});

const bigMessages = sharedRun("delivery.ts", { args: ["big-messages"] });

test("20 MiB messages cross a queue and a pipe intact", async () => {
  const run = await bigMessages();
  assertSucceeded(run);
  assert.equal(result(run, "queued-back-intact"), true);
  assert.equal(result(run, "piped-back-intact"), true);
});

test("trace: a process's last events are kept even when its last sends are large", async () => {
  const run = await bigMessages();
  const child = eventsOf(run.events, "process.spawn")[0].child;
  const childEvents = run.events.filter((e) => e.p === child).map((e) => e.type);
  assert.deepEqual(
    childEvents.filter((type) => type.startsWith("message.")),
    ["message.receive", "message.send", "message.send"],
  );
});

interface Consumed {
  got: number[];
  stopped: boolean;
}

test("items one consumer did not take stay in the queue for the next consumer", async () => {
  const run = await runFixture("delivery.ts", { args: ["handoff"] });
  assertSucceeded(run);
  assert.deepEqual(result(run, "consumer-first"), { got: [1, 2, 3], stopped: true });
  assert.deepEqual(result(run, "consumer-second"), { got: [4, 5], stopped: true });
});

test("consumers sharing a queue get each item exactly once, and each its own stop sentinel", async () => {
  const run = await runFixture("delivery.ts", { args: ["shared-consumers"] });
  assertSucceeded(run);
  const consumers = ["a", "b", "c"].map((name) => result<Consumed>(run, `consumer-${name}`));
  for (const consumer of consumers) {
    assert.ok(consumer.stopped, `a consumer never got its sentinel:\n${describeRun(run)}`);
  }
  const all = consumers.flatMap((consumer) => consumer.got).sort((a, b) => a - b);
  assert.deepEqual(
    all,
    Array.from({ length: 300 }, (_, i) => i),
  );
});

test("consumers sharing a queue each see the items in the order they were put", async () => {
  // The race behind this one is pinned down, round after round, in fault-regressions.test.ts.
  const run = await runFixture("delivery.ts", { args: ["shared-consumers"] });
  assertSucceeded(run);
  for (const name of ["a", "b", "c"]) {
    const consumer = result<Consumed>(run, `consumer-${name}`);
    const inOrder = consumer.got.every((item, i) => i === 0 || item > consumer.got[i - 1]);
    assert.ok(inOrder, `consumer ${name} sees the items in the order they were put`);
  }
});

test("a get that timed out as its item was on the way leaves the item to the next reader", async () => {
  // As in Python: an item a get gave up on is not kept from the others by the process that
  // asked for it (it was handed on, after the timeout, to a reader that no longer wanted it).
  const flag = scratch("timed-out-get.flag");
  const run = await runFixture("delivery.ts", { args: ["timed-out-get", flag] });
  assertSucceeded(run);
  assert.equal(result(run, "timed-out"), true, `the get did not time out:\n${describeRun(run)}`);
  assert.equal(result(run, "other-reader-got"), "item", describeRun(run));
  assert.equal(result(run, "left-for-the-late-get"), "nothing", describeRun(run));
});
