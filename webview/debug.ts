/**
 * Numbers about what the panel drew, on `window.procscopePanel`: the webview tests assert
 * on them (arrows drawn, frames after a theme change) and the benchmark reads its timings
 * from them. Counts and timings only: no program data. No DOM types, so Node code can
 * import the shape.
 */

/** What one timeline frame drew. */
export interface FrameStats {
  lanes: number;
  running: number;
  blocked: number;
  lockWaits: number;
  lockHolds: number;
  /** Pool task bars (done and failed). */
  tasks: number;
  arrows: number;
  /** 1 when every message in view was drawn, N when one in N was. */
  arrowStride: number;
  spawns: number;
  /** Deadlock highlights: outlined waits of stuck processes, and waiter → holder arrows. */
  deadlockMarks: number;
  deadlockArrows: number;
  drawMs: number;
}

export interface PanelDebug {
  /** Timeline frames drawn so far. */
  frames: number;
  lastFrame: FrameStats | null;
  /** Milliseconds from the latest snapshot's arrival to its first drawn frame. */
  snapshotToFirstDrawMs: number | null;
  /** Of which folding the snapshot's events into the store took. */
  snapshotFoldMs: number | null;
  /** Durations of recent timeline draws, in ms (the last 600). */
  drawTimes: number[];
  /** Durations of recent whole renders (tree, tables, timeline), in ms. */
  renderTimes: number[];
  /** Durations of recent table refreshes (locks, queues, warnings), in ms. */
  tableTimes: number[];
  /** The theme the last frame was drawn with. */
  themeKind: string;
  themeBackground: string;
  /** Lock rows, signal rows, queue rows and warnings in the tables. */
  counts: {
    locks: number;
    signals: number;
    queues: number;
    /** Pool cards, and the bars of their duration histograms. */
    pools: number;
    poolBars: number;
    /** The peak of tasks waiting for a worker in the last pool's backlog chart. */
    poolMostWaiting: number;
    warnings: number;
    processes: number;
    events: number;
  };
  /** Where a time and a process's lane are on the timeline, in CSS pixels from its corner. */
  timeToX(t: number): number;
  laneMiddle(p: number): number;
}

export function pushBounded(list: number[], value: number, limit = 600): void {
  list.push(value);
  if (list.length > limit) list.splice(0, list.length - limit);
}
