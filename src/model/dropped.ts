/**
 * Dropped trace events in words, the same for the CLI's summary and the panel's warning:
 * how many, and where each part was lost, because what the user can do about it differs
 * (a slow editor, a run past the collector's budget, a process outrunning its connection).
 */
import type { DropSource } from "../protocol/trace";

const WHERE: Record<DropSource, string> = {
  recorder: "by the processes themselves (their trace buffer was full)",
  hub: "by the hub (the collector was not reading as fast as the run recorded)",
  collector: "by the collector (the run recorded more events than it keeps)",
};

/**
 * "1,234 trace events were dropped by the hub (…)", or with several sources
 * "1,234 trace events were dropped: 1,000 by … and 234 by …". Null when none were.
 */
export function describeDropped(droppedBy: Readonly<Record<DropSource, number>>): string | null {
  const sources = (Object.keys(WHERE) as DropSource[]).filter((source) => droppedBy[source] > 0);
  if (sources.length === 0) return null;
  const total = sources.reduce((sum, source) => sum + droppedBy[source], 0);
  if (sources.length === 1) return `${count(total)} trace events were dropped ${WHERE[sources[0]]}`;
  const parts = sources.map((source) => `${count(droppedBy[source])} ${WHERE[source]}`);
  return `${count(total)} trace events were dropped: ${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}
