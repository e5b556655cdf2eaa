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

/**
 * A batch as one binary frame, so that its bytes cross as bytes: neither side encodes or
 * decodes base64, and the page keeps the frame's buffer as the batch's one slab.
 *
 * A call that carries bytes (a file's chunks) goes the other way in the same layout, its JSON the
 * call envelope (./envelope).
 *
 *   offset 0   u8       frame version, 1
 *          1   u8 × 3   zero
 *          4   u32 LE   J: length of the JSON text
 *          8   u32 LE   V: number of byte views
 *         12   V × (u32 LE offset, u32 LE length) of each view, in the data section
 *    12 + 8V   J bytes  the batch (or call) as UTF-8 JSON, each Uint8Array written as {"$v": index}
 * 12 + 8V + J           the data section
 *
 * Views into one buffer that they cover whole (the engine packs a batch's data into exactly
 * such a buffer) send that buffer once, as the engine built it; any other view goes alone.
 */
export const BATCH_FRAME_VERSION = 1;
const FRAME_HEAD_BYTES = 12;
const VIEW_TAG = '$v';

interface ViewPlace {
  offset: number;
  length: number;
}

export const encodeBatchFrame = (batch: EventBatch): Uint8Array => encodeFrame(batch);
export const encodeCallFrame = (call: CallMessage): Uint8Array => encodeFrame(call);

/** Whether a call has bytes to carry, and so goes as a binary frame. */
export const carriesBytes = (args: unknown): boolean =>
  typeof args === 'object' && args !== null && Object.values(args).some((value) => value instanceof Uint8Array);

/** The message as the frame's JSON, each Uint8Array in it replaced by its index among `views`. */
function frameJson(message: unknown, views: Uint8Array[]): string {
  // The holder's own value, not the one handed in: a Node Buffer has already been through its toJSON.
  return JSON.stringify(message, function (this: Record<string, unknown>, key: string, value: unknown) {
    const own = this[key];
    if (!(own instanceof Uint8Array)) return value;
    views.push(own);
    return { [VIEW_TAG]: views.length - 1 };
  });
}

/**
 * An answer as the server sends it: JSON text, or, when its value carries bytes (a log's
 * history, a preview, held messages), a binary frame of the batch frame's layout whose JSON is
 * the result message, so the bytes cross once and unencoded, as a batch's do.
 */
export function encodeAnswer(message: Extract<ServerMessage, { kind: 'result' }>): string | Uint8Array {
  const views: Uint8Array[] = [];
  const json = frameJson(message, views);
  return views.length === 0 ? json : assembleFrame(json, views);
}

function encodeFrame(message: EventBatch | CallMessage): Uint8Array {
  const views: Uint8Array[] = [];
  return assembleFrame(frameJson(message, views), views);
}

function assembleFrame(json: string, views: readonly Uint8Array[]): Uint8Array {
  const covered = new Map<ArrayBufferLike, number>();
  for (const view of views) covered.set(view.buffer, (covered.get(view.buffer) ?? 0) + view.byteLength);
  const parts: Uint8Array[] = [];
  const whole = new Map<ArrayBufferLike, number>();
  const places: ViewPlace[] = [];
  let size = 0;
  for (const view of views) {
    const buffer = view.buffer;
    if (covered.get(buffer)! >= buffer.byteLength) {
      let start = whole.get(buffer);
      if (start === undefined) {
        start = size;
        whole.set(buffer, start);
        parts.push(new Uint8Array(buffer));
        size += buffer.byteLength;
      }
      places.push({ offset: start + view.byteOffset, length: view.byteLength });
    } else {
      places.push({ offset: size, length: view.byteLength });
      parts.push(view);
      size += view.byteLength;
    }
  }
  const text = new TextEncoder().encode(json);
  const headBytes = FRAME_HEAD_BYTES + 8 * places.length;
  const frame = new Uint8Array(headBytes + text.byteLength + size);
  const head = new DataView(frame.buffer);
  head.setUint8(0, BATCH_FRAME_VERSION);
  head.setUint32(4, text.byteLength, true);
  head.setUint32(8, places.length, true);
  places.forEach((place, i) => {
    head.setUint32(FRAME_HEAD_BYTES + 8 * i, place.offset, true);
    head.setUint32(FRAME_HEAD_BYTES + 8 * i + 4, place.length, true);
  });
  frame.set(text, headBytes);
  let at = headBytes + text.byteLength;
  for (const part of parts) {
    frame.set(part, at);
    at += part.byteLength;
  }
  return frame;
}

