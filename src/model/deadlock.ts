/** A deadlock report in plain words: who waits in what, where, and for whom. */
import type { DeadlockEvent, ObjectId } from "../protocol/trace";

export function describeDeadlock(event: DeadlockEvent, nameOf: (obj: ObjectId) => string): string {
  const cycle = event.processes.map((entry) => `P${entry.p}`).join(", ");
  const lines = event.processes.map(
    (entry) =>
      `P${entry.p} is blocked in ${entry.op} on ${nameOf(entry.obj)}` +
      (entry.loc ? ` at ${entry.loc}` : "") +
      (entry.waitingFor.length > 0
        ? `, waiting for ${entry.waitingFor.map((n) => `P${n}`).join(" or ")}`
        : ""),
  );
  return `DEADLOCK: ${cycle} wait for each other and none can proceed.\n${lines.map((line) => `  ${line}`).join("\n")}`;
}
