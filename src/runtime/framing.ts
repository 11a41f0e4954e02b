/**
 * Length-prefixed frames over a stream socket.
 *
 * A frame is `[u32 length][u32 header length][header][body]`, where the header is a small
 * v8-serialized control object and the body is opaque bytes (usually a batch of
 * v8-serialized messages). The hub reads headers and forwards bodies untouched.
 */
import * as v8 from "node:v8";

export interface Frame<H = FrameHeader> {
  header: H;
  body: Buffer | null;
}

/** Every control header is a plain object tagged with `type`. */
export interface FrameHeader {
  type: string;
  [key: string]: unknown;
}

/** Frames larger than this are refused (a corrupted or hostile length prefix). */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

export function encodeFrame(header: object, body?: Buffer | null): Buffer[] {
  const head = v8.serialize(header);
  const bodyLength = body ? body.length : 0;
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32LE(4 + head.length + bodyLength, 0);
  prefix.writeUInt32LE(head.length, 4);
  return body && bodyLength > 0 ? [prefix, head, body] : [prefix, head];
}

/** Accumulates socket chunks and yields whole frames. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The largest frame accepted; lowered while a peer has not proved itself (handshake.ts). */
  maxFrameBytes = MAX_FRAME_BYTES;

  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readUInt32LE(0);
      if (length < 4 || length > this.maxFrameBytes) {
        throw new Error(`corrupt frame: length ${length} is out of range`);
      }
      if (this.buffered < 4 + length) return;
      const frame = this.take(4 + length);
      const headerLength = frame.readUInt32LE(4);
      if (headerLength > length - 4) {
        throw new Error(`corrupt frame: header length ${headerLength} exceeds frame`);
      }
      const header = v8.deserialize(frame.subarray(8, 8 + headerLength)) as FrameHeader;
      const body = frame.length > 8 + headerLength ? frame.subarray(8 + headerLength) : null;
      onFrame({ header, body });
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
