/**
 * Samples CPU % and RSS of a run's live processes with pidusage while the run lives, as
 * `resource.sample` events on the run's clock.
 */
import pidusage from "pidusage";
import type { ResourceSampleEvent } from "../protocol/trace";

export class ResourceSampler {
  /** Live processes: display number → OS pid. */
  private readonly live = new Map<number, number>();
  private readonly timer: NodeJS.Timeout | null;
  private sampling = false;
  private disposed = false;
  private readonly maxage: number;

  constructor(
    intervalMs: number,
    /** Now, on the run's clock (ns). */
    private readonly now: () => number,
    private readonly emit: (samples: ResourceSampleEvent[]) => void,
  ) {
    this.timer = intervalMs > 0 ? setInterval(() => void this.sample(), intervalMs) : null;
    // pidusage keeps an open /proc file per pid; an age a few intervals long lets it close
    // them soon after a process is gone, instead of its default minute.
    this.maxage = Math.max(5000, 4 * intervalMs);
  }

  track(p: number, pid: number): void {
    this.live.set(p, pid);
  }

  untrack(p: number): void {
    this.live.delete(p);
  }

  private async sample(): Promise<void> {
    // A slow /proc read must not pile calls up.
    if (this.sampling || this.live.size === 0) return;
    this.sampling = true;
    const entries = [...this.live];
    const results = await Promise.allSettled(
      entries.map(([, pid]) => pidusage(pid, { maxage: this.maxage })),
    );
    this.sampling = false;
    if (this.disposed) return;
    const t = this.now();
    const samples: ResourceSampleEvent[] = [];
    results.forEach((result, index) => {
      const p = entries[index][0];
      // A process that exited between the list and the read has no sample; that is all.
      if (result.status !== "fulfilled" || !this.live.has(p)) return;
      samples.push({
        type: "resource.sample",
        t,
        p,
        cpu: Math.round(result.value.cpu * 10) / 10,
        rss: result.value.memory,
      });
    });
    if (samples.length > 0) this.emit(samples);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    this.live.clear();
  }
}
