// What crosses a process boundary (API.md "Rules that hold everywhere"): refusals with
// PicklingError at the call site, exact copies of supported values, working runtime handles.
import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import {
  assertSucceeded,
  assertThrew,
  cleanUp,
  type ErrorReport,
  result,
  resultsOf,
  runFixture,
} from "./helpers";

after(cleanUp);

const scenario = async (name: string) => {
  const run = await runFixture("pickling.ts", { args: [name] });
  assertSucceeded(run);
  return run;
};

function assertPicklingError(error: ErrorReport | null, label: string): string {
  return assertThrew(error, "PicklingError", label).message;
}

test("an inline or unexported target is refused at start() with PicklingError about export", async () => {
  const run = await scenario("inline-target");
  for (const label of ["inline-arrow", "inline-function", "unexported"]) {
    const message = assertPicklingError(result(run, label), label);
    assert.match(message, /export/, `${label}: the message does not say to export it`);
  }
  assert.match(
    assertPicklingError(result(run, "unexported"), "unexported"),
    /notExported/,
    "the message names the function",
  );
});

test("a function inside a message is refused at put/putNowait/send/start, naming where", async () => {
  const run = await scenario("function-in-message");
  for (const label of ["put", "put-nowait", "send", "start-args"]) {
    const message = assertPicklingError(result(run, label), label);
    assert.match(message, /function/, `${label}: the message does not name the type`);
    assert.match(message, /a\[1\]\.callback/, `${label}: the message does not say where`);
  }
  assert.equal(result(run, "nothing-was-queued"), true);
});

test("a Proxy is refused at put/send/start/apply with PicklingError; queue, pipe and pool go on", async () => {
  const run = await scenario("proxy");
  for (const label of ["proxy-put", "proxy-send", "proxy-args", "proxy-apply"]) {
    assert.match(assertPicklingError(result(run, label), label), /cannot \w+ a Proxy \(at /, label);
  }
  for (const label of ["queue-after", "pipe-after", "pool-after"]) {
    assert.equal(result(run, label), "after", label);
  }
});

test("a class instance is refused with PicklingError naming its class", async () => {
  const run = await scenario("class-instance");
  for (const label of ["instance-put", "instance-args"]) {
    assert.match(assertPicklingError(result(run, label), label), /Point/, label);
  }
});

test("supported values round-trip through a queue and another process exactly", async () => {
  const run = await scenario("round-trip");
  const names = [
    "map",
    "set",
    "date",
    "regexp",
    "bigint",
    "buffer",
    "uint8",
    "float64",
    "int32",
    "null",
    "undefined",
    "objectWithUndefined",
    "numbers",
    "strings",
    "nested",
    "sparse",
  ];
  for (const name of names) {
    const outcome = result<{ equal: boolean; sent: string; received: string }>(
      run,
      `survived-${name}`,
    );
    assert.ok(outcome.equal, `${name}: sent ${outcome.sent}, received ${outcome.received}`);
  }
  assert.equal(result(run, "survived-all-at-once"), true);
});

test("a Queue, Lock and Connection passed in args (even nested) work in the child", async () => {
  const run = await scenario("runtime-objects");
  assert.deepEqual(resultsOf(run, "from-child"), [
    "lock acquired in child: true",
    "received from parent: hello child",
  ]);
  assert.equal(result(run, "pipe-from-child"), "sent on the pipe end from the child");
  assert.equal(result(run, "nested-queue-from-child"), "put on a nested queue from the child");
  assert.equal(result(run, "queue-in-message"), "answered on a queue that came inside a message");
});
