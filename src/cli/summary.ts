/** The end-of-run summary the CLI prints: process tree, message flows, lock contention. */
import { RunModel, type ProcessRow } from "../model/run-model";
import { describeDropped } from "../model/dropped";
import stringWidth from "string-width";
import { printable, printableLines } from "../model/printable";
import { formatBytes, formatDuration, percentile } from "../model/stats";

/**
 * Columns are measured in terminal cells, not UTF-16 units: a name in Chinese or with an
 * emoji takes two cells a character, and a combining accent none.
 */
function table(headers: string[], untrustedRows: string[][]): string {
  const rows = untrustedRows.map((row) => row.map(printable));
  const widths = headers.map((header, i) =>
    Math.max(stringWidth(header), ...rows.map((row) => stringWidth(row[i]))),
  );
  const pad = (cell: string, width: number): string =>
    cell + " ".repeat(Math.max(0, width - stringWidth(cell)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i])))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}

function neverEnded(count: number): string {
  return `${count} wait${count === 1 ? "" : "s"} never ended (the waiter died waiting, or the run ended first)`;
}

/** A median and a maximum of sorted durations; "—" for both when there are none, not 0 ns. */
function medianAndMax(sorted: number[]): [string, string] {
  if (sorted.length === 0) return ["—", "—"];
  return [formatDuration(percentile(sorted, 0.5)), formatDuration(sorted[sorted.length - 1])];
}

function exitText(row: ProcessRow): string {
  const { exitCode: code, signal } = row;
  if (code === null) return "running";
  if (!signal) return String(code);
  // Said so when the program itself sent the signal: an ending on request, not a crash.
  return row.stoppedBy ? `${code} (${signal}, ${row.stoppedBy}())` : `${code} (${signal})`;
}

export function formatSummary(model: RunModel): string {
  const out: string[] = [];
  const end = model.endedAt ?? 0;

  out.push("Process tree");
  const processRows = model.tree().map(({ row, depth }) => {
    const start = row.startedAt ?? row.spawnedAt;
    const stop = row.exitedAt ?? end;
    const marks = [
      row.daemon ? "daemon" : "",
      row.role !== "process" && row.role !== "root" ? row.role : "",
    ]
      .filter(Boolean)
      .join(", ");
    return [
      `${"  ".repeat(depth)}${row.label}`,
      row.name + (marks ? ` [${marks}]` : ""),
      row.pid === null ? "?" : String(row.pid),
      row.parent === null ? "—" : `P${row.parent}`,
      exitText(row),
      start === null ? "?" : formatDuration(Math.max(0, stop - start)),
      `${row.sent}/${row.received}`,
    ];
  });
  out.push(table(["id", "name", "pid", "parent", "exit", "lifetime", "sent/recv"], processRows));

  out.push("", "Message flows");
  const flows = [...model.flows.values()].filter((flow) => flow.sends > 0 || flow.receives > 0);
  if (flows.length === 0) out.push("  (no messages)");
  else {
    out.push(
      table(
        ["object", "kind", "sends", "receives", "bytes", "left", "routes (sender→receiver: count)"],
        flows.map((flow) => [
          flow.name,
          flow.kind,
          String(flow.sends),
          String(flow.receives),
          formatBytes(flow.bytes),
          String(flow.pending),
          [...flow.routes].map(([route, count]) => `${route}: ${count}`).join(", ") || "—",
        ]),
      ),
    );
  }

  out.push("", "Lock contention");
  // Objects nobody ever acquired (a Value's unused lock, say) would only be noise here.
  const locks = model
    .lockSummaries()
    .filter((lock) => lock.acquisitions > 0 || lock.timeouts > 0 || lock.unendedWaits > 0);
  if (locks.length === 0) out.push("  (no locks)");
  else {
    out.push(
      table(
        [
          "object",
          "acquisitions",
          "contended",
          "timeouts",
          "total wait",
          "p50 wait",
          "max wait",
          "max hold",
          "held at end",
        ],
        locks.map((lock) => [
          lock.name,
          String(lock.acquisitions),
          `${lock.contendedPercent.toFixed(0)}%`,
          String(lock.timeouts),
          formatDuration(lock.totalWait),
          lock.acquisitions > 0 ? formatDuration(lock.p50Wait) : "—",
          formatDuration(lock.maxWait),
          formatDuration(lock.maxHold),
          lock.permits > 1
            ? `${lock.inUse}/${lock.permits} permits`
            : lock.inUse > 0
              ? "held"
              : "free",
        ]),
      ),
    );
    // A wait that never ended (a deadlock ended by --on-deadlock=kill, a waiter killed) is
    // no acquisition: said here, so the figures above do not read as an idle lock.
    for (const lock of locks.filter((row) => row.unendedWaits > 0)) {
      out.push(`  ${lock.name}: ${neverEnded(lock.unendedWaits)}, counted in total and max wait`);
    }
  }

  const signals = [...model.signals.values()].filter((row) => row.waits > 0 || row.signals > 0);
  if (signals.length > 0) {
    out.push("", "Events, conditions and barriers");
    out.push(
      table(
        [
          "object",
          "waits",
          "total wait",
          "max wait",
          "timeouts",
          "broken",
          "signals",
          "woken by (waker→woken: count)",
        ],
        signals.map((row) => [
          row.name,
          String(row.waits),
          formatDuration(row.totalWait),
          formatDuration(row.maxWait),
          String(row.timeouts),
          String(row.broken),
          String(row.signals),
          [...row.wakes].map(([route, count]) => `${route}: ${count}`).join(", ") || "—",
        ]),
      ),
    );
    for (const row of signals.filter((signal) => signal.unended > 0)) {
      out.push(`  ${row.name}: ${neverEnded(row.unended)}, counted in waits, total and max wait`);
    }
  }

  const pools = [...model.pools.values()];
  if (pools.length > 0) {
    out.push("", "Pools");
    out.push(
      table(
        ["pool", "workers", "tasks", "done", "failed", "p50 task", "max task", "callbacks"],
        pools.map((pool) => {
          const durations = [...pool.durations].sort((a, b) => a - b);
          return [
            pool.name,
            String(pool.workers),
            String(pool.submitted),
            String(pool.done),
            String(pool.failed),
            ...medianAndMax(durations),
            String(pool.callbacks),
          ];
        }),
      ),
    );
    for (const pool of pools) {
      for (const error of pool.errors) out.push(printable(`  ${pool.name} ${error}`));
    }
  }

  const managers = [...model.managers.values()];
  if (managers.length > 0) {
    out.push("", "Managers");
    out.push(
      table(
        ["manager", "calls", "failed", "p50 call", "max call", "calls by method"],
        managers.map((row) => {
          const durations = [...row.durations].sort((a, b) => a - b);
          return [
            `P${row.server}`,
            String(row.calls),
            String(row.failed),
            ...medianAndMax(durations),
            [...row.methods].map(([method, count]) => `${method}: ${count}`).join(", "),
          ];
        }),
      ),
    );
  }

  const warnings = [...model.warnings.map((w) => `P${w.p}: ${w.message}`)];
  const dropped = describeDropped(model.droppedBy);
  if (dropped) warnings.push(dropped);
  // Line by line, so that a warning of several lines (a deadlock) keeps its shape.
  const shown = warnings.map((w) => `  ! ${printableLines(w, "\n    ")}`);
  if (warnings.length > 0) out.push("", "Warnings", ...shown);
  return out.join("\n");
}