function isViewTag(value: unknown): value is { $v: number } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === VIEW_TAG && Number.isInteger((value as { $v: unknown }).$v);
}

/**
 * Read a batch frame: its bytes come back as views of one copy of the frame's data section.
 * The page keeps those bytes in its log; views of the frame itself would keep its head and JSON
 * too, about twice the bytes of 64-byte events. Throws a SyntaxError naming what is wrong with a
 * frame that is not one.
 */
export const decodeBatchFrame = (frame: Uint8Array): { kind: 'events'; batch: EventBatch } => ({
  kind: 'events',
  batch: decodeFrame(frame, 'batch') as EventBatch,
});

/** Read a call frame into the value the envelope reader takes; throws a SyntaxError as decodeBatchFrame does. */
export const decodeCallFrame = (frame: Uint8Array): unknown => decodeFrame(frame, 'call');

function decodeFrame(frame: Uint8Array, what: 'batch' | 'call'): unknown {
  const bad = (why: string) => new SyntaxError(`Not a ${what} frame: ${why}.`);
  if (frame.byteLength < FRAME_HEAD_BYTES) throw bad(`${frame.byteLength} bytes, shorter than its ${FRAME_HEAD_BYTES}-byte head`);
  const head = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const version = head.getUint8(0);
  if (version !== BATCH_FRAME_VERSION) throw bad(`version ${version}, where this page reads ${BATCH_FRAME_VERSION}`);
  const textBytes = head.getUint32(4, true);
  const count = head.getUint32(8, true);
  const textStart = FRAME_HEAD_BYTES + 8 * count;
  const dataStart = textStart + textBytes;
  if (dataStart > frame.byteLength) throw bad(`its head promises ${dataStart} bytes and it has ${frame.byteLength}`);
  const dataBytes = frame.byteLength - dataStart;
  // A call's bytes are sent on and let go: they stay views of the frame.
  const data = what === 'batch' ? frame.slice(dataStart) : frame.subarray(dataStart);
  const views: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const offset = head.getUint32(FRAME_HEAD_BYTES + 8 * i, true);
    const length = head.getUint32(FRAME_HEAD_BYTES + 8 * i + 4, true);
    if (offset + length > dataBytes) throw bad(`view ${i} ends past the ${dataBytes}-byte data section`);
    views.push(data.subarray(offset, offset + length));
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(textStart, dataStart));
  } catch {
    throw bad('its JSON is not UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text, (_key, value: unknown) => {
      if (!isViewTag(value)) return value;
      const view = views[value.$v];
      if (!view) throw bad(`view ${value.$v} is not in its table of ${count}`);
      return view;
    });
  } catch (err) {
    if (err instanceof RangeError) throw new SyntaxError(`The frame is nested too deeply to read: ${err.message}`);
    throw err;
  }
  return value;
}

/** A server frame as it came: text is JSON (hello, result), binary a batch frame or an answer that carries bytes. */
export function decodeServerFrame(data: string | Uint8Array): unknown {
  if (typeof data === 'string') return decodeWire(data);
  const value = decodeFrame(data, 'batch');
  // A batch has no `kind`; an answer is the result message itself.
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'result') return value;
  return { kind: 'events', batch: value as EventBatch };
}
