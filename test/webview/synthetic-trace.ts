/** The synthetic big trace of the webview benchmarks, and the statistics they print. */

/**
 * Builds the trace inside the page (self-contained: it is sent there as source): a root
 * and 15 workers that take a shared lock, put into a queue the root reads, and release.
 * Returns it as `.pstrace` text, so that the measured load includes parsing a file.
 */
export function buildTraceText(total: number): string {
  const workers = 15;
  const lines: string[] = [JSON.stringify({ format: "pstrace", version: 1 })];
  const push = (event: object): void => {
    lines.push(JSON.stringify(event));
  };
  const loc = (line: number): string => `/home/user/app/worker.ts:${line}:5`;
  push({
    type: "run.start",
    t: 0,
    p: 1,
    version: 1,
    entry: "/home/user/app/main.ts",
    argv: [],
    cwd: "/home/user/app",
    node: "v20",
    wallClock: 0,
  });
  push({ type: "process.start", t: 1000, p: 1, pid: 1000, ppid: 1, name: "MainProcess" });
  push({ type: "object.create", t: 2000, p: 1, obj: "1.1", kind: "lock", loc: loc(3) });
  push({
    type: "object.create",
    t: 2000,
    p: 1,
    obj: "1.2",
    kind: "queue",
    maxsize: 0,
    loc: loc(4),
  });
  for (let w = 2; w <= workers + 1; w++) {
    push({
      type: "process.spawn",
      t: 3000 + w,
      p: 1,
      child: w,
      pid: 1000 + w,
      name: `Worker-${w - 1}`,
      target: "/home/user/app/worker.ts#work",
      daemon: false,
      role: w > 13 ? "pool-worker" : "process",
      loc: loc(8),
    });
    push({
      type: "process.start",
      t: 50_000 + w * 100,
      p: w,
      pid: 1000 + w,
      ppid: 1000,
      name: `Worker-${w - 1}`,
    });
  }
  const tail = 2 * workers + 2;
  const cycles = Math.floor((total - (lines.length - 1) - tail) / 5);
  const cycle = 20_000;
  const start = 100_000;
  for (let k = 0; k < cycles; k++) {
    const w = (k % workers) + 2;
    const t = start + k * cycle;
    const contended = k % 3 === 0;
    push({ t, p: w, type: "lock.request", obj: "1.1", loc: loc(12) });
    push({
      t: t + 6_000,
      p: w,
      type: "lock.acquired",
      obj: "1.1",
      wait: 6_000,
      heldBy: contended ? [((k + workers - 1) % workers) + 2] : [],
      loc: loc(12),
    });
    push({
      t: t + 14_000,
      p: w,
      type: "message.send",
      obj: "1.2",
      msg: `${w}:${k}`,
      size: 24,
      preview: `{ job: ${k} }`,
      loc: loc(14),
    });
    push({ t: t + 16_000, p: w, type: "lock.released", obj: "1.1", hold: 10_000, loc: loc(12) });
    push({
      t: t + 17_500,
      p: 1,
      type: "message.receive",
      obj: "1.2",
      msg: `${w}:${k}`,
      size: 24,
      wait: 9_000,
      loc: loc(20),
    });
  }
  const end = start + cycles * cycle + 10_000;
  // Output lines bring the count to exactly `total`.
  for (let i = lines.length - 1 + tail; i < total; i++) {
    push({
      t: end - 5_000 + (i % 1000),
      p: 1,
      type: "process.output",
      stream: "stdout",
      text: "done\n",
    });
  }
  for (let w = 2; w <= workers + 1; w++) {
    push({ type: "process.exit", t: end + w, p: w, exitCode: 0, signal: null, source: "parent" });
    push({
      t: end + 100 + w,
      p: 1,
      type: "process.join",
      childPid: 1000 + w,
      wait: 100,
      loc: loc(30),
    });
  }
  push({ type: "process.exit", t: end + 1000, p: 1, exitCode: 0, signal: null, source: "parent" });
  push({ type: "run.end", t: end + 1000, p: 1, exitCode: 0, signal: null });
  return lines.join("\n");
}

export function statistics(values: number[]): { median: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}
