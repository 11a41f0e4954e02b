/**
 * CPU and memory of each process over time, from `resource.sample` events (the editor
 * samples them; a CLI run and an older trace have none, and then nothing is shown).
 * Only the latest samples are kept: they feed a sparkline, not an analysis.
 */
import type { ProcessNumber, TraceEvent } from "../protocol/trace";

export const sparklineLength = 60;

export interface ResourceSeries {
  times: number[];
  cpu: number[];
  rss: number[];
}

export class ResourceSamples {
  readonly series = new Map<ProcessNumber, ResourceSeries>();

  add(event: TraceEvent): void {
    if (event.type !== "resource.sample") return;
    let series = this.series.get(event.p);
    if (!series) {
      series = { times: [], cpu: [], rss: [] };
      this.series.set(event.p, series);
    }
    series.times.push(event.t);
    series.cpu.push(event.cpu);
    series.rss.push(event.rss);
    if (series.times.length > sparklineLength * 2) {
      // Trim in chunks so a long run does not shift the arrays at every sample.
      series.times.splice(0, sparklineLength);
      series.cpu.splice(0, sparklineLength);
      series.rss.splice(0, sparklineLength);
    }
  }

  /** The last `sparklineLength` samples of a process, or null without any. */
  latest(process: ProcessNumber): ResourceSeries | null {
    const series = this.series.get(process);
    if (!series || series.times.length === 0) return null;
    return {
      times: series.times.slice(-sparklineLength),
      cpu: series.cpu.slice(-sparklineLength),
      rss: series.rss.slice(-sparklineLength),
    };
  }
}
