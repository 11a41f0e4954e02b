/**
 * What one reader holds of a channel: the items handed to it and not yet reported consumed
 * or given back, oldest first. The batches are kept as they were sent (undecoded) and only
 * read when the reader dies holding them, to name the messages lost with it.
 */
import * as v8 from "node:v8";
import type { Segment } from "./channels";

/** Items `first` (inclusive) to `end` (exclusive) of a batch are still held. */
interface HeldBatch {
  body: Buffer;
  first: number;
  end: number;
}

export class Lease {
  private readonly batches: HeldBatch[] = [];
  /** Items held. */
  count = 0;

  add(segment: Segment): void {
    this.batches.push({ body: segment.body, first: 0, end: segment.count });
    this.count += segment.count;
  }

  /** The reader took `count` items (its oldest) into the program. */
  consumed(count: number): void {
    let left = Math.min(count, this.count);
    this.count -= left;
    while (left > 0) {
      const head = this.batches[0];
      const taken = Math.min(left, head.end - head.first);
      head.first += taken;
      left -= taken;
      if (head.first === head.end) this.batches.shift();
    }
  }

  /** The reader gave back its `count` newest items. */
  returned(count: number): void {
    let left = Math.min(count, this.count);
    this.count -= left;
    while (left > 0) {
      const tail = this.batches[this.batches.length - 1];
      const given = Math.min(left, tail.end - tail.first);
      tail.end -= given;
      left -= given;
      if (tail.first === tail.end) this.batches.pop();
    }
  }

  /** Message ids (`sender:seq`) of the items held, oldest first. */
  messageIds(): string[] {
    const ids: string[] = [];
    for (const batch of this.batches) {
      const reader = new v8.DefaultDeserializer(batch.body);
      reader.readHeader();
      for (let i = 0; i < batch.end; i++) {
        const sender = reader.readUint32();
        const seq = reader.readUint32();
        reader.readUint32();
        reader.readValue();
        if (i >= batch.first) ids.push(`${sender}:${seq}`);
      }
    }
    return ids;
  }
}
