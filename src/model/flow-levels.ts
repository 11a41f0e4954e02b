/**
 * How full each queue and pipe is: items in it now (sent and not yet received), the most
 * it ever held, and how fast items went in. The run model counts sends and receives; this
 * adds the levels over time that the queues view shows.
 */
import type { ObjectId, TraceEvent } from "../protocol/trace";

export interface FlowLevel {
  obj: ObjectId;
  depth: number;
  highWater: number;
  puts: number;
  gets: number;
  firstPutAt: number | null;
  lastPutAt: number | null;
}

export class FlowLevels {
  readonly levels = new Map<ObjectId, FlowLevel>();

  add(event: TraceEvent): void {
    if (event.type === "message.send") {
      const level = this.level(event.obj);
      level.puts++;
      level.depth++;
      level.highWater = Math.max(level.highWater, level.depth);
      level.firstPutAt ??= event.t;
      level.lastPutAt = event.t;
    } else if (event.type === "message.receive") {
      const level = this.level(event.obj);
      level.gets++;
      // A receive relayed before its send must not make the level negative.
      level.depth = Math.max(0, level.depth - 1);
    }
  }

  private level(obj: ObjectId): FlowLevel {
    let level = this.levels.get(obj);
    if (!level) {
      level = {
        obj,
        depth: 0,
        highWater: 0,
        puts: 0,
        gets: 0,
        firstPutAt: null,
        lastPutAt: null,
      };
      this.levels.set(obj, level);
    }
    return level;
  }
}

/**
 * Items put per second: the intervals between the first and the last put, over their
 * duration. Null with fewer than two puts, when there is no interval to measure.
 */
export function putRate(level: FlowLevel): number | null {
  if (level.firstPutAt === null || level.lastPutAt === null || level.puts < 2) return null;
  const span = level.lastPutAt - level.firstPutAt;
  if (span <= 0) return null;
  return ((level.puts - 1) * 1e9) / span;
}
