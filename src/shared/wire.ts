/**
 * Messages of the browser mode's WebSocket: JSON text frames, with every Uint8Array written as
 * `{"$b64": "…"}` and read back as bytes.
 */
import { base64MaxBytes, decodeBase64, decodeBase64Into, encodeBase64 } from './base64';
import type { EventBatch, MethodName } from './contract';
import type { Result } from './result';
import { clip, namedKeys } from './validate';

export interface CallMessage {
  id: number;
  method: MethodName;
  args: unknown;
}

export type ServerMessage =
  /** First frame on every connection: a new instance means the server restarted and its sessions are new. */
  | { kind: 'hello'; instance: string; version: string }
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'events'; batch: EventBatch };

const BYTES_TAG = '$b64';

export function encodeWire(message: ServerMessage | CallMessage): string {
  return JSON.stringify(message, (_key, value: unknown) =>
    value instanceof Uint8Array ? { [BYTES_TAG]: encodeBase64(value) } : value,
  );
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

const CALL_FIELDS: ReadonlySet<string> = new Set(['id', 'method', 'args']);
const CALL_SHAPE = 'a call is a JSON text frame {"id": whole number, "method": string, "args": object}';

export type CallRead =
  | { ok: true; call: { id: number; method: unknown; args: unknown } }
  /** `id` when the frame had a usable one, so the answer reaches the caller. */
  | { ok: false; id?: number; message: string };

/** A page's frame as a call, or what is wrong with it; never throws. The method and args are checked later, by dispatch. */
export function readCallFrame(text: string, binary = false): CallRead {
  if (binary) return { ok: false, message: `A binary frame is not a call: ${CALL_SHAPE}.` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `The frame is not JSON (${clip(err instanceof Error ? err.message : String(err))}): ${CALL_SHAPE}.` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: `The frame must be an object: ${CALL_SHAPE}.` };
  const { id, method, args } = value as { id?: unknown; method?: unknown; args?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { ok: false, message: `The call's "id" must be a whole number: ${CALL_SHAPE}.` };
  const extra = Object.keys(value).filter((key) => !CALL_FIELDS.has(key));
  if (extra.length > 0) return { ok: false, id, message: `The call has an unknown field ${namedKeys(extra)}: ${CALL_SHAPE}.` };
  return { ok: true, call: { id, method, args } };
}
