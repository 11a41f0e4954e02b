/**
 * Peak memory of a run's processes, read from /proc while the run goes on: every process
 * carrying the run's test marker is looked at every 100 ms, and the kernel's own high-water
 * mark (`VmHWM`, the largest resident set the process ever had) is kept, so a peak between
 * two looks is not missed.
 */
import * as fs from "node:fs";
import { survivors } from "../integration/helpers";

export interface PeakMemory {
  pid: number;
  /** `cli`, `root`, `hub`, or the process's name (`procscope NAME` in its command line). */
  role: string;
  /** Largest resident set seen, in MiB. */
  peakMiB: number;
}

/** What a process of a run is, from its command line. */
function roleOf(pid: number): string | null {
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ").trim();
  } catch {
    return null;
  }
  if (cmdline.includes("bin/procscope.js")) return "cli";
  if (cmdline.includes("runtime/root.js")) return "root";
  if (cmdline.startsWith("procscope-hub")) return "hub";
  if (cmdline.startsWith("procscope ")) return cmdline.slice("procscope ".length);
  return null;
}

/** `VmHWM` of a live process in KiB, or null once it is gone. */
export function highWaterKiB(pid: number | "self"): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "latin1");
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export class PeakSampler {
  private readonly peaks = new Map<number, PeakMemory>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly mark: string) {
    this.timer = setInterval(() => this.sample(), 100);
  }

  private sample(): void {
    for (const pid of survivors(this.mark)) {
      const kib = highWaterKiB(pid);
      if (kib === null) continue;
      const known = this.peaks.get(pid);
      if (known) {
        known.peakMiB = Math.max(known.peakMiB, kib / 1024);
        continue;
      }
      const role = roleOf(pid);
      if (role) this.peaks.set(pid, { pid, role, peakMiB: kib / 1024 });
    }
  }

  /** Stops looking; the peaks seen, largest first. */
  stop(): PeakMemory[] {
    clearInterval(this.timer);
    return [...this.peaks.values()].sort((a, b) => b.peakMiB - a.peakMiB);
  }
}

/** "hub 157 MiB, cli 513 MiB, …" for the test's diagnostics and docs/reliability.md. */
export function formatPeaks(peaks: readonly PeakMemory[]): string {
  return peaks.map((peak) => `${peak.role} ${Math.round(peak.peakMiB)} MiB`).join(", ");
}
