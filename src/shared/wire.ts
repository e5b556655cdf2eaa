/**
 * Messages of the browser mode's WebSocket: JSON text frames, with every Uint8Array written as
 * `{"$b64": "…"}` and read back as bytes.
 */
import { decodeBase64, encodeBase64 } from './base64';
import type { EventBatch, MethodName } from './contract';
import type { Result } from './result';

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

/** Parse a frame; bytes come back as Uint8Array. Throws on malformed JSON, like JSON.parse. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (!isBytesTag(value)) return value;
    const decoded = decodeBase64(value.$b64);
    return decoded.ok ? decoded.bytes : value;
  });
}
