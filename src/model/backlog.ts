/**
 * A count over time from the moments things entered and left (tasks submitted and started,
 * say), reduced to one figure per column of a chart: the most there were at once in that
 * column's slice of time, so that a short burst is never averaged away.
 *
 * The moments come from several processes and reach the model in arrival order, not time
 * order: they are sorted here, when a chart is drawn, not when they are recorded.
 */

export interface Backlog {
  /** The highest count in each column (length `columns`). */
  peaks: number[];
  /** The count at the end of each column. */
  ends: number[];
  /** The highest count of all. */
  most: number;
}

/**
 * `entered` / `left`: times (ns) of each +1 / −1. `from`–`to`: the time the chart spans.
 * What entered before `from` counts from the first column on.
 */
export function backlogColumns(
  entered: readonly number[],
  left: readonly number[],
  from: number,
  to: number,
  columns: number,
): Backlog {
  const peaks = new Array<number>(columns).fill(0);
  const ends = new Array<number>(columns).fill(0);
  if (columns < 1) return { peaks, ends, most: 0 };
  const ins = Float64Array.from(entered).sort();
  const outs = Float64Array.from(left).sort();
  const span = Math.max(1, to - from);
  const columnOf = (t: number): number =>
    Math.min(columns - 1, Math.max(0, Math.floor(((t - from) / span) * columns)));
  let count = 0;
  let most = 0;
  let column = 0;
  let i = 0;
  let o = 0;
  // Walk both lists in time order; at equal times the entering comes first, so that a task
  // leaving the moment it entered is not taken for one that left before it came.
  while (i < ins.length || o < outs.length) {
    const leaving = o < outs.length && (i >= ins.length || outs[o] < ins[i]);
    const t = leaving ? outs[o++] : ins[i++];
    const at = columnOf(t);
    for (; column < at; column++) ends[column] = count;
    count = Math.max(0, count + (leaving ? -1 : 1));
    if (count > peaks[at]) peaks[at] = count;
    if (count > most) most = count;
  }
  for (; column < columns; column++) {
    ends[column] = count;
    if (count > peaks[column]) peaks[column] = count;
  }
  // A column where nothing happened holds what the one before it ended with.
  for (let c = 1; c < columns; c++) if (ends[c - 1] > peaks[c]) peaks[c] = ends[c - 1];
  return { peaks, ends, most };
}
