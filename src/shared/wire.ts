/**
 * Messages of the browser mode's WebSocket: JSON text frames, with every Uint8Array written as
 * `{"$b64": "…"}` and read back as bytes.
 */
import { base64MaxBytes, decodeBase64, decodeBase64Into, encodeBase64 } from './base64';
import type { EventBatch, MethodName } from './contract';
import type { CallId } from './envelope';
import type { Result } from './result';

/** A call as the page sends it; the server reads it with readCallText (./envelope). */
export interface CallMessage {
  id: CallId;
  method: MethodName;
  args: unknown;
}

export type ServerMessage =
  /** First frame on every connection: a new instance means the server restarted and its sessions are new. */
  | { kind: 'hello'; instance: string; version: string }
  /** `id` is left out when the call had none, or none that could be read. */
  | { kind: 'result'; id?: CallId; result: Result<unknown> }
  | { kind: 'events'; batch: EventBatch };

const BYTES_TAG = '$b64';

export function encodeWire(message: ServerMessage | CallMessage): string {
  return JSON.stringify(message, (_key, value: unknown) => (value instanceof Uint8Array ? { [BYTES_TAG]: encodeBase64(value) } : value));
}

function isBytesTag(value: unknown): value is { $b64: string } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === BYTES_TAG && typeof (value as { $b64: unknown }).$b64 === 'string';
}

/**
 * Small byte strings are cut from shared slabs rather than given a buffer each: a flood's
 * thousands of entries a second then cost the page one object each, not three, and the log
 * keeps them for long enough that every object counts for the garbage collector. A slab lives
 * as long as any entry cut from it, and a log lets go of its entries oldest first.
 */
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_PIECE = SLAB_BYTES / 16;
let slab = new Uint8Array(0);
let slabUsed = 0;

function bytesOf(tag: { $b64: string }): Uint8Array | undefined {
  const room = base64MaxBytes(tag.$b64);
  if (room > SLAB_MAX_PIECE) {
    const decoded = decodeBase64(tag.$b64);
    return decoded.ok ? decoded.bytes : undefined;
  }
  if (slab.length - slabUsed < room) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const read = decodeBase64Into(tag.$b64, slab, slabUsed);
  if (!read.ok) return undefined;
  const bytes = slab.subarray(slabUsed, slabUsed + read.length);
  slabUsed += read.length;
  return bytes;
}

/**
 * Parse a frame; bytes come back as Uint8Array. Throws a SyntaxError on malformed JSON, as
 * JSON.parse does, and on nesting too deep to walk.
 */
export function decodeWire(text: string): unknown {
  try {
    return JSON.parse(text, (_key, value: unknown) => (isBytesTag(value) ? (bytesOf(value) ?? value) : value));
  } catch (err) {
    // The reviver walks the value recursively: deep nesting overflows the stack.
    if (err instanceof RangeError) throw new SyntaxError(`The frame is nested too deeply to read: ${err.message}`);
    throw err;
  }
}
