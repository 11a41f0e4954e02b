/**
 * Length-prefixed frames over a stream socket.
 *
 * A frame is `[u32 length][u32 header length][header][body]`, where the header is a small
 * control object (JSON, or v8-serialized when JSON would not carry it exactly) and the body is opaque bytes (usually a batch of
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

/** The first byte of a v8-serialized header (its version tag); a JSON one starts with `{`. */
const V8_TAG = 0xff;

/**
 * Whether JSON carries `header` exactly: its values are strings, booleans, null, finite
 * numbers, or arrays of those (undefined ones are dropped, which readers cannot tell from
 * absent). Anything else (NaN, bigint, Buffer, Map, nested objects…) goes through v8.
 */
function jsonSafe(header: object): boolean {
  for (const key in header) {
    const value = (header as Record<string, unknown>)[key];
    if (value === null || value === undefined) continue;
    const type = typeof value;
    if (type === "string" || type === "boolean") continue;
    if (type === "number") {
      // JSON has no NaN, no infinities and no -0.
      if (!Number.isFinite(value) || Object.is(value, -0)) return false;
      continue;
    }
    if (!Array.isArray(value)) return false;
    for (const item of value as unknown[]) {
      const itemType = typeof item;
      if (itemType === "string") continue;
      if (itemType === "number" && Number.isFinite(item) && !Object.is(item, -0)) continue;
      return false;
    }
  }
  return true;
}

/**
 * Headers are small and on every hop, so their encoding is on the critical path of every
 * round trip: JSON costs a quarter of `v8.serialize` plus `v8.deserialize` for the flat
 * control objects most headers are; the rest keep v8's full fidelity.
 */
function encodeHeader(header: object): Buffer {
  return jsonSafe(header) ? Buffer.from(JSON.stringify(header)) : v8.serialize(header);
}

function decodeHeader(bytes: Buffer): FrameHeader {
  if (bytes.length > 0 && bytes[0] === V8_TAG) return v8.deserialize(bytes) as FrameHeader;
  return JSON.parse(bytes.toString("utf8")) as FrameHeader;
}

export function encodeFrame(header: object, body?: Buffer | null): Buffer[] {
  const head = encodeHeader(header);
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
      const header = decodeHeader(frame.subarray(8, 8 + headerLength));
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
